"""Real Liquibase (4.28, from the npm registry's `liquibase` package, installed by scripts/tools.sh
into .tools/liquibase) applying ddlcompare's changelogs to the live servers.

Liquibase's command line starts a JVM (seconds); `Batch` keeps one JVM per test process and runs
Liquibase's own command-line class (`LiquibaseCommandLine.execute`, what the `liquibase` script
runs) for each command it is given (tests/support/LiquibaseBatch.java).

The round trip: old loaded into a database, `liquibase update` of the changelog (the database then
reads back equal to new), `liquibase rollback-count` of every changeset (equal to old again).
Liquibase's own tables go to a schema (PostgreSQL) or database (MariaDB) of their own, left out of
the comparison.
"""

from __future__ import annotations

import atexit
import os
import re
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from ddlcompare.dialects import LoadOptions, get
from ddlcompare.diff.compare import diff
from ddlcompare.model.base import Schema
from ddlcompare.output.liquibase import render_liquibase_sql, render_liquibase_xml
from ddlcompare.plan.plan import Plan
from tests.support import mydb, pgdb
from tests.support.roundtrip_mysql import describe, inspect, scratch
from tests.support.servers import PG_HOST, PG_PORT, PG_USER

ROOT = Path(__file__).resolve().parents[2]
HOME = ROOT / ".tools" / "liquibase" / "node_modules" / "liquibase" / "dist" / "liquibase"
BATCH_SOURCE = Path(__file__).with_name("LiquibaseBatch.java")
META = "lbmeta"  # PostgreSQL: the schema of Liquibase's tables
_EXIT = re.compile(r"^@@ddlcompare-exit (-?\d+)$")


def available() -> bool:
    """Liquibase installed (scripts/tools.sh) and a Java runtime on PATH."""
    return (HOME / "internal" / "lib" / "liquibase-core.jar").is_file() and _java() is not None


def _java() -> str | None:
    for d in os.environ.get("PATH", "").split(os.pathsep):
        if os.access(os.path.join(d, "java"), os.X_OK):
            return os.path.join(d, "java")
    return None


class Batch:
    """One JVM running Liquibase command lines sent one per line (tab-separated arguments)."""

    def __init__(self) -> None:
        java = _java()
        assert java is not None
        env = {**os.environ, "LIQUIBASE_HOME": str(HOME)}
        classpath = str(HOME / "internal" / "lib" / "*")
        self._proc = subprocess.Popen(
            [java, "-cp", classpath, str(BATCH_SOURCE)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            env=env,
        )
        self._lock = threading.Lock()
        atexit.register(self.close)

    def run(self, *args: str) -> tuple[int, str]:
        """Liquibase's exit code and everything it printed."""
        assert self._proc.stdin is not None and self._proc.stdout is not None
        assert all("\t" not in a and "\n" not in a for a in args)
        with self._lock:
            self._proc.stdin.write("\t".join(args) + "\n")
            self._proc.stdin.flush()
            lines = []
            for line in self._proc.stdout:
                m = _EXIT.match(line.rstrip("\n"))
                if m:
                    return int(m.group(1)), "".join(lines)
                lines.append(line)
        raise RuntimeError("the Liquibase JVM ended:\n" + "".join(lines[-50:]))

    def close(self) -> None:
        if self._proc.poll() is None:
            assert self._proc.stdin is not None
            self._proc.stdin.close()
            try:
                self._proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._proc.kill()


_batch: Batch | None = None


def batch() -> Batch:
    """The test process's Liquibase JVM, started on first use."""
    global _batch
    if _batch is None:
        _batch = Batch()
    return _batch


@dataclass(frozen=True)
class Outcome:
    """Where the Liquibase round trip stopped: "ok", or load old|load new|update|update result|..."""

    stage: str
    detail: str = ""
    changelog: str = ""

    @property
    def ok(self) -> bool:
        return self.stage == "ok"


def changelog(plan: Plan, fmt: str) -> str:
    """The plan's changelog in `fmt` (liquibase-sql or liquibase-xml), destructive statements in."""
    render = render_liquibase_xml if fmt == "liquibase-xml" else render_liquibase_sql
    return render(plan, get(plan.dialect).STYLE, allow_destructive=True)


def changeset_count(text: str) -> int:
    return text.count("\n--changeset ") + text.count("<changeSet ")


def _without(schema: Schema, drop: str) -> Schema:
    """`schema` without the objects of schema `drop` (Liquibase's tables)."""
    objects = {k: o for k, o in schema.objects.items() if k.schema != drop and k.name != drop}
    return Schema(schema.dialect, objects)


def _liquibase(url: str, user: str, folder: Path, name: str, *extra: str) -> tuple[int, str]:
    return batch().run(
        "--show-banner=false",
        "--log-level=severe",
        f"--search-path={folder}",
        f"--changelog-file={name}",
        f"--url={url}",
        f"--username={user}",
        "--password=",
        *extra,
    )


@contextmanager
def _folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="ddlc-lb-") as tmp:
        yield Path(tmp)


def _loads(a: str, b: str, c: str, old_sql: str, new_sql: str) -> tuple[tuple[str, str, str], ...]:
    """What goes into the three databases: old (migrated), new and old (the references)."""
    return ((a, old_sql, "load old"), (b, new_sql, "load new"), (c, old_sql, "load old"))


def roundtrip(plan: Plan, old_sql: str, new_sql: str, fmt: str, setup_sql: str = "") -> Outcome:
    """Apply the plan's changelog with Liquibase to a database holding old (then equal to new), roll
    every changeset back (then equal to old). `setup_sql` goes into every database first."""
    text = changelog(plan, fmt)
    count = changeset_count(text)
    name = "changelog.xml" if fmt == "liquibase-xml" else "changelog.sql"
    with ExitStack() as stack:
        folder = stack.enter_context(_folder())
        (folder / name).write_text(text, encoding="utf-8")
        if plan.dialect == "postgres":
            a, b, c = (stack.enter_context(pgdb.fresh_db("ddlc_lb")) for _ in range(3))
            for db, sql, stage in _loads(a, b, c, old_sql, new_sql):
                try:
                    if setup_sql:
                        pgdb.load(db, setup_sql)
                    pgdb.load(db, sql)
                except pgdb.LoadError as e:
                    return Outcome(stage, str(e), text)
            pgdb.psql(a, f"CREATE SCHEMA {META};")
            jdbc = f"jdbc:postgresql://{PG_HOST}:{PG_PORT}/{a}"
            args: tuple[str, ...] = (f"--liquibase-schema-name={META}",)
            user, meta = PG_USER, META
            d = get("postgres")

            def read(db: str) -> Schema:
                return d.inspect(pgdb.url(db), LoadOptions())

        else:
            a, b, c, m = (stack.enter_context(scratch()) for _ in range(4))
            for db, sql, stage in _loads(a, b, c, old_sql, new_sql):
                err = (mydb.load(db, setup_sql) if setup_sql else None) or mydb.load(db, sql)
                if err is not None:
                    return Outcome(stage, err, text)
            jdbc = f"jdbc:mariadb://127.0.0.1:3306/{a}"
            args, user, meta = (f"--liquibase-catalog-name={m}",), "root", m
            d = get("mysql")

            def read(db: str) -> Schema:
                # without definers: a view or routine created without DEFINER= belongs to the account
                # that ran it, root@127.0.0.1 over JDBC and root@localhost for the client loading new
                return inspect(db, definers=False)

        new_live, old_live = read(b), read(c)
        for command, expected, stage in (
            (("update",), new_live, "update"),
            (("rollback-count", f"--count={count}"), old_live, "rollback-count"),
        ):
            code, out = _liquibase(jdbc, user, folder, name, *args, *command)
            if code != 0:
                return Outcome(stage, out[-3000:], text)
            changes = diff(_without(read(a), meta), expected, column_order=d.COLUMN_ORDER)
            if changes:
                return Outcome(f"{stage} result", describe(tuple(changes)), text)
    return Outcome("ok", "", text)
