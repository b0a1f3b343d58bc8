"""A job deleted and queued again gets a version no worker still holds.

A worker leases ``(K, v)``; the row is deleted (its job goes) and inserted
again (a new job for K) while the batch is embedded; the worker then finishes
``(K, v)`` as gone.  With versions restarting at 1 that deleted the new job,
and the new row was never embedded.
"""

from __future__ import annotations

from sqlalchemy import Engine, delete, insert, text

from sqlalchemy_tridb.worker import EmbeddingWorker
from sqlalchemy_tridb.worker.queue import claim, finish

from .models import Note
from .test_key_change import assert_embedded

TABLE = "public.note"


def test_a_requeued_key_outlives_the_finish_of_its_old_lease(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(insert(Note).values(id=1, title="first", body="b"))
    with engine.begin() as conn:
        (leased,) = claim(conn, TABLE, "embedding", 10, 60.0)
    with engine.begin() as conn:  # meanwhile: deleted, and a new row with the same key
        conn.execute(delete(Note).where(Note.id == 1))
        conn.execute(insert(Note).values(id=1, title="second", body="b"))
    with engine.begin() as conn:  # the old lease finishes: its row was gone when read
        finish(conn, TABLE, "embedding", [(leased.key, leased.version)])
        left = conn.execute(text("SELECT key, version FROM tridb_outbox.embedding_job")).all()
    assert [k for k, _ in left] == [[1]] and left[0][1] != leased.version
    with engine.begin() as conn:  # the lease still blocks a claim: make the job ready
        conn.execute(text("UPDATE tridb_outbox.embedding_job SET run_after = NULL"))
    assert EmbeddingWorker(engine, Note.embedding).drain() == 1
    assert_embedded(engine, [1])
