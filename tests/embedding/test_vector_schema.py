"""``CREATE EXTENSION vector SCHEMA extensions``, and a search path that does not name it.

What some managed services do: pgvector lives in a schema of its own, which
the application's sessions do not have on their search path.  The engine
plugin connects, registers pgvector's types by their qualified names, and
distances compile to ``OPERATOR(extensions.<=>)``: searches return what a
brute-force computation says, and the HNSW index is still used.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from sqlalchemy import Connection, Engine, create_engine, event, select, text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from sqlalchemy_tridb import setup_engine
from sqlalchemy_tridb.embedding import DeterministicProvider
from sqlalchemy_tridb.engine import vector_schema
from sqlalchemy_tridb.testing import tridb_database_factory, tridb_engine_factory
from sqlalchemy_tridb.vector import (
    HNSW,
    Embedding,
    EmbeddingSearchMixin,
    hybrid_search,
    install_embedding_sync,
)

EMBED = DeterministicProvider(dimension=16, name="vector_schema")
WORDS = ["red apple", "green apple", "blue whale", "grey whale", "old oak", "young oak", "oak desk"]


class Base(DeclarativeBase):
    pass


class Doc(EmbeddingSearchMixin, Base):
    __tablename__ = "doc"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str]
    embedding: Mapped[list[float] | None] = Embedding(
        source="title", provider=EMBED, index=HNSW(m=4)
    )


def _vector_in_its_own_schema(conn: Connection) -> None:
    conn.execute(text("CREATE SCHEMA extensions"))
    conn.execute(text("CREATE EXTENSION vector SCHEMA extensions"))
    # DDL runs with the schema on the path, as a managed service's console does
    conn.execute(text("SET LOCAL search_path = public, extensions, ag_catalog"))
    Base.metadata.create_all(conn)
    with Session(conn, join_transaction_mode="create_savepoint") as s, install_embedding_sync(s):
        s.add_all(Doc(id=i, title=w) for i, w in enumerate(WORDS, 1))
        s.commit()


schema_template = tridb_database_factory(extensions=("age",), load=[_vector_in_its_own_schema])
schema_engine = tridb_engine_factory("schema_template", scope="module")


@pytest.fixture
def session(schema_engine: Engine) -> Iterator[Session]:
    with Session(schema_engine) as s:
        path = s.execute(text("SELECT current_schemas(false)")).scalar_one()
        assert "extensions" not in path  # the default path, "$user", public (and ag_catalog)
        yield s


def _brute_force(query: str, distance: str) -> list[int]:
    q = EMBED.embed([query])[0].astype(np.float64)
    vecs = EMBED.embed(WORDS).astype(np.float64)
    d = {
        "cosine_distance": lambda v: 1 - v @ q / (np.linalg.norm(v) * np.linalg.norm(q)),
        "l2_distance": lambda v: np.linalg.norm(v - q),
        "max_inner_product": lambda v: -(v @ q),
        "l1_distance": lambda v: np.abs(v - q).sum(),
    }[distance]
    return [i for _, i in sorted((d(v), i) for i, v in enumerate(vecs, 1))]


def test_the_plugin_connects_and_registers_the_qualified_types(schema_engine: Engine) -> None:
    with schema_engine.connect() as conn:
        vec = conn.exec_driver_sql("SELECT '[1,2,3]'::extensions.vector").scalar_one()
        half = conn.exec_driver_sql("SELECT '[1,2]'::extensions.halfvec").scalar_one()
    assert not isinstance(vec, str) and not isinstance(half, str)  # pgvector's loaders
    assert np.asarray(vec.to_list()).tolist() == [1.0, 2.0, 3.0]
    assert vector_schema(schema_engine.dialect) == "extensions"


@pytest.mark.parametrize(
    "distance", ["cosine_distance", "l2_distance", "max_inner_product", "l1_distance"]
)
def test_distances_order_as_brute_force_says(session: Session, distance: str) -> None:
    q = "green apple pie"
    got = session.scalars(select(Doc.id).order_by(getattr(Doc.embedding, distance)(q))).all()
    assert got == _brute_force(q, distance)


def test_nearest_is_qualified_and_uses_the_index(schema_engine: Engine, session: Session) -> None:
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(schema_engine, "before_cursor_execute", record)
    try:
        ids = session.scalars(Doc.nearest("oak", k=3).with_only_columns(Doc.id)).all()
    finally:
        event.remove(schema_engine, "before_cursor_execute", record)
    assert ids == _brute_force("oak", "cosine_distance")[:3]
    assert "doc.embedding OPERATOR(extensions.<=>)" in statements[-1]
    session.execute(text("SET LOCAL enable_seqscan = off"))
    stmt = Doc.nearest("oak", k=3).compile(schema_engine, compile_kwargs={"literal_binds": True})
    plan = "\n".join(session.connection().exec_driver_sql(f"EXPLAIN {stmt}").scalars())
    assert "Index Scan using" in plan and "OPERATOR(extensions.<=>)" in plan, plan


def test_hybrid_search_equals_the_search_with_the_schema_on_the_path(
    schema_engine: Engine, session: Session
) -> None:
    stmt = hybrid_search(Doc.embedding, "oak whale", text=[Doc.title], k=5, match="any")
    got = [(d.id, round(score, 9)) for d, score in session.execute(stmt)]
    # the oracle: no tridb set-up, unqualified operators, the schema on the path
    url = schema_engine.url.render_as_string(hide_password=False)
    plain = create_engine(url, connect_args={"options": "-c search_path=public,extensions"})
    try:
        with Session(plain) as s:
            want = [(d.id, round(score, 9)) for d, score in s.execute(stmt)]
    finally:
        plain.dispose()
    assert got == want and len(got) == 5


def test_writes_reach_the_rows_without_the_schema_on_the_path(session: Session) -> None:
    with install_embedding_sync(session):
        session.add(Doc(id=100, title="oak table"))
        session.flush()
        session.get_one(Doc, 1).title = "oak chair"
        session.flush()
        stored = session.execute(
            select(Doc.id, Doc.embedding).where(Doc.id.in_([1, 100])).order_by(Doc.id)
        ).all()
        session.rollback()
    want = EMBED.embed(["oak chair", "oak table"])
    for (_, got), expected in zip(stored, want, strict=True):
        assert np.allclose(np.asarray(got, dtype=np.float64), expected, atol=1e-6)


def test_async_engine_registers_the_qualified_types(schema_engine: Engine) -> None:
    url = schema_engine.url.render_as_string(hide_password=False)

    async def run() -> Any:
        engine = create_async_engine(url)
        setup_engine(engine)
        try:
            async with engine.connect() as conn:
                result = await conn.exec_driver_sql("SELECT '[4,5]'::extensions.vector")
                return result.scalar_one()
        finally:
            await engine.dispose()

    vec = asyncio.run(run())
    assert not isinstance(vec, str) and vec.to_list() == [4.0, 5.0]
