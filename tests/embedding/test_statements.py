"""Statements that skip flush events: do_orm_execute handling, warnings, backfill."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from sqlalchemy import Engine, insert, select, text, update
from sqlalchemy.orm import Session

from sqlalchemy_tridb.embedding import DeterministicProvider, providers
from sqlalchemy_tridb.exc import EmbeddingSyncWarning
from sqlalchemy_tridb.vector import backfill, install_embedding_sync, stale_rows

from .conftest import CountingProvider
from .models import DIM, Base, Category, Product

REF = DeterministicProvider(dimension=DIM)
pytestmark = pytest.mark.filterwarnings(
    "ignore:Product.tag_embedding:sqlalchemy_tridb.exc.EmbeddingSyncWarning"
)


@pytest.fixture
def products() -> CountingProvider:
    providers.register(CountingProvider(name="tags"))
    return providers.register(CountingProvider(name="products"))


@pytest.fixture
def session(tridb_engine: Engine, products: CountingProvider) -> Iterator[Session]:
    Base.metadata.create_all(tridb_engine)
    with Session(tridb_engine) as s, install_embedding_sync(s):
        yield s


def vec(session: Session, pid: int) -> np.ndarray | None:
    value = session.execute(
        text("SELECT embedding::text FROM product WHERE id = :id"), {"id": pid}
    ).scalar_one()
    return None if value is None else np.array([float(x) for x in value.strip("[]").split(",")])


def test_orm_bulk_insert_and_update_by_primary_key(
    session: Session, products: CountingProvider
) -> None:
    session.execute(
        insert(Product),
        [{"id": i, "name": f"bulk {i}", "description": "row"} for i in range(1, 6)],
    )
    assert len(products.calls) == 1 and len(products.calls[0]) == 5
    assert np.allclose(vec(session, 3), REF.embed(["bulk 3: row"])[0], atol=1e-6)  # type: ignore[arg-type]
    products.calls.clear()
    session.execute(
        update(Product), [{"id": 1, "name": "renamed", "description": "row"}, {"id": 2, "price": 5}]
    )
    assert products.texts == ["renamed: row"]  # id 2 changed no source
    assert np.allclose(vec(session, 1), REF.embed(["renamed: row"])[0], atol=1e-6)  # type: ignore[arg-type]
    with pytest.warns(EmbeddingSyncWarning, match="Product.embedding.*set to NULL"):
        session.execute(update(Product), [{"id": 3, "name": "only the name"}])
    assert vec(session, 3) is None  # stale vector cleared, not left wrong
    assert vec(session, 2) is not None


def test_update_values(session: Session, products: CountingProvider) -> None:
    session.add_all([Product(id=i, name=f"n{i}", description="d") for i in (1, 2)])
    session.commit()
    products.calls.clear()
    session.execute(update(Product).where(Product.id == 1).values(name="new", description="text"))
    assert products.texts == ["new: text"]
    assert np.allclose(vec(session, 1), REF.embed(["new: text"])[0], atol=1e-6)  # type: ignore[arg-type]
    with pytest.warns(EmbeddingSyncWarning, match="backfill"):
        session.execute(update(Product).where(Product.id == 2).values(name=Product.name + "!"))
    assert vec(session, 2) is None
    session.execute(update(Product).values(price=Product.price + 1))  # no source: untouched
    assert vec(session, 1) is not None


def test_core_statements_warn_and_backfill_fixes_them(
    session: Session, products: CountingProvider
) -> None:
    with pytest.warns(EmbeddingSyncWarning, match="product.embedding.*Core"):
        session.execute(
            insert(Product.__table__),  # type: ignore[arg-type]
            [{"id": i, "name": f"core {i}", "description": "x"} for i in range(1, 8)]
            + [{"id": 8, "name": "", "description": None}],
        )
    assert products.calls == []
    assert len(session.scalars(stale_rows(Product.embedding)).all()) == 8
    products.batch_size = 3
    assert backfill(session, Product.embedding, batch_size=5) == 7  # the empty one stays NULL
    assert [len(c) for c in products.calls] == [3, 2, 2]  # one call per batch (split by 3)
    session.commit()
    assert len(session.scalars(stale_rows(Product.embedding)).all()) == 1
    assert np.allclose(vec(session, 7), REF.embed(["core 7: x"])[0], atol=1e-6)  # type: ignore[arg-type]
    assert backfill(session, Product.embedding) == 0


def test_backfill_with_callable_source_following_a_relationship(
    session: Session, products: CountingProvider
) -> None:
    tags = providers.get("tags")
    assert isinstance(tags, CountingProvider)
    with pytest.warns(EmbeddingSyncWarning, match="callable source"):
        session.execute(insert(Category), [{"id": 1, "title": "audio"}])
        session.execute(insert(Product), [{"id": 1, "name": "earbuds", "category_id": 1}])
    assert tags.calls == []
    assert backfill(session, Product.tag_embedding) == 1
    assert tags.texts == ["earbuds in audio"]
    assert session.scalar(select(Product.tag_embedding).where(Product.id == 1)) is not None


def test_single_row_insert_forms(session: Session, products: CountingProvider) -> None:
    session.execute(insert(Product), {"id": 1, "name": "dict", "description": "row"})
    session.execute(insert(Product).values(id=2, name="values", description="row"))
    session.execute(insert(Product).values(id=3, name="only a name"))  # missing = NULL
    assert products.texts == ["dict: row", "values: row", "only a name: "]
    assert all(vec(session, i) is not None for i in (1, 2, 3))
    with pytest.warns(EmbeddingSyncWarning, match="multi-row"):
        session.execute(insert(Product).values([{"id": 4, "name": "a"}, {"id": 5, "name": "b"}]))
    assert vec(session, 4) is None
