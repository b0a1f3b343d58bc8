"""``doctor()`` on deferred columns: a disabled trigger, failed jobs, stale vectors."""

from __future__ import annotations

from sqlalchemy import Engine, insert, text

from sqlalchemy_tridb.doctor import doctor
from sqlalchemy_tridb.worker import EmbeddingWorker

from .models import Base, Note


def outbox(engine: Engine) -> list[str]:
    return [p.message for p in doctor(engine, Base).problems if p.area == "outbox"]


def test_doctor_on_the_outbox(engine: Engine) -> None:
    assert outbox(engine) == []
    with engine.begin() as conn:
        conn.execute(insert(Note), [{"id": i, "title": f"t{i}", "body": None} for i in range(3)])
    assert outbox(engine) == [
        "3 row(s) of note.embedding have no vector of the current source and model "
        "(queued ones included)"
    ]
    EmbeddingWorker(engine, Note.embedding).drain()
    assert outbox(engine) == []
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO tridb_outbox.embedding_failed (table_name, column_name, key, "
                "attempts, error) VALUES ('public.note', 'embedding', '[9]', 5, 'boom')"
            )
        )
        conn.execute(text("ALTER TABLE note DISABLE TRIGGER outbox_emb_embedding_upd"))
    assert outbox(engine) == [
        "note.embedding is deferred but 3 of its 4 outbox triggers are enabled"
    ]
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE note ENABLE TRIGGER outbox_emb_embedding_upd"))
    assert outbox(engine) == ["1 job(s) of note.embedding failed too often and were moved aside"]
