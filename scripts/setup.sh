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
