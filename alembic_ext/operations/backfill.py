"""``op.backfill_embeddings``: compute the vectors of rows that have none.

Autogenerate adds it after a new embedding column on a table that already
exists, and after a change of dimension (which sets the stored vectors to NULL).
It first asks the database whether any row has a NULL vector; only then does it
import the mapped attribute (``"package.models:Product.embedding"``) and run
`sqlalchemy_tridb.vector.backfill()` in the migration's transaction.  So an
upgrade of an empty database never imports the models.  In ``--sql`` mode it
writes a comment telling what to run afterwards.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from alembic.autogenerate.render import renderers
from alembic.operations import MigrateOperation, Operations
from sqlalchemy.orm import Session

from sqlalchemy_tridb.sql import quote_ident
from sqlalchemy_tridb.vector import backfill

from ..exc import MigrationError
from ._util import call

if TYPE_CHECKING:
    from alembic.autogenerate.api import AutogenContext

__all__ = ["BackfillEmbeddingsOp", "CommentOp", "load_attribute"]


@Operations.register_operation("backfill_embeddings")
class BackfillEmbeddingsOp(MigrateOperation):
    """Compute the missing vectors of one embedding column.

    :param table_name: the table.
    :param column_name: the embedding column.
    :param attribute: the mapped attribute (``"package.module:Class.attr"``).
    :param batch_size: rows per query and per provider call.
    :param schema: the table's schema (``None``: the default one).
    """

    def __init__(
        self,
        table_name: str,
        column_name: str,
        *,
        attribute: str | None = None,
        batch_size: int = 256,
        schema: str | None = None,
    ) -> None:
        self.table_name = table_name
        self.column_name = column_name
        self.attribute = attribute
        self.batch_size = batch_size
        self.schema = schema

    @classmethod
    def backfill_embeddings(
        cls,
        operations: Operations,
        table_name: str,
        column_name: str,
        *,
        attribute: str | None = None,
        batch_size: int = 256,
        schema: str | None = None,
    ) -> Any:
        """Backfill ``table_name.column_name`` through *attribute* (``"module:Class.attr"``).

        :param operations: the migration's ``op`` (Alembic passes it).
        :param table_name: the table.
        :param column_name: the embedding column.
        :param attribute: the mapped attribute, imported only if a row needs a vector.
        :param batch_size: rows per query and per provider call.
        :param schema: the table's schema (``None``: the default one).
        """
        op = cls(table_name, column_name, attribute=attribute, batch_size=batch_size, schema=schema)
        return operations.invoke(op)

    def reverse(self) -> CommentOp:
        """The operation that undoes this one."""
        return CommentOp(
            [f"(the backfill of {self.table_name}.{self.column_name} has nothing to undo)"]
        )

    def to_diff_tuple(self) -> tuple[Any, ...]:
        """The diff tuple ``compare_metadata()`` reports."""
        return ("backfill_embeddings", self.schema, self.table_name, self.column_name)


class CommentOp(MigrateOperation):
    """Renders as ``#`` comment lines in the migration; does nothing when run.

    :param lines: the comment's lines, without ``#``.
    """

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = list(lines)

    def reverse(self) -> CommentOp:
        """The operation that undoes this one."""
        return CommentOp(self.lines)

    def to_diff_tuple(self) -> tuple[Any, ...]:
        """The diff tuple ``compare_metadata()`` reports."""
        return ("comment", tuple(self.lines))


def load_attribute(path: str) -> Any:
    """Import ``"package.module:Class.attr"`` and return the attribute.

    :param path: the attribute's path.
    """
    module_name, _, qual = path.partition(":")
    if not qual:
        raise MigrationError(f"attribute={path!r}: write it as 'package.module:Class.attribute'")
    try:
        obj: Any = importlib.import_module(module_name)
        for part in qual.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError) as err:
        raise MigrationError(
            f"cannot import {path!r} for the embedding backfill ({err}): fix the attribute= "
            "path in the migration, or run sqlalchemy_tridb.vector.backfill() yourself"
        ) from err
    return obj


def _table(op: BackfillEmbeddingsOp) -> str:
    name = quote_ident(op.table_name)
    return f"{quote_ident(op.schema)}.{name}" if op.schema else name


@Operations.implementation_for(BackfillEmbeddingsOp)
def _backfill(operations: Operations, op: BackfillEmbeddingsOp) -> None:
    ctx = operations.get_context()
    what = f"{op.table_name}.{op.column_name}"
    if ctx.as_sql:
        ctx.impl.static_output(
            f"-- {what}: rows with a NULL embedding need one; after this script, run "
            f"sqlalchemy_tridb.vector.backfill(session, {op.attribute or 'Model.attribute'})"
        )
        return
    conn = operations.get_bind()
    sql = f"SELECT EXISTS (SELECT 1 FROM {_table(op)} WHERE {quote_ident(op.column_name)} IS NULL)"
    if not conn.exec_driver_sql(sql).scalar():
        return
    if op.attribute is None:
        raise MigrationError(
            f"{what} has rows without an embedding and the migration names no attribute= to "
            "compute them with: add attribute='package.module:Class.attribute'"
        )
    attribute = load_attribute(op.attribute)
    with Session(bind=conn) as session:
        backfill(session, attribute, batch_size=op.batch_size)
        session.flush()


@renderers.dispatch_for(BackfillEmbeddingsOp)
def _render_backfill(autogen_context: AutogenContext, op: BackfillEmbeddingsOp) -> list[str]:
    lines = [
        f"# Backfill: rows already in {op.table_name} get their {op.column_name} computed here.",
        "# It does nothing when no row has a NULL vector; otherwise it imports the attribute",
        "# below and runs sqlalchemy_tridb.vector.backfill() in this transaction.",
    ]
    if op.attribute is None:
        lines.append("# TODO: set attribute='package.module:Class.attribute' (not found).")
    schema = op.schema
    lines.append(
        call(
            autogen_context,
            "backfill_embeddings",
            op.table_name,
            op.column_name,
            attribute=op.attribute,
            schema=schema,
        )
    )
    return lines


@renderers.dispatch_for(CommentOp)
def _render_comment(autogen_context: AutogenContext, op: CommentOp) -> list[str]:
    return [f"# {line}" for line in op.lines]


@Operations.implementation_for(CommentOp)
def _comment(operations: Operations, op: CommentOp) -> None:
    return None
