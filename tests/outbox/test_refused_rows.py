"""A row the database refuses to update fails alone; the batch's other rows are written.

A user's trigger (or a CHECK, or a value out of range) rejects one row's
vector: the whole batch's UPDATE fails.  That error once escaped the worker:
``drain()`` raised and ``run()`` stopped for every column, and the same batch
failed again at each restart, never moved aside.
"""

from __future__ import annotations

from sqlalchemy import Engine, insert, text

from sqlalchemy_tridb.worker import EmbeddingWorker

from .models import Note
from .test_key_change import assert_embedded


def test_a_refused_row_is_moved_aside_and_the_rest_are_embedded(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "CREATE FUNCTION public.refuse_bad() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                "BEGIN IF NEW.title = 'bad' AND NEW.embedding IS NOT NULL THEN\n"
                "  RAISE EXCEPTION 'no vector for bad rows'; END IF; RETURN NEW; END $$"
            )
        )
        conn.execute(
            text(
                "CREATE TRIGGER refuse_bad BEFORE UPDATE ON public.note "
                "FOR EACH ROW EXECUTE FUNCTION public.refuse_bad()"
            )
        )
        conn.execute(
            insert(Note),
            [{"id": i, "title": t, "body": "b"} for i, t in enumerate(["ok", "bad", "fine"], 1)],
        )
    worker = EmbeddingWorker(engine, Note.embedding, max_attempts=1)
    assert worker.drain() == 2
    assert worker.stats.failed == 1
    with engine.connect() as conn:
        failed = conn.execute(text("SELECT key, error FROM tridb_outbox.embedding_failed")).all()
        left = conn.execute(text("SELECT count(*) FROM tridb_outbox.embedding_job")).scalar()
        bad = conn.execute(text("SELECT embedding FROM note WHERE id = 2")).scalar()
    assert [k for k, _ in failed] == [[2]] and "no vector for bad rows" in failed[0][1]
    assert left == 0 and bad is None
    with engine.begin() as conn:
        conn.execute(text("DROP TRIGGER refuse_bad ON public.note"))
        conn.execute(text("DELETE FROM note WHERE id = 2"))
    assert_embedded(engine, [1, 3])
