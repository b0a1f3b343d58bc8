"""Deferred columns: every writer queues the rows whose source changed; the worker embeds them."""

from __future__ import annotations

import io
import uuid
from typing import Any

import psycopg
import pytest
from sqlalchemy import Engine, insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from sqlalchemy_tridb.vector import install_embedding_sync, stale_rows
from sqlalchemy_tridb.worker import EmbeddingWorker, queue_status

from .models import Doc, Note, expected


def jobs(engine: Engine) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                text(
                    "SELECT table_name, column_name, key, version "
                    "FROM tridb_outbox.embedding_job ORDER BY key"
                )
            )
        ]


def vectors(engine: Engine) -> dict[int, Any]:
    with Session(engine) as s:
        return {n.id: n.embedding for n in s.scalars(select(Note))}


def assert_embedded(engine: Engine) -> None:
    with Session(engine) as s:
        for n in s.scalars(select(Note)):
            want = expected(f"{n.title}: {n.body or ''}")
            assert n.embedding is not None, n.id
            assert list(n.embedding) == pytest.approx(want, abs=1e-6), n.id


def test_orm_flush_queues_instead_of_embedding(engine: Engine) -> None:
    Session_ = __import__("sqlalchemy.orm", fromlist=["sessionmaker"]).sessionmaker(engine)
    with install_embedding_sync(Session_), Session_() as s:
        s.add_all([Note(id=1, title="a", body="x"), Note(id=2, title="b", body="y")])
        s.commit()
    assert vectors(engine) == {1: None, 2: None}
    queued = jobs(engine)
    assert [(t, c, k) for t, c, k, _ in queued] == [
        ("public.note", "embedding", [1]),
        ("public.note", "embedding", [2]),
    ]
    assert len({v for *_, v in queued}) == 2  # versions from the queue's sequence: unique
    assert EmbeddingWorker(engine, Note.embedding).drain() == 2
    assert jobs(engine) == []
    assert_embedded(engine)


def test_only_a_source_change_queues(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(insert(Note), [{"id": i, "title": f"t{i}", "body": "b"} for i in range(3)])
    EmbeddingWorker(engine, Note.embedding).drain()
    with engine.begin() as conn:
        conn.execute(update(Note).values(views=Note.views + 1))  # not a source column
        conn.execute(update(Note).where(Note.id == 1).values(body="new"))
        conn.execute(update(Note).where(Note.id == 2).values(body="b"))  # same value
    assert [k for _, _, k, _ in jobs(engine)] == [[1]]
    EmbeddingWorker(engine, Note.embedding).drain()
    assert_embedded(engine)


def test_core_upsert_copy_and_psql(engine: Engine, tridb_url: str) -> None:
    with engine.begin() as conn:
        conn.execute(insert(Note), [{"id": 1, "title": "one", "body": "first"}])
    EmbeddingWorker(engine, Note.embedding).drain()
    # an upsert that changes the source through DO UPDATE, and one that inserts
    with engine.begin() as conn:
        stmt = pg_insert(Note).values(
            [{"id": 1, "title": "one", "body": "changed"}, {"id": 2, "title": "two", "body": "b"}]
        )
        conn.execute(
            stmt.on_conflict_do_update(index_elements=["id"], set_={"body": stmt.excluded.body})
        )
    # another program: a plain psycopg connection, UPDATE and COPY
    dsn = tridb_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as raw:
        raw.execute("SET search_path = public")
        raw.execute("UPDATE note SET title = 'TWO' WHERE id = 2")
        with raw.cursor().copy("COPY note (id, title, body, views) FROM STDIN") as copy:
            copy.write("3\tthree\tcopied\t0\n4\tfour\t\\N\t0\n")
    assert sorted(k[0] for _, _, k, _ in jobs(engine)) == [1, 2, 3, 4]
    EmbeddingWorker(engine, Note.embedding).drain()
    assert jobs(engine) == []
    assert_embedded(engine)
    with Session(engine) as s:
        assert list(s.scalars(stale_rows(Note.embedding))) == []


def test_text_primary_key_and_delete(engine: Engine) -> None:
    with Session(engine) as s:
        s.add_all([Doc(slug="a", text="alpha"), Doc(slug="b", text="beta"), Doc(slug="c")])
        s.commit()
        s.execute(text("DELETE FROM doc WHERE slug = 'b'"))
        s.commit()
    EmbeddingWorker(engine, Doc.embedding).drain()
    with Session(engine) as s:
        got = {d.slug: d.embedding for d in s.scalars(select(Doc))}
    assert list(got["a"]) == pytest.approx(expected("alpha"), abs=1e-6)
    assert got["c"] is None  # an empty source stores NULL
    assert jobs(engine) == []


def test_status(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(insert(Note), [{"id": i, "title": f"t{i}"} for i in range(5)])
    with engine.connect() as conn:
        (status,) = queue_status(conn)
    assert (status.table, status.column, status.depth, status.failed) == (
        "public.note",
        "embedding",
        5,
        0,
    )
    assert status.oldest_seconds >= 0
    EmbeddingWorker(engine, Note.embedding).drain()
    with engine.connect() as conn:
        (status,) = queue_status(conn)
    assert status.depth == 0 and status.per_second == pytest.approx(5 / 60)


def test_copy_in_bulk(engine: Engine) -> None:
    buf = io.StringIO("".join(f"{i}\tt{i}\tb{i}\t0\n" for i in range(500)))
    with engine.begin() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        with raw.cursor().copy("COPY public.note (id, title, body, views) FROM STDIN") as copy:
            copy.write(buf.getvalue())
    assert len(jobs(engine)) == 500
    assert EmbeddingWorker(engine, Note.embedding, batch_size=128).drain() == 500
    assert_embedded(engine)


def test_composite_uuid_key(engine: Engine) -> None:
    from .models import Part

    ids = [uuid.uuid4() for _ in range(3)]
    with Session(engine) as s:
        s.add_all([Part(shelf=i % 2, uid=u, label=f"part {i}") for i, u in enumerate(ids)])
        s.commit()
    with engine.begin() as conn:
        conn.execute(update(Part).where(Part.uid == ids[1]).values(label="renamed"))
    assert EmbeddingWorker(engine, Part.embedding).drain() == 3
    with Session(engine) as s:
        got = {p.uid: p for p in s.scalars(select(Part))}
    assert list(got[ids[0]].embedding) == pytest.approx(expected("part 0"), abs=1e-6)
    assert list(got[ids[1]].embedding) == pytest.approx(expected("renamed"), abs=1e-6)
    assert jobs(engine) == []
