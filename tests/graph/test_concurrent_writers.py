"""Eight sessions commit small transactions on overlapping rows at once: the graph stays exact.

Bounded (a few seconds); ``TRIDB_LONG_TESTS=1`` runs for a minute.  Deadlocks
and refused keys surface as the database's own errors, the transaction is
retried or dropped, and afterwards the graph equals the rows.
"""

from __future__ import annotations

import os
import random
import threading
import time

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from .mirror_check import graph_rows_diff
from .test_writers import Base, writers_engine, writers_template

__all__ = ["writers_engine", "writers_template"]

SECONDS = 60.0 if os.environ.get("TRIDB_LONG_TESTS") == "1" else 4.0
WRITERS = 8


def _work(
    engine: Engine, seed: int, stop: float, counts: dict[str, int], lock: threading.Lock
) -> None:
    rnd = random.Random(seed)
    while time.monotonic() < stop:
        # keys of -4..0 go through the key map: ids allocated and released concurrently
        a, b = rnd.randint(-4, 10), rnd.randint(-4, 10)
        statements = [
            ("INSERT INTO w_person (id, name) VALUES (:a, 'p') ON CONFLICT (id) DO UPDATE "
             "SET name = excluded.name || :s", {"a": a, "s": str(seed)}),
            ("UPDATE w_person SET score = :x, boss_id = :b WHERE id = :a",
             {"a": a, "b": rnd.choice([None, b]), "x": rnd.random()}),
            ("INSERT INTO w_knows (id, a, b, weight) SELECT :i, :a, :b, 1 "
             "WHERE EXISTS (SELECT 1 FROM w_person WHERE id = :a) "
             "AND EXISTS (SELECT 1 FROM w_person WHERE id = :b) ON CONFLICT (id) DO NOTHING",
             {"i": rnd.randint(1, 40), "a": a, "b": b}),
            ("DELETE FROM w_knows WHERE id = :i", {"i": rnd.randint(1, 40)}),
            ("DELETE FROM w_person WHERE id = :a AND NOT EXISTS "
             "(SELECT 1 FROM w_knows WHERE a = :a OR b = :a) AND NOT EXISTS "
             "(SELECT 1 FROM w_person WHERE boss_id = :a)", {"a": a}),
        ]  # fmt: skip
        with Session(engine) as session:
            try:
                for sql, params in rnd.sample(statements, k=3):
                    session.execute(text(sql), params)
                session.commit()
                outcome = "committed"
            except DBAPIError as err:  # deadlock, a key taken meanwhile, a deferred key
                session.rollback()
                outcome = type(err.orig).__name__
        with lock:
            counts[outcome] = counts.get(outcome, 0) + 1


@pytest.mark.xfail(
    strict=False,
    reason="known race (issue 11, open): about one run in four leaves an extra edge whose "
    "mapped end id the key map released; reported as XFAIL/XPASS until fixed",
)
def test_eight_concurrent_writers_leave_the_graph_equal_to_the_rows(writers_engine: Engine) -> None:
    counts: dict[str, int] = {}
    lock = threading.Lock()
    stop = time.monotonic() + SECONDS
    threads = [
        threading.Thread(target=_work, args=(writers_engine, seed, stop, counts, lock))
        for seed in range(WRITERS)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=SECONDS + 60)
    assert not any(t.is_alive() for t in threads)
    assert counts.get("committed", 0) > 50, counts
    # only the database's own, retryable or expected refusals
    allowed = {"committed", "DeadlockDetected", "SerializationFailure", "ForeignKeyViolation",
               "UniqueViolation"}  # fmt: skip
    assert set(counts) <= allowed, counts
    with writers_engine.connect() as conn:
        assert graph_rows_diff(conn, Base.metadata) == []
        rows = conn.execute(text("SELECT count(*) FROM w_person")).scalar_one()
        # every id the key map holds is held by a vertex or an edge: none leaked
        orphans = (
            conn.execute(
                text(
                    'SELECT m.key FROM writers_test."tridb$keys" m WHERE NOT EXISTS '
                    "(SELECT 1 FROM writers_test._ag_label_vertex v WHERE v.id = m.id) "
                    "AND NOT EXISTS (SELECT 1 FROM writers_test._ag_label_edge e "
                    "WHERE m.id IN (e.id, e.start_id, e.end_id))"
                )
            )
            .scalars()
            .all()
        )
    assert rows > 0
    assert orphans == []
