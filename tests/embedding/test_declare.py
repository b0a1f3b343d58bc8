"""Declaring embedding columns: types, dimensions, indexes in MetaData, mixins, inheritance."""

from __future__ import annotations

from typing import ClassVar

import pytest
from sqlalchemy import (
    Column,
    Engine,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    inspect,
    text,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column
from sqlalchemy.schema import CreateIndex

from sqlalchemy_tridb.embedding import CallableProvider, DeterministicProvider, providers
from sqlalchemy_tridb.exc import ConfigurationError, EmbeddingDeclarationError
from sqlalchemy_tridb.vector import HNSW, Distance, Embedding, IVFFlat, embedding_attributes
from sqlalchemy_tridb.vector.spec import spec_of

SMALL = DeterministicProvider(dimension=16)
BIG = CallableProvider(lambda ts: [[0.0] * 3072] * len(ts), name="big", dimension=3072)


def index_ddl(table: Table) -> list[str]:
    return sorted(
        str(CreateIndex(ix).compile(dialect=postgresql.dialect())).strip() for ix in table.indexes
    )


def test_type_dimension_and_index_object() -> None:
    class Base(DeclarativeBase):
        pass

    class Doc(Base):
        __tablename__ = "doc"
        id: Mapped[int] = mapped_column(primary_key=True)
        body: Mapped[str]
        vec: Mapped[list[float] | None] = Embedding(source="body", provider=SMALL)

    col = Doc.__table__.c.vec
    assert repr(col.type) == "VECTOR(dim=16)"  # pgvector's own type: Alembic renders it as usual
    spec = spec_of(col)
    assert spec is not None and spec.dim == 16 and spec.distance is Distance.COSINE
    assert index_ddl(Doc.__table__) == [  # type: ignore[arg-type]
        "CREATE INDEX ix_doc_vec_hnsw ON doc USING hnsw (vec vector_cosine_ops) "
        "WITH (m = 16, ef_construction = 64)"
    ]
    assert [a.key for a in embedding_attributes(inspect(Doc))] == ["vec"]
    copied = Doc.__table__.to_metadata(MetaData())  # the index comes along once
    assert index_ddl(copied) == index_ddl(Doc.__table__)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("options", "ddl"),
    [
        (
            {"distance": "l2", "index": IVFFlat(lists=10)},
            "USING ivfflat (vec vector_l2_ops) WITH (lists = 10)",
        ),
        (
            {"distance": "inner_product", "halfvec": True, "index": HNSW(m=4, ef_construction=8)},
            "USING hnsw (vec halfvec_ip_ops) WITH (m = 4, ef_construction = 8)",
        ),
        (
            {"distance": Distance.L1, "index": HNSW(name="my_ix")},
            "CREATE INDEX my_ix ON t USING hnsw (vec vector_l1_ops)",
        ),
    ],
)
def test_distance_storage_and_index_kinds(options: dict[str, object], ddl: str) -> None:
    col = Embedding(source="x", provider=SMALL, **options).column  # type: ignore[arg-type]
    col.name = col.key = "vec"
    t = Table("t", MetaData(), Column("id", Integer, primary_key=True), col)
    (rendered,) = index_ddl(t)
    assert ddl in rendered


def test_declaration_errors() -> None:
    with pytest.raises(EmbeddingDeclarationError, match="halfvec=True"):
        Embedding(source="x", provider=BIG)
    Embedding(source="x", provider=BIG, halfvec=True)  # 3072 dims: fine as halfvec
    Embedding(source="x", provider=BIG, index=None)  # or without an index
    with pytest.raises(EmbeddingDeclarationError, match="dim=8 but provider"):
        Embedding(source="x", provider=SMALL, dim=8)
    with pytest.raises(EmbeddingDeclarationError, match="register it before"):
        Embedding(source="x", provider="not-yet")
    Embedding(source="x", provider="not-yet", dim=8)  # resolved at the first flush
    with pytest.raises(EmbeddingDeclarationError, match="choose one of cosine"):
        Embedding(source="x", provider=SMALL, distance="hamming")
    with pytest.raises(EmbeddingDeclarationError, match="IVFFlat has no L1"):
        Embedding(source="x", provider=SMALL, distance="l1", index=IVFFlat())
    with pytest.raises(ConfigurationError):
        Embedding(source=[], provider=SMALL)
    providers.register(SMALL, name="small")
    assert Embedding(source="x", provider="small").column.type.dim == 16  # type: ignore[attr-defined]


def test_mixins_inheritance_table_args_and_added_columns(tridb_engine: Engine) -> None:
    providers.register(SMALL, name="small")
    providers.register(DeterministicProvider(dimension=8, name="eight"))

    class Base(DeclarativeBase):
        pass

    class Searchable:
        summary: Mapped[str | None]
        summary_vec: Mapped[list[float] | None] = Embedding(source="summary", provider="small")

    class Article(Searchable, Base):
        __tablename__ = "article"
        __table_args__ = (Index("ix_article_title", "title"), {"comment": "articles"})
        id: Mapped[int] = mapped_column(primary_key=True)
        title: Mapped[str] = mapped_column(String(100))
        kind: Mapped[str] = mapped_column(String(20))
        title_vec: Mapped[list[float] | None] = Embedding(
            source=("title", "summary"), provider="eight", distance="l2"
        )
        __mapper_args__: ClassVar[dict[str, object]] = {
            "polymorphic_on": "kind",
            "polymorphic_identity": "article",
        }

    class Review(Article):  # single-table inheritance adds a column to "article"
        stars: Mapped[int | None]
        verdict_vec: Mapped[list[float] | None] = Embedding(
            source="{title} ({stars} stars)", provider="small", index=IVFFlat(lists=2)
        )
        __mapper_args__: ClassVar[dict[str, object]] = {"polymorphic_identity": "review"}

    class Video(Article):  # joined inheritance: its own table
        __tablename__ = "video"
        id: Mapped[int] = mapped_column(ForeignKey("article.id"), primary_key=True)
        transcript: Mapped[str | None]
        transcript_vec: Mapped[list[float] | None] = Embedding(
            source="transcript", provider="small"
        )
        __mapper_args__: ClassVar[dict[str, object]] = {"polymorphic_identity": "video"}

    class Page(Searchable, Base):  # the mixin's column is copied, with its own index
        __tablename__ = "page"
        id: Mapped[int] = mapped_column(primary_key=True)

        @declared_attr.directive
        def __table_args__(cls) -> tuple[object, ...]:
            return ({"comment": "pages"},)

    Page.body = mapped_column(String, nullable=True)  # type: ignore[attr-defined]
    Page.body_vec = Embedding(source="body", provider="eight", index=HNSW(m=4))  # type: ignore[attr-defined]

    Base.metadata.create_all(tridb_engine)
    with tridb_engine.connect() as conn:
        found = dict(
            conn.execute(
                text("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'")
            ).all()
        )
    assert "USING hnsw (summary_vec vector_cosine_ops)" in found["ix_article_summary_vec_hnsw"]
    assert "USING hnsw (title_vec vector_l2_ops)" in found["ix_article_title_vec_hnsw"]
    assert (
        "USING ivfflat (verdict_vec vector_cosine_ops)" in found["ix_article_verdict_vec_ivfflat"]
    )
    assert "ix_video_transcript_vec_hnsw" in found
    assert "ix_page_summary_vec_hnsw" in found and "ix_page_body_vec_hnsw" in found
    assert "ix_article_title" in found
    keys = {c: {a.key for a in embedding_attributes(inspect(c))} for c in (Review, Video, Page)}
    assert keys == {
        Review: {"summary_vec", "title_vec", "verdict_vec"},
        Video: {"summary_vec", "title_vec", "transcript_vec"},
        Page: {"summary_vec", "body_vec"},
    }
    assert Page.body_vec.spec.provider == "eight"  # type: ignore[attr-defined]
