"""Reliability: no stale overwrite, a worker killed mid-batch, a provider outage, 4 workers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, insert, text, update

from sqlalchemy_tridb.embedding import providers
from sqlalchemy_tridb.worker import EmbeddingWorker

from .models import DIM, PROVIDER, Note
from .test_deferred import assert_embedded, jobs

ROOT = Path(__file__).resolve().parents[2]


@dataclass(eq=False)
class Gate:
    """The test provider, recording texts; it can wait on an event or fail."""

    name: str = "outbox-det"
    dimension: int = DIM
    texts: list[str] = field(default_factory=list)
    hold: threading.Event | None = None
    entered: threading.Event = field(default_factory=threading.Event)
    down: bool = False
    poison: str | None = None

    def embed(self, texts: Sequence[str]) -> Any:
        self.entered.set()
        if self.hold is not None:
            self.hold.wait(10)
        if self.down:
            raise ConnectionError("provider down")
        if self.poison is not None and self.poison in texts:
            from sqlalchemy_tridb.exc import ProviderError

            raise ProviderError("bad text", index=list(texts).index(self.poison), text=self.poison)
        self.texts.extend(texts)
        return PROVIDER.embed(texts)


def rows(engine: Engine, n: int) -> None:
    with engine.begin() as conn:
        conn.execute(insert(Note), [{"id": i, "title": f"note {i}", "body": "b"} for i in range(n)])


def test_no_older_text_overwrites_a_newer_vector(engine: Engine) -> None:
    gate = Gate(hold=threading.Event())
    providers.register(gate, name="outbox", replace=True)
    rows(engine, 3)
    worker = EmbeddingWorker(engine, Note.embedding)
    thread = threading.Thread(target=worker.run_once)
    thread.start()
    assert gate.entered.wait(10)  # the worker is embedding the old texts
    with engine.begin() as conn:  # and a writer changes one source meanwhile: never blocked
        conn.execute(update(Note).where(Note.id == 1).values(body="newer"))
    gate.hold.set()  # type: ignore[union-attr]
    thread.join(10)
    assert worker.stats.embedded == 2 and worker.stats.skipped == 1
    assert [k for _, _, k, _ in jobs(engine)] == [[1]]
    worker.drain()
    assert_embedded(engine)  # note 1 has the vector of "note 1: newer"


_KILLED_WORKER = """
import sys, time
sys.path.insert(0, {root!r})
from sqlalchemy import create_engine
from sqlalchemy_tridb.embedding import CallableProvider, providers
from sqlalchemy_tridb.worker import EmbeddingWorker
from tests.outbox.models import DIM, Note
def slow(texts):
    print("embedding", flush=True)
    time.sleep(60)
providers.register(CallableProvider(slow, name="outbox-det", dimension=DIM), name="outbox")
EmbeddingWorker(create_engine({url!r}), Note.embedding, lease=1.0, batch_size=50).run_once()
"""


def test_kill_9_mid_batch(engine: Engine, tridb_url: str) -> None:
    rows(engine, 120)
    script = _KILLED_WORKER.format(root=str(ROOT), url=tridb_url)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "embedding"
        with engine.connect() as conn:
            leased = conn.execute(
                text("SELECT count(*) FROM tridb_outbox.embedding_job WHERE run_after > now()")
            ).scalar_one()
        assert leased == 50
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    with engine.begin() as conn:  # a leased row changes while its worker is dead
        conn.execute(update(Note).where(Note.id.in_([0, 70])).values(body="after the kill"))
    gate = Gate()
    providers.register(gate, name="outbox", replace=True)
    worker = EmbeddingWorker(engine, Note.embedding, lease=1.0, batch_size=50)
    assert worker.drain() == 71  # the 70 free jobs, and note 0: its change ended its lease
    time.sleep(1.1)  # the dead worker's lease runs out
    assert worker.drain() == 49
    assert jobs(engine) == []
    assert_embedded(engine)
    assert max(Counter(gate.texts).values()) == 1  # nothing embedded twice


def test_provider_outage(engine: Engine) -> None:
    gate = Gate(down=True)
    providers.register(gate, name="outbox", replace=True)
    worker = EmbeddingWorker(engine, Note.embedding, backoff=0.05, max_attempts=50)
    for i in range(5):  # writes keep succeeding while the provider is down
        rows_ = [{"id": i * 10 + j, "title": f"t{i}{j}", "body": "b"} for j in range(10)]
        with engine.begin() as conn:
            conn.execute(insert(Note), rows_)
        worker.run_once()
    assert len(jobs(engine)) == 50 and worker.stats.failed >= 5
    with engine.connect() as conn:
        errors = conn.execute(
            text("SELECT DISTINCT last_error FROM tridb_outbox.embedding_job")
        ).scalars()
        assert all("provider down" in (e or "provider down") for e in errors)
    gate.down = False
    deadline = time.monotonic() + 10
    while jobs(engine) and time.monotonic() < deadline:
        worker.drain()
        time.sleep(0.05)
    assert jobs(engine) == []
    assert_embedded(engine)


def test_a_failing_text_is_moved_aside_alone(engine: Engine) -> None:
    gate = Gate(poison="note 3: b")
    providers.register(gate, name="outbox", replace=True)
    rows(engine, 6)
    worker = EmbeddingWorker(engine, Note.embedding, backoff=0.01, max_attempts=2)
    worker.drain()
    time.sleep(0.05)
    worker.drain()
    with engine.connect() as conn:
        failed = conn.execute(
            text("SELECT key, attempts, error FROM tridb_outbox.embedding_failed")
        ).all()
    assert [(k, a) for k, a, _ in failed] == [([3], 2)]
    assert "bad text" in failed[0][2]
    assert jobs(engine) == []
    assert sorted(gate.texts) == sorted(f"note {i}: b" for i in range(6) if i != 3)


@pytest.mark.parametrize("workers", [4])
def test_four_workers_no_duplicate_embeddings(engine: Engine, workers: int) -> None:
    gate = Gate()
    providers.register(gate, name="outbox", replace=True)
    rows(engine, 2000)
    pool = [EmbeddingWorker(engine, Note.embedding, batch_size=64) for _ in range(workers)]
    threads = [threading.Thread(target=w.drain) for w in pool]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sum(w.stats.embedded for w in pool) == 2000
    assert all(w.stats.embedded > 0 for w in pool)
    assert len(gate.texts) == 2000 and max(Counter(gate.texts).values()) == 1
    assert jobs(engine) == []
    assert_embedded(engine)


@dataclass(eq=False)
class PerText:
    """Blocks a call while it holds a text whose event is not set; records the texts."""

    name: str = "outbox-det"
    dimension: int = DIM
    holds: dict[str, threading.Event] = field(default_factory=dict)
    entered: dict[str, threading.Event] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)

    def embed(self, texts: Sequence[str]) -> Any:
        for t in texts:
            if t in self.holds:
                self.entered[t].set()
                self.holds[t].wait(10)
        self.texts.extend(texts)
        return PROVIDER.embed(texts)


def test_a_stale_batch_leaves_the_newer_lease_alone(engine: Engine) -> None:
    old, new = "note 0: b", "note 0: newer"
    slow = PerText(holds={t: threading.Event() for t in (old, new)})
    slow.entered = {t: threading.Event() for t in (old, new)}
    providers.register(slow, name="outbox", replace=True)
    rows(engine, 1)
    a, b = EmbeddingWorker(engine, Note.embedding), EmbeddingWorker(engine, Note.embedding)
    ta = threading.Thread(target=a.run_once)
    ta.start()
    assert slow.entered[old].wait(10)
    with engine.begin() as conn:
        conn.execute(update(Note).values(body="newer"))
    tb = threading.Thread(target=b.run_once)
    tb.start()
    assert slow.entered[new].wait(10)  # B embeds the new text under its own lease
    slow.holds[old].set()
    ta.join(10)
    assert a.stats.skipped == 1 and a.stats.embedded == 0
    with engine.connect() as conn:  # A did not end B's lease: no third worker may take it
        leased = conn.execute(
            text("SELECT run_after > now() FROM tridb_outbox.embedding_job")
        ).scalar_one()
    assert leased is True
    slow.holds[new].set()
    tb.join(10)
    assert b.stats.embedded == 1 and jobs(engine) == []
    assert slow.texts == [old, new]
    assert_embedded(engine)
