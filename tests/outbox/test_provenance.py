"""Provenance: stale_rows() sees changed sources and other models; backfill() re-queues them."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import Engine, insert, select, text, update
from sqlalchemy.orm import Session

from sqlalchemy_tridb.embedding import providers
from sqlalchemy_tridb.vector import backfill, stale_rows
from sqlalchemy_tridb.worker import EmbeddingWorker

from .models import PROVIDER, Note, expected


def stale_ids(engine: Engine) -> list[int]:
    with Session(engine) as s:
        return sorted(n.id for n in s.scalars(stale_rows(Note.embedding)))


def test_provenance_rows(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(Note),
            [{"id": 1, "title": "a", "body": "b"}, {"id": 2, "title": "c", "body": None}],
        )
    assert stale_ids(engine) == [1, 2]
    EmbeddingWorker(engine, Note.embedding).drain()
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT key, provider, model, text_hash = encode(sha256(convert_to(:t, 'UTF8')),"
                " 'hex') FROM tridb_outbox.embedding_provenance ORDER BY key"
            ),
            {"t": "a: b"},
        ).all()
    assert [tuple(r) for r in rows] == [
        ([1], "outbox-det", "outbox-det", True),
        ([2], "outbox-det", "outbox-det", False),
    ]
    assert stale_ids(engine) == []


def test_source_changed_behind_the_triggers_is_stale(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(insert(Note), [{"id": i, "title": f"t{i}"} for i in range(3)])
    EmbeddingWorker(engine, Note.embedding).drain()
    with engine.begin() as conn:  # a writer with the triggers off (a restore, say)
        conn.execute(text("ALTER TABLE note DISABLE TRIGGER USER"))
        conn.execute(update(Note).where(Note.id == 1).values(title="changed"))
        conn.execute(update(Note).where(Note.id == 2).values(embedding=None))
        conn.execute(text("ALTER TABLE note ENABLE TRIGGER USER"))
    assert stale_ids(engine) == [1, 2]
    with Session(engine) as s:
        assert backfill(s, Note.embedding) == 2
        s.commit()
    EmbeddingWorker(engine, Note.embedding).drain()
    assert stale_ids(engine) == []
    with Session(engine) as s:
        assert s.get(Note, 1).embedding == pytest.approx(expected("changed: "), abs=1e-6)  # type: ignore[union-attr]


def test_another_model_is_stale_and_re_embedded_on_purpose(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(insert(Note), [{"id": i, "title": f"t{i}"} for i in range(4)])
    EmbeddingWorker(engine, Note.embedding).drain()
    other = dataclasses.replace(PROVIDER, name="outbox-det-v2", ngram_range=(2, 3))
    providers.register(other, name="outbox", replace=True)
    assert stale_ids(engine) == [0, 1, 2, 3]
    with Session(engine) as s:
        assert backfill(s, Note.embedding, where=Note.id < 2) == 2
        s.commit()
    EmbeddingWorker(engine, Note.embedding).drain()
    assert stale_ids(engine) == [2, 3]
    with Session(engine) as s:
        got = s.get(Note, 0).embedding  # type: ignore[union-attr]
        assert got == pytest.approx([float(x) for x in other.embed(["t0: "])[0]], abs=1e-6)
        assert s.scalars(select(Note.id).where(Note.id == 3)).one() == 3
