"""``ProviderError`` names the offending text and carries what a program needs (issue 14 item 3).

The docs promised the text; the error held only a message.  Now it says the
text (shortened) and has ``provider``, ``column``, ``index``, ``text`` and
``texts`` attributes, for flushes, statements and query texts alike.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pytest
from sqlalchemy import Engine, insert, text
from sqlalchemy.orm import Session

from sqlalchemy_tridb.embedding import CallableProvider, DeterministicProvider, providers
from sqlalchemy_tridb.exc import ProviderError
from sqlalchemy_tridb.vector import install_embedding_sync

from .conftest import CountingProvider
from .models import DIM, Base, Product

LONG = "a very long description " * 10  # 240 characters
REF = DeterministicProvider(dimension=DIM)


@pytest.fixture
def products() -> CountingProvider:
    providers.register(CountingProvider(name="tags"))
    return providers.register(CountingProvider(name="products"))


@pytest.fixture
def session(tridb_engine: Engine, products: CountingProvider) -> Iterator[Session]:
    Base.metadata.create_all(tridb_engine)
    with Session(tridb_engine) as s, install_embedding_sync(s):
        yield s


def test_a_bad_vector_names_its_text_column_and_index(
    session: Session, products: CountingProvider
) -> None:
    products.poison = "poison"
    bad = f"poison: {LONG}"
    session.add_all(
        [
            Product(name="fine", description="row"),
            Product(name="also fine", description="row"),
            Product(name="poison", description=LONG),
        ]
    )
    with pytest.raises(ProviderError) as info:
        session.flush()
    err = info.value
    assert (err.provider, err.column, err.index, err.text, err.texts) == (
        "products",
        "Product.embedding",
        2,
        bad,
        3,
    )
    assert repr(bad[:60] + "...") in str(err)  # shortened in the message
    assert LONG not in str(err)
    session.rollback()
    assert session.scalar(text("SELECT count(*) FROM product")) == 0


def test_a_failing_call_names_its_batch(session: Session, products: CountingProvider) -> None:
    products.fail = True
    session.add_all([Product(name=f"n{i}", description="d") for i in range(3)])
    with pytest.raises(ProviderError, match=r"3 texts, the first 'n0: d'.*model server down") as i:
        session.flush()
    assert (i.value.provider, i.value.column, i.value.index) == (
        "products",
        "Product.embedding",
        None,
    )
    assert (i.value.text, i.value.texts) == ("n0: d", 3)
    session.rollback()
    session.add(Product(name="one", description="row"))
    with pytest.raises(ProviderError, match=r"failed on text 'one: row'"):
        session.flush()


def _nan_for_second(texts: Sequence[str]) -> Any:
    out = REF.embed(texts)
    if len(texts) > 1:
        out[1, 0] = np.nan
    return out


def test_a_statement_and_a_provider_that_checks_itself(session: Session) -> None:
    providers.register(
        CallableProvider(_nan_for_second, name="products", dimension=DIM), replace=True
    )
    with pytest.raises(ProviderError, match=r"failed on text 'b: second'") as info:
        session.execute(
            insert(Product),
            [
                {"id": 1, "name": "a", "description": "first"},
                {"id": 2, "name": "b", "description": "second"},
            ],
        )
    assert (info.value.index, info.value.text, info.value.column) == (
        1,
        "b: second",
        "Product.embedding",
    )


def test_a_query_text_is_named(session: Session, products: CountingProvider) -> None:
    products.fail = True
    with pytest.raises(
        ProviderError, match=r"Product.embedding.*'products'.*'wireless headphones'"
    ) as info:
        Product.embedding.nearest("wireless headphones")
    assert (info.value.provider, info.value.column, info.value.text) == (
        "products",
        "Product.embedding",
        "wireless headphones",
    )
