"""Awaitable forms of the functions that run their own queries.

Each function here has the name, the parameters and the result of its sync
namesake and runs that very function: on an ``AsyncSession`` or an
``AsyncConnection`` (``create_async_engine("postgresql+psycopg://...",
plugins=["tridb"])``) it is handed to ``run_sync()``, which runs it with the
sync ``Session`` / ``Connection`` underneath, in a greenlet whose database
round trips are awaited on the event loop — SQLAlchemy's own mechanism behind
``AsyncSession``.  The queries are built in one place; errors come out as the
sync form raises them (a `CypherError` stays a `CypherError`).

    from sqlalchemy_tridb import aio

    async with async_sessionmaker(engine)() as session:
        rows = await aio.run_cypher(session, "social", "MATCH (p:Person) RETURN p")
        ranks = await aio.pagerank(session, Person, "FOLLOWS")
        report = await aio.check_graph(engine, Base)

`tune_search()` takes the attribute first, then an ``AsyncEngine`` (the
choice is committed), an ``AsyncConnection`` or an ``AsyncSession``.
Functions that take a ``Session`` take an ``AsyncSession``; those that take a
``Connection`` take an ``AsyncConnection`` (or an ``AsyncSession``: its
connection, in its transaction); those that take an ``Engine`` or a
``Connection`` take an ``AsyncEngine`` (one connection is opened for the call,
outside a transaction, which the sync forms treat as they treat an engine), an
``AsyncConnection`` or an ``AsyncSession``.  Functions that only *build* a
statement (`nearest()`, `hybrid_search()`, `walk()`, `suggest_connections()`,
`recommend()`, `related()`, `stale_rows()` and the traversal operators) need no
awaitable form: ``await session.scalars(stmt)`` / ``await session.execute(stmt)``.

Importing this module does not import ``sqlalchemy.ext.asyncio`` (nor
greenlet): the async objects are recognised once the application has made them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Connection, MetaData, Row
from sqlalchemy.orm import Session

from .cypher import ColumnSpec, Vertex
from .cypher.execute import resolve as _resolve
from .cypher.execute import run_cypher as _run_cypher
from .doctor import DoctorReport
from .doctor import doctor as _doctor
from .graph import access as _access
from .graph import query as _query
from .graph import sync as _sync
from .graph.query import MAX_HOPS, GraphPath
from .graph.spec import Direction
from .graph.sync import CheckReport, Progress, SyncReport
from .info import ServerVersions
from .info import server_versions as _server_versions
from .vector.backfill import backfill as _backfill
from .vector.tune import TuneReport
from .vector.tune import tune_search as _tune_search

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

__all__ = [
    "backfill",
    "check_graph",
    "degree_centrality",
    "doctor",
    "grant_graph_read",
    "pagerank",
    "repair_graph",
    "resolve",
    "revoke_graph_read",
    "run_cypher",
    "server_versions",
    "shortest_path",
    "sync_graph",
    "tune_search",
]

_T = TypeVar("_T")
_P = ParamSpec("_P")


def _is_async_engine(bind: object) -> bool:
    asyncio_ext = sys.modules.get("sqlalchemy.ext.asyncio")
    return asyncio_ext is not None and isinstance(bind, asyncio_ext.AsyncEngine)


def _is_async_session(bind: object) -> bool:
    asyncio_ext = sys.modules.get("sqlalchemy.ext.asyncio")
    return asyncio_ext is not None and isinstance(bind, asyncio_ext.AsyncSession)


async def _with_connection(
    bind: AsyncEngine | AsyncConnection | AsyncSession,
    fn: Callable[Concatenate[Connection, _P], _T],
    /,
    *args: _P.args,
    **kwargs: _P.kwargs,
) -> _T:
    """Run ``fn(connection, ...)`` with the sync connection under *bind*."""
    if _is_async_engine(bind):
        engine: AsyncEngine = bind  # type: ignore[assignment]
        async with engine.connect() as conn:
            return await conn.run_sync(fn, *args, **kwargs)
    if _is_async_session(bind):
        session: AsyncSession = bind  # type: ignore[assignment]
        return await session.run_sync(lambda s: fn(s.connection(), *args, **kwargs))
    connection: AsyncConnection = bind  # type: ignore[assignment]
    return await connection.run_sync(fn, *args, **kwargs)


async def run_cypher(
    bind: AsyncSession | AsyncConnection,
    graph: str,
    query: str,
    params: Mapping[str, Any] | None = None,
    /,
    *,
    columns: Sequence[ColumnSpec] = ("result",),
    **kwparams: Any,
) -> Sequence[Row[Any]]:
    """Awaitable `sqlalchemy_tridb.run_cypher()`: run *query* on *graph*, rows decoded.

    :param bind: the async session or connection to run the query on.
    :param graph: the graph's name (validated).
    :param query: the Cypher text; parameters are read as ``$name``.
    :param params: the parameters as a mapping.
    :param columns: the ``RETURN`` values in order: names, or ``(name, type)`` pairs.
    :param kwparams: more parameters as keywords (they win over *params*).
    """

    def call(sync: Session | Connection) -> Sequence[Row[Any]]:
        return _run_cypher(sync, graph, query, params, columns=columns, **kwparams)

    return await bind.run_sync(call)


async def resolve(
    session: AsyncSession, vertex: Vertex, classes: Mapping[str, type[_T]] | MetaData
) -> _T | None:
    """Awaitable `sqlalchemy_tridb.resolve()`: the ORM instance *vertex* mirrors, or ``None``.

    :param session: the async session whose identity map and connection are used.
    :param vertex: a `Vertex` returned by Cypher (``RETURN n``).
    :param classes: labels mapped to classes, or the ``MetaData`` of ``GraphNode`` models.
    """
    return await session.run_sync(_resolve, vertex, classes)


async def shortest_path(
    session: AsyncSession,
    start: Any,
    end: Any,
    labels: str | Sequence[str],
    *,
    max_hops: int = MAX_HOPS,
    direction: Direction = "out",
) -> GraphPath | None:
    """Awaitable `sqlalchemy_tridb.shortest_path()`: the shortest path, or ``None``.

    :param session: the async session to query (and load the path's rows) with.
    :param start: a flushed ``GraphNode`` instance.
    :param end: a flushed ``GraphNode`` instance of the same graph.
    :param labels: the edge label(s) to follow.
    :param max_hops: the longest path considered (at most ``MAX_HOPS``).
    :param direction: ``"out"`` along edges, ``"in"`` against them, ``"both"``.
    """
    return await session.run_sync(
        _query.shortest_path, start, end, labels, max_hops=max_hops, direction=direction
    )


async def pagerank(
    session: AsyncSession,
    target: type,
    labels: str | Sequence[str],
    *,
    damping: float = 0.85,
    tol: float = 1.0e-10,
    max_iter: int = 200,
) -> dict[int, float]:
    """Awaitable `sqlalchemy_tridb.pagerank()`: ``{primary key: score}`` over *labels* edges.

    :param session: the async session to query with.
    :param target: a mapped ``GraphNode`` class with a single integer key.
    :param labels: the edge label(s) followed.
    :param damping: the damping factor.
    :param tol: the convergence tolerance (as networkx: summed over the nodes).
    :param max_iter: the most power iterations before giving up.
    """
    return await session.run_sync(
        _query.pagerank, target, labels, damping=damping, tol=tol, max_iter=max_iter
    )


async def degree_centrality(
    session: AsyncSession,
    target: type,
    labels: str | Sequence[str],
    *,
    direction: Direction = "both",
) -> dict[int, float]:
    """Awaitable `sqlalchemy_tridb.degree_centrality()`: degree / (n - 1) of every row.

    :param session: the async session to query with.
    :param target: a mapped ``GraphNode`` class with a single integer key.
    :param labels: the edge label(s) counted.
    :param direction: ``"both"`` (the default), ``"out"`` or ``"in"``.
    """
    return await session.run_sync(_query.degree_centrality, target, labels, direction=direction)


async def backfill(
    session: AsyncSession, attribute: Any, *, batch_size: int = 256, where: Any = None
) -> int:
    """Awaitable `sqlalchemy_tridb.backfill()`: compute and flush missing vectors; how many.

    The provider runs in the greenlet too, so a slow model blocks the event
    loop while it computes: run big backfills outside request handlers.

    :param session: the async session to read and flush the rows with (the caller commits).
    :param attribute: the embedding attribute, e.g. ``Product.embedding``.
    :param batch_size: rows per query and per provider call.
    :param where: an extra filter on the rows to fix, e.g. ``Product.price > 0``.
    """
    return await session.run_sync(_backfill, attribute, batch_size=batch_size, where=where)


async def sync_graph(
    bind: AsyncEngine | AsyncConnection | AsyncSession,
    *models: object,
    labels: Iterable[str] | None = None,
    batch_size: int = 20_000,
    dry_run: bool = False,
    resume: bool = True,
    install: bool = True,
    walk: bool = True,
    progress: Progress | None = None,
) -> SyncReport:
    """Awaitable `sqlalchemy_tridb.sync_graph()`: make the graph equal to the rows.

    :param bind: an async engine or a connection outside a transaction (each
        batch commits on its own), or a connection in a transaction or a
        session (everything runs in it and the caller commits).
    :param models: ``MetaData`` objects, declarative bases or mapped classes.
    :param labels: only these labels (``"Label"`` or ``"graph.Label"``).
    :param batch_size: rows (or vertices) per batch and transaction.
    :param dry_run: write nothing; report what a sync would change.
    :param resume: start after the last committed batch of an interrupted sync.
    :param install: first create what is missing of the graphs, labels, key
        maps and sync triggers.
    :param walk: walk the rows and labels (``False``: only install and release
        the key map's ids that nothing holds).
    :param progress: called after each batch.
    """
    return await _with_connection(
        bind,
        _sync.sync_graph,
        *models,
        labels=labels,
        batch_size=batch_size,
        dry_run=dry_run,
        resume=resume,
        install=install,
        walk=walk,
        progress=progress,
    )


async def check_graph(
    bind: AsyncEngine | AsyncConnection | AsyncSession,
    *models: object,
    labels: Iterable[str] | None = None,
) -> CheckReport:
    """Awaitable `sqlalchemy_tridb.check_graph()`: compare the graph with the rows.

    :param bind: an async engine, connection or session (a connection already
        in a transaction, or a session's, is read in that transaction).
    :param models: ``MetaData`` objects, declarative bases or mapped classes.
    :param labels: only these labels (``"Label"`` or ``"graph.Label"``).
    """
    return await _with_connection(bind, _sync.check_graph, *models, labels=labels)


async def repair_graph(
    bind: AsyncEngine | AsyncConnection | AsyncSession,
    *models: object,
    labels: Iterable[str] | None = None,
    batch_size: int = 20_000,
    progress: Progress | None = None,
) -> tuple[CheckReport, SyncReport]:
    """Awaitable `sqlalchemy_tridb.repair_graph()`: fix what `check_graph()` finds.

    :param bind: an async engine, connection or session, as for `sync_graph()`.
    :param models: ``MetaData`` objects, declarative bases or mapped classes.
    :param labels: only these labels (``"Label"`` or ``"graph.Label"``).
    :param batch_size: rows per batch and transaction.
    :param progress: called after each batch.
    """
    return await _with_connection(
        bind, _sync.repair_graph, *models, labels=labels, batch_size=batch_size, progress=progress
    )


async def doctor(
    bind: AsyncEngine | AsyncConnection | AsyncSession, *models: object, command: str = "MODELS"
) -> DoctorReport:
    """Awaitable `sqlalchemy_tridb.doctor()`: compare the database with *models*; write nothing.

    :param bind: an async engine, connection or session.
    :param models: ``MetaData`` objects, declarative bases or mapped classes.
    :param command: how the fixes name the models on the command line.
    """
    return await _with_connection(bind, _doctor, *models, command=command)


async def server_versions(bind: AsyncEngine | AsyncConnection | AsyncSession) -> ServerVersions:
    """Awaitable `sqlalchemy_tridb.server_versions()`: PostgreSQL's and the extensions' versions.

    :param bind: an async engine, connection or session on the database to ask.
    """
    return await _with_connection(bind, _server_versions)


async def grant_graph_read(
    bind: AsyncConnection | AsyncSession, role: str, graphs: str | Sequence[str]
) -> None:
    """Awaitable `sqlalchemy_tridb.grant_graph_read()`: let *role* read *graphs*.

    :param bind: an async connection or session of the role that owns the graphs
        (the grant is in its transaction: the caller commits).
    :param role: the role to grant to.
    :param graphs: one graph name or several.
    """
    await _with_connection(bind, _access.grant_graph_read, role, graphs)


async def revoke_graph_read(
    bind: AsyncConnection | AsyncSession, role: str, graphs: str | Sequence[str]
) -> None:
    """Awaitable `sqlalchemy_tridb.revoke_graph_read()`: undo `grant_graph_read()`.

    :param bind: an async connection or session of the role that owns the graphs
        (in its transaction: the caller commits).
    :param role: the role to revoke from.
    :param graphs: one graph name or several.
    """
    await _with_connection(bind, _access.revoke_graph_read, role, graphs)


async def tune_search(
    attribute: Any,
    bind: AsyncEngine | AsyncConnection | AsyncSession,
    *,
    recall: float = 0.99,
    k: int = 10,
    queries: int = 100,
    candidates: Sequence[int] | None = None,
    seed: float = 0.5,
    store: bool = True,
) -> TuneReport:
    """Awaitable `sqlalchemy_tridb.vector.tune.tune_search()`: the setting that meets *recall*.

    :param attribute: the embedding attribute, e.g. ``Product.embedding``.
    :param bind: an async engine (the choice is committed in a transaction of
        its own), connection or session (in its transaction: the caller commits).
    :param recall: the mean recall@k to reach, between 0 and 1.
    :param k: neighbours per query, as ``nearest(k=...)`` will ask.
    :param queries: how many stored vectors to sample as queries.
    :param candidates: the values to try, lowest first.
    :param seed: the sampling seed (``setseed()``, between -1 and 1).
    :param store: store the choice on the index (``False``: only report).
    """

    def call(sync: Connection | Session) -> TuneReport:
        return _tune_search(
            attribute,
            sync,
            recall=recall,
            k=k,
            queries=queries,
            candidates=candidates,
            seed=seed,
            store=store,
        )

    if _is_async_engine(bind):
        engine: AsyncEngine = bind  # type: ignore[assignment]
        async with engine.begin() as conn:
            return await conn.run_sync(call)
    target: AsyncConnection | AsyncSession = bind  # type: ignore[assignment]
    return await target.run_sync(call)
