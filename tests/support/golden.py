"""Golden files: compared by default, rewritten with `pytest --update-golden` (then review the diff)."""

from __future__ import annotations

from pathlib import Path

import pytest


class Golden:
    def __init__(self, update: bool) -> None:
        self.update = update

    def check(self, path: Path, actual: str) -> None:
        if self.update:
            if not path.is_file() or path.read_text(encoding="utf-8") != actual:
                path.write_text(actual, encoding="utf-8")
            return
        if not path.is_file():
            pytest.fail(f"{path} is missing: run pytest --update-golden and review it")
        expected = path.read_text(encoding="utf-8")
        assert actual == expected, f"{path} differs (run pytest --update-golden and review the diff)"
