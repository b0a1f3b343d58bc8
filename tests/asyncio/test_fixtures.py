"""The plugin's async fixtures: an AsyncEngine on a clone, an AsyncSession rolled back."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

pytestmark = pytest.mark.anyio

PROBE = "SELECT pg_catalog.to_regclass('public.async_probe') IS NOT NULL"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_async_engine_has_the_setup(tridb_async_engine: AsyncEngine) -> None:
    # "psycopg" on SQLAlchemy 2.1, "psycopg_async" on 2.0
    assert tridb_async_engine.dialect.is_async
    assert tridb_async_engine.dialect.driver.startswith("psycopg")
    async with tridb_async_engine.begin() as conn:
        await conn.execute(text("CREATE TABLE async_probe (v vector(3))"))
        await conn.execute(text("INSERT INTO async_probe VALUES ('[1,2,3]')"))
    async with tridb_async_engine.connect() as conn:
        # pgvector's types are registered: a vector reads back as a Vector
        value = (await conn.execute(text("SELECT v FROM async_probe"))).scalar()
        assert value.to_list() == [1, 2, 3]
        # and AGE is loaded with ag_catalog reachable
        graphs = await conn.execute(text("SELECT count(*) FROM ag_catalog.ag_graph"))
        assert graphs.scalar() == 0


async def test_async_session_rolls_back(
    tridb_async_session: AsyncSession, tridb_shared_engine: Engine
) -> None:
    await tridb_async_session.execute(text("CREATE TABLE async_probe (id int)"))
    await tridb_async_session.execute(text("INSERT INTO async_probe VALUES (1)"))
    await tridb_async_session.commit()  # releases a savepoint only
    assert (await tridb_async_session.execute(text("SELECT id FROM async_probe"))).scalar() == 1
    with tridb_shared_engine.connect() as other:  # not committed: invisible elsewhere
        assert other.execute(text(PROBE)).scalar() is False


def test_async_session_left_nothing(tridb_shared_engine: Engine) -> None:
    with tridb_shared_engine.connect() as conn:
        assert conn.execute(text(PROBE)).scalar() is False
