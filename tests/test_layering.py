"""The core (model, diff, plan, output) never imports a parser."""

import subprocess
import sys


def test_core_imports_no_parser() -> None:
    code = (
        "import sys, ddlcompare.model.base, ddlcompare.model.objects, ddlcompare.diff.compare, "
        "ddlcompare.plan.plan, ddlcompare.output.sql, ddlcompare.output.markdown, ddlcompare.output.json, "
        "ddlcompare.output.dot; "
        "print(sorted(m for m in ('pglast', 'sqlglot', 'lark') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
