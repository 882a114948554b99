"""Graphviz's dot for the tests: the one ddlcompare would run (DDLCOMPARE_DOT, else PATH)."""

from __future__ import annotations

import os
import subprocess

import pytest

from ddlcompare.output.dot import find_dot


def dot_program() -> str:
    """The `dot` to run; a test needing it is skipped when there is none, and fails under CI."""
    found = find_dot()
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Graphviz's dot is missing: run scripts/setup.sh")
        pytest.skip("Graphviz's dot is not installed (scripts/setup.sh provides it)")
    return found


def render(dot_text: str, fmt: str = "svg") -> subprocess.CompletedProcess[bytes]:
    """`dot -T<fmt>` of `dot_text`: exit code, output and warnings."""
    return subprocess.run(
        [dot_program(), f"-T{fmt}"], input=dot_text.encode(), capture_output=True, check=False, timeout=120
    )
