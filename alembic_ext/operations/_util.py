"""Helpers shared by the operations: running statements online and offline, rendering calls."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from alembic.operations import Operations
from sqlalchemy import Executable

if TYPE_CHECKING:
    from alembic.autogenerate.api import AutogenContext


def run(operations: Operations, statements: Sequence[str | Executable]) -> None:
    """Execute *statements* one by one; in ``--sql`` mode write them out.

    Constructs (the library's DDL) go through ``operations.execute()``, which
    runs them online and compiles them into the script offline.  Strings -- only
    the sync statements, which a migration carries as text -- go to the driver
    as they are (no bind-parameter parsing, no ``%`` escaping), so plpgsql
    bodies with ``:`` or ``%`` survive, and are written out verbatim offline.

    :param operations: the migration's ``op``.
    :param statements: constructs, or SQL text of one statement each.
    """
    ctx = operations.get_context()
    impl = ctx.impl
    for stmt in statements:
        if not isinstance(stmt, str):
            operations.execute(stmt)
        elif ctx.as_sql:
            impl.static_output(stmt.strip() + impl.command_terminator)
        else:
            operations.get_bind().exec_driver_sql(stmt)


#: The import a migration using these operations carries, so it runs even where
#: Alembic has not loaded the plugin (no entry point, a different env.py).
IMPORT = "import alembic_ext.operations  # noqa: F401  (registers op.create_graph & co.)"


def prefix(autogen_context: AutogenContext) -> str:
    """``op.``, adding the import that registers these operations.

    :param autogen_context: the run's context.
    """
    autogen_context.imports.add(IMPORT)
    return str(autogen_context.opts.get("alembic_module_prefix") or "op.")


def _quoted(text: str) -> str:
    """``repr(text)``, but in double quotes when that needs fewer escapes."""
    single = repr(text)
    if not single.startswith("'") or text.count('"') >= text.count("'"):
        return single
    out, body, i = [], single[1:-1], 0
    while i < len(body):  # repr's escapes are two characters, hex digits aside
        if body[i] == "\\":
            out.append("'" if body[i + 1] == "'" else body[i : i + 2])
            i += 2
        else:
            out.append('\\"' if body[i] == '"' else body[i])
            i += 1
    return '"' + "".join(out) + '"'


def text_literal(text: str, indent: str = "") -> str:
    r"""*text* as Python source: its ``repr()`` if one line, else one literal a line.

    The literals of a multi-line text are adjacent (so they concatenate) inside
    parentheses, each ending with its ``\n``:

        (
            'CREATE FUNCTION f() ...\n'
            "LANGUAGE plpgsql AS $$ ... $$"
        )

    Evaluated, the source is exactly *text*, whatever it contains (quotes,
    backslashes, tabs, trailing spaces), and a diff of two versions shows the
    lines that changed.  Not a triple-quoted string: Alembic indents every line
    of a rendered migration body and strips trailing spaces, which would change
    the lines inside one.

    :param text: the string.
    :param indent: prepended to the continuation lines (the literals get four
        spaces more).
    """
    lines = text.split("\n")
    if len(lines) == 1:
        return _quoted(text)
    parts = [_quoted(line + "\n") for line in lines[:-1]]
    if lines[-1]:
        parts.append(_quoted(lines[-1]))
    return "(\n" + "".join(f"{indent}    {p}\n" for p in parts) + f"{indent})"


def call(autogen_context: AutogenContext, name: str, *args: Any, **kwargs: Any) -> str:
    """``op.name(arg, ..., key=value)`` with ``repr()`` of each value.

    :param autogen_context: the run's context (it gets the operations' import).
    :param name: the operation's name.
    :param args: its positional arguments.
    :param kwargs: its keyword arguments (``None`` ones left out).
    """
    parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items() if v is not None]
    return f"{prefix(autogen_context)}{name}({', '.join(parts)})"


def with_note(op: Any, rendered: str) -> str | list[str]:
    """*rendered*, after the op's ``note`` as comment lines if it has one.

    Drops of what no model declares (only proposed when the user opted in)
    carry a note saying what they destroy.

    :param op: the operation.
    :param rendered: its rendered call.
    """
    note: str | None = getattr(op, "note", None)
    if not note:
        return rendered
    return [f"# {line}" for line in note.splitlines()] + [rendered]
