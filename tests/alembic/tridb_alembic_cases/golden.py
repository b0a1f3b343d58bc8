"""Golden files: expected texts checked into ``tests/alembic/golden/``, compared exactly.

Run the tests with ``TRIDB_UPDATE_GOLDEN=1`` to (re)write the files from what
the code produces now, then review the diff (``git diff tests/alembic/golden``)
before committing it.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
UPDATE = "TRIDB_UPDATE_GOLDEN"


def assert_golden(name: str, actual: str) -> None:
    """*actual* plus a final newline equals the file ``golden/<name>``, byte for byte."""
    path = GOLDEN / name
    text = actual + "\n"
    if os.environ.get(UPDATE) == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode())
    if not path.exists():
        raise AssertionError(f"{path} is missing: run the test with {UPDATE}=1 to write it")
    expected = path.read_bytes().decode()
    if text != expected:
        diff = difflib.unified_diff(
            expected.splitlines(keepends=True), text.splitlines(keepends=True), str(path), "actual"
        )
        raise AssertionError(
            f"{path} differs from what the code renders now (if the change is intended, "
            f"rerun with {UPDATE}=1 and review the diff):\n{''.join(diff)}"
        )
