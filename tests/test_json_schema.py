"""The published JSON Schema of diff.json (ddlcompare/output/diff.schema.json): valid draft 2020-12,
printed by `ddlcompare json-schema`, strict, in step with the code's enums, and every fixture's
diff.json (both dialects, with and without --online) matches it."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from ddlcompare import plan_between
from ddlcompare.output.json import FORMAT_VERSION, json_schema, render_json
from ddlcompare.plan.hazards import HazardCode, Severity
from tests.support.cli import run
from tests.support.diffjson import validated, validator
from tests.support.golden import case_options, load_case_side

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CASES = sorted(
    p for d in ("postgres", "mysql") for p in (FIXTURES / d).iterdir() if (p / "new.sql").is_file()
)


def test_schema_is_draft_2020_12_and_printed_by_the_command() -> None:
    schema = json.loads(json_schema())
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)
    r = run("json-schema")
    assert r.code == 0 and r.stdout == json_schema() and not r.stderr, r.stderr


def test_schema_enums_are_the_codes() -> None:
    """The enums are the code's contract: a new hazard code or severity needs the schema too."""
    defs = json.loads(json_schema())["$defs"]
    assert defs["hazard_code"]["enum"] == [c.value for c in HazardCode]
    assert defs["severity"]["enum"] == [str(s) for s in sorted(Severity, reverse=True)]
    assert json.loads(json_schema())["properties"]["format_version"]["const"] == FORMAT_VERSION


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.parent.name}/{c.name}")
def test_fixture_diff_json_matches_the_schema(case: Path) -> None:
    """Each fixture's diff.json, planned with its options, with --online and without."""
    dialect = case.parent.name
    opts = case_options(case)
    old, new = load_case_side(case / "old.sql", dialect), load_case_side(case / "new.sql", dialect)
    for online in (False, True):
        plan_options = dataclasses.replace(opts.plan, online=online)
        plan = plan_between(old, new, opts.target, plan_options, renames=opts.renames)
        doc = validated(render_json(plan))
        assert doc["dialect"] == dialect and len(doc["steps"]) == len(plan.steps)


def test_schema_is_strict() -> None:
    """Closed objects refuse an unknown field; codes and severities outside the enums are refused;
    a required field cannot be left out."""
    doc = validated(run(str(FIXTURES / "example" / "old.sql"), str(FIXTURES / "example" / "new.sql"),
                        "-q", "-f", "json").stdout)  # fmt: skip
    step = next(s for s in doc["steps"] if s["hazards"])

    def refused(mutate) -> bool:  # type: ignore[no-untyped-def]
        bad = json.loads(json.dumps(doc))
        mutate(bad)
        return not validator().is_valid(bad)

    assert refused(lambda d: d.update(extra=1))
    assert refused(lambda d: d["summary"].update(extra=1))
    assert refused(lambda d: d["steps"][doc["steps"].index(step)]["hazards"][0].update(code="oops"))
    assert refused(lambda d: d["steps"][doc["steps"].index(step)].update(severity="danger"))
    assert refused(lambda d: d["steps"][0].pop("forward"))
    assert refused(lambda d: d["changes"][0].update(operation="replace"))
    assert refused(lambda d: d.update(format_version=1))


def test_warnings_and_renames_match_the_schema(tmp_path: Path) -> None:
    """The branches fixtures rarely reach: a statement kept opaque (a warning with its file and
    line), a table renamed with --rename."""
    old, new = tmp_path / "old.sql", tmp_path / "new.sql"
    old.write_text("CREATE TABLE t (a int);\n", encoding="utf-8")
    new.write_text(
        "CREATE TABLE t (a int);\nCREATE SERVER s FOREIGN DATA WRAPPER mysql OPTIONS (HOST 'x');\n",
        encoding="utf-8",
    )
    doc = validated(run(str(old), str(new), "-q", "-d", "mysql", "-f", "json").stdout)
    assert [(w["file"], w["line"]) for w in doc["warnings"]] == [(str(new), 2)]
    new.write_text("CREATE TABLE u (a int);\n", encoding="utf-8")
    renamed = run(str(old), str(new), "-q", "-d", "mysql", "-f", "json", "--rename", "table:t=u")
    doc = validated(renamed.stdout)
    assert [c["old_key"] for c in doc["changes"] if c["operation"] == "rename"] == ["table:t"]
