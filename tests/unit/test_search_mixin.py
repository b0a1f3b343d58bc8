"""EmbeddingSearchMixin refuses a column that would hide its ``nearest`` method."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Column, Integer
from sqlalchemy.orm import DeclarativeBase, Mapped, declarative_base, mapped_column

from sqlalchemy_tridb.embedding import DeterministicProvider
from sqlalchemy_tridb.exc import ConfigurationError, EmbeddingDeclarationError
from sqlalchemy_tridb.vector import Embedding, EmbeddingSearchMixin

TINY = DeterministicProvider(dimension=3)


@pytest.fixture
def base() -> type[DeclarativeBase]:
    class Base(DeclarativeBase):
        pass

    return Base


def test_a_mapped_column_named_nearest_is_refused(base: Any) -> None:
    with pytest.raises(EmbeddingDeclarationError, match=r"Shop\.nearest hides the method") as info:

        class Shop(EmbeddingSearchMixin, base):
            __tablename__ = "shop"
            id: Mapped[int] = mapped_column(primary_key=True)
            nearest: Mapped[int]  # type: ignore[assignment]
            vec: Mapped[list[float] | None] = Embedding(source="id", provider=TINY)

    assert isinstance(info.value, ConfigurationError)
    assert 'mapped_column("nearest")' in str(info.value)  # says how to keep the column name


def test_a_plain_column_named_nearest_is_refused_in_any_base_order() -> None:
    Legacy: Any = declarative_base()  # mapped by a metaclass, after __init_subclass__
    with pytest.raises(EmbeddingDeclarationError, match=r"Shop\.nearest hides the method"):
        type(
            "Shop",
            (Legacy, EmbeddingSearchMixin),
            {
                "__tablename__": "shop",
                "id": Column(Integer, primary_key=True),
                "nearest": Column(Integer),
            },
        )


def test_the_column_name_under_another_attribute_is_fine(base: Any) -> None:
    class Shop(EmbeddingSearchMixin, base):
        __tablename__ = "shop"
        id: Mapped[int] = mapped_column(primary_key=True)
        nearest_: Mapped[int] = mapped_column("nearest")
        vec: Mapped[list[float] | None] = Embedding(source="id", provider=TINY)

    assert Shop.__table__.c.nearest.name == "nearest"
    assert "LIMIT" in str(Shop.nearest([1.0, 0.0, 0.0], k=2))
