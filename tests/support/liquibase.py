"""Real Liquibase (4.28, from the npm registry's `liquibase` package, installed by scripts/tools.sh
into .tools/liquibase) applying ddlcompare's changelogs to the live servers.

Liquibase's command line starts a JVM (seconds); `Batch` keeps one JVM per test process and runs
Liquibase's own command-line class (`LiquibaseCommandLine.execute`, what the `liquibase` script
runs) for each command it is given (tests/support/LiquibaseBatch.java).

The round trip (tests/support/tool_roundtrip.py): `liquibase update` of the changelog, then
`liquibase rollback-count` of every changeset. Liquibase's own tables go to the schema (PostgreSQL)
or database (MariaDB) the harness sets aside, left out of the comparison.
"""

from __future__ import annotations

import atexit
import os
import re
import subprocess
import tempfile
import threading
from pathlib import Path

from ddlcompare.dialects import get
from ddlcompare.output.liquibase import render_liquibase_sql, render_liquibase_xml
from ddlcompare.plan.plan import Plan
from tests.support.servers import PG_HOST, PG_PORT, PG_USER
from tests.support.tool_roundtrip import Databases, Outcome, tool_roundtrip

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


def changelog(plan: Plan, fmt: str) -> str:
    """The plan's changelog in `fmt` (liquibase-sql or liquibase-xml), destructive statements in."""
    render = render_liquibase_xml if fmt == "liquibase-xml" else render_liquibase_sql
    return render(plan, get(plan.dialect).STYLE, allow_destructive=True)


def changeset_count(text: str) -> int:
    return text.count("\n--changeset ") + text.count("<changeSet ")


def roundtrip(plan: Plan, old_sql: str, new_sql: str, fmt: str, setup_sql: str = "") -> Outcome:
    """`liquibase update` of the plan's changelog (then equal to new), `rollback-count` of every
    changeset (then equal to old)."""
    text = changelog(plan, fmt)
    name = "changelog.xml" if fmt == "liquibase-xml" else "changelog.sql"
    with tempfile.TemporaryDirectory(prefix="ddlc-lb-") as tmp:
        folder = Path(tmp)
        (folder / name).write_text(text, encoding="utf-8")

        def run(db: Databases, *command: str) -> str | None:
            if db.dialect == "postgres":
                jdbc, user = f"jdbc:postgresql://{PG_HOST}:{PG_PORT}/{db.migrated}", PG_USER
                where = f"--liquibase-schema-name={db.meta}"
            else:
                jdbc, user = f"jdbc:mariadb://127.0.0.1:3306/{db.migrated}", "root"
                where = f"--liquibase-catalog-name={db.meta}"
            code, out = batch().run(
                "--show-banner=false",
                "--log-level=severe",
                f"--search-path={folder}",
                f"--changelog-file={name}",
                f"--url={jdbc}",
                f"--username={user}",
                "--password=",
                where,
                *command,
            )
            return None if code == 0 else out[-3000:]

        count = changeset_count(text)
        return tool_roundtrip(
            plan.dialect,
            old_sql,
            new_sql,
            setup_sql,
            text,
            ("update", lambda db: run(db, "update")),
            ("rollback-count", lambda db: run(db, "rollback-count", f"--count={count}")),
        )
