"""docs/api.md: no Sphinx markup rendered literally; the fixtures and the CLI are in it."""

from __future__ import annotations

import argparse
import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from docstring_markup import leftovers

ROOT = Path(__file__).resolve().parents[2]
API = ROOT / "docs" / "api.md"
MARKUP = re.compile(r":(?:func|meth|class|mod|data|attr|exc|obj|const):`|::|```")
#: files whose docstrings the lead is editing (issue 14): their markup is converted last
PENDING = sorted((ROOT / "sqlalchemy_tridb" / "graph").rglob("*.py"))


def _pending() -> list[str]:
    return [line for path in PENDING for line in leftovers(path)]


@pytest.fixture(scope="module")
def api_text(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The rendered API page's text outside code (mkdocs build, not strict here)."""
    pytest.importorskip("mkdocs")
    site = tmp_path_factory.mktemp("site")
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(site)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    page = (site / "api" / "index.html").read_text()
    main = page[page.index('<article class="md-content__inner') :]
    main = re.sub(r"<(pre|code)\b.*?</\1>", " ", main, flags=re.S)  # code may hold ::
    return html.unescape(re.sub(r"<[^>]+>", " ", main))


def test_no_literal_sphinx_markup(api_text: str) -> None:
    found = [api_text[max(0, m.start() - 60) : m.end() + 40] for m in MARKUP.finditer(api_text)]
    if found and _pending():
        pytest.xfail(
            f"{len(_pending())} docstring lines of sqlalchemy_tridb/graph/ still hold Sphinx "
            "roles or '::' (the lead is editing those files; convert them with "
            "`python tests/docs/docstring_markup.py --write FILE...`)"
        )
    assert not found, "\n---\n".join(found)


def test_no_sphinx_markup_in_library_docstrings() -> None:
    """Outside the files still pending, docstrings use Markdown (what mkdocstrings renders)."""
    files = sorted((ROOT / "sqlalchemy_tridb").rglob("*.py")) + sorted(
        (ROOT / "alembic_ext").rglob("*.py")
    )
    found = [line for path in files if path not in PENDING for line in leftovers(path)]
    assert not found, "\n".join(found)


def test_every_cli_command_is_in_the_api_page() -> None:
    from sqlalchemy_tridb.cli.main import build_parser

    text = API.read_text()
    parser = build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    missing = []
    for name, command in sub.choices.items():
        actions = [a for a in command._actions if a.dest == "action" and a.choices]
        words = [f"{name} {choice}" for a in actions for choice in a.choices or ()] or [name]
        missing += [w for w in words if f"`tridb {w}`" not in text]
    assert not missing, f"docs/api.md's table of the tridb command lacks rows for {missing}"


def test_every_fixture_is_in_the_api_page() -> None:
    from sqlalchemy_tridb.testing import plugin

    fixtures = [
        name
        for name, obj in vars(plugin).items()
        if name.startswith("tridb_")
        and (
            type(obj).__name__ == "FixtureFunctionDefinition"
            or hasattr(obj, "_pytestfixturefunction")
        )
    ]
    assert len(fixtures) >= 6
    text = API.read_text()
    missing = [name for name in fixtures if f"| `{name}` |" not in text]
    assert not missing, f"docs/api.md's table of fixtures lacks {missing}"
