#!/usr/bin/env bash
# Create .venv (if missing) and install ddlcompare with its test tools. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip >/dev/null 2>&1 || true
.venv/bin/python -m pip install --quiet -e '.[test]' 2>&1 | grep -v -E "^WARNING: Location|^$" || true
.venv/bin/python -c "import ddlcompare, pglast, sqlglot, lark, typer" >/dev/null
# The package is installed in editable mode, so pip compiles none of it; with
# PYTHONDONTWRITEBYTECODE set, every run would compile the whole package again (0.1 s a run).
.venv/bin/python -m compileall -q ddlcompare >/dev/null
