"""Hybrid recommendations: a graph signal and vector similarity, scored in one statement.

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
  item (see `walk()`), divided by the
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
from sqlalchemy.orm import InstrumentedAttribute

from .exc import TraversalError
from .graph.identity import is_integer_key
from .graph.query import Step, walk
from .graph.query.common import describe, spec_of_class, spec_of_instance
from .vector.comparator import similarity_from_distance
from .vector.operators import distance_between
from .vector.settings import SearchSettings, with_search_settings
from .vector.spec import spec_of

__all__ = ["recommend", "related"]

#: pgvector's default and greatest ``hnsw.ef_search``.
_DEFAULT_EF_SEARCH = 40
_MAX_EF_SEARCH = 1000


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
            raise TraversalError(f"{describe(like)} has not been flushed")
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
    """Recommend rows of *target* for *start*, best first; see the module docstring.

    The result is a ``Select`` of ``(instance, graph_score, vector_score,
    score)``.  The instance column is *target* itself, so ``.where(Target.col == ...)``
    and joins on *target* filter the recommendations (among the candidates;
    raise *candidates* for very selective filters).

    :param target: the mapped ``GraphNode`` class recommended (single integer key).
    :param start: a flushed ``GraphNode`` instance to recommend for.
    :param via: the typed steps of the graph signal (see `walk()`).
    :param embedding: *target*'s ``Embedding(...)`` attribute, e.g. ``Product.embedding``.
    :param like: what the items should be similar to: a text, a vector or an
        instance of *target*; by default the centroid of the *history*.
    :param history: steps from *start* to the items it already has; they are
        never recommended, and their centroid is the default *like*.  A start
        with no history and no *like* gets only the graph's candidates.
    :param exclude: further instances of *target* never to recommend.
    :param k: how many rows (``LIMIT k``).
    :param graph_weight: the weight of ``graph_score`` in ``score``.
    :param vector_weight: the weight of ``vector_score`` in ``score``.
    :param candidates: how many nearest items (by *embedding*) join the
        graph's candidates, after the history and *exclude* are left out; the
        index scan widens to find them (pgvector's ``ef_search`` and iterative
        scans, for this statement only).
    """
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
    excluded = []
    for item in (start, *exclude):
        if isinstance(item, target):
            identity = inspect(item).identity
            if identity is None:
                raise TraversalError(f"{describe(item)} has not been flushed")
            excluded.append(identity[0])
    distance = distance_between(embedding, espec.distance.glyph, query)
    nearest_ids = select(pk).where(embedding.is_not(None), query.is_not(None))
    signal_ids = select(signal.c.id)
    if history_ids is not None:
        nearest_ids = nearest_ids.where(pk.not_in(history_ids))
        signal_ids = signal_ids.where(signal.c.id.not_in(history_ids))
    if excluded:
        nearest_ids = nearest_ids.where(pk.not_in(excluded))
        signal_ids = signal_ids.where(signal.c.id.not_in(excluded))
    nearest_ids = nearest_ids.order_by(distance).limit(candidates)
    pool = union(signal_ids, nearest_ids).subquery()
    paths = func.coalesce(signal.c.paths, 0)
    graph_score = func.coalesce(
        cast(paths, Float) / func.nullif(func.max(paths).over(), 0), literal(0.0)
    )
    vector_score = func.coalesce(similarity_from_distance(espec.distance, distance), literal(0.0))
    scored = (
        select(
            pool.c[0].label("id"),
            graph_score.label("graph_score"),
            vector_score.label("vector_score"),
        )
        .select_from(pool)
        .join(target, pool.c[0] == pk)
        .outerjoin(signal, signal.c.id == pk)
        .subquery()
    )
    score = (graph_weight * scored.c.graph_score + vector_weight * scored.c.vector_score).label(
        "score"
    )
    wide = SearchSettings(
        ef_search=min(max(candidates, _DEFAULT_EF_SEARCH), _MAX_EF_SEARCH),
        iterative_scan="strict_order",
    )
    stmt = (
        select(target, scored.c.graph_score, scored.c.vector_score, score)
        .join(scored, scored.c.id == pk)
        .order_by(score.desc(), pk)
        .limit(k)
    )
    return with_search_settings(stmt, wide)


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
    """Rows of *target* related to *item*: reached through *via*, and similar to it.

    `recommend()` with ``like=item``; *item* itself is never returned.

    :param target: the mapped ``GraphNode`` class (single integer key).
    :param item: a flushed instance of *target*.
    :param via: the typed steps of the graph signal (see `walk()`).
    :param embedding: *target*'s ``Embedding(...)`` attribute.
    :param k: how many rows.
    :param graph_weight: the weight of ``graph_score`` in ``score``.
    :param vector_weight: the weight of ``vector_score`` in ``score``.
    :param candidates: how many nearest items join the graph's candidates.
    """
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
