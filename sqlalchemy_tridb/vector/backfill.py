"""Find and fix rows whose embeddings are missing: `stale_rows()` and `backfill()`.

Rows are left with a NULL vector by statements the sync cannot embed (Core
INSERTs, ``bulk_insert_mappings``, partial ``update()`` statements, which the
sync sets to NULL on purpose).  ``backfill`` walks them in primary-key order,
in batches, with one provider call per batch:

    fixed = backfill(session, Product.embedding, batch_size=256)
    session.commit()
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from .comparator import embedding_comparator
from .compute import Plan, compute, embedding_attributes, source_text

__all__ = ["backfill", "stale_rows"]


def stale_rows(attribute: Any) -> Select[Any]:
    """``select(Model)`` of the rows whose *attribute* is NULL.

    :param attribute: the embedding attribute, e.g. ``Product.embedding``.
    """
    comparator = embedding_comparator(attribute)
    entity = attribute.parent.entity  # the class, or the aliased class
    return select(entity).where(comparator.__clause_element__().is_(None))


def backfill(session: Session, attribute: Any, *, batch_size: int = 256, where: Any = None) -> int:
    """Compute and flush the missing vectors of *attribute*; return how many were set.

    Rows whose source is empty stay NULL (under ``on_empty="null"``) and are
    not counted.  The caller commits.

    :param session: the session to read and flush the rows with.
    :param attribute: the embedding attribute, e.g. ``Product.embedding``.
    :param batch_size: rows per query and per provider call.
    :param where: an extra filter on the rows to fix, e.g. ``Product.price > 0``.
    """
    comparator = embedding_comparator(attribute)
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
