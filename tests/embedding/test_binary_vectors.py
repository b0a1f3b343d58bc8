"""Vectors bound in pgvector's binary format: ORM flushes, Core, insertmanyvalues, async.

With the set-up and psycopg, pgvector's ``VECTOR``/``HALFVEC`` columns bind
numpy arrays that psycopg's binary dumper sends (``sqlalchemy_tridb.engine.vectors``);
what the database stores is what was bound, and what users read back is the
``list[float]`` of pgvector-python's type.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from pgvector import HalfVector, Vector
from pgvector.sqlalchemy import HALFVEC, VECTOR
from psycopg.adapt import PyFormat
from psycopg.pq import Format
from sqlalchemy import Engine, event, exc, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from sqlalchemy_tridb.embedding import DeterministicProvider
from sqlalchemy_tridb.engine.vectors import BinaryVECTOR
from sqlalchemy_tridb.vector import Embedding, install_embedding_sync

EMBED = DeterministicProvider(dimension=8, name="binary_vectors")


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "bin_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    vec: Mapped[Any] = mapped_column(VECTOR(3), nullable=True)
    half: Mapped[Any] = mapped_column(HALFVEC(3), nullable=True)


class Note(Base):
    __tablename__ = "bin_note"
    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str]
    embedding: Mapped[list[float] | None] = Embedding(source="body", provider=EMBED)


@pytest.fixture
def engine(tridb_engine: Engine) -> Iterator[Engine]:
    Base.metadata.create_all(tridb_engine)
    yield tridb_engine


def _stored(engine: Engine, table: str, column: str) -> list[str]:
    with engine.connect() as conn:
        return list(conn.scalars(text(f"SELECT {column}::text FROM {table} ORDER BY id")))


def _bound(engine: Engine) -> tuple[list[Any], Any]:
    """A list that collects the parameter sets of each statement, and the listener."""
    seen: list[Any] = []

    def record(conn: Any, cursor: Any, statement: str, params: Any, *args: Any) -> None:
        seen.append((statement, params))

    event.listen(engine, "before_cursor_execute", record)
    return seen, record


def test_orm_flush_binds_numpy_arrays_in_one_multirow_insert(engine: Engine) -> None:
    seen, record = _bound(engine)
    try:
        with Session(engine) as s:
            s.add_all(
                [
                    Item(id=1, vec=[1.0, 2.5, -3.0], half=[0.5, 1.0, 2.0]),
                    Item(id=2, vec=np.array([0.1, 0.2, 0.3]), half=np.array([1, 2, 3])),
                    Item(id=3, vec=Vector([7.0, 8.0, 9.0]), half=HalfVector([4.0, 5.0, 6.0])),
                    Item(id=4),
                ]
            )
            s.commit()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    inserts = [(st, p) for st, p in seen if st.startswith("INSERT INTO bin_item")]
    assert len(inserts) == 1  # insertmanyvalues: one statement for the batch
    values = [v for v in inserts[0][1].values() if isinstance(v, np.ndarray)]
    assert len(values) == 2 and all(v.dtype == np.dtype(">f4") for v in values)
    assert not any(isinstance(v, str) for v in inserts[0][1].values())
    assert _stored(engine, "bin_item", "vec") == [
        "[1,2.5,-3]",
        "[0.1,0.2,0.3]",
        "[7,8,9]",
        None,
    ]
    assert _stored(engine, "bin_item", "half") == ["[0.5,1,2]", "[1,2,3]", "[4,5,6]", None]


def test_psycopg_sends_numpy_arrays_with_the_binary_dumper(engine: Engine) -> None:
    with engine.connect() as conn:
        driver: Any = conn.connection.driver_connection
        dumper = driver.adapters.get_dumper(np.ndarray, PyFormat.AUTO)
        oid = conn.scalar(text("SELECT 'vector'::regtype::oid"))
    assert dumper.format == Format.BINARY and dumper.oid == oid


def test_results_stay_lists_of_floats(engine: Engine) -> None:
    with Session(engine) as s:
        s.add(Item(id=1, vec=np.array([1.5, 2.0, 3.0], dtype=np.float32), half=[1.0, 2.0, 4.0]))
        s.commit()
        item = s.get_one(Item, 1)
        s.refresh(item)
        assert item.vec == [1.5, 2.0, 3.0] and isinstance(item.vec, list)
        assert item.half == [1.0, 2.0, 4.0] and isinstance(item.half, list)


def test_core_executemany_and_query_vector(engine: Engine) -> None:
    rows = [{"id": i, "vec": np.array([i, 1.0, 0.0])} for i in range(1, 6)]
    with engine.begin() as conn:
        conn.execute(insert(Item), rows)
        nearest = conn.scalars(
            select(Item.id).order_by(Item.vec.l2_distance(np.array([3.1, 1.0, 0.0]))).limit(2)
        ).all()
    assert nearest == [3, 4]
    assert _stored(engine, "bin_item", "vec")[4] == "[5,1,0]"


def test_embedding_columns_flush_computed_vectors_in_binary(engine: Engine) -> None:
    assert isinstance(Note.__table__.c.embedding.type.dialect_impl(engine.dialect), BinaryVECTOR)
    with Session(engine) as s, install_embedding_sync(s):
        s.add_all([Note(id=1, body="oak desk"), Note(id=2, body="blue whale")])
        s.commit()
    stored = [np.array(json_vec(v)) for v in _stored(engine, "bin_note", "embedding")]
    assert np.allclose(stored, EMBED.embed(["oak desk", "blue whale"]), atol=1e-6)


def json_vec(value: str) -> list[float]:
    return [float(x) for x in value.strip("[]").split(",")]


def test_two_dimensional_input_is_refused(engine: Engine) -> None:
    with Session(engine) as s:
        s.add(Item(id=1, vec=np.ones((1, 3))))
        with pytest.raises(exc.StatementError, match="one-dimensional"):
            s.flush()


def test_async_psycopg_binds_in_binary(engine: Engine) -> None:
    url = engine.url.render_as_string(hide_password=False)

    async def run() -> list[Any]:
        async_engine = create_async_engine(url, plugins=["tridb"])
        try:
            # the async dialect's vectors bind in binary as the sync one's do
            impl = Item.__table__.c.vec.type.dialect_impl(async_engine.dialect)
            assert isinstance(impl, BinaryVECTOR), impl
            async with AsyncSession(async_engine) as s:
                s.add(Item(id=9, vec=np.array([9.0, 8.0, 7.0]), half=[1.0, 0.0, 1.0]))
                await s.commit()
                return list((await s.execute(select(Item.vec, Item.half))).one())
        finally:
            await async_engine.dispose()

    assert asyncio.run(run()) == [[9.0, 8.0, 7.0], [1.0, 0.0, 1.0]]
    assert _stored(engine, "bin_item", "vec") == ["[9,8,7]"]


def test_binary_results_on_request_load_the_same_values(engine: Engine) -> None:
    formats: list[int] = []

    def record(conn: Any, cursor: Any, *args: Any) -> None:
        if cursor.pgresult is not None and cursor.pgresult.nfields:
            formats.append(cursor.pgresult.fformat(0))

    with Session(engine) as s:
        s.add_all([Item(id=i, vec=[i, 0.5, -1.25], half=[1.0, 2.0, float(i)]) for i in range(1, 4)])
        s.commit()
        text_rows = s.execute(select(Item.id, Item.vec, Item.half).order_by(Item.id)).all()
        event.listen(engine, "after_cursor_execute", record)
        try:
            stmt = select(Item.id, Item.vec, Item.half).order_by(Item.id)
            binary_rows = s.execute(stmt.execution_options(tridb_binary_results=True)).all()
            s.execute(stmt).all()  # the next statement is text again
        finally:
            event.remove(engine, "after_cursor_execute", record)
    assert formats == [1, 0]  # psycopg's Format.BINARY, then TEXT
    assert binary_rows == text_rows
    assert binary_rows[2] == (3, [3.0, 0.5, -1.25], [1.0, 2.0, 3.0])
    assert all(isinstance(r.vec, list) for r in binary_rows)


def test_text_results_parse_to_pgvector_vectors_exactly(engine: Engine) -> None:
    values = np.random.default_rng(3).standard_normal(64).astype(np.float32)
    with engine.connect() as conn:
        got = conn.exec_driver_sql(
            "SELECT CAST(%(v)s AS text)::vector", {"v": Vector(values).to_text()}
        ).scalar_one()
    assert isinstance(got, Vector) and np.array_equal(got.to_numpy(), values)
