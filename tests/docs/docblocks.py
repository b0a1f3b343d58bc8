"""Reading the code blocks of a docs page, and the comments that say how to run them.

A page's ```python blocks run in order, in one namespace, as one program.  HTML
comments (invisible in the built site) on the line right before a block, or
anywhere on the page for ``continues``, change that:

``<!-- not-run: reason -->``
    before a python block: the block is not run (the test reports it, with the reason).
``<!-- cleanup -->``
    before a python block: it ends the page's program (closes sessions, drops
    tables); a page that continues this one runs it after its own blocks.
``<!-- continues: quickstart.md -->``
    the page goes on from another page's program: that page's blocks run first
    (its cleanup blocks last).  The page says so in its text too.
``<!-- output -->``
    before a ```text block: what the python blocks since the previous output
    block (or the start of the page) print, exactly.

A python block with a title (```` ```python title="myapp/models.py" ````) is a file:
it is written under that name into the program's working directory (which is on
``sys.path``) before anything runs.  When such files include tests (``test_*.py``),
pytest runs them there after the program.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,})(?P<lang>[\w-]*)(?P<attrs>[^\n`]*)$")
COMMENT = re.compile(r"^\s*<!--\s*(?P<key>[\w-]+)\s*(?::\s*(?P<value>.*?))?\s*-->\s*$")
TITLE = re.compile(r'title="([^"]+)"')


@dataclass
class Block:
    """One fenced code block of a page."""

    page: str
    line: int  #: 1-based line of the first code line
    lang: str
    code: str
    title: str | None = None
    directive: str | None = None  #: the comment right before the fence, e.g. ``not-run``
    reason: str = ""


@dataclass
class Page:
    """A docs page's blocks and page-level directives."""

    name: str
    blocks: list[Block] = field(default_factory=list)
    continues: str | None = None

    @property
    def python(self) -> list[Block]:
        return [b for b in self.blocks if b.lang == "python"]

    @property
    def files(self) -> list[Block]:
        return [b for b in self.python if b.title is not None]

    @property
    def not_run(self) -> list[Block]:
        return [b for b in self.python if b.directive == "not-run"]


def parse(path: Path) -> Page:
    """The fenced blocks of the markdown file *path*, with their directives."""
    lines = path.read_text().splitlines()
    page = Page(path.name)
    i = 0
    while i < len(lines):
        line = lines[i]
        comment = COMMENT.match(line)
        if comment and comment["key"] == "continues":
            page.continues = comment["value"]
        fence = FENCE.match(line)
        if not fence or not fence["lang"]:
            i += 1
            continue
        start, ticks = i + 1, fence["fence"]
        end = start
        while end < len(lines) and lines[end].strip() != ticks:
            end += 1
        code = textwrap.dedent("\n".join(lines[start:end])) + "\n"
        title = TITLE.search(fence["attrs"])
        j = i - 1
        while j >= 0 and not lines[j].strip():
            j -= 1
        before = COMMENT.match(lines[j]) if j >= 0 else None
        directive = before["key"] if before and before["key"] != "continues" else None
        page.blocks.append(
            Block(
                page=path.name,
                line=start + 1,
                lang=fence["lang"],
                code=code,
                title=title[1] if title else None,
                directive=directive,
                reason=(before["value"] or "") if before and directive else "",
            )
        )
        i = end + 1
    return page


@dataclass
class Step:
    """A python block to run, or the output expected from the steps before it."""

    block: Block
    expect: str | None = None  #: for output steps: the text the runs since the last check print


def program(page: Page, base: Page | None) -> list[Step]:
    """The steps of *page*'s program: *base*'s blocks first when it continues *base*."""

    def steps(p: Page, *, cleanup: bool | None) -> list[Step]:
        out: list[Step] = []
        for b in p.blocks:
            if b.lang == "python" and b.title is None and b.directive != "not-run":
                if cleanup is None or (b.directive == "cleanup") == cleanup:
                    out.append(Step(b))
            elif b.lang == "text" and b.directive == "output" and cleanup is not True:
                out.append(Step(b, expect=b.code))
        return out

    if base is None:
        return steps(page, cleanup=None)
    return steps(base, cleanup=False) + steps(page, cleanup=None) + steps(base, cleanup=True)
