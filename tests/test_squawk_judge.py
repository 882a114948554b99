"""squawk as an independent judge of the PostgreSQL hazards (offline: no database).

The forward script (destructive statements included) of every golden fixture fixtures/postgres/*/
and of every corpus PostgreSQL pair is planned for PostgreSQL 15 and linted by squawk (its default
rules, `--pg-version 15`, one run for all scripts: tests/support/squawk.py). Each violation is put on
the statement its line falls in; it is matched when that statement carries one of the hazards ACCEPT
gives for the rule. STYLE rules are counted but not judged (each says why it is no hazard).

Every unmatched violation fails unless tests/known_failures/postgres_squawk.txt lists it as
`<rule> <case id> <statement excerpt>`; the list is strict: a listed line that no longer occurs
fails too. `python -m tests.support.squawk` prints the counts per rule.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ddlcompare.plan.hazards import HazardCode
from tests.support import corpus, squawk
from tests.support.squawk import Case, Finding

# rule -> (hazard codes that agree with it, why). An empty set: the script itself is wrong (it would
# not run as written), which no hazard excuses.
_RULES: dict[str, tuple[frozenset[str], str]] = {
    "adding-field-with-default": (
        frozenset({"table_rewrite"}),
        "ADD COLUMN with a volatile default or a STORED generated expression rewrites the table",
    ),
    "adding-foreign-key-constraint": (
        frozenset({"blocks_writes", "validation_scan"}),
        "a validated FOREIGN KEY scans the table under SHARE ROW EXCLUSIVE (writes blocked)",
    ),
    "adding-not-nullable-field": (
        frozenset({"validation_scan", "exclusive_lock"}),
        "SET NOT NULL scans every row under ACCESS EXCLUSIVE",
    ),
    "adding-required-field": (
        frozenset({"may_fail_on_data"}),
        "ADD COLUMN ... NOT NULL without a default fails on a table that has rows",
    ),
    "adding-serial-primary-key-field": (
        frozenset({"exclusive_lock"}),
        "ADD PRIMARY KEY without USING INDEX builds the index under ACCESS EXCLUSIVE",
    ),
    "ban-alter-identity": (
        frozenset({"breaks_clients"}),
        "adding/changing an identity (ALWAYS) rejects the explicit ids clients insert",
    ),
    "ban-alter-domain-with-add-constraint": (
        frozenset({"validation_scan", "may_fail_on_data"}),
        "ALTER DOMAIN ADD CONSTRAINT checks every column of the domain and fails on a violating value",
    ),
    "ban-drop-column": (frozenset({"data_loss", "breaks_clients"}), "the column's data goes; queries break"),
    "ban-drop-database": (frozenset({"data_loss"}), "everything in it goes"),
    "ban-drop-default": (
        frozenset({"breaks_clients"}),
        "inserts that leave the column out get NULL (or fail on NOT NULL) instead of the default",
    ),
    "ban-drop-domain": (frozenset({"breaks_clients"}), "casts and declarations naming the domain break"),
    "ban-drop-extension": (frozenset({"breaks_clients"}), "its functions and types disappear for clients"),
    "ban-drop-function": (frozenset({"breaks_clients"}), "callers of the function/aggregate break"),
    "ban-drop-generated-expression": (
        frozenset({"breaks_clients"}),
        "the column stops being computed: readers get stale values, writers must now fill it",
    ),
    "ban-drop-not-null": (frozenset({"breaks_clients"}), "readers that assume no NULL may now get one"),
    "ban-drop-constraint": (
        frozenset({"breaks_clients"}),
        "a guarantee clients rely on goes (ON CONFLICT naming a dropped UNIQUE key fails)",
    ),
    "ban-drop-schema": (frozenset({"breaks_clients", "data_loss"}), "what the schema holds goes"),
    "ban-drop-sequence": (
        frozenset({"breaks_clients", "data_loss"}),
        "nextval callers break; the value goes",
    ),
    "ban-drop-table": (frozenset({"data_loss", "breaks_clients"}), "the rows go; queries break"),
    "ban-drop-type": (frozenset({"breaks_clients"}), "casts and declarations naming the type break"),
    "ban-drop-view": (frozenset({"breaks_clients"}), "queries of the view break"),
    "ban-set-schema": (frozenset({"breaks_clients"}), "qualified names clients use stop resolving"),
    "ban-truncate-cascade": (frozenset({"data_loss"}), "rows of every referencing table go"),
    "changing-column-type": (
        frozenset({"table_rewrite", "exclusive_lock", "dependents_rebuilt", "breaks_clients"}),
        "ALTER COLUMN TYPE rewrites the table (unless binary coercible) and rebuilds its indexes",
    ),
    "constraint-missing-not-valid": (
        frozenset({"validation_scan", "exclusive_lock", "blocks_writes"}),
        "ADD CONSTRAINT without NOT VALID (or VALIDATE in the adding transaction) checks every row while "
        "writes are blocked; for UNIQUE/EXCLUDE (which have no NOT VALID) the index build's lock says it",
    ),
    "disallowed-unique-constraint": (
        frozenset({"exclusive_lock"}),
        "ADD UNIQUE without USING INDEX builds the index under ACCESS EXCLUSIVE",
    ),
    "renaming-column": (frozenset({"breaks_clients"}), "queries naming the old column break"),
    "renaming-table": (frozenset({"breaks_clients"}), "queries naming the old table break"),
    "renaming-object": (frozenset({"breaks_clients"}), "clients naming the old name break"),
    "require-concurrent-index-creation": (
        frozenset({"blocks_writes"}),
        "CREATE INDEX without CONCURRENTLY holds SHARE: writes wait for the whole build",
    ),
    "require-concurrent-index-deletion": (
        frozenset({"exclusive_lock"}),
        "DROP INDEX without CONCURRENTLY takes ACCESS EXCLUSIVE on the table",
    ),
    "require-concurrent-partition-detach": (
        frozenset({"exclusive_lock"}),
        "DETACH PARTITION without CONCURRENTLY takes ACCESS EXCLUSIVE on the parent",
    ),
    "require-concurrent-reindex": (
        frozenset({"exclusive_lock", "blocks_writes"}),
        "REINDEX without CONCURRENTLY blocks writes (and reads through the index)",
    ),
    "syntax-error": (frozenset(), "squawk cannot parse the statement: check it is valid PostgreSQL"),
    "transaction-nesting": (frozenset(), "a BEGIN inside the script's own transaction"),
    "ban-concurrent-index-creation-in-transaction": (
        frozenset(),
        "CONCURRENTLY fails inside a transaction block: it belongs in the non-transactional section",
    ),
    "ban-uncommitted-transaction": (frozenset(), "a BEGIN without its COMMIT"),
    "identifier-too-long": (frozenset(), "PostgreSQL truncates the name to 63 bytes: not the name planned"),
}
ACCEPT: dict[str, frozenset[str]] = {rule: codes for rule, (codes, _) in _RULES.items()}

# Rules about style or policy, not about what the statement does to a database with data and traffic.
STYLE: dict[str, str] = {
    "require-lock-timeout": (
        "a script setting, not a statement's hazard: issue 9 will add SET lock_timeout to the script "
        "preamble; until then squawk reports it once per script (at the first lock it sees)"
    ),
    "require-statement-timeout": "as require-lock-timeout: issue 9 adds the statement_timeout setting",
    "require-timeout-settings": "the deprecated alias of the two rules above (issue 9)",
    "prefer-bigint-over-int": "a type choice of the schema, which ddlcompare reproduces as written",
    "prefer-bigint-over-smallint": "a type choice of the schema, which ddlcompare reproduces as written",
    "prefer-identity": "a type choice (serial vs identity) of the schema, reproduced as written",
    "prefer-text-field": (
        "advice for the next migration (varchar lengths change under ACCESS EXCLUSIVE); a type change "
        "of this one is judged by changing-column-type on the same statement"
    ),
    "prefer-timestamp-tz": "a type choice of the schema, reproduced as written",
    "ban-char-field": "a type choice of the schema, reproduced as written",
    "prefer-robust-stmts": "re-runnability (IF NOT EXISTS): the script runs once in a transaction",
    "require-table-schema": "ddlcompare always qualifies names",
    "require-enum-value-ordering": "where a label goes is the schema's choice, rendered as written",
    "ban-create-domain-with-constraint": (
        "advice for later migrations of the domain; creating a new domain touches no row"
    ),
}

_CODES = {c.value for c in HazardCode}


def _params() -> list[object]:
    out: list[object] = []
    for c in squawk.cases():
        marks = [pytest.mark.corpus] if c.id.startswith("pairs/") else []
        out.append(pytest.param(c, id=c.id, marks=marks))
    return out


def _unmatched(findings: tuple[Finding, ...]) -> dict[str, Finding]:
    """The judged findings no hazard of their statement agrees with, by known-list key."""
    out: dict[str, Finding] = {}
    for f in findings:
        rule = f.violation.rule
        if rule in STYLE:
            continue
        if rule not in ACCEPT:
            pytest.fail(f"squawk rule {rule!r} is in neither ACCEPT nor STYLE: classify it ({f.key})")
        if f.statement is None or not f.statement.hazards & ACCEPT[rule]:
            out[f.key] = f
    return out


def _codes(f: Finding) -> str:
    return ", ".join(sorted(f.statement.hazards)) or "none" if f.statement else "no statement"


def _known_for(case_id: str) -> set[str]:
    return {k for k in squawk.read_known() if k.split(" ", 2)[1:2] == [case_id]}


@pytest.mark.parametrize("case", _params())
def test_squawk_violations_have_hazards(case: Case) -> None:
    """Every squawk violation of the case's forward script is matched by a hazard of its statement,
    or listed in postgres_squawk.txt; every line listed for the case still occurs."""
    j = squawk.judged()
    if case.id in j.rejected:
        pytest.skip(f"ddlcompare rejects a side: {j.rejected[case.id]}")
    unmatched = _unmatched(j.findings[case.id])
    known = _known_for(case.id)
    new = [
        f"{k}\n    squawk: {f.violation.message}\n    hazards: {_codes(f)}"
        for k, f in unmatched.items()
        if k not in known
    ]
    squawk.fail_against_known(
        new,
        sorted(known - unmatched.keys()),
        unlisted="unmatched squawk violations (add a hazard, or list them in postgres_squawk.txt):",
        listed_in="postgres_squawk.txt",
    )


def test_rule_tables() -> None:
    """ACCEPT and STYLE do not overlap, name real hazard codes and give a reason for every rule."""
    assert not ACCEPT.keys() & STYLE.keys()
    for rule, (codes, reason) in _RULES.items():
        assert codes <= _CODES, rule
        assert reason, rule
    assert all(STYLE.values())


def test_known_list_is_well_formed() -> None:
    """Each listed line names a judged rule and a case this suite runs (corpus cases when present)."""
    ids = {c.id for c in squawk.cases()}
    for k in sorted(squawk.read_known()):
        parts = k.split(" ", 2)
        assert len(parts) == 3, f"expected `<rule> <case id> <excerpt>`: {k}"
        rule, case_id, _ = parts
        assert rule in ACCEPT, f"{rule} is not a judged rule: {k}"
        if case_id.startswith("pairs/") and not corpus.available():
            continue
        assert case_id in ids, f"no such case: {k}"


def test_judge_sees_a_hazard(tmp_path: Path) -> None:
    """The pipeline itself: a NOT NULL column without default and a plain index on a table with rows
    are flagged by squawk on their own statements, and matched by ddlcompare's hazards."""
    d = tmp_path
    (d / "old.sql").write_text("CREATE TABLE t (a integer);\n", encoding="utf-8")
    (d / "new.sql").write_text(
        "CREATE TABLE t (a integer, b text NOT NULL);\nCREATE INDEX t_a ON t (a);\n", encoding="utf-8"
    )
    r = squawk.render(Case("probe", d / "old.sql", d / "new.sql"))
    found = squawk.lint({"probe": r.script})["probe"]
    by_rule = {v.rule: r.at(v.line) for v in found}
    add, index = by_rule.get("adding-required-field"), by_rule.get("require-concurrent-index-creation")
    assert add is not None and "ADD COLUMN b" in add.sql and "may_fail_on_data" in add.hazards, found
    assert index is not None and index.sql.startswith("CREATE INDEX") and "blocks_writes" in index.hazards


def test_tally(record_property: Callable[[str, object], None]) -> None:
    """Counts per rule (recorded as the `squawk_tally` property): every violation is matched,
    unmatched or style, and squawk found violations at all (it runs)."""
    j = squawk.judged()
    findings = [f for fs in j.findings.values() for f in fs]
    t = squawk.tally(findings, ACCEPT, STYLE)
    record_property("squawk_tally", squawk.table(t))
    assert sum(t.violations.values()) == len(findings) > 0
    assert t.violations == t.matched + t.unmatched + t.style
