"""Failed jobs back on the queue: `requeue_failed()` and ``tridb worker --requeue-failed``."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import Engine, insert, text

from sqlalchemy_tridb.cli.main import main
from sqlalchemy_tridb.embedding import providers
from sqlalchemy_tridb.worker import EmbeddingWorker, queue_status, requeue_failed

from .models import PROVIDER, Doc, Note
from .test_deferred import assert_embedded, jobs
from .test_reliability import Gate

ATTR = "tests.outbox.cli_models:Note.embedding"


def failed(engine: Engine) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        sql = "SELECT table_name, key FROM tridb_outbox.embedding_failed ORDER BY 1, 2"
        return [tuple(r) for r in conn.execute(text(sql))]


def fail_all(engine: Engine) -> None:
    """Notes 0..3 and docs a, b fail twice and are moved aside."""
    with engine.begin() as conn:
        conn.execute(insert(Note), [{"id": i, "title": f"t{i}", "body": "b"} for i in range(4)])
        conn.execute(insert(Doc), [{"slug": s, "text": s * 3} for s in "ab"])
    providers.register(Gate(down=True), name="outbox", replace=True)
    worker = EmbeddingWorker(engine, Note.embedding, Doc.embedding, backoff=0.01, max_attempts=2)
    worker.drain()
    time.sleep(0.05)
    worker.drain()
    assert jobs(engine) == []
    assert len(failed(engine)) == 6
    providers.register(PROVIDER, name="outbox", replace=True)  # the provider is back


def test_requeue_failed_of_one_column_then_all(engine: Engine) -> None:
    fail_all(engine)
    with engine.begin() as conn:  # note 1 changed meanwhile: it is queued and failed both
        conn.execute(text("UPDATE note SET body = 'new' WHERE id = 1"))
    assert requeue_failed(engine, Note.embedding) == 4
    assert failed(engine) == [("public.doc", ["a"]), ("public.doc", ["b"])]
    with engine.connect() as conn:
        got = conn.execute(
            text(
                "SELECT key, version, attempts, run_after, last_error "
                "FROM tridb_outbox.embedding_job ORDER BY key"
            )
        ).all()
    assert [(k, a, r, e) for k, _, a, r, e in got] == [
        ([0], 0, None, None),
        ([1], 0, None, None),
        ([2], 0, None, None),
        ([3], 0, None, None),
    ]
    versions = {k[0]: v for k, v, *_ in got}
    assert len(set(versions.values())) == 4  # from the queue's sequence: never reused
    assert EmbeddingWorker(engine, Note.embedding).drain() == 4
    assert_embedded(engine)
    with engine.connect() as conn:
        assert requeue_failed(conn, None) == 2  # a connection: the caller's transaction
        conn.rollback()
    assert len(failed(engine)) == 2
    assert requeue_failed(engine) == 2
    assert EmbeddingWorker(engine, Doc.embedding).drain() == 2
    assert failed(engine) == [] and jobs(engine) == []
    with engine.connect() as conn:
        assert all(s.depth == 0 and s.failed == 0 for s in queue_status(conn))


def test_cli_requeue_failed(
    engine: Engine, tridb_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    fail_all(engine)
    assert main(["worker", ATTR, "--requeue-failed", "--url", tridb_url]) == 0
    assert "4 failed job(s) queued again" in capsys.readouterr().out
    assert [t for t, _ in failed(engine)] == ["public.doc", "public.doc"]
    assert main(["worker", ATTR, "--drain", "--quiet", "--url", tridb_url]) == 0
    assert_embedded(engine)
    assert main(["worker", "--requeue-failed", "--url", tridb_url]) == 0
    assert "2 failed job(s) queued again" in capsys.readouterr().out
    assert failed(engine) == [] and len(jobs(engine)) == 2
