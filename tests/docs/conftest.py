"""The docs tests' summary: how many python blocks of the docs run, and which do not."""

from __future__ import annotations

from pathlib import Path

import pytest
from docblocks import parse

DOCS = Path(__file__).resolve().parents[2] / "docs"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    reports = [r for rs in terminalreporter.stats.values() for r in rs]
    if not any("test_pages.py" in getattr(r, "nodeid", "") for r in reports):
        return
    pages = [parse(path) for path in sorted(DOCS.glob("*.md"))]
    blocks = [b for p in pages for b in p.python]
    not_run = [b for b in blocks if b.directive == "not-run"]
    files = [b for b in blocks if b.title is not None]
    terminalreporter.write_sep("-", "docs code blocks")
    terminalreporter.write_line(
        f"{len(blocks)} python blocks on {sum(1 for p in pages if p.python)} pages: "
        f"{len(blocks) - len(not_run) - len(files)} run in order, {len(files)} written as files, "
        f"{len(not_run)} marked not-run"
    )
    for block in not_run:
        terminalreporter.write_line(f"  not run: docs/{block.page}:{block.line}: {block.reason}")
