"""Fixtures of the awaitable forms' tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from aio_models import BIOS, EDGES, Base, Follow, Member
from sqlalchemy import Connection, Engine
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Session

from sqlalchemy_tridb.testing import make_async_engine, tridb_database_factory, tridb_engine_factory


def _create(conn: Connection) -> None:
    Base.metadata.create_all(conn)
    with Session(bind=conn) as session:  # embeddings stay NULL: no sync installed here
        session.add_all(Member(id=i, handle=f"m{i}", bio=bio) for i, bio in BIOS.items())
        session.flush()
        session.add_all(Follow(follower_id=a, followee_id=b) for a, b in EDGES)
        session.flush()


aio_template = tridb_database_factory(load=[_create])
#: one clone per module for the read-only comparisons
aio_read_engine = tridb_engine_factory("aio_template", scope="module")
#: a clone per test for the writers
aio_engine = tridb_engine_factory("aio_template")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _async_twin(engine: Engine) -> AsyncEngine:
    return make_async_engine(engine.url.render_as_string(hide_password=False))


@pytest.fixture
async def aio_read_async(aio_read_engine: Engine, anyio_backend: str) -> AsyncIterator[AsyncEngine]:
    engine = _async_twin(aio_read_engine)
    yield engine
    await engine.dispose()


@pytest.fixture
async def aio_async(aio_engine: Engine, anyio_backend: str) -> AsyncIterator[AsyncEngine]:
    engine = _async_twin(aio_engine)
    yield engine
    await engine.dispose()


@pytest.fixture
def read_session(aio_read_engine: Engine) -> Iterator[Session]:
    with Session(aio_read_engine) as session:
        yield session
