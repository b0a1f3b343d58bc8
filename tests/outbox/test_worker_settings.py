"""The worker's own session settings do not change the keys it matches.

The triggers queue a ``timestamptz`` key rendered in UTC; a worker whose
session runs in another ``TimeZone`` (initdb's default is the machine's zone)
once rebuilt the row's key in that zone, saw no row for the job, and deleted
it as gone: no vector, no error.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone

import pytest
from sqlalchemy import DateTime, Engine, create_engine, insert, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from sqlalchemy_tridb.embedding import providers
from sqlalchemy_tridb.vector import Embedding
from sqlalchemy_tridb.worker import EmbeddingWorker

from .models import DIM, PROVIDER, expected


class Base(DeclarativeBase):
    pass


class Reading(Base):
    __tablename__ = "reading"
    device: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    value: Mapped[float]
    note: Mapped[str]
    embedding: Mapped[list[float] | None] = Embedding(
        source="{note} {value}", provider="outbox", dim=DIM, sync="deferred", index=None
    )


@pytest.fixture
def engine(tridb_engine: Engine) -> Iterator[Engine]:
    providers.register(PROVIDER, name="outbox", replace=True)
    Base.metadata.create_all(tridb_engine)
    yield tridb_engine
    providers.clear()


def test_a_worker_in_another_time_zone_embeds_timestamptz_keyed_rows(engine: Engine) -> None:
    at = datetime(2026, 3, 1, 10, 0, tzinfo=timezone.utc)
    with engine.begin() as conn:
        conn.execute(
            insert(Reading),
            [{"device": d, "at": at, "value": 1 / 3, "note": f"dev {d}"} for d in (1, 2)],
        )
    url = engine.url.render_as_string(hide_password=False)
    berlin = create_engine(
        url,
        plugins=["tridb"],
        connect_args={"options": "-c timezone=Europe/Berlin -c extra_float_digits=-3"},
    )
    try:
        assert EmbeddingWorker(berlin, Reading.embedding).drain() == 2
    finally:
        berlin.dispose()
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT device, note, value, embedding::text FROM reading ORDER BY device")
        ).all()
        left = conn.execute(text("SELECT count(*) FROM tridb_outbox.embedding_job")).scalar()
    assert left == 0
    for _device, note, value, vec in rows:
        assert vec is not None
        want = expected(f"{note} {value!r}")
        got = [float(x) for x in vec.strip("[]").split(",")]
        assert got == pytest.approx(want, abs=1e-6)
