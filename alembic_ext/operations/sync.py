"""The sync triggers of one mirrored table: ``op.create_graph_sync`` / ``op.drop_graph_sync``.

The trigger functions are rendered into the migration as SQL text, so it runs
without importing the models.  Each operation carries the statements of both
directions, which makes it reversible:

    op.create_graph_sync("person", statements=[...], drop_statements=[...])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from alembic.autogenerate.render import renderers
from alembic.operations import MigrateOperation, Operations

from ._util import prefix, run, text_literal

if TYPE_CHECKING:
    from alembic.autogenerate.api import AutogenContext

__all__ = ["CreateGraphSyncOp", "DropGraphSyncOp"]


class _SyncOp(MigrateOperation):
    verb = ""

    def __init__(
        self,
        table_name: str,
        statements: Sequence[str],
        *,
        reverse_statements: Sequence[str] = (),
        schema: str | None = None,
    ) -> None:
        self.table_name = table_name
        self.statements = list(statements)
        self.reverse_statements = list(reverse_statements)
        self.schema = schema

    def to_diff_tuple(self) -> tuple[Any, ...]:
        """The diff tuple ``compare_metadata()`` reports."""
        return (f"{self.verb}_graph_sync", self.schema, self.table_name)


@Operations.register_operation("create_graph_sync")
class CreateGraphSyncOp(_SyncOp):
    """Create (or replace) the sync triggers and functions of a table.

    :param table_name: the mirrored table.
    :param statements: SQL text, one statement each, run in order.
    :param reverse_statements: the statements the reverse operation runs.
    :param schema: the table's schema (``None``: the default one).
    """

    verb = "add"

    @classmethod
    def create_graph_sync(
        cls,
        operations: Operations,
        table_name: str,
        statements: Sequence[str],
        *,
        drop_statements: Sequence[str] = (),
        schema: str | None = None,
    ) -> Any:
        """Run *statements* (``drop_statements`` undo them in the downgrade).

        :param operations: the migration's ``op`` (Alembic passes it).
        :param table_name: the mirrored table (for the diff and the reader).
        :param statements: SQL text, one statement each, run in order.
        :param drop_statements: the statements the reverse operation runs.
        :param schema: the table's schema (``None``: the default one).
        """
        return operations.invoke(
            cls(table_name, statements, reverse_statements=drop_statements, schema=schema)
        )

    def reverse(self) -> DropGraphSyncOp:
        """The operation that undoes this one."""
        return DropGraphSyncOp(
            self.table_name,
            self.reverse_statements,
            reverse_statements=self.statements,
            schema=self.schema,
        )


@Operations.register_operation("drop_graph_sync")
class DropGraphSyncOp(_SyncOp):
    """Drop the sync triggers and functions of a table.

    :param table_name: the mirrored table.
    :param statements: SQL text, one statement each, run in order.
    :param reverse_statements: the statements the reverse operation runs.
    :param schema: the table's schema (``None``: the default one).
    """

    verb = "remove"

    @classmethod
    def drop_graph_sync(
        cls,
        operations: Operations,
        table_name: str,
        statements: Sequence[str],
        *,
        create_statements: Sequence[str] = (),
        schema: str | None = None,
    ) -> Any:
        """Run *statements* (``create_statements`` recreate the triggers in the downgrade).

        :param operations: the migration's ``op`` (Alembic passes it).
        :param table_name: the mirrored table (for the diff and the reader).
        :param statements: SQL text, one statement each, run in order.
        :param create_statements: the statements the reverse operation runs.
        :param schema: the table's schema (``None``: the default one).
        """
        return operations.invoke(
            cls(table_name, statements, reverse_statements=create_statements, schema=schema)
        )

    def reverse(self) -> CreateGraphSyncOp:
        """The operation that undoes this one."""
        return CreateGraphSyncOp(
            self.table_name,
            self.reverse_statements,
            reverse_statements=self.statements,
            schema=self.schema,
        )


def _impl(operations: Operations, op: _SyncOp) -> None:
    run(operations, op.statements)


Operations.implementation_for(CreateGraphSyncOp)(_impl)
Operations.implementation_for(DropGraphSyncOp)(_impl)


def _list(statements: Sequence[str]) -> str:
    if not statements:
        return "[]"
    return "[\n" + "".join(f"    {text_literal(s, '    ')},\n" for s in statements) + "]"


def _render(autogen_context: AutogenContext, op: _SyncOp) -> str:
    op_ = prefix(autogen_context)
    name, other = (
        ("create_graph_sync", "drop_statements")
        if isinstance(op, CreateGraphSyncOp)
        else ("drop_graph_sync", "create_statements")
    )
    args = [repr(op.table_name), f"statements={_list(op.statements)}"]
    if op.reverse_statements:
        args.append(f"{other}={_list(op.reverse_statements)}")
    if op.schema:
        args.append(f"schema={op.schema!r}")
    return f"{op_}{name}(" + ", ".join(args) + ")"


renderers.dispatch_for(CreateGraphSyncOp)(_render)
renderers.dispatch_for(DropGraphSyncOp)(_render)
