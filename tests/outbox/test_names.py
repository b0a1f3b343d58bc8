"""Two deferred columns whose table and column names join to the same text.

``doc.body_embedding`` and ``doc_body.embedding``: their trigger functions
once had the same name, so the second ``CREATE OR REPLACE`` took over the
first table's triggers and its writes queued keys of the other table.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, insert, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from sqlalchemy_tridb.embedding import providers
from sqlalchemy_tridb.vector import Embedding
from sqlalchemy_tridb.worker import EmbeddingWorker

from .models import DIM, PROVIDER, expected


class Base(DeclarativeBase):
    pass


class Doc(Base):
    __tablename__ = "doc"
    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str]
    body_embedding: Mapped[list[float] | None] = Embedding(
        source="body", provider="outbox", dim=DIM, sync="deferred", index=None
    )


class DocBody(Base):
    __tablename__ = "doc_body"
    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str]
    embedding: Mapped[list[float] | None] = Embedding(
        source="text", provider="outbox", dim=DIM, sync="deferred", index=None
    )


@pytest.fixture
def engine(tridb_engine: Engine) -> Iterator[Engine]:
    providers.register(PROVIDER, name="outbox", replace=True)
    Base.metadata.create_all(tridb_engine)
    yield tridb_engine
    providers.clear()


def test_names_that_join_alike_keep_their_own_triggers(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(insert(Doc), [{"id": 1, "body": "apple"}, {"id": 2, "body": "pear"}])
        conn.execute(insert(DocBody), [{"id": 1, "text": "plum"}])
    with engine.connect() as conn:
        jobs = conn.execute(
            text(
                "SELECT table_name, column_name, key FROM tridb_outbox.embedding_job "
                "ORDER BY 1, 2, 3::text"
            )
        ).all()
    assert [(t.split(".")[-1], c, k) for t, c, k in jobs] == [
        ("doc", "body_embedding", [1]),
        ("doc", "body_embedding", [2]),
        ("doc_body", "embedding", [1]),
    ]
    EmbeddingWorker(engine, Doc.body_embedding, DocBody.embedding).drain()
    with engine.connect() as conn:
        got = dict(conn.execute(text("SELECT body, body_embedding::text FROM doc")).all())
        plum = conn.execute(text("SELECT embedding::text FROM doc_body")).scalar_one()
    for body in ("apple", "pear"):
        vec = [float(x) for x in got[body].strip("[]").split(",")]
        assert vec == pytest.approx(expected(body), abs=1e-6)
    assert [float(x) for x in plum.strip("[]").split(",")] == pytest.approx(
        expected("plum"), abs=1e-6
    )
