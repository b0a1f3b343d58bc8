"""``op.backfill_embeddings``: compute the vectors of rows that have none.

Autogenerate adds it after a new embedding column on a table that already
exists, and after a change of dimension (which sets the stored vectors to NULL).
It carries what the column's ``Embedding(...)`` said when the migration was
generated: the source (a template or attribute names), the provider's name and
the dimension.  It first asks the database whether any row has a NULL vector;
only then does it compute them, from the carried settings, without importing
the models (`alembic_ext.operations.carried`).  A source that is a Python
callable cannot be carried: the step then names the mapped attribute
(``"package.models:Product.embedding"``), imports it and runs
`sqlalchemy_tridb.vector.backfill()`, after checking that the attribute still
has the carried provider and dimension.  An upgrade of an empty database never
embeds anything.  In ``--sql`` mode it writes a comment telling what to run
afterwards.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from alembic.autogenerate.render import renderers
from alembic.operations import MigrateOperation, Operations
from sqlalchemy.orm import Session

from sqlalchemy_tridb.embedding import EmbeddingProvider
from sqlalchemy_tridb.sql import quote_ident
from sqlalchemy_tridb.vector import backfill, spec_of

from ..exc import MigrationError, ProviderUnavailableError
from ._util import call
from .carried import backfill_rows, carried_provider

if TYPE_CHECKING:
    from alembic.autogenerate.api import AutogenContext

__all__ = ["BackfillEmbeddingsOp", "CommentOp", "load_attribute"]


@Operations.register_operation("backfill_embeddings")
class BackfillEmbeddingsOp(MigrateOperation):
    """Compute the missing vectors of one embedding column.

    :param table_name: the table.
    :param column_name: the embedding column.
    :param attribute: the mapped attribute (``"package.module:Class.attr"``), for
        a source that is a callable.
    :param batch_size: rows per query and per provider call.
    :param schema: the table's schema (``None``: the default one).
    :param source: the column's source when generated: a ``str.format``
        template, or attribute names.
    :param separator: joins the values of several attribute names.
    :param columns: attribute name -> column name, where they differ.
    :param provider: the provider's registered name when generated.
    :param dimension: the column's dimension when generated.
    """

    def __init__(
        self,
        table_name: str,
        column_name: str,
        *,
        attribute: str | None = None,
        batch_size: int = 256,
        schema: str | None = None,
        source: str | Sequence[str] | None = None,
        separator: str | None = None,
        columns: dict[str, str] | None = None,
        provider: str | None = None,
        dimension: int | None = None,
    ) -> None:
        self.table_name = table_name
        self.column_name = column_name
        self.attribute = attribute
        self.batch_size = batch_size
        self.schema = schema
        self.source = source if source is None or isinstance(source, str) else list(source)
        self.separator = separator
        self.columns = columns
        self.provider = provider
        self.dimension = dimension

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
        source: str | Sequence[str] | None = None,
        separator: str | None = None,
        columns: dict[str, str] | None = None,
        provider: str | None = None,
        dimension: int | None = None,
    ) -> Any:
        """Backfill ``table_name.column_name`` as the column was when the migration was made.

        :param operations: the migration's ``op`` (Alembic passes it).
        :param table_name: the table.
        :param column_name: the embedding column.
        :param attribute: the mapped attribute, imported only if a row needs a
            vector and the source is not carried.
        :param batch_size: rows per query and per provider call.
        :param schema: the table's schema (``None``: the default one).
        :param source: a ``str.format`` template, or attribute names.
        :param separator: joins the values of several attribute names.
        :param columns: attribute name -> column name, where they differ.
        :param provider: the provider's registered name.
        :param dimension: the column's dimension.
        """
        op = cls(
            table_name, column_name, attribute=attribute, batch_size=batch_size, schema=schema,
            source=source, separator=separator, columns=columns, provider=provider,
            dimension=dimension,
        )  # fmt: skip
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
    if op.source is not None and op.provider is not None and op.dimension is not None:
        backfill_rows(
            conn, op.table_name, op.column_name, source=op.source, provider=_provider(op),
            dimension=op.dimension, separator=op.separator or "\n", columns=op.columns,
            schema=op.schema, batch_size=op.batch_size,
        )  # fmt: skip
        return
    if op.attribute is None:
        raise MigrationError(
            f"{what} has rows without an embedding and the migration names no attribute= to "
            "compute them with: add attribute='package.module:Class.attribute'"
        )
    attribute = load_attribute(op.attribute)
    if op.provider is not None and op.dimension is not None and _spec_provider(op) is None:
        raise ProviderUnavailableError(
            f"the backfill of {what} was generated for provider {op.provider!r} "
            f"({op.dimension} dimensions), but {op.attribute} embeds otherwise now: upgrade "
            "this step with the models of its time, or delete it and fill the column yourself"
        )
    with Session(bind=conn) as session:
        backfill(session, attribute, batch_size=op.batch_size)
        session.flush()


def _spec_provider(op: BackfillEmbeddingsOp) -> EmbeddingProvider | None:
    """The provider of the models' attribute, if it has the migration's name and dimension."""
    if op.attribute is None:
        return None
    spec = spec_of(load_attribute(op.attribute).property.columns[0])
    if spec is None or spec.dim != op.dimension:
        return None
    name = spec.provider if isinstance(spec.provider, str) else spec.provider.name
    return spec.resolve() if name == op.provider else None


def _provider(op: BackfillEmbeddingsOp) -> EmbeddingProvider:
    """The migration's provider: registered under its name, else the models' if the same."""
    assert op.provider is not None and op.dimension is not None
    what = f"{op.table_name}.{op.column_name}"
    try:
        return carried_provider(op.provider, op.dimension, what)
    except ProviderUnavailableError:
        found = _spec_provider(op)  # (an instance, not registered: the models still have it)
        if found is None:
            raise
        return found


@renderers.dispatch_for(BackfillEmbeddingsOp)
def _render_backfill(autogen_context: AutogenContext, op: BackfillEmbeddingsOp) -> list[str]:
    lines = [
        f"# Backfill: rows already in {op.table_name} get their {op.column_name} computed here.",
        "# It does nothing when no row has a NULL vector; otherwise it computes them in this",
        "# transaction, with the source and provider the column has in this revision.",
    ]
    if op.attribute is None and op.source is None:
        lines.append("# TODO: set attribute='package.module:Class.attribute' (not found).")
    lines.append(
        call(
            autogen_context,
            "backfill_embeddings",
            op.table_name,
            op.column_name,
            source=op.source,
            separator=op.separator,
            columns=op.columns,
            provider=op.provider,
            dimension=op.dimension,
            attribute=op.attribute,
            schema=op.schema,
        )
    )
    return lines


@renderers.dispatch_for(CommentOp)
def _render_comment(autogen_context: AutogenContext, op: CommentOp) -> list[str]:
    return [f"# {line}" for line in op.lines]


@Operations.implementation_for(CommentOp)
def _comment(operations: Operations, op: CommentOp) -> None:
    return None
