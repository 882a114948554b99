"""Every corpus MySQL file parses without a traceback; every corpus MySQL schema without a warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from ddlcompare.dialects import LoadOptions, get
from ddlcompare.errors import DdlError
from tests.support import corpus

pytestmark = [pytest.mark.corpus, pytest.mark.skipif(not corpus.available(), reason="corpus absent")]

SIDES = corpus.sides("mysql")
SCHEMAS = corpus.schemas("mysql")


@pytest.mark.parametrize("side", SIDES, ids=[s[0] for s in SIDES])
def test_corpus_file_parses(side: tuple[str, Path]) -> None:
    """A parse either succeeds or stops with a DdlError at file:line:col (invalid input)."""
    path = side[1]
    try:
        get("mysql").parse(path.read_text(), str(path), LoadOptions())
    except DdlError as e:
        assert e.pos is not None and e.pos.path == str(path), str(e)


@pytest.mark.parametrize("schema", SCHEMAS, ids=[s.id for s in SCHEMAS])
def test_corpus_schema_parses_without_warnings(schema: corpus.SchemaFile) -> None:
    parsed = get("mysql").parse(schema.path.read_text(), str(schema.path), LoadOptions())
    assert not parsed.warnings, "\n".join(str(w) for w in parsed.warnings)
