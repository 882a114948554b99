"""Hand-written vs dumped (MySQL/MariaDB): a file and `mariadb-dump` of the database it builds parse to
the same model.

Every corpus MySQL side that loads on MariaDB 10.11 (meta `loads_mariadb`) and ddlcompare's own rich
fixtures (tests/live/data/mysql_*.sql) are loaded into a fresh database, dumped with
`--no-data --routines --triggers --events`, and both texts are parsed and diffed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ddlcompare.dialects import LoadOptions, get
from ddlcompare.diff.changes import Alter
from ddlcompare.diff.compare import diff
from ddlcompare.errors import DdlError
from tests.support import corpus, mydb
from tests.support.servers import require_mariadb

pytestmark = [pytest.mark.live_mysql]

DATA = Path(__file__).parent / "data"
FIXTURES = sorted(DATA.glob("mysql_*.sql"))


def _corpus_sides() -> list[tuple[str, Path]]:
    out: list[tuple[str, Path]] = []
    for p in corpus.pairs("mysql"):
        info = p.meta.get("loads_mariadb") or {}
        for side in ("old", "new"):
            if info.get(side):
                out.append((f"{p.id}/{side}", p.path / f"{side}.sql"))
    out += [(s.id, s.path) for s in corpus.schemas("mysql") if s.loads()]
    return out


CORPUS_SIDES = _corpus_sides()


def _describe(changes: tuple[object, ...]) -> str:
    lines = []
    for c in changes:
        if isinstance(c, Alter):
            lines.append(f"alter {getattr(c.new, 'key', c.new.name)}: {'; '.join(c.reasons)}")
            lines += [f"    {ch.reasons if isinstance(ch, Alter) else ch}" for ch in c.children]
        else:
            lines.append(repr(c))
    return "\n".join(lines)


def check_file_equals_dump(text: str, name: str) -> None:
    """Load `text`, dump it, parse both: no difference (and no parser warning on the dump)."""
    require_mariadb()
    with mydb.fresh_database() as db:
        err = mydb.load(db, text)
        assert err is None, f"{name} does not load: {err}"
        proc = mydb.dump(db)
        assert proc.returncode == 0, proc.stderr
    d = get("mysql")
    parsed = d.parse(text, name, LoadOptions())
    dumped = d.parse(proc.stdout, "mariadb-dump.sql", LoadOptions())
    assert not dumped.warnings, "\n".join(str(w) for w in dumped.warnings)
    changes = diff(parsed, dumped, column_order=d.COLUMN_ORDER)
    assert not changes, f"parsed file (old) vs parsed dump (new):\n{_describe(changes)}"


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_fixture_equals_its_dump(fixture: Path) -> None:
    check_file_equals_dump(fixture.read_text(), fixture.name)


@pytest.mark.corpus
@pytest.mark.skipif(not corpus.available(), reason="corpus absent")
@pytest.mark.parametrize("side", CORPUS_SIDES, ids=[s[0] for s in CORPUS_SIDES])
def test_corpus_side_equals_its_dump(side: tuple[str, Path]) -> None:
    check_file_equals_dump(side[1].read_text(), side[1].name)


def test_dump_with_owners_keeps_definers() -> None:
    """DEFINER is compared only with --owners: then a view's owner is the dump's definer."""
    require_mariadb()
    with mydb.fresh_database() as db:
        assert mydb.load(db, "CREATE TABLE t (a int); CREATE VIEW v AS SELECT a FROM t;") is None
        dumped = mydb.dump(db).stdout
    d = get("mysql")
    plain = d.parse(dumped, "dump.sql", LoadOptions())
    owned = d.parse(dumped, "dump.sql", LoadOptions(owners=True))
    assert all(o.owner is None for o in plain)
    view = next(o for o in owned if o.key.kind == "view")
    assert view.owner is not None and "@" in view.owner


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_fixture_parses_without_warnings(fixture: Path) -> None:
    """Offline companion: the fixtures hold only modelled DDL."""
    schema = get("mysql").parse(fixture.read_text(), fixture.name, LoadOptions())
    assert not schema.warnings, "\n".join(str(w) for w in schema.warnings)


def test_strict_fixture_parse() -> None:
    """--strict accepts the fixtures (nothing opaque in them)."""
    for fixture in FIXTURES:
        try:
            get("mysql").parse(fixture.read_text(), fixture.name, LoadOptions(strict=True))
        except DdlError as e:  # pragma: no cover - the assertion message is the point
            pytest.fail(str(e))
