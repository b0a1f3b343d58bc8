"""Sphinx markup that mkdocstrings renders literally, found and converted in docstrings.

The API reference is rendered as Markdown, where ``:func:`walk``` stays
``:func:`walk``` and a reST literal-block marker (``example::``) stays ``::``.
The mechanical conversion: a role becomes plain code (``:func:`walk``` ->
```walk()```, ``:class:`~a.b.C``` -> ```C```); ``text::`` before an
indented block becomes ``text:`` (the indented block stays a code block in
Markdown), and the indented block after a line holding only ``::`` is fenced
(a docstring whose only body it is would otherwise lose the indentation).

``python tests/docs/docstring_markup.py FILE...`` lists what is left;
``--write`` converts the files in place.
"""

from __future__ import annotations

import ast
import itertools
import re
import sys
import textwrap
from pathlib import Path

ROLE = re.compile(r":(?:py:)?(func|meth|class|mod|data|attr|exc|obj|const):`(~?)([^`]+)`")
CALLABLE = {"func", "meth"}


def _role(match: re.Match[str]) -> str:
    kind, tilde, target = match.groups()
    if "<" in target and target.endswith(">"):  # :func:`title <target>`
        target = target[: target.index("<")].strip()
    elif tilde:
        target = target.rsplit(".", 1)[-1]
    if kind in CALLABLE and not target.endswith(")"):
        target += "()"
    return f"`{target}`"


def docstring_lines(source: str) -> set[int]:
    """The 1-based line numbers that docstrings of *source* span."""
    lines: set[int] = set()
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        first = node.body[0] if node.body else None
        if (
            isinstance(first, ast.Expr)
            and isinstance(first.value, ast.Constant)
            and isinstance(first.value.value, str)
        ):
            lines.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    # attribute docstrings (a string right after an assignment), as griffe reads them
    for node in ast.walk(tree):
        for field in ("body", "orelse"):
            stmts = getattr(node, field, None)
            if not isinstance(stmts, list):
                continue
            for prev, stmt in itertools.pairwise(stmts):
                if (
                    isinstance(prev, (ast.Assign, ast.AnnAssign))
                    and isinstance(stmt, ast.Expr)
                    and isinstance(stmt.value, ast.Constant)
                    and isinstance(stmt.value.value, str)
                ):
                    lines.update(range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1))
    return lines


def convert(source: str) -> str:
    """*source* with the roles and literal-block markers of its docstrings converted."""
    inside = docstring_lines(source)
    lines = source.split("\n")
    out: list[str] = []
    fence: int | None = None  # indentation of the marker whose block is being fenced
    for number, line in enumerate(lines, start=1):
        if number not in inside:
            out.append(line)
            continue
        if fence is not None:
            indent = len(line) - len(line.lstrip())
            if not line.strip() or indent > fence:
                out.append(line)
                continue
            _close_fence(out, fence)
            fence = None
        line = ROLE.sub(_role, line)
        if line.strip() == "::":  # a paragraph of its own: fence the indented block after it
            fence = len(line) - len(line.lstrip())
            out.append(" " * fence + "```")
            continue
        elif line.rstrip().endswith("::") and not line.rstrip().endswith(":::"):
            stripped = line.rstrip()[:-2]
            line = stripped.rstrip() if stripped.endswith(" ") else stripped + ":"
        out.append(line)
    if fence is not None:
        _close_fence(out, fence)
    return "\n".join(out)


def _close_fence(out: list[str], indent: int) -> None:
    """Dedent the block after the last opening fence in *out* to *indent*, and close it."""
    start = max(i for i, line in enumerate(out) if line.strip() == "```")
    body = out[start + 1 :]
    while body and not body[0].strip():
        body.pop(0)
    trailing = 0
    while body and not body[-1].strip():
        body.pop()
        trailing += 1
    code = textwrap.dedent("\n".join(body)).split("\n") if body else []
    out[start + 1 :] = [(" " * indent + c) if c.strip() else "" for c in code]
    out.append(" " * indent + "```")
    out.extend([""] * trailing)


def leftovers(path: Path) -> list[str]:
    """``file:line: text`` for each docstring line of *path* that still needs converting."""
    source = path.read_text()
    inside = docstring_lines(source)
    found = []
    for number, line in enumerate(source.split("\n"), start=1):
        if number in inside and (ROLE.search(line) or line.rstrip().endswith("::")):
            found.append(f"{path}:{number}: {line.strip()}")
    return found


def main(argv: list[str]) -> int:
    write = "--write" in argv
    paths = [Path(a) for a in argv if a != "--write"]
    left = 0
    for path in paths:
        if write:
            text = path.read_text()
            new = convert(text)
            if new != text:
                path.write_text(new)
        for line in leftovers(path):
            print(line)
            left += 1
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
