"""Renames that keep data (issue 9 item 4): --rename, annotations, suggestions and their errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import run
from tests.support.diffjson import validated

OLD = "CREATE TABLE staff (id integer PRIMARY KEY, name text NOT NULL, picture text);\n"
NEW = "CREATE TABLE employee (id integer PRIMARY KEY, name text NOT NULL, photo text);\n"
TABLE = "--rename=table:public.staff=employee"
COLUMN = "--rename=column:public.staff.picture=photo"


def _sides(tmp_path: Path, old: str, new: str) -> tuple[str, str]:
    (tmp_path / "old.sql").write_text(old, encoding="utf-8")
    (tmp_path / "new.sql").write_text(new, encoding="utf-8")
    return str(tmp_path / "old.sql"), str(tmp_path / "new.sql")


def test_rename_forward_and_rollback(tmp_path: Path) -> None:
    """Renames run as ALTER ... RENAME, reversed in the rollback; nothing is dropped."""
    old, new = _sides(tmp_path, OLD, NEW)
    fwd = run(old, new, TABLE, COLUMN, "-q")
    back = run(old, new, TABLE, COLUMN, "-q", "-f", "rollback")
    assert fwd.code == 1 and not fwd.crash
    assert "ALTER TABLE IF EXISTS public.staff RENAME TO employee;" in fwd.stdout
    assert "ALTER TABLE public.employee RENAME COLUMN picture TO photo;" in fwd.stdout
    assert "DROP" not in fwd.stdout
    assert back.stdout.index("RENAME COLUMN photo TO picture") < back.stdout.index("RENAME TO staff")


def test_annotations_same_as_options(tmp_path: Path) -> None:
    annotated = (
        "-- ddlcompare:renamed-from staff\n"
        "CREATE TABLE employee (\n  id integer PRIMARY KEY,\n  name text NOT NULL,\n"
        "  -- ddlcompare:renamed-from picture\n  photo text\n);\n"
    )
    old, new = _sides(tmp_path, OLD, annotated)
    by_note = run(old, new, "-q").stdout
    (tmp_path / "plain.sql").write_text(NEW, encoding="utf-8")
    assert by_note == run(old, str(tmp_path / "plain.sql"), TABLE, COLUMN, "-q").stdout.replace(
        "plain.sql", "new.sql"
    )


def test_stale_annotation_is_ignored(tmp_path: Path) -> None:
    """An annotation left from an earlier migration (the old side has the new name) does nothing."""
    noted = NEW.replace("CREATE", "-- ddlcompare:renamed-from staff\nCREATE")
    old, new = _sides(tmp_path, NEW, noted)
    r = run(old, new, "-q")
    assert r.code == 0, r.stderr


def test_suggestion_only(tmp_path: Path) -> None:
    """Without a hint the pair is suggested with its option, and still dropped + added."""
    old, new = _sides(tmp_path, OLD, OLD.replace("picture", "photo"))
    md = run(old, new, "-q", "-f", "markdown").stdout
    assert "`--rename column:public.staff.picture=photo`" in md
    doc = validated(run(old, new, "-q", "-f", "json").stdout)
    assert doc["rename_suggestions"][0]["option"] == "--rename column:public.staff.picture=photo"
    assert "RENAME" not in run(old, new, "-q").stdout


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("table:public.stafff=employee", "the old side has no table public.stafff"),
        ("table:public.staff=nothere", "the new side has no table public.nothere"),
        ("column:public.staff.picture=name", "public.staff already has a column named name"),
        ("column:public.staff.nope=x", "the old side has no column public.staff.nope"),
        ("garbage", "expected KIND:OLD=NEW"),
    ],
)
def test_bad_rename_is_an_error(tmp_path: Path, option: str, message: str) -> None:
    old, new = _sides(tmp_path, OLD, NEW)
    r = run(old, new, f"--rename={option}", "-q")
    assert r.code == 2 and not r.crash
    assert r.stderr.startswith("error: ") and message in r.stderr


def test_taken_name_is_an_error(tmp_path: Path) -> None:
    old, new = _sides(tmp_path, OLD + "CREATE TABLE employee (id integer);\n", NEW)
    r = run(old, new, TABLE, "-q")
    assert r.code == 2 and "already has a table named employee" in r.stderr


def test_bad_annotation_is_positioned(tmp_path: Path) -> None:
    old, new = _sides(tmp_path, OLD, "-- ddlcompare:renamed-from ghost\n" + NEW)
    r = run(old, new, "-q")
    assert r.code == 2 and not r.crash
    assert r.stderr.startswith(f"{new}:1:1: error: renamed-from ghost: the old side has no table")


def test_mysql_cannot_rename_a_foreign_key(tmp_path: Path) -> None:
    old, new = _sides(
        tmp_path, "CREATE TABLE `t` (`id` int) ENGINE=InnoDB;\n", "CREATE TABLE `t` (`id` int);\n"
    )
    r = run(old, new, "--rename=foreign_key:t.fk=fk2", "-q", "-d", "mysql")
    assert r.code == 2 and "mysql cannot rename a foreign key in place" in r.stderr
