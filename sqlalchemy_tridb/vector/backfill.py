"""Find and fix rows whose embeddings are missing or stale: `stale_rows()` and `backfill()`.

Rows are left with a NULL vector by statements the sync cannot embed (Core
INSERTs, ``bulk_insert_mappings``, partial ``update()`` statements, which the
sync sets to NULL on purpose).  ``backfill`` walks them in primary-key order,
in batches, with one provider call per batch:

    fixed = backfill(session, Product.embedding, batch_size=256)
    session.commit()

For a ``sync="deferred"`` column the outbox's provenance says more: a row is
stale when it has no provenance, when its source fingerprint differs from the
one its vector was made from, or when another provider or model made it; and
``backfill`` queues those rows for the worker instead of embedding them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, literal, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from .comparator import embedding_comparator
from .compute import Plan, compute, embedding_attributes, source_text
from .outbox import VERSIONS, DeferredColumn, jobs_table, provenance_table, provider_identity
from .spec import spec_of

__all__ = ["backfill", "stale_rows"]


def _deferred(attribute: Any) -> DeferredColumn | None:
    column = attribute.property.columns[0]
    spec = spec_of(column)
    if spec is None or spec.sync != "deferred":
        return None
    return DeferredColumn(column.table, column, spec)


def stale_condition(dc: DeferredColumn, vector: Any) -> tuple[Any, ColumnElement[bool]]:
    """The provenance join's ON clause and the staleness test of a deferred column.

    :param dc: the deferred column.
    :param vector: its column (or attribute) in the statement.
    """
    p = provenance_table
    key = func.pg_catalog.jsonb_build_array(*dc.key_columns())
    on = and_(p.c.table_name == dc.table_name, p.c.column_name == dc.column.name, p.c.key == key)
    provider, model = provider_identity(dc.spec.resolve())
    stale = or_(
        p.c.key.is_(None),  # never embedded by a worker
        p.c.source_hash != dc.fingerprint(),  # its source changed since
        p.c.provider != provider,  # another provider or model made it
        p.c.model != model,
        and_(vector.is_(None), p.c.text_hash.is_not(None)),  # its vector was removed
    )
    return on, stale


def stale_rows(attribute: Any) -> Select[Any]:
    """``select(Model)`` of the rows whose *attribute* is NULL (or stale, when deferred).

    For a ``sync="deferred"`` column, also the rows whose vector was made from
    another source or by another provider or model (see the module docstring).

    :param attribute: the embedding attribute, e.g. ``Product.embedding``.
    """
    comparator = embedding_comparator(attribute)
    entity = attribute.parent.entity  # the class, or the aliased class
    vector = comparator.__clause_element__()
    dc = _deferred(attribute)
    if dc is None:
        return select(entity).where(vector.is_(None))
    on, stale = stale_condition(dc, vector)
    return select(entity).outerjoin(provenance_table, on).where(stale)


def _enqueue(session: Session, dc: DeferredColumn, where: Any) -> int:
    vector = dc.table.c[dc.column.key]
    on, stale = stale_condition(dc, vector)
    key = func.pg_catalog.jsonb_build_array(*dc.key_columns())
    rows = select(literal(dc.table_name), literal(dc.column.name), key).select_from(
        dc.table.outerjoin(provenance_table, on)
    )
    rows = rows.where(stale) if where is None else rows.where(stale, where)
    stmt = insert(jobs_table).from_select(["table_name", "column_name", "key"], rows)
    stmt = stmt.on_conflict_do_update(
        index_elements=["table_name", "column_name", "key"],
        set_={"version": func.pg_catalog.nextval(VERSIONS)},
    )
    return len(session.execute(stmt.returning(jobs_table.c.key)).all())


def backfill(session: Session, attribute: Any, *, batch_size: int = 256, where: Any = None) -> int:
    """Compute and flush the missing vectors of *attribute*; return how many were set.

    Rows whose source is empty stay NULL (under ``on_empty="null"``) and are
    not counted.  The caller commits.  For a ``sync="deferred"`` column the
    stale rows (`stale_rows()`) are queued for the worker instead, and the
    count is of the rows queued: after a provider change, this re-embeds a
    column on purpose.

    :param session: the session to read and flush the rows with.
    :param attribute: the embedding attribute, e.g. ``Product.embedding``.
    :param batch_size: rows per query and per provider call.
    :param where: an extra filter on the rows to fix, e.g. ``Product.price > 0``.
    """
    comparator = embedding_comparator(attribute)
    dc = _deferred(attribute)
    if dc is not None:
        return _enqueue(session, dc, where)
    mapper = attribute.parent.mapper
    attr = next(a for a in embedding_attributes(mapper) if a.key == comparator.prop.key)
    pk = mapper.primary_key
    # populate_existing: a row already in the session (loaded before an upsert or
    # a Core UPDATE changed it) is read afresh, so its new text is embedded
    base = (
        stale_rows(attribute)
        .order_by(*pk)
        .limit(batch_size)
        .execution_options(populate_existing=True)
    )
    if where is not None:
        base = base.where(where)
    done, last = 0, None
    while True:
        stmt = base if last is None else base.where(func.row(*pk) > func.row(*last))
        objs = list(session.scalars(stmt))
        if not objs:
            return done
        plan = Plan()
        for obj in objs:
            plan.add_text(obj, attr, source_text(attr, obj))
        plan.nulls.clear()  # already NULL
        plan.apply(compute(plan.jobs, resolve=lambda spec: spec.resolve()))
        session.flush()
        done += len(plan.jobs)
        last = mapper.primary_key_from_instance(objs[-1])
