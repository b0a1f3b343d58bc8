"""The SQL the embedding comparator, nearest(), stale_rows() and hybrid_search() compile to."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from sqlalchemy import ClauseElement, Integer, String
from sqlalchemy.dialects.postgresql import TSVECTOR, psycopg2
from sqlalchemy.orm import DeclarativeBase, Mapped, aliased, mapped_column

from sqlalchemy_tridb.embedding import DeterministicProvider
from sqlalchemy_tridb.exc import ConfigurationError
from sqlalchemy_tridb.vector import (
    Embedding,
    EmbeddingComparator,
    EmbeddingSearchMixin,
    SearchSettings,
    hybrid_search,
    nearest,
    stale_rows,
)
from sqlalchemy_tridb.vector.comparator import embedding_comparator
from sqlalchemy_tridb.vector.search import SEARCH_OPTION

TINY = DeterministicProvider(dimension=3)
VEC = [1.0, 0.0, 0.0]


class Base(DeclarativeBase):
    pass


class Doc(EmbeddingSearchMixin, Base):
    __tablename__ = "doc"
    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str] = mapped_column(String)
    search: Mapped[Any] = mapped_column(TSVECTOR, nullable=True)
    cos: Mapped[list[float] | None] = Embedding(source="body", provider=TINY)
    l2: Mapped[list[float] | None] = Embedding(source="body", provider=TINY, distance="l2")
    ip: Mapped[list[float] | None] = Embedding(
        source="body", provider=TINY, distance="inner_product"
    )
    l1: Mapped[list[float] | None] = Embedding(source="body", provider=TINY, distance="l1")


# psycopg2's dialect renders no bind casts (``::INTEGER``) in any SQLAlchemy 2.x
DIALECT = psycopg2.dialect()


def sql(expr: ClauseElement) -> str:
    return str(expr.compile(dialect=DIALECT))


def params(expr: ClauseElement) -> dict[str, Any]:
    return dict(expr.compile(dialect=DIALECT).params)


@pytest.mark.parametrize(
    ("method", "glyph"),
    [
        ("cosine_distance", "<=>"),
        ("l2_distance", "<->"),
        ("max_inner_product", "<#>"),
        ("l1_distance", "<+>"),
    ],
)
def test_each_distance_compiles_to_its_operator(method: str, glyph: str) -> None:
    expr = getattr(Doc.cos, method)(VEC)
    assert sql(expr) == f"doc.cos {glyph} %(param_1)s"
    assert params(expr) == {"param_1": VEC}


@pytest.mark.parametrize(
    ("attribute", "distance", "similarity"),
    [
        ("cos", "doc.cos <=> %(param_1)s", "1.0 - (doc.cos <=> %(param_1)s)"),
        ("l2", "doc.l2 <-> %(param_1)s", "1.0 / CAST((1.0 + (doc.l2 <-> %(param_1)s)) AS FLOAT)"),
        ("ip", "doc.ip <#> %(param_1)s", "-(doc.ip <#> %(param_1)s)"),
        ("l1", "doc.l1 <+> %(param_1)s", "1.0 / CAST((1.0 + (doc.l1 <+> %(param_1)s)) AS FLOAT)"),
    ],
)
def test_declared_distance_and_similarity(attribute: str, distance: str, similarity: str) -> None:
    comparator = getattr(Doc, attribute)
    assert sql(comparator.distance(VEC)) == distance
    assert sql(comparator.similarity(VEC)) == similarity


def test_a_text_is_embedded_with_the_column_provider() -> None:
    bound = params(Doc.cos.distance("red kettle"))["param_1"]
    assert np.array_equal(bound, TINY.embed(["red kettle"])[0])


NEAREST = (
    "SELECT doc.id, doc.body, doc.search, doc.cos, doc.l2, doc.ip, doc.l1 \n"
    "FROM doc ORDER BY doc.l2 <-> %(param_1)s \n LIMIT %(param_2)s"
)


def test_the_three_spellings_of_nearest_build_the_same_select() -> None:
    by_function = nearest(Doc.l2, VEC, k=4)
    by_comparator = Doc.l2.nearest(VEC, 4)
    by_model = Doc.nearest(VEC, 4, attribute="l2")
    for stmt in (by_function, by_comparator, by_model):
        assert sql(stmt) == NEAREST
        assert params(stmt) == {"param_1": VEC, "param_2": 4}
        assert SEARCH_OPTION not in stmt.get_execution_options()


def test_nearest_of_an_aliased_class_selects_the_alias() -> None:
    alias = aliased(Doc, name="d")
    expected = (
        "SELECT d.id, d.body, d.search, d.cos, d.l2, d.ip, d.l1 \n"
        "FROM doc AS d ORDER BY d.cos <=> %(param_1)s \n LIMIT %(param_2)s"
    )
    assert sql(nearest(alias.cos, VEC, k=2)) == expected
    assert sql(alias.cos.nearest(VEC, 2)) == expected
    assert sql(stale_rows(alias.cos)).endswith("FROM doc AS d \nWHERE d.cos IS NULL")


def test_nearest_carries_validated_search_settings() -> None:
    stmt = nearest(Doc.cos, VEC, ef_search=80, iterative_scan="strict_order")
    assert stmt.get_execution_options()[SEARCH_OPTION] == SearchSettings(
        ef_search=80, iterative_scan="strict_order"
    )
    given = SearchSettings(probes=3)
    assert Doc.cos.nearest(VEC, settings=given).get_execution_options()[SEARCH_OPTION] is given
    assert (
        nearest(Doc.cos, VEC, settings=given, ef_search=5).get_execution_options()[SEARCH_OPTION]
        is given
    )  # explicit settings win over the shortcuts
    with pytest.raises(ConfigurationError, match=r"ivfflat\.probes must be a positive integer"):
        Doc.cos.nearest(VEC, settings=SearchSettings(probes=0))
    with pytest.raises(ConfigurationError, match="iterative_scan='sometimes'"):
        nearest(Doc.cos, VEC, iterative_scan="sometimes")  # type: ignore[arg-type]


def test_the_model_needs_a_named_attribute_among_several() -> None:
    with pytest.raises(ConfigurationError, match=r"Doc has embedding columns \['cos', 'l2'"):
        Doc.nearest(VEC)
    with pytest.raises(ConfigurationError, match=r"Doc\.__table__ is no mapped attribute"):
        Doc.nearest(VEC, attribute="__table__")
    with pytest.raises(ConfigurationError, match="is no Embedding"):
        Doc.nearest(VEC, attribute="body")  # a column, but no embedding


def test_embedding_comparator_accepts_mapped_attributes_only() -> None:
    assert isinstance(embedding_comparator(Doc.cos), EmbeddingComparator)
    assert embedding_comparator(aliased(Doc).cos).prop is Doc.cos.comparator.prop
    for wrong in (Doc.body, Doc.cos.comparator, Doc.__mapper__.attrs["cos"], "cos", None):
        with pytest.raises(ConfigurationError, match="is no Embedding"):
            embedding_comparator(wrong)


def test_stale_rows_selects_rows_without_a_vector() -> None:
    assert sql(stale_rows(Doc.ip)) == (
        "SELECT doc.id, doc.body, doc.search, doc.cos, doc.l2, doc.ip, doc.l1 \n"
        "FROM doc \nWHERE doc.ip IS NULL"
    )


def test_hybrid_search_reads_a_tsvector_column_as_is() -> None:
    with_tsvector = sql(hybrid_search(Doc.cos, "kettle", text=Doc.search))
    assert "ts_rank_cd(doc.search, websearch_to_tsquery(" in with_tsvector
    assert "to_tsvector" not in with_tsvector
    with_text = sql(hybrid_search(Doc.cos, "kettle", text=[Doc.body]))
    assert (
        "ts_rank_cd(to_tsvector(CAST(%(param_5)s AS REGCONFIG), "
        "concat_ws(%(concat_ws_1)s, doc.body)), "
        "websearch_to_tsquery(CAST(%(param_6)s AS REGCONFIG), "
        "%(websearch_to_tsquery_1)s))"
    ) in with_text


def test_hybrid_search_of_an_aliased_class() -> None:
    alias = aliased(Doc, name="d")
    stmt = sql(hybrid_search(alias.cos, "kettle", text=[alias.body], k=3))
    assert stmt.startswith("WITH semantic AS \n(SELECT d.id AS id")
    assert stmt.count("FROM doc AS d") == 3  # both candidate lists and the result
    assert "AS fused ON d.id = fused.id ORDER BY fused.score DESC, d.id" in stmt


class Pair(Base):
    __tablename__ = "pair"
    a: Mapped[int] = mapped_column(Integer, primary_key=True)
    b: Mapped[int] = mapped_column(Integer, primary_key=True)
    body: Mapped[str] = mapped_column(String)
    vec: Mapped[list[float] | None] = Embedding(source="body", provider=TINY, index=None)


def test_hybrid_search_needs_one_primary_key_column() -> None:
    with pytest.raises(ConfigurationError, match="single-column primary key"):
        hybrid_search(Pair.vec, "x", text=[Pair.body])
