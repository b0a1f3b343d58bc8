"""The backfill a migration carries: plain SQL that Alembic runs online and writes out offline."""

from __future__ import annotations

import io

from alembic.migration import MigrationContext
from alembic.operations import Operations
from graph.mirror_check import graph_rows_diff  # tests/ is on sys.path (tests/conftest.py)
from sqlalchemy import Engine, text

from sqlalchemy_tridb.graph import create_graph_objects, registry_for
from sqlalchemy_tridb.graph.fill import backfill_ddl, backfill_sql

from .models import Base


def _specs() -> list:  # type: ignore[type-arg]
    nodes, edges = registry_for(Base.metadata).resolve()
    return [*nodes, *edges]


def test_offline_script_fills_the_graph_and_keeps_the_session(engine: Engine) -> None:
    out = io.StringIO()
    ctx = MigrationContext.configure(
        dialect_name="postgresql", opts={"as_sql": True, "output_buffer": out}
    )
    op = Operations(ctx)
    for spec in _specs():  # vertices first: edges share their key-map ids
        for ddl in backfill_ddl(spec):
            op.execute(ddl)
    script = out.getvalue()
    assert ":MI:" not in script or "HH24:MI:SS" in script  # colons are text, never parameters
    assert "tridb.saved_timezone" in script
    with engine.begin() as conn:
        create_graph_objects(conn, registry_for(Base.metadata))  # graph, labels, triggers
        conn.execute(text("SET LOCAL timezone = 'Pacific/Chatham'"))
        conn.exec_driver_sql(script)  # what `alembic upgrade --sql | psql` runs
        assert conn.execute(text("SHOW timezone")).scalar_one() == "Pacific/Chatham"
        assert "public" in conn.execute(text("SHOW search_path")).scalar_one()
    with engine.connect() as conn:
        assert graph_rows_diff(conn, Base.metadata) == []


def test_online_op_execute_fills_and_is_idempotent(engine: Engine) -> None:
    with engine.begin() as conn:
        create_graph_objects(conn, registry_for(Base.metadata))
        op = Operations(MigrationContext.configure(connection=conn))
        for _ in range(2):  # a second run changes nothing
            for spec in _specs():
                for ddl in backfill_ddl(spec):
                    op.execute(ddl)
    with engine.connect() as conn:
        assert graph_rows_diff(conn, Base.metadata) == []
    sql = backfill_sql(_specs()[0])
    assert sql[0].startswith("SELECT pg_catalog.set_config('tridb.saved_")
    assert sql[-1].startswith("SELECT pg_catalog.set_config('search_path'")
