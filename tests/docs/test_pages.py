"""Every ```python block of every docs page runs as written, in order, within its page.

Each page is one program, run in a fresh subprocess against a fresh clone of the
test template (``tridb_url``); a page that says it continues another (the
quickstart) runs that page's blocks first.  What a page shows as output
(``<!-- output -->`` text blocks) is what its blocks print.  The comments that
steer this are described in ``docblocks.py``; blocks marked ``not-run`` are
counted in the terminal summary and must say why.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from docblocks import Page, parse, program

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
RUNNER = Path(__file__).with_name("run_blocks.py")

#: pages that do not run yet, and why (non-strict: they show as XPASS once they do)
XFAIL: dict[str, str] = {}
#: not-run blocks allowed over all pages: keep them rare
MAX_NOT_RUN = 4


def pages() -> list[Page]:
    return [p for p in (parse(path) for path in sorted(DOCS.glob("*.md"))) if p.python]


def _param(page: Page) -> object:
    marks: list[pytest.MarkDecorator] = []
    if page.name in XFAIL:
        marks.append(pytest.mark.xfail(reason=XFAIL[page.name], strict=False))
    base = parse(DOCS / page.continues) if page.continues else None
    code = "".join(b.code for b in page.python + (base.python if base else []))
    if "Embedding(" in code:  # the real all-MiniLM-L6-v2 model
        marks.append(pytest.mark.slow)
    return pytest.param(page.name, marks=marks, id=page.name)


@pytest.fixture
def workdir(tmp_path: Path) -> Iterator[Path]:
    """The page's working directory; a server a page made there is stopped afterwards."""
    yield tmp_path
    home = tmp_path / ".tridb"
    if (home / "server.json").exists():  # server.md starts one of its own
        subprocess.run(
            [sys.executable, "-m", "sqlalchemy_tridb.cli.main", "server", "stop", "--home", home],
            cwd=tmp_path,
            capture_output=True,
            timeout=120,
        )


@pytest.mark.parametrize("name", [_param(p) for p in pages()])
def test_page_runs(name: str, tridb_url: str, tridb_server_url: str, workdir: Path) -> None:
    tmp_path = workdir
    page = parse(DOCS / name)
    base = parse(DOCS / page.continues) if page.continues else None
    for block in page.files + (base.files if base else []):
        assert block.title is not None
        path = tmp_path / block.title
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(block.code)
    steps = program(page, base)
    spec = [
        {"expect": s.expect}
        if s.expect is not None
        else {"file": str(DOCS / s.block.page), "line": s.block.line, "code": s.block.code}
        for s in steps
    ]
    (tmp_path / "steps.json").write_text(json.dumps(spec))
    env = {
        **os.environ,
        "TRIDB_DATABASE_URL": tridb_url,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")])),
    }
    done = subprocess.run(
        [sys.executable, str(RUNNER), "steps.json", "results.json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    results_file = tmp_path / "results.json"
    assert results_file.exists(), done.stderr
    results = json.loads(results_file.read_text())
    if results["error"] is not None and "ServerUnavailableError" in results["error"]:
        pytest.skip(f"docs/{name} needs a local server, and none can be had here")
    if results["error"] is not None:
        pytest.fail(
            f"docs/{name}: a block failed\n{results['error']}\nprinted before:\n"
            f"{results.get('printed', '')}\nstderr:\n{done.stderr[-3000:]}",
            pytrace=False,
        )
    expected = [s for s in steps if s.expect is not None]
    for step, printed in zip(expected, results["outputs"], strict=True):
        shown = step.expect
        assert printed.rstrip() == (shown or "").rstrip(), (
            f"docs/{step.block.page} line {step.block.line}: the output shown is not what "
            f"the blocks print:\n{printed}"
        )
    tests = [b for b in page.files if Path(b.title or "").name.startswith("test_")]
    if tests:
        plain = ["-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-q"]
        ran = subprocess.run(
            [sys.executable, "-m", "pytest", *plain],
            cwd=tmp_path,
            env={**env, "TRIDB_DATABASE_URL": tridb_server_url},  # the plugin makes its clones
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert ran.returncode == 0, ran.stdout + ran.stderr
        defined = sum(
            b.code.count("\ndef test_") + b.code.count("\nasync def test_") for b in tests
        )
        assert f"{defined} passed" in ran.stdout, ran.stdout


def test_not_run_blocks_say_why() -> None:
    not_run = [b for p in pages() for b in p.not_run]
    for block in not_run:
        assert block.reason, f"docs/{block.page} line {block.line}: not-run without a reason"
    assert len(not_run) <= MAX_NOT_RUN, [f"{b.page}:{b.line}" for b in not_run]


def test_continued_pages_exist() -> None:
    for page in pages():
        if page.continues:
            base = parse(DOCS / page.continues)
            assert base.python, f"docs/{page.name} continues {page.continues}, which has no code"
            assert base.continues is None, "one level of continuation only"
