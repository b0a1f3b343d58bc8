from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest
from sqlalchemy import Connection, Engine, insert

from sqlalchemy_tridb.testing import tridb_database_factory, tridb_engine_factory

from .models import Base, Customer, Line, Order, Product, Tag, tagging


def create_tables(conn: Connection) -> None:
    """The application's tables, as they were before the mirror: no graph, no triggers."""
    for table in Base.metadata.sorted_tables:
        table.create(conn)


def add_rows(conn: Connection, customers: int = 20, products: int = 50, orders: int = 100) -> None:
    conn.execute(
        insert(Customer),
        [
            {
                "id": i,
                "name": f"customer {i}",
                "since": dt.datetime(2024, 1, 1) + dt.timedelta(days=i),
                "referrer_id": None if i < 1 else i - 1,
            }
            for i in range(-2, customers - 2)
        ],
    )
    conn.execute(insert(Tag), [{"id": i, "name": f"tag {i}"} for i in range(1, 6)])
    conn.execute(
        insert(Product),
        [
            {"sku": f"SKU-{i:03}", "name": f"product {i}", "price": Decimal(i) + Decimal("0.5")}
            for i in range(products)
        ],
    )
    conn.execute(
        insert(tagging),
        [{"product_sku": f"SKU-{i:03}", "tag_id": 1 + i % 5} for i in range(0, products, 2)],
    )
    conn.execute(
        insert(Order),
        [
            {"id": i, "customer_id": (i % customers) - 2, "total": i * 1.5}
            for i in range(1, orders + 1)
        ],
    )
    conn.execute(
        insert(Line),
        [
            {"order_id": i, "product_sku": f"SKU-{(i * 7) % products:03}", "qty": 1 + i % 3}
            for i in range(1, orders + 1)
        ],
    )


def _load(conn: Connection) -> None:
    create_tables(conn)
    add_rows(conn)


def _mirror(conn: Connection) -> None:
    Base.metadata.create_all(conn)


shop_template = tridb_database_factory(load=[_load])
shop_engine = tridb_engine_factory("shop_template")
mirrored_template = tridb_database_factory(load=[_load, _mirror])
mirrored_engine = tridb_engine_factory("mirrored_template")


@pytest.fixture
def engine(shop_engine: Engine) -> Iterator[Engine]:
    """A shop with rows and no graph yet."""
    yield shop_engine


@pytest.fixture
def mirrored(mirrored_engine: Engine) -> Iterator[Engine]:
    """The shop after ``create_all``: its graph mirrors its rows."""
    yield mirrored_engine
