"""Writers keep writing while the sync walks the tables: afterwards graph == rows, exactly.

Bounded (a few seconds); ``TRIDB_LONG_TESTS=1`` runs the writers longer and the
sync over more rows.
"""

from __future__ import annotations

import os
import random
import threading
import time

from graph.mirror_check import graph_rows_diff  # tests/ is on sys.path (tests/conftest.py)
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from sqlalchemy_tridb import check_graph, sync_graph

from .conftest import add_rows
from .models import Base

LONG = os.environ.get("TRIDB_LONG_TESTS") == "1"
WRITERS = 3

STATEMENTS = [
    "INSERT INTO a_customer (id, name) VALUES (:c, 'w') ON CONFLICT (id) DO UPDATE "
    "SET name = excluded.name || :s",
    "UPDATE a_customer SET name = name || 'u', referrer_id = :r WHERE id = :c",
    "DELETE FROM a_customer WHERE id = :c",
    "INSERT INTO a_order (id, customer_id, total) VALUES (:o, :c, 1) ON CONFLICT (id) DO UPDATE "
    "SET customer_id = excluded.customer_id, total = a_order.total + 1",
    "DELETE FROM a_order WHERE id = :o",
    "INSERT INTO a_product (sku, name, price) VALUES (:p, 'w', 1) ON CONFLICT (sku) DO UPDATE "
    "SET price = a_product.price + 1",
    "INSERT INTO a_line (order_id, product_sku, qty) VALUES (:o, :p, 1) "
    "ON CONFLICT (order_id, product_sku) DO UPDATE SET qty = a_line.qty + 1",
    "DELETE FROM a_line WHERE order_id = :o",
    "INSERT INTO a_tagging (product_sku, tag_id) VALUES (:p, :t) ON CONFLICT DO NOTHING",
    "DELETE FROM a_tagging WHERE product_sku = :p",
]


def _work(engine: Engine, seed: int, stop: threading.Event, counts: list[int]) -> None:
    rnd = random.Random(seed)
    while not stop.is_set():
        params = {
            "c": rnd.randint(-3, 40),
            "r": rnd.choice([None, rnd.randint(-2, 10)]),
            "o": rnd.randint(1, 150),
            "p": f"SKU-{rnd.randint(0, 70):03}",
            "t": rnd.randint(1, 5),
            "s": str(seed),
        }
        try:
            with engine.begin() as conn:
                for sql in rnd.sample(STATEMENTS, 3):
                    conn.execute(text(sql), params)
            counts[0] += 1
        except DBAPIError:  # FK refusals, deadlocks: the database's own errors
            counts[1] += 1


def test_writers_during_a_sync_leave_graph_equal_to_rows(engine: Engine) -> None:
    if LONG:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM a_line; DELETE FROM a_order; DELETE FROM a_tagging"))
            conn.execute(text("DELETE FROM a_product; DELETE FROM a_tag; DELETE FROM a_customer"))
            add_rows(conn, customers=400, products=2000, orders=5000)
    sync_graph(engine, Base, walk=False)  # graph, labels and triggers, as a migration makes them
    stop = threading.Event()
    counts = [0, 0]
    threads = [
        threading.Thread(target=_work, args=(engine, seed, stop, counts)) for seed in range(WRITERS)
    ]
    for t in threads:
        t.start()
    try:
        time.sleep(0.3)
        report = sync_graph(engine, Base, batch_size=20, install=False)
        time.sleep(1.0)  # writers on the mirrored tables after the sync too
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert sum(s.batches for s in report.labels) > 25
    assert counts[0] > 20, counts
    with engine.connect() as conn:
        assert graph_rows_diff(conn, Base.metadata) == []
    assert check_graph(engine, Base).drift == 0
