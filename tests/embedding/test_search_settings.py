"""Search settings apply wherever a search runs, and filtered searches return k rows (issue 14).

Item 1: ``Product.embedding.nearest(...)`` is ``nearest(Product.embedding, ...)``.
Item 4: settings passed to ``nearest()`` were ignored in a session without
``install_embedding_sync`` (the write hook applied them); now the statement
applies them itself, in a plain session, on a Core connection, on an
autocommit connection (inside one transaction, so nothing leaks).
Item 5: with a selective filter over an index scan, ``nearest().where()``
returned fewer than k of the matching rows by default (pgvector filters after
``ef_search`` candidates); iterative scans are now on by default.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from sqlalchemy import Engine, create_engine, func, insert, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from sqlalchemy_tridb.embedding import DeterministicProvider, providers
from sqlalchemy_tridb.vector import (
    SearchSelect,
    SearchSettings,
    hybrid_search,
    install_embedding_sync,
    nearest,
    with_search_settings,
)

from .models import DIM, Base, Product

TINY = DeterministicProvider(dimension=DIM)
N = 2000
#: 20 of the 2,000 rows have this price: a selective filter
PRICE = 7
Q = [1.0] + [0.0] * (DIM - 1)


@pytest.fixture
def engine(tridb_engine: Engine) -> Engine:
    providers.register(TINY, name="products")
    providers.register(TINY, name="tags")
    Base.metadata.create_all(tridb_engine)
    rng = np.random.default_rng(3)
    vecs = rng.normal(size=(N, DIM)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    rows = [
        {"id": i + 1, "name": f"p{i}", "price": i % 100, "embedding": vecs[i].tolist()}
        for i in range(N)
    ]
    with tridb_engine.begin() as conn:  # Core, on a connection: no hook sees it
        conn.execute(insert(Product.__table__), rows)  # type: ignore[arg-type]
        conn.execute(text("ANALYZE product"))
    return tridb_engine


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as s:  # no install_embedding_sync: reading needs no write hook
        yield s


def _setting(name: str) -> object:
    return func.current_setting(name).label(name)


def test_the_comparator_method_is_nearest() -> None:
    providers.register(TINY, name="products")
    a = nearest(Product.embedding, Q, k=5, ef_search=7)
    b = Product.embedding.nearest(Q, k=5, ef_search=7)
    c = Product.nearest(Q, k=5, ef_search=7)
    for stmt in (a, b, c):
        assert isinstance(stmt, SearchSelect)
        assert str(stmt.compile(dialect=postgresql.dialect())) == str(
            a.compile(dialect=postgresql.dialect())
        )
        assert stmt.get_execution_options()["tridb_vector_search"] == SearchSettings(ef_search=7)
    assert isinstance(
        nearest(Product.embedding, "a text", k=3).where(Product.price < 5), SearchSelect
    )


def test_settings_apply_in_a_session_without_the_hook(session: Session) -> None:
    stmt = nearest(Product.embedding, Q, k=5, ef_search=3, iterative_scan="off")
    row = session.execute(stmt.add_columns(_setting("hnsw.ef_search"))).first()
    assert row is not None and row[1] == "3"
    # ef_search=3 with no iterative scan: the index gives 3 rows, not 5
    assert len(session.scalars(stmt).all()) == 3
    session.commit()
    assert session.scalar(text("SELECT current_setting('hnsw.ef_search')")) == "40"  # SET LOCAL
    # and with the write hook installed, the same (applied once, by the statement)
    with install_embedding_sync(session):
        assert len(session.scalars(stmt).all()) == 3


def test_settings_apply_on_connections_also_in_autocommit(engine: Engine) -> None:
    stmt = nearest(Product.embedding, Q, k=5, ef_search=4, iterative_scan="off")
    with engine.connect() as conn:
        assert len(conn.execute(stmt).all()) == 4
        row = conn.execute(stmt.with_only_columns(Product.id, _setting("hnsw.ef_search"))).first()
        assert row is not None and row[1] == "4"
        conn.rollback()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        assert len(conn.execute(stmt).all()) == 4  # BEGIN; set_config; the query; COMMIT
        driver = conn.connection.dbapi_connection
        assert driver is not None and driver.info.transaction_status.name == "IDLE"
        assert conn.scalar(text("SELECT current_setting('hnsw.ef_search')")) == "40"
    # an engine without the tridb plugin, too
    plain = create_engine(engine.url)
    try:
        with Session(plain) as s:
            assert len(s.scalars(stmt).all()) == 4
    finally:
        plain.dispose()


def _index_scans(session: Session) -> None:
    """A larger table would get the index scan anyway; 2,000 rows need a push."""
    session.execute(text("SET LOCAL enable_seqscan = off"))


def _plan(session: Session, stmt: SearchSelect) -> str:
    sql = stmt.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
    return "\n".join(session.execute(text(f"EXPLAIN {sql}")).scalars())


def test_a_selective_filter_returns_k_rows_by_default(session: Session) -> None:
    matching = session.scalar(select(func.count()).where(Product.price == PRICE))
    assert matching == N // 100
    stmt = nearest(Product.embedding, Q, k=10).where(Product.price == PRICE)
    _index_scans(session)
    assert "Index Scan using ix_product_embedding_hnsw" in _plan(session, stmt)
    got = session.scalars(stmt).all()
    assert len(got) == 10 and all(p.price == PRICE for p in got)
    exact = session.scalars(
        select(Product.id)
        .where(Product.price == PRICE)
        .order_by(Product.embedding.cosine_distance(Q))
        .limit(10)
    ).all()
    assert len({p.id for p in got} & set(exact)) >= 9  # approximate, close to exact
    # strict order: the distances come back ascending
    distances = [float(np.dot(Q, p.embedding)) for p in got]  # type: ignore[arg-type]
    assert distances == sorted(distances, reverse=True)
    session.rollback()
    # pgvector's plain scan, as before: filtered after ef_search (40) candidates
    off = nearest(Product.embedding, Q, k=10, iterative_scan="off").where(Product.price == PRICE)
    _index_scans(session)
    assert len(session.scalars(off).all()) < 10
    session.rollback()
    # k rows when k is larger than ef_search is larger than ef_search and no filter drops rows
    assert len(session.scalars(nearest(Product.embedding, Q, k=60)).all()) == 60


def test_other_selects_can_carry_settings(session: Session) -> None:
    base = (
        select(Product.id)
        .where(Product.price == PRICE)
        .order_by(Product.embedding.cosine_distance(Q))
        .limit(10)
    )
    _index_scans(session)
    assert len(session.scalars(with_search_settings(base)).all()) == 10
    session.rollback()
    narrow = with_search_settings(base, SearchSettings(ef_search=5, iterative_scan="off"))
    _index_scans(session)
    assert len(session.scalars(narrow).all()) < 10


def test_a_filtered_hybrid_search_fills_its_vector_candidates(session: Session) -> None:
    stmt = hybrid_search(
        Product.embedding,
        "nothing on the text side",
        text=[Product.name],
        k=10,
        candidates=10,
        where=Product.price == PRICE,
        explain=True,
    )
    _index_scans(session)
    rows = session.execute(stmt).all()
    assert len(rows) == 10 and all(r.vector_rank is not None for r in rows)
    assert all(r[0].price == PRICE for r in rows)
