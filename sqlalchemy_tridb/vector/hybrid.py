"""Hybrid search: PostgreSQL full text and vector similarity, fused by reciprocal rank.

One query: the ``candidates`` nearest rows by vector (index-ordered) and the
``candidates`` best rows by ``ts_rank_cd``, full-outer-joined on the primary
key, scored ``1/(rrf_k + rank_vector) + 1/(rrf_k + rank_text)``:

    stmt = hybrid_search(Product.embedding, "noise cancelling headphones",
                         text=[Product.name, Product.description], k=10)
    for product, score in session.execute(stmt):
        ...
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Float, Select, Text, func, literal, select
from sqlalchemy.dialects.postgresql import REGCONFIG, TSQUERY, TSVECTOR

from ..exc import ConfigurationError
from .comparator import embedding_comparator
from .settings import with_search_settings

__all__ = ["hybrid_search"]


def _document(text: Any, language: str) -> ColumnElement[Any]:
    columns = list(text) if isinstance(text, Sequence) else [text]
    if len(columns) == 1 and isinstance(columns[0].type, TSVECTOR):
        return columns[0]  # type: ignore[no-any-return]
    joined = func.concat_ws(" ", *columns)
    return func.to_tsvector(literal(language).cast(REGCONFIG), joined)


def hybrid_search(
    attribute: Any,
    query: str,
    *,
    text: Any,
    k: int = 10,
    candidates: int = 40,
    rrf_k: int = 60,
    language: str = "english",
    where: Any = None,
    match: str = "all",
    explain: bool = False,
) -> Select[Any]:
    """``select(Model, score)`` of the *k* best rows by reciprocal rank fusion.

    *text* is a ``TSVECTOR`` column, or one or more text columns (joined and
    passed to ``to_tsvector``; index that expression for large tables).
    *where* filters both candidate lists.  ``match="all"`` (the default,
    ``websearch_to_tsquery``) needs every word on the text side; ``"any"``
    accepts rows with any of them.  ``explain=True`` adds ``vector_rank`` and
    ``text_rank`` columns (``None`` where that side did not rank the row).

    :param attribute: the embedding attribute, e.g. ``Product.embedding``.
    :param query: the search text, embedded for the vector side and parsed
        with ``websearch_to_tsquery`` for the text side.
    :param text: the text side's ``TSVECTOR`` column or text column(s).
    :param k: how many rows.
    :param candidates: how many rows each side ranks before fusing.
    :param rrf_k: the constant of reciprocal rank fusion (60 in the literature).
    :param language: the text search configuration (``regconfig``).
    :param where: a filter on both candidate lists.
    :param match: ``"all"`` or ``"any"`` of the query's words on the text side.
    :param explain: add the ``vector_rank`` and ``text_rank`` columns.
    """
    if match not in ("all", "any"):
        raise ConfigurationError(f"match={match!r}: choose 'all' or 'any'")
    comparator = embedding_comparator(attribute)
    parent = attribute.parent  # the mapper, or the AliasedInsp of an aliased class
    mapper = parent.mapper
    if len(mapper.primary_key) != 1:
        raise ConfigurationError("hybrid_search needs a single-column primary key")
    entity = parent.entity
    pk = getattr(entity, mapper.get_property_by_column(mapper.primary_key[0]).key)
    distance = comparator.distance(query)
    tsquery: ColumnElement[Any] = func.websearch_to_tsquery(
        literal(language).cast(REGCONFIG), query
    )
    if match == "any":
        tsquery = func.replace(tsquery.cast(Text), " & ", " | ").cast(TSQUERY)
    document = _document(text, language)
    text_rank = func.ts_rank_cd(document, tsquery)

    semantic = select(pk.label("id"), func.row_number().over(order_by=distance).label("rank"))
    keyword = select(
        pk.label("id"), func.row_number().over(order_by=text_rank.desc()).label("rank")
    )
    keyword = keyword.where(document.op("@@")(tsquery))
    if where is not None:
        semantic, keyword = semantic.where(where), keyword.where(where)
    sem = semantic.order_by(distance).limit(candidates).cte("semantic")
    kw = keyword.order_by(text_rank.desc()).limit(candidates).cte("keyword")

    def part(rank: Any) -> ColumnElement[float]:
        return func.coalesce(1.0 / (rrf_k + rank), 0.0)

    score = (part(sem.c.rank) + part(kw.c.rank)).cast(Float).label("score")
    fused = (
        select(
            func.coalesce(sem.c.id, kw.c.id).label("id"),
            score,
            sem.c.rank.label("vector_rank"),
            kw.c.rank.label("text_rank"),
        )
        .select_from(sem.join(kw, sem.c.id == kw.c.id, full=True))
        .subquery("fused")
    )
    columns = [fused.c.score]
    if explain:
        columns += [fused.c.vector_rank, fused.c.text_rank]
    fused_rows = (
        select(entity, *columns)
        .join(fused, pk == fused.c.id)
        .order_by(fused.c.score.desc(), pk)
        .limit(k)
    )
    # the vector side's index scan gets nearest()'s defaults: with *where*, the
    # iterative scan fills all *candidates* whenever that many rows match
    return with_search_settings(fused_rows)
