"""Vector columns and their HNSW / IVFFlat indexes.

Alembic compares an index by its columns only; this comparator also compares
the access method, the operator class of each element and the ``WITH``
parameters of ``hnsw`` / ``ivfflat`` indexes, and turns a change into a drop and
a create.  A change of a vector column's dimension gets ``USING NULL`` (stored
vectors cannot be cast to another dimension), a comment saying they must be
recomputed and, for ``Embedding`` columns, a backfill step; so does a new
embedding column on a table that already exists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from alembic.operations import ops
from alembic.util import PriorityDispatchResult
from sqlalchemy import Column, Connection, Index, Table

from sqlalchemy_tridb.vector import spec_of
from sqlalchemy_tridb.vector.sources import ColumnsSource, TemplateSource

from .._compat import all_registries
from ..declared import is_pgvector_type
from ..inspect import index_opclasses
from ..operations import AlterVectorColumnOp, BackfillEmbeddingsOp

if TYPE_CHECKING:
    from alembic.autogenerate.api import AutogenContext

__all__ = [
    "VECTOR_METHODS",
    "attribute_path",
    "backfill_op",
    "compare_vector_table",
    "index_signature",
]

#: The access methods pgvector adds.
VECTOR_METHODS = frozenset({"hnsw", "ivfflat"})


def _opts(index: Index) -> dict[str, Any]:
    """The ``postgresql_*`` keywords given to (or reflected into) *index*, prefix removed."""
    out = {
        k.removeprefix("postgresql_"): v
        for k, v in index.dialect_kwargs.items()
        if k.startswith("postgresql_")
    }
    return out


def _element_keys(index: Index) -> list[str]:
    keys = []
    for expr in index.expressions:
        key = getattr(expr, "name", None) or getattr(expr, "key", None) or str(expr)
        keys.append(str(key))
    return keys


def _norm_ops(name: str | None) -> str | None:
    # *_l2_ops is the default operator class of every pgvector type; PostgreSQL
    # does not report a default one, so treat naming it as leaving it out
    return None if name is None or name.endswith("_l2_ops") else name


def index_signature(index: Index, *, reflected: bool) -> tuple[Any, ...] | None:
    """``(method, operator classes, WITH)`` of a vector index, else ``None``.

    :param index: the index.
    :param reflected: whether it was reflected (its operator classes are then
        listed in column order, not by expression key).
    """
    opts = _opts(index)
    method = str(opts.get("using") or "").lower()
    if method not in VECTOR_METHODS:
        return None
    ops_by_key: dict[str, str] = dict(opts.get("ops") or {})
    if reflected:
        opclasses = [_norm_ops(o) for o in ops_by_key.values()]
        opclasses += [None] * (len(index.expressions) - len(opclasses))
    else:
        opclasses = [_norm_ops(ops_by_key.get(k)) for k in _element_keys(index)]
    with_ = {str(k): str(v) for k, v in dict(opts.get("with") or {}).items()}
    return method, tuple(opclasses), tuple(sorted(with_.items()))


def attribute_path(column: Column[Any]) -> str | None:
    """``"module:Class.attr"`` of the mapped attribute of *column*, if one is mapped.

    :param column: a column of the target ``MetaData``.
    """
    for reg in all_registries():
        for mapper in list(reg.mappers):
            if mapper.local_table is not column.table:
                continue
            for prop in mapper.column_attrs:
                if column in prop.columns:
                    cls = mapper.class_
                    return f"{cls.__module__}:{cls.__qualname__}.{prop.key}"
    return None


def _column_names(column: Column[Any], attrs: tuple[str, ...]) -> dict[str, str]:
    """Attribute name -> column name for the *attrs* whose column is named otherwise."""
    out: dict[str, str] = {}
    for reg in all_registries():
        for mapper in list(reg.mappers):
            if mapper.local_table is not column.table:
                continue
            for attr in attrs:
                prop = mapper.attrs.get(attr)
                cols = getattr(prop, "columns", None)
                if cols and cols[0].name != attr:
                    out[attr] = str(cols[0].name)
    return out


def backfill_op(column: Column[Any], table: str, schema: str | None) -> BackfillEmbeddingsOp:
    """The backfill step of an embedding column, carrying its source, provider and dimension.

    A template or attribute names are carried as text, so the step computes
    the vectors without the models; a callable source cannot be, and the step
    names the mapped attribute instead.

    :param column: the embedding column of the target ``MetaData``.
    :param table: its table's name.
    :param schema: its table's schema (``None``: the default one).
    """
    spec = spec_of(column)
    assert spec is not None
    provider = spec.provider if isinstance(spec.provider, str) else spec.provider.name
    kw: dict[str, Any] = {"provider": provider, "dimension": spec.dim, "schema": schema}
    source = spec.source
    if isinstance(source, TemplateSource):
        kw["source"] = source.template
    elif isinstance(source, ColumnsSource):
        kw["source"] = list(source.names)
        if source.separator != "\n":
            kw["separator"] = source.separator
    # the models' attribute too: a callable source needs it, and a provider instance
    # that is not registered under its name is found through it while it is the same
    kw["attribute"] = attribute_path(column)
    if "source" in kw:
        kw["columns"] = _column_names(column, tuple(source.watch or ())) or None
    return BackfillEmbeddingsOp(table, column.name, **kw)


def _with_opclasses(
    kw: dict[str, Any], conn: Connection, name: str, schema: str | None
) -> dict[str, Any]:
    """A reflected vector index's keywords with ``postgresql_ops`` (first, as 2.1 has it).

    SQLAlchemy 2.0 reflects no operator classes: without them every vector
    index with one would differ from its declaration, and a downgrade would
    recreate it with the default operator class.
    """
    using = str(kw.get("postgresql_using") or "").lower()
    if "postgresql_ops" in kw or using not in VECTOR_METHODS:
        return kw
    found = index_opclasses(conn, name, schema)
    return {"postgresql_ops": found, **kw} if found else kw


def _complete_reflection(
    modify_ops: ops.ModifyTableOps, conn_table: Table, conn: Connection, schema: str | None
) -> None:
    """Give reflected vector indexes (and Alembic's drops of them) their operator classes."""
    for index in conn_table.indexes:
        kw = {k: v for k, v in index.dialect_kwargs.items() if k.startswith("postgresql_")}
        full = _with_opclasses(kw, conn, str(index.name), schema)
        if full is not kw:
            for key in kw:
                del index.dialect_kwargs[key]
            index.dialect_kwargs.update(full)
    for op in modify_ops.ops:
        if isinstance(op, ops.DropIndexOp) and op.index_name is not None:
            op.kw = _with_opclasses(op.kw, conn, str(op.index_name), schema)


def _indexes_touched(modify_ops: ops.ModifyTableOps) -> set[str]:
    return {
        str(o.index_name)
        for o in modify_ops.ops
        if isinstance(o, (ops.CreateIndexOp, ops.DropIndexOp))
    }


def _compare_indexes(
    modify_ops: ops.ModifyTableOps, conn_table: Table, metadata_table: Table
) -> None:
    touched = _indexes_touched(modify_ops)
    found = {str(i.name): i for i in conn_table.indexes}
    for index in metadata_table.indexes:
        name = str(index.name)
        if name in touched or name not in found:
            continue
        want = index_signature(index, reflected=False)
        have = index_signature(found[name], reflected=True)
        if (want is None and have is None) or want == have:
            continue
        drop = ops.DropIndexOp.from_index(found[name])
        if not drop.kw.get("postgresql_include", True):
            del drop.kw["postgresql_include"]  # reflection noise: an empty INCLUDE list
        modify_ops.ops.append(drop)
        modify_ops.ops.append(ops.CreateIndexOp.from_index(index))


def _compare_columns(modify_ops: ops.ModifyTableOps, metadata_table: Table) -> None:
    out: list[ops.MigrateOperation] = []
    for op in modify_ops.ops:
        column: Column[Any] | None = None
        if isinstance(op, ops.AlterColumnOp) and op.modify_type is not None:
            if not (is_pgvector_type(op.modify_type) or is_pgvector_type(op.existing_type)):
                out.append(op)
                continue
            out.append(AlterVectorColumnOp.from_alter(op))
            column = metadata_table.c.get(op.column_name)
        elif isinstance(op, ops.AddColumnOp) and spec_of(op.column) is not None:
            out.append(op)
            column = op.column
        else:
            out.append(op)
            continue
        if column is not None and spec_of(column) is not None:
            out.append(backfill_op(column, metadata_table.name, modify_ops.schema))
    modify_ops.ops[:] = out


def compare_vector_table(
    autogen_context: AutogenContext,
    modify_ops: ops.ModifyTableOps,
    schema: str | None,
    tname: str,
    conn_table: Table | None,
    metadata_table: Table | None,
) -> PriorityDispatchResult:
    """Table-level comparator: vector index and column changes of existing tables.

    Reflected vector indexes also get the operator classes SQLAlchemy 2.0 does
    not reflect (for dropped tables too, whose downgrade recreates them).

    :param autogen_context: the run's context.
    :param modify_ops: the table's operations, which this edits.
    :param schema: the table's schema (``None``: the default one).
    :param tname: the table's name.
    :param conn_table: the table as reflected (``None``: a new table).
    :param metadata_table: the table in the models (``None``: a dropped table).
    """
    conn = autogen_context.connection
    if conn_table is not None and conn is not None:
        _complete_reflection(modify_ops, conn_table, conn, schema)
    if conn_table is None or metadata_table is None:
        return PriorityDispatchResult.CONTINUE
    _compare_indexes(modify_ops, conn_table, metadata_table)
    _compare_columns(modify_ops, metadata_table)
    return PriorityDispatchResult.CONTINUE
