#!/usr/bin/env bash
# The real tools the test suite judges ddlcompare's outputs with, into .tools/ (gitignored):
# Liquibase 4.28 from the npm registry (the whole distribution, with PostgreSQL and MariaDB JDBC drivers;
# it runs on the machine's Java). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
LB=.tools/liquibase
if [ ! -f "$LB/node_modules/liquibase/dist/liquibase/internal/lib/liquibase-core.jar" ]; then
    mkdir -p "$LB"
    npm install --silent --no-audit --no-fund --prefix "$LB" liquibase@4.28.1 >/dev/null
fi
