"""Helpers shared by the operations: running raw SQL online and offline, rendering calls."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from alembic.operations import Operations
from sqlalchemy import Executable

if TYPE_CHECKING:
    from alembic.autogenerate.api import AutogenContext


def run(operations: Operations, statements: Sequence[str | Executable]) -> None:
    """Execute *statements* one by one; in ``--sql`` mode write them out verbatim.

    Strings go to the driver as they are (no bind-parameter parsing), so
    plpgsql bodies with ``:`` or ``%`` survive.
    """
    ctx = operations.get_context()
    impl = ctx.impl
    for stmt in statements:
        if not isinstance(stmt, str):
            impl._exec(stmt)
        elif ctx.as_sql:
            impl.static_output(stmt.strip() + impl.command_terminator)
        else:
            operations.get_bind().exec_driver_sql(stmt)


#: The import a migration using these operations carries, so it runs even where
#: Alembic has not loaded the plugin (no entry point, a different env.py).
IMPORT = "import alembic_ext.operations  # noqa: F401  (registers op.create_graph & co.)"


def prefix(autogen_context: AutogenContext) -> str:
    """``op.``, adding the import that registers these operations."""
    autogen_context.imports.add(IMPORT)
    return str(autogen_context.opts.get("alembic_module_prefix") or "op.")


def call(autogen_context: AutogenContext, name: str, *args: Any, **kwargs: Any) -> str:
    """``op.name(arg, ..., key=value)`` with ``repr()`` of each value."""
    parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items() if v is not None]
    return f"{prefix(autogen_context)}{name}({', '.join(parts)})"
