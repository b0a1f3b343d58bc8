"""Deferred columns in a database whose ``vector`` extension lives in a schema off the search path.

``CREATE EXTENSION vector SCHEMA extensions`` (as some managed services do) and
sessions whose search path does not name ``extensions``: the worker's write
must name pgvector's type by its schema, not rely on the path.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Connection, Engine, create_engine, insert, select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from sqlalchemy_tridb.embedding import DeterministicProvider
from sqlalchemy_tridb.testing import tridb_database_factory, tridb_engine_factory
from sqlalchemy_tridb.vector import Embedding
from sqlalchemy_tridb.worker import EmbeddingWorker

EMBED = DeterministicProvider(dimension=8, name="outbox-vector-schema")


class Base(DeclarativeBase):
    pass


class Memo(Base):
    __tablename__ = "memo"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str]
    embedding: Mapped[list[float] | None] = Embedding(
        source="title", provider=EMBED, dim=8, sync="deferred", index=None
    )
    half: Mapped[list[float] | None] = Embedding(
        source="title", provider=EMBED, dim=8, sync="deferred", index=None, halfvec=True
    )


def _vector_in_its_own_schema(conn: Connection) -> None:
    conn.execute(text("CREATE SCHEMA extensions"))
    conn.execute(text("CREATE EXTENSION vector SCHEMA extensions"))
    conn.execute(text("SET LOCAL search_path = public, extensions, ag_catalog"))
    Base.metadata.create_all(conn)


outbox_schema_template = tridb_database_factory(
    extensions=("age",), load=[_vector_in_its_own_schema]
)
outbox_schema_engine = tridb_engine_factory("outbox_schema_template")


def test_a_deferred_column_drains_without_the_schema_on_the_path(
    outbox_schema_engine: Engine,
) -> None:
    engine = outbox_schema_engine
    with engine.connect() as conn:
        assert "extensions" not in conn.execute(text("SELECT current_schemas(false)")).scalar()
    words = ["red apple", "blue whale", "old oak"]
    with engine.begin() as conn:
        conn.execute(insert(Memo), [{"id": i, "title": w} for i, w in enumerate(words, 1)])
    worker = EmbeddingWorker(engine, Memo.embedding, Memo.half)
    assert worker.drain() == 6
    with Session(engine) as s:
        got = s.execute(select(Memo.id, Memo.embedding, Memo.half).order_by(Memo.id)).all()
        left = s.execute(text("SELECT count(*) FROM tridb_outbox.embedding_job")).scalar()
    want = EMBED.embed(words)
    for (_, vec, half), expected in zip(got, want, strict=True):
        assert list(vec) == pytest.approx([float(x) for x in expected], abs=1e-6)
        assert list(half) == pytest.approx([float(x) for x in expected], abs=1e-3)
    assert left == 0


def test_a_plain_engine_finds_the_schema_in_the_catalog(outbox_schema_engine: Engine) -> None:
    """No tridb set-up: the schema comes from pg_extension, the vectors go as text."""
    url = outbox_schema_engine.url.render_as_string(hide_password=False)
    plain = create_engine(url)
    try:
        with plain.begin() as conn:
            conn.execute(insert(Memo), [{"id": 1, "title": "grey whale"}])
        worker = EmbeddingWorker(plain, Memo.embedding)
        assert worker.drain() == 1
        assert not worker._binary  # psycopg has no vector dumper on this engine
    finally:
        plain.dispose()
    with Session(outbox_schema_engine) as s:
        got = s.scalars(select(Memo.embedding).where(Memo.id == 1)).one()
    want = [float(x) for x in EMBED.embed(["grey whale"])[0]]
    assert list(got) == pytest.approx(want, abs=1e-6)
