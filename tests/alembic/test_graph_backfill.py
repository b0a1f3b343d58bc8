"""Autogenerate carries the graph backfill of tables that had rows before their sync (issue 12).

Before, the migration of a filled database made the graph, its labels and the
sync triggers, and left the graph empty: 0 of 20 customer vertices, 0 of 100
order edges.  Now each label of a table that exists in the database gets an
``op.backfill_graph(...)`` step after the labels and triggers, vertex labels
first; the graph then equals the rows exactly, online and from ``--sql``.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from adopt.conftest import add_rows, create_tables  # tests/ is on sys.path (tests/conftest.py)
from adopt.models import GRAPH, Base
from alembic.migration import MigrationContext
from alembic.operations import Operations
from graph.mirror_check import graph_rows_diff
from sqlalchemy import Connection, create_engine, text
from tridb_alembic_cases.render import autogenerate, diffs, run

from sqlalchemy_tridb import check_graph

VERTICES = ["Customer", "Tag", "Product", "Order"]
EDGES = ["REFERRED", "TAGGED", "PLACED", "CONTAINS"]


@pytest.fixture
def conn(db_url: str) -> Iterator[Connection]:
    """A shop with rows and no graph: the application before the mixins."""
    engine = create_engine(db_url, plugins=["tridb"])
    with engine.connect() as c:
        create_tables(c)
        add_rows(c)
        c.commit()
        yield c
        c.rollback()
    engine.dispose()


def _steps(up: str) -> list[str]:
    """The labels of the backfill steps, in order."""
    out = []
    for line in up.splitlines():
        if line.startswith("op.backfill_graph("):
            out.append(line.split(", ")[2].strip("'"))
    return out


def _counts(conn: Connection) -> dict[str, int]:
    return {
        lbl: conn.execute(text(f'SELECT count(*) FROM "{GRAPH}"."{lbl}"')).scalar_one()
        for lbl in VERTICES + EDGES
    }


def test_upgrade_fills_the_graph_exactly_and_the_rediff_is_empty(conn: Connection) -> None:
    up, down = autogenerate(conn, Base.metadata)
    steps = _steps(up)
    assert sorted(steps) == sorted(VERTICES + EDGES)
    assert set(steps[:4]) == set(VERTICES)  # vertex labels before the edges between them
    last_sync = up.rindex("op.create_graph_sync(")
    first_label = min(up.index(f"'{lbl}'") for lbl in VERTICES + EDGES)
    assert first_label < last_sync < up.index("op.backfill_graph(")  # after labels and triggers
    assert "nothing to undo" in down and "backfill_graph" not in down
    run(conn, up)
    assert graph_rows_diff(conn, Base.metadata) == []
    assert _counts(conn) == {
        "Customer": 20, "Tag": 5, "Product": 50, "Order": 100,
        "REFERRED": 17, "TAGGED": 25, "PLACED": 100, "CONTAINS": 100,
    }  # fmt: skip
    assert diffs(conn, Base.metadata) == []
    assert autogenerate(conn, Base.metadata)[0] == "pass"
    conn.commit()
    assert check_graph(conn.engine, Base).drift == 0
    # the triggers keep it: a new order of an old customer
    conn.execute(text("INSERT INTO a_order (id, customer_id, total) VALUES (500, -2, 1)"))
    assert graph_rows_diff(conn, Base.metadata) == []
    run(conn, down)  # the downgrade drops the labels, and with them what the steps wrote
    assert conn.execute(text("SELECT count(*) FROM ag_catalog.ag_graph")).scalar_one() == 0


def test_offline_sql_carries_the_backfill_and_fills_the_graph(conn: Connection) -> None:
    up, _down = autogenerate(conn, Base.metadata)
    out = io.StringIO()
    ctx = MigrationContext.configure(
        dialect_name="postgresql", opts={"as_sql": True, "output_buffer": out}
    )
    from alembic import op

    with Operations.context(ctx):
        exec(up, {"op": op, "sa": sa})
    script = out.getvalue()
    for lbl in VERTICES + EDGES:
        assert f'INSERT INTO "{GRAPH}"."{lbl}"' in script, lbl
    assert script.index(f'INSERT INTO "{GRAPH}"."Customer"') < script.index(
        f'INSERT INTO "{GRAPH}"."PLACED"'
    )
    assert script.index(" TRIGGER ") < script.index(f'INSERT INTO "{GRAPH}"."Customer"')
    conn.exec_driver_sql(script)  # what `alembic upgrade --sql | psql` runs
    assert graph_rows_diff(conn, Base.metadata) == []
    assert diffs(conn, Base.metadata) == []


def test_no_backfill_for_new_tables_or_changed_triggers(db_url: str) -> None:
    engine = create_engine(db_url, plugins=["tridb"])
    with engine.connect() as conn:
        up, _down = autogenerate(conn, Base.metadata)  # an empty database: new tables
        assert "op.create_graph_sync(" in up and "backfill_graph" not in up
        create_tables(conn)
        add_rows(conn)
        up, _down = autogenerate(conn, Base.metadata)
        run(conn, up)
        trigger = conn.execute(
            text(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'a_tag'::regclass "
                "AND tgname LIKE 'tridb%' LIMIT 1"
            )
        ).scalar_one()
        conn.execute(text(f'DROP TRIGGER "{trigger}" ON a_tag'))
        up, _down = autogenerate(conn, Base.metadata)  # the sync is made again, not the graph
        assert "op.create_graph_sync('a_tag'" in up and "backfill_graph" not in up
        conn.rollback()
    engine.dispose()
