"""The outbox's queue operations: claim, finish, fail, and its status.

Each function runs one short statement on the connection it is given (the
caller owns the transaction).  Jobs are leased, not held: `claim()` sets
``run_after`` to the end of the lease in a transaction of its own, so no lock
outlives it and a writer's trigger never waits for a provider call; a worker
killed mid-batch leaves jobs that another claims once the lease ends.  Values
are bound parameters (a batch of keys is one ``jsonb`` parameter).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy import Connection, bindparam, text
from sqlalchemy.dialects.postgresql import JSONB

from ..vector.outbox import FAILED, JOBS, PROVENANCE

__all__ = [
    "Claim",
    "QueueStatus",
    "claim",
    "fail",
    "finish",
    "queue_status",
    "ready_jobs",
    "record_provenance",
    "release",
]


@dataclass(frozen=True)
class Claim:
    """One leased job.

    :param key: the row's primary key, as a JSON array.
    :param version: the job's version when leased (each new change bumps it).
    :param attempts: how many times it has been leased, this time included.
    """

    key: list[Any]
    version: int
    attempts: int

    @cached_property
    def token(self) -> str:
        """The key as canonical JSON text (to match keys across statements)."""
        return json.dumps(self.key, separators=(",", ":"))


def token(key: Sequence[Any]) -> str:
    """*key* as canonical JSON text (see `Claim.token`).

    :param key: a primary key as a list of values.
    """
    return json.dumps(list(key), separators=(",", ":"))


_CLAIM = text(
    "WITH c AS MATERIALIZED (\n"
    f"    SELECT ctid FROM {JOBS}\n"
    "    WHERE table_name = :t AND column_name = :c\n"
    "      AND (run_after IS NULL OR run_after <= pg_catalog.now())\n"
    "    ORDER BY enqueued_at\n"
    "    LIMIT :n\n"
    "    FOR UPDATE SKIP LOCKED\n"
    ")\n"
    f"UPDATE {JOBS} AS j\n"
    "SET run_after = pg_catalog.now() + pg_catalog.make_interval(secs => :lease),\n"
    "    attempts = j.attempts + 1\n"
    "FROM c\n"
    "WHERE j.ctid = c.ctid\n"  # the rows just locked (a TID scan, whatever the statistics)
    "RETURNING j.key, j.version, j.attempts"
)


def claim(conn: Connection, table: str, column: str, limit: int, lease: float) -> list[Claim]:
    """Lease up to *limit* ready jobs of *table*.*column*, oldest first; skip locked ones.

    :param conn: a connection (commit right after, so the lease is seen).
    :param table: the queue's table name (``schema.table``).
    :param column: the embedding column.
    :param limit: the most jobs leased.
    :param lease: seconds before another worker may take the jobs over.
    """
    rows = conn.execute(_CLAIM, {"t": table, "c": column, "n": limit, "lease": lease})
    return [Claim(list(r.key), int(r.version), int(r.attempts)) for r in rows]


def _jobs_param(name: str) -> Any:
    return bindparam(name, type_=JSONB)


_MATCH = (
    "j.table_name = :t AND j.column_name = :c AND j.key = d.key"
    " AND (d.version IS NULL OR j.version = d.version)"
)
_RECORDS = "pg_catalog.jsonb_to_recordset(:jobs) AS d(key jsonb, version bigint)"

_FINISH = text(f"DELETE FROM {JOBS} AS j\nUSING {_RECORDS}\nWHERE {_MATCH}").bindparams(
    _jobs_param("jobs")
)
_RELEASE = text(
    f"UPDATE {JOBS} AS j SET run_after = NULL\nFROM {_RECORDS}\nWHERE {_MATCH}"
).bindparams(_jobs_param("jobs"))


def _records(keys: Sequence[tuple[list[Any], int | None]]) -> list[dict[str, Any]]:
    return [{"key": k, "version": v} for k, v in keys]


def finish(
    conn: Connection, table: str, column: str, keys: Sequence[tuple[list[Any], int | None]]
) -> None:
    """Delete the jobs of *keys* (``(key, version)``; a version only matches itself, ``None`` any).

    :param conn: a connection in the write transaction.
    :param table: the queue's table name.
    :param column: the embedding column.
    :param keys: the jobs done.
    """
    if keys:
        conn.execute(_FINISH, {"t": table, "c": column, "jobs": _records(keys)})


def release(
    conn: Connection, table: str, column: str, keys: Sequence[tuple[list[Any], int | None]]
) -> None:
    """End the leases of *keys* at once (their rows changed or were busy: claim them again).

    :param conn: a connection.
    :param table: the queue's table name.
    :param column: the embedding column.
    :param keys: the jobs, as in `finish()`.
    """
    if keys:
        conn.execute(_RELEASE, {"t": table, "c": column, "jobs": _records(keys)})


_MOVE = text(
    f"WITH moved AS (\n"
    f"    DELETE FROM {JOBS} AS j USING {_RECORDS}\n"
    f"    WHERE {_MATCH} AND j.attempts >= :max\n"
    "    RETURNING j.table_name, j.column_name, j.key, j.attempts\n"
    ")\n"
    f"INSERT INTO {FAILED} AS f (table_name, column_name, key, attempts, error)\n"
    "SELECT table_name, column_name, key, attempts, :err FROM moved\n"
    "ON CONFLICT (table_name, column_name, key) DO UPDATE\n"
    "SET attempts = EXCLUDED.attempts, error = EXCLUDED.error, failed_at = pg_catalog.now()"
).bindparams(_jobs_param("jobs"))
_BACKOFF = text(
    f"UPDATE {JOBS} AS j\n"
    "SET run_after = pg_catalog.now() + pg_catalog.make_interval(\n"
    "        secs => LEAST(:cap, :base * pg_catalog.power(2, GREATEST(j.attempts - 1, 0)))),\n"
    "    last_error = :err\n"
    f"FROM {_RECORDS}\nWHERE {_MATCH}"
).bindparams(_jobs_param("jobs"))


def fail(
    conn: Connection,
    table: str,
    column: str,
    claims: Sequence[Claim],
    error: str,
    *,
    max_attempts: int,
    backoff: float,
    max_backoff: float = 300.0,
) -> None:
    """Record a failed attempt: move jobs at *max_attempts* aside, back the others off.

    The wait doubles with each attempt: ``backoff * 2 ** (attempts - 1)``
    seconds, at most *max_backoff*.

    :param conn: a connection.
    :param table: the queue's table name.
    :param column: the embedding column.
    :param claims: the jobs that failed.
    :param error: the error's text (kept on the job, and in ``embedding_failed``).
    :param max_attempts: attempts after which a job goes to ``embedding_failed``.
    :param backoff: the first wait, in seconds.
    :param max_backoff: the longest wait, in seconds.
    """
    if not claims:
        return
    jobs = _records([(c.key, c.version) for c in claims])
    params = {"t": table, "c": column, "jobs": jobs, "err": error[:2000]}
    conn.execute(_MOVE, {**params, "max": max_attempts})
    conn.execute(_BACKOFF, {**params, "base": backoff, "cap": max_backoff})


_PROVENANCE = text(
    f"INSERT INTO {PROVENANCE} AS p\n"
    "    (table_name, column_name, key, provider, model, source_hash, text_hash)\n"
    "SELECT :t, :c, d.key, :provider, :model, d.source_hash, d.text_hash\n"
    "FROM pg_catalog.jsonb_to_recordset(:rows) AS d(key jsonb, source_hash text, text_hash text)\n"
    "ON CONFLICT (table_name, column_name, key) DO UPDATE\n"
    "SET provider = EXCLUDED.provider, model = EXCLUDED.model,\n"
    "    source_hash = EXCLUDED.source_hash, text_hash = EXCLUDED.text_hash,\n"
    "    embedded_at = pg_catalog.now()"
).bindparams(_jobs_param("rows"))


def record_provenance(
    conn: Connection,
    table: str,
    column: str,
    provider: tuple[str, str],
    rows: Sequence[tuple[list[Any], str, str | None]],
) -> None:
    """Upsert the provenance of *rows*: ``(key, source hash, text hash or None)``.

    :param conn: a connection in the write transaction.
    :param table: the queue's table name.
    :param column: the embedding column.
    :param provider: ``(provider, model)``.
    :param rows: the rows written.
    """
    if rows:
        data = [{"key": k, "source_hash": s, "text_hash": h} for k, s, h in rows]
        params = {"t": table, "c": column, "rows": data}
        conn.execute(_PROVENANCE, {**params, "provider": provider[0], "model": provider[1]})


_READY = text(
    f"SELECT pg_catalog.count(*) FROM {JOBS}\n"
    "WHERE (table_name, column_name) IN (\n"
    "    SELECT * FROM pg_catalog.jsonb_to_recordset(:cols) AS c(t text, c text))\n"
    "  AND (run_after IS NULL OR run_after <= pg_catalog.now())"
).bindparams(_jobs_param("cols"))


def ready_jobs(conn: Connection, columns: Sequence[tuple[str, str]]) -> int:
    """How many jobs of *columns* (``(table, column)`` pairs) a worker could claim now.

    :param conn: a connection.
    :param columns: the queue's table and column names.
    """
    cols = [{"t": t, "c": c} for t, c in columns]
    return int(conn.execute(_READY, {"cols": cols}).scalar_one())


@dataclass(frozen=True)
class QueueStatus:
    """The queue of one embedding column.

    :param table: the table (``schema.table``).
    :param column: the embedding column.
    :param depth: jobs waiting (leased ones included).
    :param oldest_seconds: age of the oldest waiting job, in seconds (0 when none).
    :param leased: jobs leased by a worker or backing off after a failure.
    :param failed: jobs moved aside after ``max_attempts`` failures.
    :param per_second: vectors written in the last minute, per second.
    """

    table: str
    column: str
    depth: int
    oldest_seconds: float
    leased: int
    failed: int
    per_second: float


_STATUS = text(
    "WITH q AS (\n"
    "    SELECT table_name, column_name, pg_catalog.count(*) AS depth,\n"
    "           pg_catalog.max(pg_catalog.now() - enqueued_at) AS oldest,\n"
    "           pg_catalog.count(*) FILTER (WHERE run_after > pg_catalog.now()) AS leased\n"
    f"    FROM {JOBS} GROUP BY 1, 2\n"
    "), f AS (\n"
    "    SELECT table_name, column_name, pg_catalog.count(*) AS failed\n"
    f"    FROM {FAILED} GROUP BY 1, 2\n"
    "), p AS (\n"
    "    SELECT table_name, column_name, pg_catalog.count(*) AS recent\n"
    f"    FROM {PROVENANCE}\n"
    "    WHERE embedded_at > pg_catalog.now() - pg_catalog.make_interval(mins => 1)\n"
    "    GROUP BY 1, 2\n"
    ")\n"
    "SELECT table_name, column_name, COALESCE(q.depth, 0) AS depth,\n"
    "       COALESCE(EXTRACT(epoch FROM q.oldest), 0)::float8 AS oldest,\n"
    "       COALESCE(q.leased, 0) AS leased, COALESCE(f.failed, 0) AS failed,\n"
    "       COALESCE(p.recent, 0) / 60.0 AS per_second\n"
    "FROM q FULL JOIN f USING (table_name, column_name)\n"
    "FULL JOIN p USING (table_name, column_name)\n"
    "ORDER BY 1, 2"
)


def queue_status(conn: Connection) -> list[QueueStatus]:
    """Depth, oldest job's age, leased and failed jobs, recent throughput, per column.

    :param conn: a connection with read rights on ``tridb_outbox``; a database
        without the outbox (no deferred column was created) gives ``[]``.
    """
    exists = text("SELECT pg_catalog.to_regclass(:name) IS NOT NULL")
    if not conn.execute(exists, {"name": JOBS}).scalar_one():
        return []
    return [
        QueueStatus(
            r.table_name,
            r.column_name,
            int(r.depth),
            float(r.oldest),
            int(r.leased),
            int(r.failed),
            float(r.per_second),
        )
        for r in conn.execute(_STATUS)
    ]
