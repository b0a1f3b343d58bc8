"""Large imports: binary ``COPY``, embeddings in provider batches, the vector index built after.

    from sqlalchemy_tridb.vector.bulk import bulk_load

    report = bulk_load(engine, Product, rows, batch_size=10_000)

`bulk_load()` writes parameter dicts (attribute keys, as for ``insert(Model)``)
in one transaction: rows arrive in batches of *batch_size*; the flush-time
embedding columns a row leaves out (or gives ``None``) are computed with the
column's provider, one call per provider batch, and every vector is checked
(dimension, finite numbers) before anything is sent; each batch is one
``COPY ... FROM STDIN (FORMAT BINARY)``, vectors in pgvector's binary format.
``COPY`` fires the tables' statement-level ``AFTER INSERT`` triggers once
per batch with the whole batch as the transition table, so the graph mirror
(and the deferred-embedding outbox) is written set-based, as for a multi-row
``INSERT``.  With *build_index_after* the declared vector indexes are dropped
first and created again once the rows are in (their ``COMMENT``, where
`tune_search()` keeps its setting, is carried over), inside the same
transaction; ``DROP INDEX`` locks the table against readers until commit.

Values go to psycopg as they are, past SQLAlchemy's type processing:
give what psycopg adapts (``str``, ``int``, ``datetime``, ``Jsonb(...)``).
Columns left out take their server default, else a Python-side default
that takes no context, else NULL.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from types import SimpleNamespace
from typing import Any

import numpy as np
from pgvector import HalfVector
from sqlalchemy import Connection, Engine, Index, Table, inspect, text
from sqlalchemy.orm import Mapper

from ..exc import BulkLoadError
from ..sql import qualified_table, quote_ident
from .compute import EmbeddingAttribute, Plan, compute, embedding_attributes
from .sources import CallableSource

__all__ = ["BulkLoadError", "BulkReport", "bulk_load"]

_INDEX_MARK = "tridb.embedding_index"


@dataclass
class BulkReport:
    """What `bulk_load()` wrote.

    :param rows: rows copied.
    :param embedded: vectors computed by providers (the others came with the rows).
    :param batches: ``COPY`` statements, one per batch.
    :param indexes: the vector indexes created after the load.
    :param seconds: wall time of the whole load, index build included.
    """

    rows: int = 0
    embedded: int = 0
    batches: int = 0
    indexes: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass(frozen=True)
class _Target:
    table: Table
    keys: tuple[str, ...]  # attribute keys, in COPY order
    columns: tuple[str, ...]  # their column names
    embedded: tuple[EmbeddingAttribute, ...]  # flush-time embedding attributes
    defaults: dict[str, Any]  # column name -> Python-side default to apply


def _target(mapper: Mapper[Any], first: Mapping[str, Any]) -> _Target:
    table = mapper.local_table
    if not isinstance(table, Table):
        raise BulkLoadError(f"{mapper.class_.__name__} is not mapped to one table")
    props = {p.key: p.columns[0] for p in mapper.column_attrs if p.columns[0].table is table}
    unknown = sorted(set(first) - set(props))
    if unknown:
        raise BulkLoadError(
            f"{mapper.class_.__name__} has no column attribute(s) {', '.join(unknown)}; "
            f"known: {', '.join(props)}"
        )
    embedded = tuple(a for a in embedding_attributes(mapper) if a.spec.sync == "flush")
    keys = list(first) + [a.key for a in embedded if a.key not in first]
    defaults: dict[str, Any] = {}
    for key, col in props.items():
        default = col.default
        if key in keys or default is None or col.server_default is not None:
            continue
        if getattr(default, "is_scalar", False) or getattr(default, "is_callable", False):
            defaults[key] = default
    keys += list(defaults)
    return _Target(table, tuple(keys), tuple(props[k].name for k in keys), embedded, defaults)


def _batches(rows: Iterable[Mapping[str, Any]], size: int) -> Iterator[list[Mapping[str, Any]]]:
    it = iter(rows)
    while batch := list(islice(it, size)):
        yield batch


def _default(column_default: Any) -> Any:
    arg = column_default.arg
    return arg if column_default.is_scalar else arg(None)


def _prepare(
    target: _Target, required: frozenset[str], batch: list[Mapping[str, Any]], start: int
) -> tuple[list[dict[str, Any]], int]:
    """The batch as dicts with defaults and checked vectors; missing vectors computed."""
    out: list[dict[str, Any]] = []
    plan = Plan()
    given: dict[str, list[Any]] = {attr.key: [] for attr in target.embedded}
    allowed = set(target.keys)
    for i, row in enumerate(batch):
        keys = set(row)
        if not required <= keys or not keys <= allowed:
            diff = sorted((required - keys) | (keys - allowed))
            raise BulkLoadError(
                f"row {start + i} differs from the first row in key(s) {', '.join(diff)}; "
                "give every row the same keys"
            )
        values = dict(row)
        for key, column_default in target.defaults.items():
            values[key] = _default(column_default)
        for attr in target.embedded:
            if values.get(attr.key) is not None:
                values[attr.key] = _vector(attr, values[attr.key], start + i)
                given[attr.key].append(values[attr.key])
                continue
            source = attr.spec.source
            if isinstance(source, CallableSource):
                source_text = source.text(SimpleNamespace(**values))
            else:
                source_text = source.text_from(values.get)
            values[attr.key] = None
            plan.add_text(values, attr, source_text)
        out.append(values)
    for attr in target.embedded:
        _check_finite(attr, given[attr.key], out, start)
    if plan.jobs:  # compute() checked the shape and the numbers already
        vectors = compute(plan.jobs, resolve=lambda spec: spec.resolve())
        for job, vector in zip(plan.jobs, vectors, strict=True):
            job.target[job.attr.key] = HalfVector(vector) if job.attr.spec.halfvec else vector
    return out, len(plan.jobs)


def _check_finite(
    attr: EmbeddingAttribute, vectors: list[Any], out: list[dict[str, Any]], start: int
) -> None:
    """One ``isfinite`` over the batch's given vectors; the first bad row named."""
    if not vectors:
        return
    arrays = [v.to_numpy() if isinstance(v, HalfVector) else v for v in vectors]
    if np.isfinite(np.stack(arrays)).all():
        return
    for i, values in enumerate(out):
        value = values[attr.key]
        array = value.to_numpy() if isinstance(value, HalfVector) else value
        if value is not None and not np.isfinite(array).all():
            raise BulkLoadError(f"row {start + i}: {attr.label}: the vector contains NaN or Inf")


def _vector(attr: EmbeddingAttribute, value: Any, row: int) -> Any:
    """*value* as a float32 array (``HalfVector`` for halfvec) of the column's dimension."""
    dim = attr.spec.dim
    if type(value) is np.ndarray and value.dtype == np.float32 and value.shape == (dim,):
        return HalfVector(value) if attr.spec.halfvec else value  # the common case, no copy
    where = f"row {row}: {attr.label}"
    try:
        arr = np.asarray(
            value.to_numpy() if hasattr(value, "to_numpy") else value, dtype=np.float32
        )
    except (TypeError, ValueError) as err:
        raise BulkLoadError(f"{where}: not a vector of numbers ({err})") from err
    if arr.shape != (attr.spec.dim,):
        raise BulkLoadError(
            f"{where}: expected a vector of {attr.spec.dim} dimensions, got shape {arr.shape}"
        )
    return HalfVector(arr) if attr.spec.halfvec else arr


@contextmanager
def _transaction(bind: Engine | Connection) -> Iterator[Connection]:
    if isinstance(bind, Engine):
        with bind.begin() as conn:
            yield conn
    elif bind.in_transaction():
        with bind.begin_nested():
            yield bind
    else:
        with bind.begin():
            yield bind


def _declared_indexes(table: Table) -> list[Index]:
    return sorted(
        (ix for ix in table.indexes if ix.info.get(_INDEX_MARK)), key=lambda ix: str(ix.name)
    )


def _drop_indexes(conn: Connection, table: Table) -> list[tuple[Index, str | None]]:
    """Drop the declared vector indexes that exist; return every declared one and its comment."""
    found: list[tuple[Index, str | None]] = []
    for index in _declared_indexes(table):
        row = conn.execute(
            text(
                "SELECT n.nspname, pg_catalog.obj_description(c.oid, 'pg_class') "
                "FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid "
                "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                "WHERE i.indrelid = CAST(:t AS regclass) AND c.relname = :name"
            ),
            {"t": qualified_table(table), "name": index.name},
        ).first()
        if row is not None:
            conn.exec_driver_sql(f"DROP INDEX {quote_ident(row[0])}.{quote_ident(str(index.name))}")
        found.append((index, row[1] if row is not None else None))
    return found


def _create_indexes(
    conn: Connection, table: Table, found: list[tuple[Index, str | None]]
) -> list[str]:
    for index, comment in found:
        index.create(conn)
        if comment is not None:
            # COMMENT takes no parameters: the server quotes the name and the text
            statement = conn.scalar(
                text(
                    "SELECT pg_catalog.format('COMMENT ON INDEX %s IS %L', c.oid::regclass, "
                    "CAST(:c AS text)) FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c "
                    "ON c.oid = i.indexrelid WHERE i.indrelid = CAST(:t AS regclass) "
                    "AND c.relname = :name"
                ),
                {"t": qualified_table(table), "name": index.name, "c": comment},
            )
            conn.exec_driver_sql(statement)
    return [str(index.name) for index, _ in found]


def _type_oids(conn: Connection, table: Table, columns: tuple[str, ...]) -> list[int]:
    result = conn.execute(
        text(
            "SELECT attname, atttypid::int FROM pg_catalog.pg_attribute "
            "WHERE attrelid = CAST(:t AS regclass) AND attnum > 0 AND NOT attisdropped"
        ),
        {"t": qualified_table(table)},
    )
    oids = {str(row[0]): int(row[1]) for row in result}
    missing = [c for c in columns if c not in oids]
    if missing:
        raise BulkLoadError(f"table {table.fullname} has no column(s) {', '.join(missing)}")
    return [int(oids[c]) for c in columns]


def bulk_load(
    bind: Engine | Connection,
    model: type[Any],
    rows: Iterable[Mapping[str, Any]],
    *,
    batch_size: int = 10_000,
    build_index_after: bool = True,
) -> BulkReport:
    """Insert *rows* into *model*'s table with binary ``COPY``, in one transaction.

    :param bind: an engine (a transaction of its own, committed at the end) or a
        connection (a savepoint when it is in a transaction, else a transaction
        of its own); it must use psycopg (version 3) and the tridb set-up.
    :param model: the mapped class whose table receives the rows.
    :param rows: parameter dicts keyed by attribute key; every row has the first
        row's keys (an embedding key may be missing or ``None``: computed).
    :param batch_size: rows per provider batch and per ``COPY`` (the graph
        triggers see one batch at a time).
    :param build_index_after: drop the declared vector indexes before the load
        and create them after it (``False``: the indexes are maintained row by row).
    :raises BulkLoadError: unknown keys, rows with different keys, a vector of the
        wrong dimension or with NaN; nothing is written.
    """
    if batch_size < 1:
        raise BulkLoadError(f"batch_size must be at least 1, got {batch_size}")
    mapper = inspect(model, raiseerr=False)
    if not isinstance(mapper, Mapper):
        raise BulkLoadError(f"{model!r} is not a mapped class")
    started = time.perf_counter()
    report = BulkReport()
    batches = _batches(rows, batch_size)
    first = next(batches, None)
    if first is None:
        return report
    target = _target(mapper, first[0])
    required = frozenset(first[0]) - {a.key for a in target.embedded}
    with _transaction(bind) as conn:
        oids = _type_oids(conn, target.table, target.columns)
        dropped = _drop_indexes(conn, target.table) if build_index_after else []
        raw = conn.connection.driver_connection
        sql = (
            f"COPY {qualified_table(target.table)} "
            f"({', '.join(quote_ident(c) for c in target.columns)}) FROM STDIN (FORMAT BINARY)"
        )
        batch: list[Mapping[str, Any]] | None = first
        while batch is not None:
            values, embedded = _prepare(target, required, batch, report.rows)
            with raw.cursor() as cur, cur.copy(sql) as copy:  # type: ignore[union-attr]
                copy.set_types(oids)
                for row in values:
                    copy.write_row([row.get(k) for k in target.keys])
            report.rows += len(values)
            report.embedded += embedded
            report.batches += 1
            batch = next(batches, None)
        if build_index_after:
            report.indexes = _create_indexes(conn, target.table, dropped)
    report.seconds = time.perf_counter() - started
    return report
