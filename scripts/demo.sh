#!/usr/bin/env bash
# Set everything up and run ddlcompare on the bundled example pair.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p out/example
set +e
.venv/bin/ddlcompare fixtures/example/old.sql fixtures/example/new.sql --output-dir out/example
code=$?
set -e
echo "---- out/example/migration_forward.sql (exit code $code: 0 same, 1 differences, 2 error)"
cat out/example/migration_forward.sql
echo "---- also written: out/example/migration_rollback.sql, schema_diff_report.md, diff.json"
[ "$code" -le 1 ]
