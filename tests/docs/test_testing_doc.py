"""The code blocks of docs/testing.md, as the files they say they are, pass under pytest."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_testing_doc_blocks_pass(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, tridb_server_url: str
) -> None:
    text = (ROOT / "docs" / "testing.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    files: dict[str, str] = {}
    for block in blocks:
        first = block.partition("\n")[0]
        says = re.fullmatch(r"# ([\w/]+\.py)", first)
        assert says, f"a block of docs/testing.md does not say which file it is: {first!r}"
        files[says[1]] = block
    assert {"conftest.py", "myapp/models.py", "test_shop.py"} <= files.keys()
    for name, code in files.items():
        path = pytester.path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(code)
    (pytester.path / "myapp" / "__init__.py").write_text("")
    pytester.syspathinsert()
    monkeypatch.setenv("TRIDB_DATABASE_URL", tridb_server_url)
    tests = sum(code.count("\ndef test_") for code in files.values())
    assert tests >= 3
    plain = ("-p", "no:cacheprovider", "-p", "no:hypothesispytest")  # see test_pytest_plugin
    result = pytester.runpytest(*plain)
    result.assert_outcomes(passed=tests)
    # every one of them needs the server, so the db marker leaves them all out
    result = pytester.runpytest("-m", "not db", *plain)
    result.assert_outcomes(deselected=tests)
