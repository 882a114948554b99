"""diff.json as the tests read it: parsed and validated against the packaged JSON Schema."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator

from ddlcompare.output.json import json_schema


@cache
def validator() -> Draft202012Validator:
    schema = json.loads(json_schema())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def validated(text: str) -> Any:
    """`text` parsed as JSON, after checking that it is a diff.json document as its schema says
    (every error listed, with the path to the offending value)."""
    doc = json.loads(text)
    errors = sorted(validator().iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
    assert not errors, "diff.json does not match its schema:\n" + "\n".join(
        f"  {'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message[:300]}" for e in errors[:10]
    )
    return doc
