"""The plugin's async fixtures: ``tridb_async_engine`` and ``tridb_async_session``.

They are ``async`` fixtures run by anyio's pytest plugin (anyio ships it; it
comes with httpx, FastAPI and Starlette, or ``pip install anyio``): each asks
for anyio's ``anyio_backend`` fixture, whose default is ``"asyncio"``, the one
event loop SQLAlchemy's asyncio extension runs on.  Mark the tests
``@pytest.mark.anyio`` (or ``pytestmark = pytest.mark.anyio`` in a module):

    @pytest.mark.anyio
    async def test_ranks(tridb_async_session):
        ranks = await aio.pagerank(tridb_async_session, Person, "FOLLOWS")

``sqlalchemy.ext.asyncio`` is imported when a fixture runs, so projects that
only install the library keep a plugin that imports without greenlet.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.pool import NullPool

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession


def make_async_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine with the tridb connection set-up, as the async fixtures make them.

    :param url: the database URL (``postgresql+psycopg://...``: psycopg 3's
        async dialect is chosen for an async engine).
    :param kwargs: more ``create_async_engine()`` keywords (not ``plugins``).
    """
    from sqlalchemy.ext.asyncio import create_async_engine

    return create_async_engine(url, plugins=["tridb"], **kwargs)


@pytest.fixture
async def tridb_async_engine(tridb_url: str, anyio_backend: Any) -> AsyncIterator[AsyncEngine]:
    """An async engine on the test's clean database (a clone), with the connection set-up."""
    engine = make_async_engine(tridb_url)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
async def tridb_async_session(
    tridb_shared_engine: Engine, anyio_backend: Any
) -> AsyncIterator[AsyncSession]:
    """An ``AsyncSession`` whose work is rolled back after the test (as ``tridb_session``)."""
    from sqlalchemy.ext.asyncio import AsyncSession

    url = tridb_shared_engine.url.render_as_string(hide_password=False)
    engine = make_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            outer = await connection.begin()
            session = AsyncSession(bind=connection, join_transaction_mode="create_savepoint")
            try:
                yield session
            finally:
                await session.close()
                await outer.rollback()
    finally:
        await engine.dispose()
