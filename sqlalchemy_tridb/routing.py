"""Reads on streaming replicas, writes on the primary: a routing ``Session``.

SQLAlchemy's own recipe for horizontal/vertical partitioning is a ``Session``
subclass whose ``get_bind()`` picks the engine per statement; `RoutingSession`
is that recipe for a primary and its hot standbys:

    router = Router(create_engine(primary_url, plugins=["tridb"]),
                    [create_engine(replica_url, plugins=["tridb"])])
    Session = sessionmaker(class_=RoutingSession, router=router)

    with Session() as session:
        session.scalars(Product.nearest("headphones", k=5))   # a replica
        session.add(Product(name="new"))
        session.commit()                                       # the primary
        session.get(Product, 1)   # a replica once it has replayed that commit

Rules, in order (`RoutingSession.get_bind`):

* a flush, ``insert()``/``update()``/``delete()``, DDL, ``SELECT ... FOR
  UPDATE``, SQL text that is not a ``SELECT``/``SHOW``, ``session.connection()``
  without a statement, the execution option ``tridb_route="primary"`` and
  everything inside ``with session.primary():`` go to the primary, and so does
  every read after them in the same transaction (read-your-writes);
* any other ``SELECT`` (similarity, traversal, Cypher reads through
  ``run_cypher``, recommendations, hybrid search, lazy loads) goes to a
  replica, one per transaction (its reads share a snapshot), round robin;
* after a commit that wrote, reads wait (at most ``wait_timeout`` seconds) until
  a replica's ``pg_last_wal_replay_lsn()`` passes the primary's WAL position
  read right after the commit, else they run on the primary;
  ``read_your_writes="primary"`` keeps such a session on the primary instead;
* a replica that cannot be reached is left alone for ``retry_after`` seconds:
  reads go to another replica, else to the primary.

A write that reaches a standby anyway (a Cypher ``CREATE`` in a ``SELECT``,
an engine bound to a replica) raises `StandbyWriteError` (SQLSTATE 25006) on
every engine of the router.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import CompoundSelect, Connection, Engine, Select, TextClause, event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.sql.base import Executable

from .exc import ConfigurationError, StandbyWriteError

__all__ = [
    "READ_ONLY_SQLSTATE",
    "ROUTE_OPTION",
    "Router",
    "RouterStats",
    "RoutingSession",
    "install_standby_errors",
    "lsn_position",
    "uninstall_standby_errors",
]

#: The execution option that forces a statement's route: ``"primary"`` or ``"replica"``.
ROUTE_OPTION = "tridb_route"
#: PostgreSQL's ``read_only_sql_transaction``: a write on a hot standby.
READ_ONLY_SQLSTATE = "25006"
_READ_PREFIXES = ("select", "show", "values", "table")
_REPLAY = "SELECT pg_catalog.pg_last_wal_replay_lsn()::text"
# the insert position, not the write position: with synchronous_commit = off the
# commit record may not be written yet when the commit returns
_CURRENT = "SELECT pg_catalog.pg_current_wal_insert_lsn()::text"


def lsn_position(lsn: str) -> int:
    """A ``pg_lsn`` text (``16/B374D848``) as the byte position it names.

    :param lsn: the LSN as PostgreSQL prints it.
    """
    high, _, low = lsn.partition("/")
    return (int(high, 16) << 32) + int(low, 16)


def _is_standby_write(err: BaseException) -> bool:
    sqlstate = getattr(err, "sqlstate", None)
    if sqlstate == READ_ONLY_SQLSTATE:
        return True
    # AGE making a label (a Cypher CREATE of a new label) on a standby fails
    # before any write check: "cannot assign OIDs during recovery" (XX000)
    return sqlstate == "XX000" and "during recovery" in str(err)


def _standby_write(context: ExceptionContext) -> None:
    if _is_standby_write(context.original_exception):
        raise StandbyWriteError(
            "a write reached a read-only standby (SQLSTATE 25006): send writes to the "
            "primary (a flush, insert()/update()/delete(), or `with session.primary():` "
            f"of a RoutingSession); the server said: {context.original_exception}"
        ) from context.sqlalchemy_exception


def install_standby_errors(engine: Engine) -> None:
    """Make *engine* raise `StandbyWriteError` for a write on a standby (idempotent).

    :param engine: an engine on a primary or a replica.
    """
    if not event.contains(engine, "handle_error", _standby_write):
        event.listen(engine, "handle_error", _standby_write)


def uninstall_standby_errors(engine: Engine) -> None:
    """Undo `install_standby_errors`.

    :param engine: the engine it was installed on.
    """
    if event.contains(engine, "handle_error", _standby_write):
        event.remove(engine, "handle_error", _standby_write)


@dataclass(frozen=True)
class RouterStats:
    """What a `Router` has done: `Router.stats()`.

    :param replica_reads: read transactions sent to a replica.
    :param primary_reads: read transactions sent to the primary because no
        replica answered or none had replayed the session's last commit in
        time (reads after a write in the same transaction are not counted:
        they never ask the router).
    :param waits: reads that waited for a replica to replay a commit.
    :param waited_seconds: the time those reads waited, in all.
    :param wait_timeouts: waits that ran out, so the read went to the primary.
    :param failed_checks: replica checks that failed (the replica was left out).
    """

    replica_reads: int
    primary_reads: int
    waits: int
    waited_seconds: float
    wait_timeouts: int
    failed_checks: int


class Router:
    """A primary, its replicas, and what the router knows of their health.

    Thread-safe: one router serves every session of a ``sessionmaker``.

    :param primary: the engine of the primary (every write, every fallback).
    :param replicas: engines of hot standbys streaming from it.
    :param read_your_writes: after a commit that wrote, ``"wait"`` for a
        replica to replay it (bounded by *wait_timeout*, then the primary), or
        ``"primary"``: stay on the primary for the rest of the session.
    :param wait_timeout: seconds a read waits for a replica to replay the
        session's last commit before it runs on the primary.
    :param retry_after: seconds a replica that could not be reached is left out.
    :param probe_every: seconds a replica's last good check is trusted; ``0``
        (the default) checks it at the first read of every transaction (one
        round trip), so a replica that stopped before that check is never
        handed out.  A higher value saves that
        round trip, and a read in a replica that died within the window fails.
    """

    def __init__(
        self,
        primary: Engine,
        replicas: Sequence[Engine] = (),
        *,
        read_your_writes: Literal["wait", "primary"] = "wait",
        wait_timeout: float = 1.0,
        retry_after: float = 5.0,
        probe_every: float = 0.0,
    ) -> None:
        if read_your_writes not in ("wait", "primary"):
            raise ConfigurationError(
                f"read_your_writes={read_your_writes!r}: use 'wait' or 'primary'"
            )
        self.primary = primary
        self.replicas = tuple(replicas)
        self.read_your_writes = read_your_writes
        self.wait_timeout = wait_timeout
        self.retry_after = retry_after
        self.probe_every = probe_every
        self._lock = threading.Lock()
        self._turn = itertools.count()
        self._down_until: dict[int, float] = {}
        self._checked_at: dict[int, float] = {}
        # replica reads, primary reads, waits, seconds waited, wait timeouts, failed checks
        self._stats: list[float] = [0, 0, 0, 0.0, 0, 0]
        for engine in (primary, *self.replicas):
            install_standby_errors(engine)

    def close(self) -> None:
        """Remove the router's error translation from its engines (they stay open)."""
        for engine in (self.primary, *self.replicas):
            uninstall_standby_errors(engine)

    def primary_position(self) -> int:
        """The primary's current WAL write position (after a commit: at or past it)."""
        with self.primary.connect() as conn:
            return lsn_position(str(conn.exec_driver_sql(_CURRENT).scalar_one()))

    def replica_for_read(self, after: int | None = None) -> Engine | None:
        """A replica that answers (and has replayed WAL position *after*), else ``None``.

        Waiting for *after* takes at most ``wait_timeout`` over all replicas.

        :param after: a WAL position the replica must have replayed (read-your-writes).
        """
        count = len(self.replicas)
        found: Engine | None = None
        start = time.monotonic()
        if count:
            first = next(self._turn)
            for offset in range(count):
                i = (first + offset) % count
                if self._usable(i, after, start + self.wait_timeout):
                    found = self.replicas[i]
                    break
        with self._lock:
            self._stats[0 if found is not None else 1] += 1
            if after is not None:
                self._stats[2] += 1
                self._stats[3] += time.monotonic() - start
                self._stats[4] += found is None
        return found

    def stats(self) -> RouterStats:
        """What the router has done so far (counters since it was made)."""
        with self._lock:
            replica, primary, waits, waited, timeouts, failed = self._stats
        return RouterStats(
            replica_reads=int(replica),
            primary_reads=int(primary),
            waits=int(waits),
            waited_seconds=float(waited),
            wait_timeouts=int(timeouts),
            failed_checks=int(failed),
        )

    def is_down(self, replica: Engine) -> bool:
        """Whether *replica* is being left out after a failed check.

        :param replica: one of the router's replicas.
        """
        i = self.replicas.index(replica)
        with self._lock:
            return self._down_until.get(i, 0.0) > time.monotonic()

    def _usable(self, i: int, after: int | None, deadline: float) -> bool:
        now = time.monotonic()
        with self._lock:
            if self._down_until.get(i, 0.0) > now:
                return False
            fresh = now - self._checked_at.get(i, float("-inf")) < self.probe_every
        if fresh and after is None:
            return True
        try:
            with self.replicas[i].connect() as conn:
                while True:
                    replayed = conn.exec_driver_sql(_REPLAY).scalar()
                    self._mark(i, up=True)
                    if after is None or (replayed and lsn_position(str(replayed)) >= after):
                        return True
                    if time.monotonic() >= deadline:
                        return False
                    time.sleep(0.005)
        except DBAPIError:
            self._mark(i, up=False)
            return False

    def _mark(self, i: int, *, up: bool) -> None:
        with self._lock:
            if up:
                self._checked_at[i] = time.monotonic()
                self._down_until.pop(i, None)
            else:
                self._down_until[i] = time.monotonic() + self.retry_after
                self._checked_at.pop(i, None)
                self._stats[5] += 1


class RoutingSession(Session):
    """A ``Session`` that sends reads to the router's replicas and writes to its primary.

    Use it through ``sessionmaker(class_=RoutingSession, router=router)``; every
    other argument is ``Session``'s.  ``bind``/``binds`` are not taken: the
    router decides.

    :param router: the primary and replicas to route between.
    :param kwargs: ``Session``'s own arguments.
    """

    def __init__(self, router: Router, **kwargs: Any) -> None:
        if kwargs.get("bind") is not None or kwargs.get("binds"):
            raise ConfigurationError("a RoutingSession takes a router, not bind= or binds=")
        super().__init__(**kwargs)
        self.router = router
        self._wrote = False  # in this transaction
        self._read_bind: Engine | None = None  # of this transaction
        self._after: int | None = None  # WAL position a replica must have replayed
        self._stay_on_primary = False
        self._forced = 0
        event.listen(self, "after_commit", self._committed)
        event.listen(self, "after_transaction_end", self._ended)

    @contextmanager
    def primary(self) -> Iterator[None]:
        """Send every statement of the block to the primary (for Cypher writes and the like)."""
        self._forced += 1
        try:
            yield
        finally:
            self._forced -= 1

    def get_bind(
        self,
        mapper: Any = None,
        *,
        clause: Any = None,
        bind: Engine | Connection | None = None,
        **kw: Any,
    ) -> Engine | Connection:
        """The engine for one statement: see the module's rules.

        :param mapper: the mapped class or mapper the statement is about.
        :param clause: the statement.
        :param bind: an explicit bind, used as is.
        :param kw: ``Session.get_bind``'s other arguments (unused).
        """
        if bind is not None:
            return bind
        route = _route(clause)
        if self._flushing or self._forced or route == "primary":
            self._wrote = True
            return self.router.primary
        return self._for_read()

    def _for_read(self) -> Engine:
        if self._wrote or self._stay_on_primary:
            return self.router.primary  # even after reads on a replica: it sees the writes
        if self._read_bind is not None:
            return self._read_bind
        replica = self.router.replica_for_read(self._after)
        if replica is None:
            self._read_bind = self.router.primary
        else:
            self._read_bind = replica
            self._after = None
        return self._read_bind

    def close(self) -> None:
        """Close the session; it forgets its last commit (a new life starts on replicas)."""
        super().close()
        self._after = None
        self._stay_on_primary = False

    def _committed(self, session: Session) -> None:
        if not self._wrote or not self.router.replicas:
            return
        if self.router.read_your_writes == "primary":
            self._stay_on_primary = True
        else:
            self._after = self.router.primary_position()

    def _ended(self, session: Session, transaction: SessionTransaction) -> None:
        if transaction.parent is None:
            self._wrote = False
            self._read_bind = None


def _route(clause: Any) -> Literal["primary", "replica"]:
    if isinstance(clause, Executable):
        forced = clause.get_execution_options().get(ROUTE_OPTION)
        if forced in ("primary", "replica"):
            return "primary" if forced == "primary" else "replica"
    if isinstance(clause, Select):
        return "primary" if clause._for_update_arg is not None else "replica"
    if isinstance(clause, CompoundSelect):
        return "replica"
    if isinstance(clause, TextClause):
        words = clause.text.lstrip().split(None, 1)
        head = words[0].lower() if words else ""
        return "replica" if head in _READ_PREFIXES else "primary"
    return "primary"
