#!/usr/bin/env bash
# Start the local PostgreSQL 15 and MariaDB servers if they are down, and wait until they answer.
set -uo pipefail
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    echo "starting PostgreSQL" >&2
    pg_ctlcluster --skip-systemctl-redirect 15 main start || true
fi
if ! mariadb-admin --socket=/run/mysqld/mysqld.sock ping >/dev/null 2>&1; then
    echo "starting MariaDB" >&2
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd || true
fi
for _ in $(seq 1 60); do
    if pg_isready -q -h 127.0.0.1 -p 5432 && mariadb-admin --socket=/run/mysqld/mysqld.sock ping >/dev/null 2>&1; then
        exit 0
    fi
    sleep 1
done
echo "servers did not come up" >&2
exit 1
