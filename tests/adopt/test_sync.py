"""Adopting the mirror over rows that exist: create_all and sync_graph leave graph == rows."""

from __future__ import annotations

import pytest
from graph.mirror_check import graph_rows_diff  # tests/ is on sys.path (tests/conftest.py)
from sqlalchemy import Engine, text

from sqlalchemy_tridb import check_graph, sync_graph

from .models import GRAPH, Base


def _diff(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return graph_rows_diff(conn, Base.metadata)


def _count(engine: Engine, label: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(f'SELECT count(*) FROM "{GRAPH}"."{label}"')).scalar_one())


def test_create_all_over_tables_with_rows_fills_the_graph(engine: Engine) -> None:
    Base.metadata.create_all(engine)
    assert _diff(engine) == []
    assert (_count(engine, "Customer"), _count(engine, "Product"), _count(engine, "PLACED")) == (
        20,
        50,
        100,
    )
    assert check_graph(engine, Base).drift == 0
    with engine.begin() as conn:  # a new order of an old customer: an edge between vertices
        conn.execute(text("INSERT INTO a_order (id, customer_id, total) VALUES (1000, -2, 1)"))
        conn.execute(text("UPDATE a_customer SET name = name"))
    assert _diff(engine) == []
    Base.metadata.create_all(engine)  # again: nothing to fill, nothing changes
    assert _diff(engine) == []


def test_sync_fills_and_then_changes_nothing(engine: Engine) -> None:
    report = sync_graph(engine, Base, batch_size=13)
    assert _diff(engine) == []
    added = {s.label: s.added for s in report.labels}
    assert added == {
        "Customer": 20,
        "Tag": 5,
        "Product": 50,
        "Order": 100,
        "REFERRED": 17,
        "TAGGED": 25,
        "PLACED": 100,
        "CONTAINS": 100,
    }
    again = sync_graph(engine, Base, batch_size=40)
    assert again.changed == 0
    assert check_graph(engine, Base).drift == 0


def test_dry_run_writes_nothing(mirrored: Engine) -> None:
    engine = mirrored
    with engine.begin() as conn:
        conn.execute(text(f'DELETE FROM "{GRAPH}"."Product"'))
    report = sync_graph(engine, Base, dry_run=True)
    assert report.dry_run
    assert {s.label: s.added for s in report.labels}["Product"] == 50
    assert _count(engine, "Product") == 0
    sync_graph(engine, Base)
    assert _diff(engine) == []


class Stop(Exception):
    pass


def test_an_interrupted_sync_resumes_after_its_last_batch(engine: Engine) -> None:
    seen: list[tuple[str, str, int]] = []

    def stop_in_orders(label: str, step: str, done: int, total: int) -> None:
        seen.append((label, step, done))
        if label == "Order" and step == "rows" and done >= 30:
            raise Stop

    with pytest.raises(Stop):
        sync_graph(engine, Base, batch_size=10, progress=stop_in_orders)
    assert 0 < _count(engine, "Order") < 100  # the committed batches stay
    with engine.connect() as conn:
        where = conn.execute(
            text(f'SELECT position FROM "{GRAPH}"."tridb$sync" WHERE label = \'Order\'')
        ).scalar_one()
    assert where == ["30"]
    later: list[tuple[str, str, int]] = []
    sync_graph(engine, Base, batch_size=10, progress=lambda *a: later.append(a[:3]))
    order_rows = [x for x in later if x[:2] == ("Order", "rows")]
    assert order_rows[0] == ("Order", "rows", 40)  # 31..40 first: not from the start
    assert len(order_rows) == 8  # seven of ten rows, and the empty end
    assert _diff(engine) == []
    with engine.connect() as conn:
        left = conn.execute(text(f'SELECT count(*) FROM "{GRAPH}"."tridb$sync"')).scalar_one()
    assert left == 0


def test_sync_in_small_batches_over_a_damaged_graph_fixes_each_batch(mirrored: Engine) -> None:
    """Non-empty labels walked in many batches: the update probes each batch's ids only."""
    entry = "id::text::bigint & 281474976710655"
    with mirrored.begin() as conn:
        conn.execute(
            text(f'UPDATE "{GRAPH}"."Order" SET properties = \'{{}}\' WHERE {entry} % 2 = 0')
        )
        conn.execute(text(f'UPDATE "{GRAPH}"."Product" SET properties = \'{{"x": 1}}\''))
        conn.execute(
            text(
                f'UPDATE "{GRAPH}"."CONTAINS" SET properties = \'{{}}\' WHERE id IN '
                f'(SELECT id FROM "{GRAPH}"."CONTAINS" ORDER BY id LIMIT 34)'
            )
        )
        gone = conn.execute(text(f'DELETE FROM "{GRAPH}"."Customer" WHERE {entry} % 4 = 0'))
    report = sync_graph(mirrored, Base, batch_size=7)
    updated = {s.label: s.updated for s in report.labels}
    assert (updated["Order"], updated["Product"], updated["CONTAINS"]) == (50, 50, 34)
    assert {s.label: s.added for s in report.labels}["Customer"] == gone.rowcount >= 4
    assert all(s.batches > 2 for s in report.labels if s.label in ("Order", "Product"))
    assert _diff(mirrored) == []
    assert sync_graph(mirrored, Base, batch_size=7).changed == 0
