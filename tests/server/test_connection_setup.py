"""Connection set-up on every pooled connection: plugin and explicit function."""

from __future__ import annotations

import asyncio
from importlib.metadata import entry_points

import numpy as np
import pytest
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.dialects import plugins
from sqlalchemy.ext.asyncio import create_async_engine

from sqlalchemy_tridb import ConnectionSetupError, setup_engine
from sqlalchemy_tridb.engine import TriDBPlugin
from sqlalchemy_tridb.graph import CreateGraph


def _assert_prepared(conn: Connection) -> None:
    schemas = conn.execute(text("SELECT current_schemas(false)")).scalar_one()
    assert schemas[-1] == "ag_catalog" and "public" in schemas
    assert schemas.index("public") < schemas.index("ag_catalog")
    # AGE is loaded and found without schema qualification
    got = conn.execute(
        text("SELECT * FROM cypher('conn_graph', $$ RETURN 40 + 2 $$) AS (x agtype)")
    ).scalar_one()
    assert str(got) == "42"
    # pgvector's psycopg types are registered: vectors come back decoded, not as text
    vec = conn.exec_driver_sql("SELECT '[1,2,3]'::vector").scalar_one()
    assert not isinstance(vec, str)
    as_array = vec.to_numpy() if hasattr(vec, "to_numpy") else np.asarray(vec)
    assert as_array.tolist() == [1.0, 2.0, 3.0]


@pytest.fixture
def graph_url(tridb_url: str) -> str:
    engine = create_engine(tridb_url)  # no tridb set-up: the DDL must cope (AGE 1.8)
    with engine.begin() as conn:
        conn.execute(CreateGraph("conn_graph"))
    engine.dispose()
    return tridb_url


def test_plugin_prepares_every_pooled_connection(graph_url: str) -> None:
    engine = create_engine(graph_url, plugins=["tridb"], pool_size=3, max_overflow=0)
    conns = [engine.connect() for _ in range(3)]
    try:
        pids = {c.execute(text("SELECT pg_backend_pid()")).scalar_one() for c in conns}
        assert len(pids) == 3
        for c in conns:
            _assert_prepared(c)
    finally:
        for c in conns:
            c.close()
    # a recycled (invalidated) connection is prepared again
    with engine.connect() as c:
        old_pid = c.execute(text("SELECT pg_backend_pid()")).scalar_one()
        c.invalidate()
    with engine.connect() as c:
        assert c.execute(text("SELECT pg_backend_pid()")).scalar_one() != old_pid
        _assert_prepared(c)
    engine.dispose()


def test_plugin_via_url_query(graph_url: str) -> None:
    engine = create_engine(graph_url + "?plugin=tridb&tridb_load_age=true", pool_recycle=3600)
    with engine.connect() as c:
        _assert_prepared(c)
    engine.dispose()


def test_explicit_setup_and_removal(graph_url: str) -> None:
    engine = create_engine(graph_url, pool_size=2, pool_recycle=1)
    with engine.connect() as c:  # made before the set-up: it is replaced
        c.execute(text("SELECT 1"))
    handle = setup_engine(engine)
    held = [engine.connect(), engine.connect()]
    for c in held:
        _assert_prepared(c)
        c.close()
    handle.remove()
    engine.dispose()
    with engine.connect() as c:
        schemas = c.execute(text("SELECT current_schemas(false)")).scalar_one()
        assert "ag_catalog" not in schemas
    engine.dispose()


def test_async_engine(graph_url: str) -> None:
    async def run() -> None:
        engine = create_async_engine(graph_url, pool_size=2)
        setup_engine(engine)
        async with engine.connect() as a, engine.connect() as b:
            for conn in (a, b):
                await conn.run_sync(_assert_prepared)
        await engine.dispose()

    asyncio.run(run())


def test_bad_plugin_option_is_a_typed_error(graph_url: str) -> None:
    with pytest.raises(ConnectionSetupError, match="true, false or auto"):
        create_engine(graph_url, plugins=["tridb"], tridb_load_age="sometimes")


def test_entry_point_and_explicit_registration_give_the_same_set_up(graph_url: str) -> None:
    (entry_point,) = entry_points(group="sqlalchemy.plugins", name="tridb")
    assert entry_point.load() is TriDBPlugin
    assert plugins.load("tridb") is TriDBPlugin
    # the class is exported so that it can be registered by hand, under any name
    plugins.register("tridb_by_hand", "sqlalchemy_tridb.engine", "TriDBPlugin")
    try:
        engine = create_engine(graph_url, plugins=["tridb_by_hand"])
        with engine.connect() as c:
            _assert_prepared(c)
        engine.dispose()
    finally:
        if hasattr(plugins, "deregister"):  # SQLAlchemy 2.1
            plugins.deregister("tridb_by_hand")
        else:
            plugins.impls.pop("tridb_by_hand", None)
