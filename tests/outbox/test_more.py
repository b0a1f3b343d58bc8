"""A callable source, the asyncio loop, and a writing role with no rights on the outbox."""

from __future__ import annotations

import asyncio
import os
import threading
import time

import pytest
from sqlalchemy import Engine, create_engine, insert, select, text, update
from sqlalchemy.orm import Session

from sqlalchemy_tridb.worker import EmbeddingWorker

from .models import Card, Note, expected
from .test_deferred import assert_embedded, jobs


def test_callable_source_with_watch(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(insert(Card), [{"id": 1, "front": "hola", "back": "hello", "hits": 0}])
    EmbeddingWorker(engine, Card.embedding).drain()
    with engine.begin() as conn:
        conn.execute(update(Card).values(hits=5))  # not watched: nothing queued
    assert jobs(engine) == []
    with engine.begin() as conn:
        conn.execute(update(Card).values(back="hi"))
    assert EmbeddingWorker(engine, Card.embedding).drain() == 1
    with Session(engine) as s:
        card = s.get(Card, 1)
        assert card is not None
        assert list(card.embedding) == pytest.approx(expected("HOLA / hi"), abs=1e-6)  # type: ignore[arg-type]


def test_arun_in_an_asyncio_app(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(insert(Note), [{"id": i, "title": f"t{i}", "body": "b"} for i in range(20)])
    worker = EmbeddingWorker(engine, Note.embedding, poll=0.01, batch_size=8)

    async def app() -> None:
        task = asyncio.create_task(worker.arun())
        for _ in range(500):  # the loop stays free while batches run in a thread
            await asyncio.sleep(0.01)
            if not jobs(engine):
                break
        worker.stop()
        await asyncio.wait_for(task, 10)

    asyncio.run(app())
    assert jobs(engine) == []
    assert_embedded(engine)


def test_a_writer_needs_no_rights_on_the_outbox(engine: Engine, tridb_url: str) -> None:
    role = f"tridb_outbox_writer_{os.getpid()}"
    with engine.begin() as conn:
        conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        conn.execute(text(f'CREATE ROLE "{role}"'))
        conn.execute(text(f'GRANT INSERT, UPDATE, SELECT ON public.note TO "{role}"'))
    try:
        with engine.begin() as conn:
            conn.execute(text(f'SET LOCAL ROLE "{role}"'))
            denied = conn.execute(
                text("SELECT has_schema_privilege(current_user, 'tridb_outbox', 'USAGE')")
            ).scalar()
            assert denied is False
            conn.execute(text("INSERT INTO public.note (id, title, views) VALUES (1, 'x', 0)"))
            conn.execute(text("UPDATE public.note SET body = 'y' WHERE id = 1"))
        assert [k for _, _, k, _ in jobs(engine)] == [[1]]
        EmbeddingWorker(engine, Note.embedding).drain()
        assert_embedded(engine)
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'REVOKE ALL ON public.note FROM "{role}"'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
    with Session(engine) as s:
        assert s.scalars(select(Note.id)).all() == [1]


def test_run_survives_a_database_that_is_away(engine: Engine) -> None:
    away = create_engine(engine.url.set(port=9), connect_args={"connect_timeout": 1})
    worker = EmbeddingWorker(away, Note.embedding, poll=0.01)
    thread = threading.Thread(target=worker.run)
    thread.start()
    deadline = time.monotonic() + 10
    while worker.stats.errors < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    worker.stop()
    thread.join(10)
    assert not thread.is_alive() and worker.stats.errors >= 2
    away.dispose()
