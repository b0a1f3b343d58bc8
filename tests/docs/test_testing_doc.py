"""docs/testing.md's files leave the server out under ``-m "not db"``, as the page says.

That they pass is checked by ``test_pages.py``, which runs pytest on them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from docblocks import parse

ROOT = Path(__file__).resolve().parents[2]


def test_testing_doc_files_are_all_db_tests(pytester: pytest.Pytester) -> None:
    files = {b.title: b.code for b in parse(ROOT / "docs" / "testing.md").files}
    assert {"conftest.py", "myapp/models.py", "test_shop.py", "test_vectors.py"} <= files.keys()
    for name, code in files.items():
        assert name is not None
        path = pytester.path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(code)
    pytester.syspathinsert()
    tests = sum(
        code.count("\ndef test_") + code.count("\nasync def test_") for code in files.values()
    )
    assert tests >= 3
    plain = ("-p", "no:cacheprovider", "-p", "no:hypothesispytest")  # see test_pytest_plugin
    # every one of them needs the server, so the db marker leaves them all out
    result = pytester.runpytest("-m", "not db", *plain)
    result.assert_outcomes(deselected=tests)
