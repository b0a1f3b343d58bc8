"""Storage and distance variants round-trip through flush and nearest() in the real database."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, String, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from sqlalchemy_tridb.embedding import DeterministicProvider
from sqlalchemy_tridb.vector import (
    HNSW,
    Embedding,
    IVFFlat,
    SearchSettings,
    install_embedding_sync,
    nearest,
)

P = DeterministicProvider(dimension=16)


class Base(DeclarativeBase):
    pass


class Doc(Base):
    __tablename__ = "doc"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(80))
    body: Mapped[str | None]
    half_ip: Mapped[list[float] | None] = Embedding(
        source="title", provider=P, halfvec=True, distance="inner_product", index=HNSW(m=4)
    )
    l1: Mapped[list[float] | None] = Embedding(source=("title", "body"), provider=P, distance="l1")
    l2_ivf: Mapped[list[float] | None] = Embedding(
        source="{title} {body}", provider=P, distance="l2", index=IVFFlat(lists=2)
    )


WORDS = ["red apple", "green apple", "blue whale", "grey whale", "old oak", "young oak"]


@pytest.mark.parametrize(
    ("attr", "glyph", "score"),
    [
        ("half_ip", "<#>", "-(doc.half_ip <#>"),
        ("l1", "<+>", "1.0 / CAST((1.0 + (doc.l1 <+>"),
        ("l2_ivf", "<->", "1.0 / CAST((1.0 + (doc.l2_ivf <->"),
    ],
)
def test_each_variant_stores_and_searches(
    tridb_engine: Engine, attr: str, glyph: str, score: str
) -> None:
    Base.metadata.create_all(tridb_engine)
    column = getattr(Doc, attr)
    stmt = nearest(column, "apple", k=2, settings=SearchSettings(probes=2))
    sql = str(stmt.compile(dialect=postgresql.dialect()))
    assert f"ORDER BY doc.{attr} {glyph}" in sql
    assert str(column.similarity([0.0] * 16).compile(dialect=postgresql.dialect())).startswith(
        score
    )
    with Session(tridb_engine) as s, install_embedding_sync(s):
        s.add_all(Doc(title=w, body="text") for w in WORDS)
        s.commit()
        kind = s.scalar(
            text(
                "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                "WHERE attrelid = 'doc'::regclass AND attname = :a"
            ),
            {"a": attr},
        )
        assert kind == ("halfvec(16)" if attr == "half_ip" else "vector(16)")
        # IVFFlat built on an empty table has arbitrary centroids: probe every list
        titles = [
            d.title
            for d in s.scalars(nearest(column, "red apple", k=2, settings=SearchSettings(probes=2)))
        ]
        assert titles[0] == "red apple"
        own = {"half_ip": "red apple", "l1": "red apple\ntext", "l2_ivf": "red apple text"}[attr]
        assert s.scalar(select(column.distance(own)).where(Doc.title == "red apple")) == (
            pytest.approx(-1.0, abs=1e-2) if attr == "half_ip" else pytest.approx(0.0, abs=1e-2)
        )
