"""The flush sync against the real database."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from sqlalchemy_tridb.embedding import DeterministicProvider, providers
from sqlalchemy_tridb.exc import EmbeddingError, ProviderError
from sqlalchemy_tridb.vector import Embedding, EmbeddingSync, install_embedding_sync

from .conftest import CountingProvider, StatementLog
from .models import DIM, Base, Category, Product


@pytest.fixture
def counters() -> tuple[CountingProvider, CountingProvider]:
    products = providers.register(CountingProvider(name="products"))
    tags = providers.register(CountingProvider(name="tags"))
    return products, tags


@pytest.fixture
def maker(tridb_engine: Engine, counters: object) -> Iterator[sessionmaker[Session]]:
    Base.metadata.create_all(tridb_engine)
    maker = sessionmaker(tridb_engine)
    sync = install_embedding_sync(maker)
    yield maker
    sync.remove()


def stored(session: Session, product_id: int) -> list[float] | None:
    value = session.execute(
        text("SELECT embedding::text FROM product WHERE id = :id"), {"id": product_id}
    ).scalar_one()
    return None if value is None else [float(x) for x in value.strip("[]").split(",")]


def test_insert_carries_vectors_one_call_per_provider(
    maker: sessionmaker[Session],
    counters: tuple[CountingProvider, CountingProvider],
    sql_log: StatementLog,
) -> None:
    products, tags = counters
    with maker() as s:
        kitchen = Category(title="kitchen")
        s.add_all(
            [Product(name=f"pan {i}", description="cast iron", category=kitchen) for i in range(5)]
        )
        s.commit()
        assert len(products.calls) == 1 and len(products.calls[0]) == 5
        assert tags.calls == [[f"pan {i} in kitchen" for i in range(5)]]
        # the INSERT carried the vectors: no UPDATE was needed
        assert not [w for w in sql_log.writes() if w.startswith("UPDATE")]
        expected = DeterministicProvider(dimension=DIM).embed(["pan 0: cast iron"])[0]
        got = stored(s, 1)
        assert got is not None and np.allclose(got, expected, atol=1e-6)
        assert s.scalar(text("SELECT count(*) FROM product WHERE tag_embedding IS NULL")) == 0


def test_batches_are_split_by_batch_size(
    maker: sessionmaker[Session], counters: tuple[CountingProvider, CountingProvider]
) -> None:
    products, _ = counters
    products.batch_size = 4
    with maker() as s:
        s.add_all([Product(name=f"item {i}", description="x") for i in range(10)])
        s.commit()
    assert [len(c) for c in products.calls] == [4, 4, 2]


def test_only_changed_sources_are_reembedded(
    maker: sessionmaker[Session], counters: tuple[CountingProvider, CountingProvider]
) -> None:
    products, tags = counters
    with maker() as s:
        s.add_all([Product(name=f"lamp {i}", description="desk lamp") for i in range(3)])
        s.commit()
        products.calls.clear()
        lamps = s.scalars(select(Product).order_by(Product.id)).all()
        lamps[0].price = 10  # not a source of either column
        lamps[1].description = "desk lamp"  # same value: no change in history
        lamps[2].description = "floor lamp"
        s.commit()
        assert products.texts == ["lamp 2: floor lamp"]
        assert tags.calls == []  # no category: empty source, NULL, no call
        assert np.allclose(
            stored(s, 3) or [],
            DeterministicProvider(dimension=DIM).embed(["lamp 2: floor lamp"])[0],
            atol=1e-6,
        )


def test_explicit_vector_is_kept(
    maker: sessionmaker[Session], counters: tuple[CountingProvider, CountingProvider]
) -> None:
    products, _ = counters
    mine = [1.0] + [0.0] * (DIM - 1)
    with maker() as s:
        s.add(Product(id=1, name="own", description="vector", embedding=mine))
        s.commit()
        assert products.calls == []
        assert stored(s, 1) == mine
        p = s.get(Product, 1)
        assert p is not None
        other = [0.0, 1.0] + [0.0] * (DIM - 2)
        p.name, p.embedding = "renamed", other  # both: the assigned vector wins
        s.commit()
        assert products.calls == [] and stored(s, 1) == other


def test_empty_source_gives_null_and_policies(
    maker: sessionmaker[Session], counters: tuple[CountingProvider, CountingProvider]
) -> None:
    products, _ = counters
    with maker() as s:
        s.add(Product(id=1, name="", description=None))
        s.commit()
        assert stored(s, 1) is None and products.calls == []
        p = s.get(Product, 1)
        assert p is not None
        p.name = "now named"
        s.commit()
        assert stored(s, 1) is not None
        p.name, p.description = "", None
        s.commit()
        assert stored(s, 1) is None  # emptied source: NULL, not a stale vector


def test_provider_failure_raises_before_any_sql(
    maker: sessionmaker[Session],
    counters: tuple[CountingProvider, CountingProvider],
    sql_log: StatementLog,
) -> None:
    products, _ = counters
    products.fail = True
    with maker() as s:
        s.add_all([Product(name="a", description="b"), Product(name="c", description="d")])
        with pytest.raises(ProviderError, match=r"'products'.*Product\.embedding.*RuntimeError"):
            s.flush()
        assert sql_log.writes() == []
        assert all(p.embedding is None for p in s.new)  # nothing half-assigned
        s.rollback()
        products.fail = False
        s.add(Product(name="after", description="rollback"))
        s.commit()
        assert s.scalar(text("SELECT count(*) FROM product")) == 1


@pytest.mark.parametrize("problem", ["dimension", "nan"])
def test_bad_vectors_raise_typed_error_naming_column(
    maker: sessionmaker[Session],
    counters: tuple[CountingProvider, CountingProvider],
    sql_log: StatementLog,
    problem: str,
) -> None:
    products, _ = counters
    if problem == "dimension":
        products.inner = DeterministicProvider(dimension=DIM + 1)
        pattern = rf"Product\.embedding.*shape \(2, {DIM}\).*\(2, {DIM + 1}\)"
    else:
        products.poison = "poison"
        pattern = r"Product\.embedding.*'poison: pill'.*NaN or Inf"
    with maker() as s:
        s.add_all(
            [Product(name="fine", description="row"), Product(name="poison", description="pill")]
        )
        with pytest.raises(ProviderError, match=pattern) as info:
            s.commit()
        assert isinstance(info.value, EmbeddingError)
        assert sql_log.writes() == []
        s.rollback()
        assert s.scalar(text("SELECT count(*) FROM product")) == 0


def test_on_empty_error_and_callable_source_following_relationship(
    tridb_engine: Engine,
) -> None:
    class B(DeclarativeBase):
        pass

    class Note(B):
        __tablename__ = "note"
        id: Mapped[int] = mapped_column(primary_key=True)
        body: Mapped[str | None]
        vec: Mapped[list[float] | None] = Embedding(
            source="body", provider=DeterministicProvider(dimension=8), on_empty="error", index=None
        )

    B.metadata.create_all(tridb_engine)
    with Session(tridb_engine) as s, install_embedding_sync(s):
        s.add(Note(body="  "))
        with pytest.raises(EmbeddingError, match=r"Note\.vec: the source text is empty"):
            s.flush()


def test_tag_embedding_follows_relationship_changes(
    maker: sessionmaker[Session], counters: tuple[CountingProvider, CountingProvider]
) -> None:
    _, tags = counters
    with maker() as s:
        p = Product(name="kettle", description="steel", category=Category(title="kitchen"))
        s.add(p)
        s.commit()
        p.category = Category(title="camping")
        s.commit()
        assert tags.texts == ["kettle in kitchen", "kettle in camping"]


def test_remove_stops_the_sync(
    tridb_engine: Engine, counters: tuple[CountingProvider, CountingProvider]
) -> None:
    Base.metadata.create_all(tridb_engine)
    maker = sessionmaker(tridb_engine)
    sync = install_embedding_sync(maker)
    assert sync.install() is sync  # idempotent
    sync.remove()
    sync.remove()  # idempotent
    EmbeddingSync(maker).remove()  # never installed: a no-op
    with maker() as s:
        s.add(Product(id=1, name="no", description="sync"))
        s.commit()
        assert s.get(Product, 1).embedding is None  # type: ignore[union-attr]
    products, _ = counters
    assert products.calls == []


def test_async_session(tridb_url: str, counters: tuple[CountingProvider, CountingProvider]) -> None:
    import asyncio

    from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

    async def main() -> int | None:
        engine = create_async_engine(
            tridb_url.replace("+psycopg", "+psycopg_async"), plugins=["tridb"]
        )
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
        maker = async_sessionmaker(engine)
        sync = install_embedding_sync(maker)
        try:
            async with maker() as s:
                s.add(Product(name="async", description="flush"))
                await s.commit()
                n = await s.scalar(text("SELECT count(*) FROM product WHERE embedding IS NOT NULL"))
        finally:
            sync.remove()
            await engine.dispose()
        assert maker.kw.get("sync_session_class") in (None, Session)
        return n

    assert asyncio.run(main()) == 1
