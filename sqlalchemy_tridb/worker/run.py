"""The embedding worker: drain the outbox of deferred ``Embedding`` columns.

    worker = EmbeddingWorker(engine, Note.embedding)
    worker.drain()              # until the queue is empty (e.g. in a cron job)
    worker.run(stop_event)      # until stop_event is set (``tridb worker`` sets it on SIGTERM)
    await worker.arun()         # the same in an asyncio app, until cancelled or stop()

One batch: lease jobs (`.queue.claim`, its own transaction), read the rows and
their source fingerprints, embed the texts (one provider call per provider
batch, validated), then in one short transaction lock the rows ``FOR UPDATE
SKIP LOCKED`` and write a vector only where the row's fingerprint is still the
one whose text was embedded, record its provenance and delete the job.  A row
changed meanwhile keeps its job (the trigger bumped it) and is embedded again
from its new text; a row a writer holds is skipped, not waited for.  A failed
provider call backs the batch off (doubling waits); a job that failed
``max_attempts`` times goes to ``tridb_outbox.embedding_failed`` with its error.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import psycopg
from psycopg.adapt import PyFormat
from sqlalchemy import Engine, TextClause, select, text
from sqlalchemy import func as sql_func
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session

from ..engine import vector_schema
from ..engine.vectors import _VectorBinaryDumper
from ..exc import ConfigurationError, ProviderError
from ..sql import qualified_table, quote_ident
from ..vector.compute import EmbeddingAttribute, Job, compute, embedding_attributes, source_text
from ..vector.outbox import DeferredColumn, pin_settings_sql, provider_identity
from ..vector.sources import CallableSource
from ..vector.spec import spec_of
from .queue import Claim, claim, fail, finish, ready_jobs, record_provenance, release, token

__all__ = ["EmbeddingWorker", "WorkerStats"]

#: the triggers' settings, for the statements that rebuild keys and fingerprints
_PIN = pin_settings_sql()

_log = logging.getLogger(__name__)


@dataclass
class WorkerStats:
    """What one worker has done since it was made.

    :param embedded: vectors written.
    :param skipped: jobs whose row changed or was busy (left for the next batch).
    :param failed: failed attempts (jobs backed off or moved aside).
    :param seconds: time spent in batches.
    :param errors: database errors `EmbeddingWorker.run()` survived.
    """

    embedded: int = 0
    skipped: int = 0
    failed: int = 0
    seconds: float = 0.0
    errors: int = 0

    @property
    def per_second(self) -> float:
        """Vectors written per second of batch time."""
        return self.embedded / self.seconds if self.seconds else 0.0


@dataclass
class _Target:
    attr: EmbeddingAttribute
    deferred: DeferredColumn
    entity: Any
    _read: Any = None  # the statements, built once (the same SQL text each batch)
    _lock: Any = None

    def read_sql(self) -> Any:
        """``(key, fingerprint, source columns or the entity)`` of the batch's rows."""
        if self._read is None:
            dc = self.deferred
            pk = dc.key_columns()
            key = sql_func.pg_catalog.jsonb_build_array(*pk).label("tridb_key")
            fp = dc.fingerprint().label("tridb_fp")
            if isinstance(self.attr.spec.source, CallableSource):
                stmt = select(self.entity, fp, key)
            else:
                stmt = select(key, fp, *dc.source_columns())
            self._read = stmt.where(_keys_filter(dc))
        return self._read

    def lock_sql(self) -> Any:
        """``(key, fingerprint)`` of the batch's rows, locked ``SKIP LOCKED``, in key order."""
        if self._lock is None:
            dc = self.deferred
            pk = dc.key_columns()
            key = sql_func.pg_catalog.jsonb_build_array(*pk)
            self._lock = (
                select(key, dc.fingerprint())
                .where(_keys_filter(dc))
                .order_by(*pk)
                .with_for_update(skip_locked=True)
            )
        return self._lock


def _key_casts(dc: DeferredColumn) -> list[str]:
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    return [c.type.compile(dialect=dialect) for c in dc.key_columns()]


def _keys_filter(dc: DeferredColumn) -> TextClause:
    """``(pk) IN (SELECT CAST(k0 AS type), ... FROM unnest(:tridb_k0::text[], ...))``.

    One SQL text whatever the batch (the driver prepares it after a few batches),
    its keys in one text array per key column (`_key_params()`).
    """
    pk = dc.key_columns()
    names = [f"tridb_k{i}" for i in range(len(pk))]
    arrays = ", ".join(f"CAST(:{n} AS pg_catalog.text[])" for n in names)
    casts = ", ".join(
        f"CAST(d.{n} AS {kind})" for n, kind in zip(names, _key_casts(dc), strict=True)
    )
    table = qualified_table(dc.table)
    cols = ", ".join(f"{table}.{quote_ident(c.name)}" for c in pk)
    return text(f"({cols}) IN (SELECT {casts} FROM unnest({arrays}) AS d({', '.join(names)}))")


def _key_params(claims: list[Claim], width: int) -> dict[str, list[str]]:
    return {f"tridb_k{i}": [str(c.key[i]) for c in claims] for i in range(width)}


def _target(attribute: Any) -> _Target:
    prop = getattr(attribute, "property", None)
    columns = getattr(prop, "columns", None)
    spec = spec_of(columns[0]) if columns else None
    if prop is None or columns is None or spec is None or spec.sync != "deferred":
        raise ConfigurationError(
            f"{attribute!r}: the worker embeds deferred columns only; declare it "
            "Embedding(..., sync='deferred')"
        )
    mapper = attribute.parent.mapper
    attr = next(a for a in embedding_attributes(mapper) if a.key == prop.key)
    return _Target(attr, DeferredColumn(columns[0].table, columns[0], spec), mapper.entity)


def _text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class _Batch:
    target: _Target
    rows: list[tuple[Claim, str, str]]  # (claim, source text, fingerprint)
    gone: list[Claim]  # jobs whose row no longer exists


@dataclass
class _Embedded:
    who: tuple[str, str]  # (provider, model)
    jobs: list[Job]
    vectors: dict[str, Any]  # claim token -> vector
    error: Exception | None


class EmbeddingWorker:
    """Embeds the queued rows of one or more deferred embedding columns.

    :param engine: a (synchronous) engine of a role that may read and write
        the tables and ``tridb_outbox``.
    :param attributes: the deferred embedding attributes, e.g. ``Note.embedding``.
    :param batch_size: jobs leased per batch (the provider still gets at most
        its own or the column's ``batch_size`` texts per call).
    :param lease: seconds a batch's jobs stay leased; a worker killed
        mid-batch leaves them to others after that long.
    :param max_attempts: failed attempts before a job is moved aside.
    :param backoff: the first wait after a failure, in seconds (doubling).
    :param poll: seconds `run()` sleeps when the queue is empty.
    """

    def __init__(
        self,
        engine: Engine,
        *attributes: Any,
        batch_size: int = 256,
        lease: float = 60.0,
        max_attempts: int = 5,
        backoff: float = 1.0,
        poll: float = 1.0,
    ) -> None:
        if not attributes:
            raise ConfigurationError("EmbeddingWorker needs at least one deferred attribute")
        if batch_size < 1 or lease <= 0 or max_attempts < 1:
            raise ConfigurationError("batch_size and max_attempts must be >= 1, lease > 0")
        self.engine, self.attributes = engine, attributes
        self.batch_size, self.lease, self.max_attempts = batch_size, lease, max_attempts
        self.backoff, self.poll = backoff, poll
        self.stats = WorkerStats()
        self._targets = [_target(a) for a in attributes]
        self._stop = threading.Event()
        self._vector_schema: str | None = None
        self._binary = False

    # -- one batch ----------------------------------------------------------------

    def run_once(self) -> int:
        """Process one batch of every column; return the vectors written."""
        done = 0
        for target in self._targets:
            start = time.perf_counter()
            batch = self._claim_read(target)
            if batch is not None:
                done += self._store(batch, self._embed(batch))
            self.stats.seconds += time.perf_counter() - start
        return done

    def _claim_read(self, target: _Target) -> _Batch | None:
        """Lease a batch of *target*'s jobs and read their rows (``None``: nothing ready)."""
        dc = target.deferred
        with self.engine.begin() as conn:
            claims = claim(conn, dc.table_name, dc.column.name, self.batch_size, self.lease)
        if not claims:
            return None
        rows = self._read(target, claims)
        seen = {c.token for c, _, _ in rows}
        return _Batch(target, rows, [c for c in claims if c.token not in seen])

    def _embed(self, batch: _Batch) -> _Embedded:
        """The batch's vectors (one provider call per provider batch), or the failure."""
        provider = batch.target.attr.spec.resolve()
        jobs = [Job(c, batch.target.attr, t) for c, t, _ in batch.rows if t.strip()]
        try:
            vectors = compute(jobs, resolve=lambda spec: provider)
        except ProviderError as err:
            return _Embedded(provider_identity(provider), jobs, {}, err)
        found = {j.target.token: v for j, v in zip(jobs, vectors, strict=True)}
        return _Embedded(provider_identity(provider), jobs, found, None)

    def _store(self, batch: _Batch, embedded: _Embedded) -> int:
        """Write the batch's vectors (or record its failure); return the vectors written."""
        if embedded.error is not None:
            return self._failed(batch.target, batch.rows, embedded.jobs, embedded.error)
        try:
            return self._write(batch.target, batch.rows, embedded.vectors, batch.gone, embedded.who)
        except (OperationalError, InterfaceError):
            raise  # the connection, not the batch: run() waits and retries
        except DBAPIError:
            pass  # a row the database refuses (a user's trigger or CHECK, a value out of range)
        # one transaction per row: the refused ones back off and are moved aside in the
        # end, with the database's error; the others are written
        written = self._write(batch.target, [], embedded.vectors, batch.gone, embedded.who)
        for row in batch.rows:
            try:
                written += self._write(batch.target, [row], embedded.vectors, [], embedded.who)
            except (OperationalError, InterfaceError):
                raise
            except DBAPIError as err:
                self._failed(batch.target, [row], [], err)
        return written

    def _pipeline(self, keep_going: Callable[[], bool], bar: Any = None) -> int:
        """Batches until none is ready: embed one, then write it and lease the next.

        The write and the next lease run in a second thread, but only after the
        provider call has returned, so they do not overlap it (a known gap:
        leasing the next batch before embedding would).
        """
        targets, total, idle = self._targets, 0, 0
        start = time.perf_counter()

        def store_then_next(
            batch: _Batch | None, emb: _Embedded | None, nxt: _Target | None
        ) -> tuple[int, _Batch | None]:
            written = self._store(batch, emb) if batch is not None and emb is not None else 0
            return written, (self._claim_read(nxt) if nxt is not None else None)

        with ThreadPoolExecutor(max_workers=1) as pool:
            i = 0
            future = pool.submit(store_then_next, None, None, targets[0])
            try:
                while True:
                    written, batch = future.result()
                    total += written
                    if bar is not None and written:
                        bar.update(written)
                    i = (i + 1) % len(targets)
                    if batch is None:
                        idle += 1
                        if idle >= len(targets) or not keep_going():
                            return total
                        future = pool.submit(store_then_next, None, None, targets[i])
                        continue
                    idle = 0
                    embedded = self._embed(batch)
                    nxt = targets[i] if keep_going() else None
                    future = pool.submit(store_then_next, batch, embedded, nxt)
            finally:
                self.stats.seconds += time.perf_counter() - start

    def _read(self, target: _Target, claims: list[Claim]) -> list[tuple[Claim, str, str]]:
        """``(claim, source text, fingerprint)`` of the claimed rows that still exist."""
        by_token = {c.token: c for c in claims}
        params = _key_params(claims, len(target.deferred.key_columns()))
        source = target.attr.spec.source
        found: list[tuple[Claim, str, str]] = []
        if not isinstance(source, CallableSource):  # the source columns are enough: Core
            with self.engine.connect() as conn:
                conn.execute(_PIN)  # keys and fingerprints rendered as the triggers did
                for row in conn.execute(target.read_sql(), params).mappings():
                    c = by_token.get(token(row["tridb_key"]))
                    if c is not None:
                        found.append((c, source.text_from(row.get), row["tridb_fp"]))
            return found
        with Session(self.engine) as session:  # a callable gets the ORM instance
            session.execute(_PIN)
            for obj, fp_, key in session.execute(target.read_sql(), params):
                c = by_token.get(token(key))
                if c is not None:  # the text is built in the session: a callable may load more
                    found.append((c, source_text(target.attr, obj), fp_))
        return found

    def _failed(
        self, target: _Target, rows: list[tuple[Claim, str, str]], jobs: list[Job], err: Exception
    ) -> int:
        """A provider failure: a reported bad text fails alone, else the whole batch backs off."""
        dc = target.deferred
        bad = getattr(err, "text", None) if getattr(err, "index", None) is not None else None
        culprits = [j.target for j in jobs if bad is not None and j.text == bad]
        with self.engine.begin() as conn:
            fail(
                conn,
                dc.table_name,
                dc.column.name,
                culprits or [c for c, _, _ in rows],
                f"{type(err).__name__}: {err}",
                max_attempts=self.max_attempts,
                backoff=self.backoff,
            )
            if culprits:  # the others are fine: let them be claimed again now
                rest = [(c.key, c.version) for c, _, _ in rows if c not in culprits]
                release(conn, dc.table_name, dc.column.name, rest)
        self.stats.failed += len(culprits) or len(rows)
        return 0

    def _write(
        self,
        target: _Target,
        rows: list[tuple[Claim, str, str]],
        vectors: dict[str, Any],
        gone: list[Claim],
        provider: tuple[str, str],
    ) -> int:
        dc = target.deferred
        t, c = dc.table_name, dc.column.name
        pk = dc.key_columns()
        with self.engine.begin() as conn:
            conn.execute(_PIN)
            # lock what is free, in key order; a row a writer holds is skipped, not waited for
            params = _key_params([cl for cl, _, _ in rows], len(pk))
            current = (
                {token(k): fp for k, fp in conn.execute(target.lock_sql(), params)} if rows else {}
            )
            fresh = [(cl, txt, fp) for cl, txt, fp in rows if current.get(cl.token) == fp]
            if fresh:
                self._update(conn, dc, pk, fresh, vectors, self._pgvector_schema(conn))
                record_provenance(
                    conn,
                    t,
                    c,
                    provider,
                    [
                        (cl.key, fp, _text_hash(txt) if cl.token in vectors else None)
                        for cl, txt, fp in fresh
                    ],
                )
                finish(conn, t, c, [(cl.key, None) for cl, _, _ in fresh])
            finish(conn, t, c, [(cl.key, cl.version) for cl in gone])
            # changed rows: the trigger already made their jobs claimable (and another
            # worker may hold the new version), so only an unchanged version is released
            stale = [(cl.key, cl.version) for cl, _, fp in rows if current.get(cl.token) != fp]
            release(conn, t, c, stale)
        self.stats.embedded += len(fresh)
        self.stats.skipped += len(stale)
        return len(fresh)

    def _pgvector_schema(self, conn: Any) -> str:
        """The ``vector`` extension's schema (from the engine's set-up, else the catalog)."""
        if self._vector_schema is None:
            found = vector_schema(self.engine.dialect) or conn.execute(_EXTENSION_SCHEMA).scalar()
            if found is None:
                raise ConfigurationError("the database has no vector extension")
            self._vector_schema = str(found)
            self._binary = _binary_vectors(conn)
        return self._vector_schema

    def _update(
        self,
        conn: Any,
        dc: DeferredColumn,
        pk: list[Any],
        fresh: list[tuple[Claim, str, str]],
        vectors: dict[str, Any],
        schema: str,
    ) -> None:
        """One ``UPDATE ... FROM unnest(keys, vectors)`` writing the batch (NULL: empty text).

        On a connection with the engine set-up's binary vector dumper, the
        vectors go as one binary ``vector[]`` (no float formatted as text);
        otherwise as text.
        """
        keep = dc.spec.on_empty == "keep"
        rows = [(cl, vectors.get(cl.token)) for cl, _, _ in fresh]
        rows = [(cl, v) for cl, v in rows if v is not None or not keep]
        if rows:
            params: dict[str, Any] = {
                f"k{i}": [str(cl.key[i]) for cl, _ in rows] for i in range(len(pk))
            }
            binary = self._binary and any(v is not None for _, v in rows)
            if binary:
                params["vec"] = [None if v is None else np.asarray(v, _BIG_F4) for _, v in rows]
            else:
                params["vec"] = [_vector_text(v) for _, v in rows]
            conn.execute(_update_sql(dc, schema, binary), params)

    # -- loops --------------------------------------------------------------------

    def drain(self, *, progress: bool = False, until: Callable[[], bool] | None = None) -> int:
        """Process batches until no job is ready; return the vectors written.

        Jobs backing off after a failure, or leased by another worker, are not
        waited for.  The database work and the provider calls take turns: they
        do not overlap.

        :param progress: show a progress bar (tqdm, when installed) over the
            queue's depth at the start.
        :param until: an extra stop condition, checked between batches.
        """
        bar = self._bar() if progress else None

        def keep_going() -> bool:
            return not self._stop.is_set() and not (until is not None and until())

        try:
            return self._pipeline(keep_going, bar)
        finally:
            if bar is not None:
                bar.close()

    def _columns(self) -> list[tuple[str, str]]:
        return [(t.deferred.table_name, t.deferred.column.name) for t in self._targets]

    def _bar(self) -> Any:
        try:
            from tqdm import tqdm
        except ImportError:  # the cli extra is not installed: no bar
            return None
        with self.engine.connect() as conn:
            depth = ready_jobs(conn, self._columns())
        return tqdm(total=depth, unit="vec", desc="embedding")

    def run(self, stop: threading.Event | None = None) -> None:
        """Process batches until *stop* (or `stop()`) is set; sleep *poll* s when idle.

        The batch in progress is finished first, so a stop never leaves a
        half-written batch (a kill does not either: its jobs' leases run out).

        A lost database connection (the server restarting, a failover) is
        logged and retried after a wait that doubles up to a minute; leased jobs
        of the failed batch are taken again when their lease ends.

        :param stop: an event that ends the loop (default: the worker's own).
        """
        event = stop or self._stop
        wait = self.poll

        def keep_going() -> bool:
            return not event.is_set() and not self._stop.is_set()

        while keep_going():
            try:
                done = self._pipeline(keep_going)
            except (OperationalError, InterfaceError) as err:
                self.stats.errors += 1
                _log.warning("embedding worker: database error, retrying in %.1f s: %s", wait, err)
                event.wait(wait)
                wait = min(60.0, wait * 2)
                continue
            wait = self.poll
            if done == 0:
                event.wait(self.poll)

    def stop(self) -> None:
        """Ask `run()`, `arun()` or `drain()` to return after the current batch."""
        self._stop.set()

    async def arun(self) -> None:
        """`run()` for an asyncio application: batches run in a thread, the loop stays free.

        Returns after `stop()` or when cancelled (after the batch in progress).
        """
        while not self._stop.is_set():
            done = await asyncio.to_thread(self.run_once)
            if done == 0:
                await asyncio.sleep(self.poll)


def _vector_text(vector: Any) -> str | None:
    if vector is None:
        return None
    return "[" + ",".join(map(str, vector.tolist())) + "]"


_BIG_F4 = np.dtype(">f4")


def _binary_vectors(conn: Any) -> bool:
    """Whether *conn*'s driver sends numpy arrays as binary ``vector`` (the engine set-up's)."""
    driver = getattr(conn.connection, "driver_connection", None)
    if not isinstance(driver, psycopg.Connection):
        return False
    try:
        dumper = driver.adapters.get_dumper(np.ndarray, PyFormat.AUTO)
    except psycopg.ProgrammingError:
        return False
    return issubclass(dumper, _VectorBinaryDumper)


_EXTENSION_SCHEMA = text(
    "SELECT n.nspname FROM pg_catalog.pg_extension e\n"
    "JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace\n"
    "WHERE e.extname = 'vector'"
)
_UPDATES: dict[tuple[int, str, str, bool], TextClause] = {}


def _update_sql(dc: DeferredColumn, schema: str, binary: bool = False) -> TextClause:
    """``UPDATE t SET col = d.vec::<schema>.vector FROM unnest(:k0::text[], ..., :vec) d``.

    :param dc: the deferred column.
    :param schema: the schema of the ``vector`` extension (its types are named by it).
    :param binary: ``:vec`` is a ``vector[]`` (else a ``text[]``).
    """
    key = (id(dc.table), dc.column.name, schema, binary)
    found = _UPDATES.get(key)
    if found is not None:
        return found
    pk = dc.key_columns()
    names = [f"k{i}" for i in range(len(pk))]
    vec = f"{quote_ident(schema)}.vector[]" if binary else "pg_catalog.text[]"
    arrays = ", ".join(
        [*(f"CAST(:{n} AS pg_catalog.text[])" for n in names), f"CAST(:vec AS {vec})"]
    )
    typ = f"{quote_ident(schema)}.{'halfvec' if dc.spec.halfvec else 'vector'}({dc.spec.dim})"
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    kinds = {c.name: c.type.compile(dialect=dialect) for c in pk}
    match = " AND ".join(
        f"t.{quote_ident(c.name)} = CAST(d.{n} AS {kinds[c.name]})"
        for n, c in zip(names, pk, strict=True)
    )
    # pgvector's type by its extension's schema: never found through the search path
    sql = (
        f"UPDATE {qualified_table(dc.table)} AS t\n"
        f"SET {quote_ident(dc.column.name)} = CAST(d.vec AS {typ})\n"
        f"FROM unnest({arrays}) AS d({', '.join([*names, 'vec'])})\n"
        f"WHERE {match}"
    )
    stmt = _UPDATES[key] = text(sql)
    return stmt
