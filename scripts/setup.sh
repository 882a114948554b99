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
.venv/bin/python -c "import ddlcompare, pglast, sqlglot, lark, typer, jsonschema" >/dev/null
# The package is installed in editable mode, so pip compiles none of it; with
# PYTHONDONTWRITEBYTECODE set, every run would compile the whole package again (0.1 s a run).
.venv/bin/python -m compileall -q ddlcompare >/dev/null

# Graphviz `dot` (the --output-dir SVG and the tests that render every fixture's graph): the one on
# PATH when there is one; else Debian's packages unpacked into .tools/graphviz (no system folder
# touched) behind the wrapper .tools/bin/dot; else, as a last resort, installed with apt-get.
# The tests find it through DDLCOMPARE_DOT (tests/conftest.py), ddlcompare on PATH.
if ! command -v dot >/dev/null 2>&1 && [ ! -x .tools/bin/dot ]; then
    bash scripts/graphviz.sh || {
        echo "setup: could not unpack graphviz locally; installing it with apt-get" >&2
        apt-get install -y --no-install-recommends graphviz >/dev/null 2>&1 ||
            echo "setup: no Graphviz dot: no dependency_graph.svg, graph tests skipped (failed under CI)" >&2
    }
fi
