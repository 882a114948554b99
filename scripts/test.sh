#!/usr/bin/env bash
# Set everything up (venv, the real tools the tests judge with, servers) and run the whole test suite with the lint and type checks.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/tools.sh
bash scripts/servers.sh
.venv/bin/ruff check .
.venv/bin/mypy
.venv/bin/pytest -n 2 -q "$@"
