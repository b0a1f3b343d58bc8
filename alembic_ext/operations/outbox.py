"""The embedding outbox: ``op.create_embedding_queue`` and ``op.create_deferred_embedding``.

The queue (schema ``tridb_outbox`` and its tables) and each deferred column's
trigger functions are rendered into the migration as SQL text, so it runs
without importing the models; each operation carries the statements of both
directions, which makes it reversible:

    op.create_embedding_queue(statements=[...], drop_statements=[...])
    op.create_deferred_embedding("note", "embedding", statements=[...], drop_statements=[...])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from alembic.autogenerate.render import renderers
from alembic.operations import MigrateOperation, Operations

from ._util import prefix, run, text_literal

if TYPE_CHECKING:
    from alembic.autogenerate.api import AutogenContext

__all__ = [
    "CreateDeferredEmbeddingOp",
    "CreateEmbeddingQueueOp",
    "DropDeferredEmbeddingOp",
    "DropEmbeddingQueueOp",
]


class _QueueOp(MigrateOperation):
    def __init__(
        self, statements: Sequence[str], *, reverse_statements: Sequence[str] = ()
    ) -> None:
        self.statements = list(statements)
        self.reverse_statements = list(reverse_statements)


@Operations.register_operation("create_embedding_queue")
class CreateEmbeddingQueueOp(_QueueOp):
    """Create the ``tridb_outbox`` schema and its tables.

    :param statements: SQL text, one statement each, run in order.
    :param reverse_statements: the statements the reverse operation runs.
    """

    @classmethod
    def create_embedding_queue(
        cls,
        operations: Operations,
        *,
        statements: Sequence[str],
        drop_statements: Sequence[str] = (),
    ) -> Any:
        """Run *statements* (``drop_statements`` undo them in the downgrade).

        :param operations: the migration's ``op`` (Alembic passes it).
        :param statements: SQL text, one statement each, run in order.
        :param drop_statements: the statements the reverse operation runs.
        """
        return operations.invoke(cls(statements, reverse_statements=drop_statements))

    def reverse(self) -> DropEmbeddingQueueOp:
        """The operation that undoes this one."""
        return DropEmbeddingQueueOp(self.reverse_statements, reverse_statements=self.statements)

    def to_diff_tuple(self) -> tuple[Any, ...]:
        """The diff tuple ``compare_metadata()`` reports."""
        return ("add_embedding_queue",)


@Operations.register_operation("drop_embedding_queue")
class DropEmbeddingQueueOp(_QueueOp):
    """Drop the ``tridb_outbox`` schema, its tables and their rows.

    :param statements: SQL text, one statement each, run in order.
    :param reverse_statements: the statements the reverse operation runs.
    """

    @classmethod
    def drop_embedding_queue(
        cls,
        operations: Operations,
        *,
        statements: Sequence[str],
        create_statements: Sequence[str] = (),
    ) -> Any:
        """Run *statements* (``create_statements`` recreate the queue in the downgrade).

        :param operations: the migration's ``op`` (Alembic passes it).
        :param statements: SQL text, one statement each, run in order.
        :param create_statements: the statements the reverse operation runs.
        """
        return operations.invoke(cls(statements, reverse_statements=create_statements))

    def reverse(self) -> CreateEmbeddingQueueOp:
        """The operation that undoes this one."""
        return CreateEmbeddingQueueOp(self.reverse_statements, reverse_statements=self.statements)

    def to_diff_tuple(self) -> tuple[Any, ...]:
        """The diff tuple ``compare_metadata()`` reports."""
        return ("remove_embedding_queue",)


class _ColumnOp(MigrateOperation):
    verb = ""

    def __init__(
        self,
        table_name: str,
        column_name: str,
        statements: Sequence[str],
        *,
        reverse_statements: Sequence[str] = (),
        schema: str | None = None,
    ) -> None:
        self.table_name = table_name
        self.column_name = column_name
        self.statements = list(statements)
        self.reverse_statements = list(reverse_statements)
        self.schema = schema

    def to_diff_tuple(self) -> tuple[Any, ...]:
        """The diff tuple ``compare_metadata()`` reports."""
        return (f"{self.verb}_deferred_embedding", self.schema, self.table_name, self.column_name)

    def _args(self) -> tuple[str, str, list[str], list[str], str | None]:
        return (
            self.table_name,
            self.column_name,
            self.reverse_statements,
            self.statements,
            self.schema,
        )


@Operations.register_operation("create_deferred_embedding")
class CreateDeferredEmbeddingOp(_ColumnOp):
    """Create (or replace) the outbox triggers and functions of a deferred embedding column.

    :param table_name: the source table.
    :param column_name: the embedding column.
    :param statements: SQL text, one statement each, run in order.
    :param reverse_statements: the statements the reverse operation runs.
    :param schema: the table's schema (``None``: the default one).
    """

    verb = "add"

    @classmethod
    def create_deferred_embedding(
        cls,
        operations: Operations,
        table_name: str,
        column_name: str,
        *,
        statements: Sequence[str],
        drop_statements: Sequence[str] = (),
        schema: str | None = None,
    ) -> Any:
        """Run *statements* (``drop_statements`` undo them in the downgrade).

        :param operations: the migration's ``op`` (Alembic passes it).
        :param table_name: the source table.
        :param column_name: the embedding column.
        :param statements: SQL text, one statement each, run in order.
        :param drop_statements: the statements the reverse operation runs.
        :param schema: the table's schema (``None``: the default one).
        """
        op = cls(
            table_name, column_name, statements, reverse_statements=drop_statements, schema=schema
        )
        return operations.invoke(op)

    def reverse(self) -> DropDeferredEmbeddingOp:
        """The operation that undoes this one."""
        t, c, rev, stmts, schema = self._args()
        return DropDeferredEmbeddingOp(t, c, rev, reverse_statements=stmts, schema=schema)


@Operations.register_operation("drop_deferred_embedding")
class DropDeferredEmbeddingOp(_ColumnOp):
    """Drop the outbox triggers and functions of a column that is no longer deferred.

    :param table_name: the source table.
    :param column_name: the embedding column.
    :param statements: SQL text, one statement each, run in order.
    :param reverse_statements: the statements the reverse operation runs.
    :param schema: the table's schema (``None``: the default one).
    """

    verb = "remove"

    @classmethod
    def drop_deferred_embedding(
        cls,
        operations: Operations,
        table_name: str,
        column_name: str,
        *,
        statements: Sequence[str],
        create_statements: Sequence[str] = (),
        schema: str | None = None,
    ) -> Any:
        """Run *statements* (``create_statements`` recreate the triggers in the downgrade).

        :param operations: the migration's ``op`` (Alembic passes it).
        :param table_name: the source table.
        :param column_name: the embedding column.
        :param statements: SQL text, one statement each, run in order.
        :param create_statements: the statements the reverse operation runs.
        :param schema: the table's schema (``None``: the default one).
        """
        op = cls(
            table_name, column_name, statements, reverse_statements=create_statements, schema=schema
        )
        return operations.invoke(op)

    def reverse(self) -> CreateDeferredEmbeddingOp:
        """The operation that undoes this one."""
        t, c, rev, stmts, schema = self._args()
        return CreateDeferredEmbeddingOp(t, c, rev, reverse_statements=stmts, schema=schema)


def _impl(operations: Operations, op: _QueueOp | _ColumnOp) -> None:
    run(operations, op.statements)


for _cls in (
    CreateEmbeddingQueueOp,
    DropEmbeddingQueueOp,
    CreateDeferredEmbeddingOp,
    DropDeferredEmbeddingOp,
):
    Operations.implementation_for(_cls)(_impl)


def _list(statements: Sequence[str]) -> str:
    if not statements:
        return "[]"
    return "[\n" + "".join(f"    {text_literal(s, '    ')},\n" for s in statements) + "]"


def _render(autogen_context: AutogenContext, op: _QueueOp | _ColumnOp) -> str:
    op_ = prefix(autogen_context)
    create = isinstance(op, CreateEmbeddingQueueOp | CreateDeferredEmbeddingOp)
    other = "drop_statements" if create else "create_statements"
    verb = "create" if create else "drop"
    args: list[str] = []
    if isinstance(op, _ColumnOp):
        name = f"{verb}_deferred_embedding"
        args += [repr(op.table_name), repr(op.column_name)]
    else:
        name = f"{verb}_embedding_queue"
    args.append(f"statements={_list(op.statements)}")
    if op.reverse_statements:
        args.append(f"{other}={_list(op.reverse_statements)}")
    if isinstance(op, _ColumnOp) and op.schema:
        args.append(f"schema={op.schema!r}")
    return f"{op_}{name}(" + ", ".join(args) + ")"


for _cls in (
    CreateEmbeddingQueueOp,
    DropEmbeddingQueueOp,
    CreateDeferredEmbeddingOp,
    DropDeferredEmbeddingOp,
):
    renderers.dispatch_for(_cls)(_render)
