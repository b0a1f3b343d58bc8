"""An UPDATE of the primary key: the old key's job and provenance go, the new key is embedded."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from sqlalchemy import Engine, insert, select, text, update
from sqlalchemy.orm import Session

from sqlalchemy_tridb.worker import EmbeddingWorker

from .models import Note, expected


def outbox_keys(engine: Engine) -> dict[str, list[Any]]:
    with engine.connect() as conn:
        return {
            t: [k for (k,) in conn.execute(text(f"SELECT key FROM tridb_outbox.{t} ORDER BY key"))]
            for t in ("embedding_job", "embedding_provenance")
        }


def assert_embedded(engine: Engine, ids: list[int]) -> None:
    with Session(engine) as s:
        notes = s.scalars(select(Note).order_by(Note.id)).all()
    assert [n.id for n in notes] == ids
    for n in notes:
        assert list(n.embedding or []) == pytest.approx(expected(f"{n.title}: {n.body}"), abs=1e-6)


def test_core_update_of_the_key_forgets_the_old_key(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(insert(Note), [{"id": i, "title": f"t{i}", "body": "b"} for i in (1, 2, 3)])
    EmbeddingWorker(engine, Note.embedding).drain()
    assert outbox_keys(engine) == {"embedding_job": [], "embedding_provenance": [[1], [2], [3]]}
    with engine.begin() as conn:  # an unembedded row's job moves with its key too
        conn.execute(insert(Note).values(id=4, title="t4", body="b"))
        conn.execute(update(Note).where(Note.id.in_([1, 4])).values(id=Note.id + 10))
    assert outbox_keys(engine) == {
        "embedding_job": [[11], [14]],
        "embedding_provenance": [[2], [3]],
    }
    assert EmbeddingWorker(engine, Note.embedding).drain() == 2
    assert outbox_keys(engine) == {
        "embedding_job": [],
        "embedding_provenance": [[2], [3], [11], [14]],
    }
    assert_embedded(engine, [2, 3, 11, 14])


def test_psql_update_of_the_key_and_a_reused_key(engine: Engine, tridb_url: str) -> None:
    with engine.begin() as conn:
        conn.execute(insert(Note), [{"id": i, "title": f"t{i}", "body": "b"} for i in (1, 2, 3)])
    EmbeddingWorker(engine, Note.embedding).drain()
    dsn = tridb_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as raw:
        raw.execute("SET search_path = public")
        raw.execute("UPDATE note SET id = 7 WHERE id = 3")
        # the freed key taken by another row: its old provenance must not vouch for it
        raw.execute("UPDATE note SET id = 3 WHERE id = 1")
    assert outbox_keys(engine) == {"embedding_job": [[3], [7]], "embedding_provenance": [[2]]}
    assert EmbeddingWorker(engine, Note.embedding).drain() == 2
    assert outbox_keys(engine) == {
        "embedding_job": [],
        "embedding_provenance": [[2], [3], [7]],
    }
    assert_embedded(engine, [2, 3, 7])
