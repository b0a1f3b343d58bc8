"""Hybrid recommendations: a graph signal and vector similarity, scored in one statement.

::

    # products for a customer: co-purchases of customers who bought what they bought,
    # combined with similarity to the centroid of what they bought
    stmt = recommend(
        Product, alice,
        via=("BOUGHT", ("BOUGHT", "in"), "BOUGHT"),
        history=("BOUGHT",),
        embedding=Product.embedding,
    )
    for product, graph_score, vector_score, score in session.execute(stmt):
        ...

    # documents related to a document: shared tags, and similar text
    related(Doc, doc, via=("TAGGED", ("TAGGED", "in")), embedding=Doc.embedding)

Both return a ``Select`` of ``(instance, graph_score, vector_score, score)``,
ordered by ``score`` (highest first), so a caller can explain every result and
add filters, joins or a different ``limit`` like any other statement:

* ``graph_score`` is the number of typed walks from the start that end at the
  item (see :func:`~sqlalchemy_tridb.graph.query.walk`), divided by the
  largest such number among the candidates: 1 for the strongest graph signal,
  0 for none;
* ``vector_score`` is the similarity of the item's embedding to the query
  (``1 - cosine distance`` for cosine columns);
* ``score = graph_weight * graph_score + vector_weight * vector_score``.

Candidates are the items the walk reaches plus the ``candidates`` nearest items
to the query (found through the vector index), less the start's ``history``
and the start itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Float, Select, cast, func, inspect, literal, select, union
from sqlalchemy.orm import InstrumentedAttribute, aliased

from .exc import TraversalError
from .graph.identity import is_integer_key
from .graph.query import Step, walk
from .graph.query.common import spec_of_class, spec_of_instance
from .vector.comparator import similarity_from_distance
from .vector.operators import distance_between
from .vector.spec import spec_of

__all__ = ["recommend", "related"]


def _pk(target: type) -> InstrumentedAttribute[Any]:
    spec = spec_of_class(target)
    if not is_integer_key(spec.pk):
        raise TraversalError(f"{target.__name__} needs a single integer primary key")
    attr: InstrumentedAttribute[Any] = getattr(target, spec.pk[0].key)
    return attr


def _query_vector(
    target: type,
    embedding: InstrumentedAttribute[Any],
    like: Any,
    history_ids: Select[Any] | None,
) -> ColumnElement[Any]:
    pk = _pk(target)
    if like is None:
        if history_ids is None:
            raise TraversalError("give `like` (a text, a vector or an instance) or a `history`")
        return select(func.avg(embedding)).where(pk.in_(history_ids)).scalar_subquery()
    if isinstance(like, target):
        key = inspect(like).identity
        if key is None:
            raise TraversalError(f"{like!r} has not been flushed")
        return select(embedding).where(pk == key[0]).scalar_subquery()
    return embedding.comparator.vector(like)  # type: ignore[attr-defined,no-any-return]


def recommend(
    target: type,
    start: Any,
    *,
    via: Sequence[Step],
    embedding: InstrumentedAttribute[Any],
    like: Any = None,
    history: Sequence[Step] | None = None,
    exclude: Sequence[Any] = (),
    k: int = 10,
    graph_weight: float = 0.5,
    vector_weight: float = 0.5,
    candidates: int = 100,
) -> Select[Any]:
    """Recommend rows of *target* for *start*; see the module docstring."""
    if k < 1 or candidates < 0:
        raise TraversalError("k must be at least 1 and candidates not negative")
    if graph_weight < 0 or vector_weight < 0:
        raise TraversalError("weights must not be negative")
    col = embedding.property.columns[0]
    espec = spec_of(col)
    if espec is None:
        raise TraversalError(f"{embedding} is not an Embedding(...) column")
    spec_of_instance(start)
    pk = _pk(target)
    signal = walk(target, start, *via)
    history_ids = None
    if history:
        seen = walk(target, start, *history)
        history_ids = select(seen.c.id)
    query = _query_vector(target, embedding, like, history_ids)
    nearest_ids = (
        select(pk)
        .where(embedding.is_not(None))
        .order_by(distance_between(embedding, espec.distance.glyph, query))
        .limit(candidates)
    )
    pool = union(select(signal.c.id), nearest_ids).subquery("pool")
    paths = func.coalesce(signal.c.paths, 0)
    graph_score = func.coalesce(
        cast(paths, Float) / func.nullif(func.max(paths).over(), 0), literal(0.0)
    )
    vector_score = func.coalesce(
        similarity_from_distance(
            espec.distance, distance_between(embedding, espec.distance.glyph, query)
        ),
        literal(0.0),
    )
    ranked: Any = (
        select(
            target,
            graph_score.label("graph_score"),
            vector_score.label("vector_score"),
        )
        .join(pool, pool.c[0] == pk)
        .outerjoin(signal, signal.c.id == pk)
    )
    if history_ids is not None:
        ranked = ranked.where(pk.not_in(history_ids))
    excluded = []
    for item in (start, *exclude):
        if isinstance(item, target):
            identity = inspect(item).identity
            if identity is None:
                raise TraversalError(f"{item!r} has not been flushed")
            excluded.append(identity[0])
    if excluded:
        ranked = ranked.where(pk.not_in(excluded))
    inner = ranked.subquery("ranked")

    entity: Any = aliased(target, inner)
    score = (graph_weight * inner.c.graph_score + vector_weight * inner.c.vector_score).label(
        "score"
    )
    return (
        select(entity, inner.c.graph_score, inner.c.vector_score, score)
        .order_by(score.desc(), getattr(entity, pk.key))
        .limit(k)
    )


def related(
    target: type,
    item: Any,
    *,
    via: Sequence[Step],
    embedding: InstrumentedAttribute[Any],
    k: int = 10,
    graph_weight: float = 0.5,
    vector_weight: float = 0.5,
    candidates: int = 100,
) -> Select[Any]:
    """Rows of *target* related to *item*: reached through *via*, and similar to it."""
    return recommend(
        target,
        item,
        via=via,
        embedding=embedding,
        like=item,
        k=k,
        graph_weight=graph_weight,
        vector_weight=vector_weight,
        candidates=candidates,
    )
