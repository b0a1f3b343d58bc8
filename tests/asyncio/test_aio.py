"""Each awaitable form (sqlalchemy_tridb.aio) gives what its sync form gives, read back.

The sync and the async form run on the same database (one clone per module for
the readers, one per test for the writers), with ``AsyncSession`` and
``AsyncConnection`` on the async psycopg driver; errors surface with the same
type and message.
"""

from __future__ import annotations

from typing import Any

import pytest
from aio_models import EDGES, GRAPH, Base, Member
from sqlalchemy import Engine, func, select, text, update
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session

from sqlalchemy_tridb import (
    CypherError,
    IdentifierError,
    TraversalError,
    aio,
    backfill,
    check_graph,
    degree_centrality,
    doctor,
    pagerank,
    repair_graph,
    resolve,
    run_cypher,
    server_versions,
    shortest_path,
    stale_rows,
    sync_graph,
)

pytestmark = pytest.mark.anyio

FOLLOWS = "MATCH (a:Member)-[:FOLLOWS]->(b:Member) RETURN a.id, b.id"


def _pairs(rows: Any) -> list[tuple[int, int]]:
    return sorted((r.a, r.b) for r in rows)


async def test_run_cypher(read_session: Session, aio_read_async: AsyncEngine) -> None:
    want = _pairs(run_cypher(read_session, GRAPH, FOLLOWS, columns=("a", "b")))
    assert want == sorted(EDGES)
    async with AsyncSession(aio_read_async) as session:
        assert _pairs(await aio.run_cypher(session, GRAPH, FOLLOWS, columns=("a", "b"))) == want
    async with aio_read_async.connect() as conn:
        assert _pairs(await aio.run_cypher(conn, GRAPH, FOLLOWS, columns=("a", "b"))) == want
        # parameters as a mapping and as keywords, as the sync form takes them
        query = "MATCH (m:Member) WHERE m.id = $pk RETURN m.handle"
        assert (await aio.run_cypher(conn, GRAPH, query, {"pk": 3}))[0].result == "m3"
        assert (await aio.run_cypher(conn, GRAPH, query, {"pk": 3}, pk=4))[0].result == "m4"


async def test_resolve(read_session: Session, aio_read_async: AsyncEngine) -> None:
    query = "MATCH (m:Member) WHERE m.id = $pk RETURN m"
    vertex = run_cypher(read_session, GRAPH, query, pk=5)[0].result
    want = resolve(read_session, vertex, {"Member": Member})
    assert want is not None and want.handle == "m5"
    async with AsyncSession(aio_read_async) as session:
        rows = await aio.run_cypher(session, GRAPH, query, pk=5)
        got = await aio.resolve(session, rows[0].result, Base.metadata)
        assert isinstance(got, Member) and (got.id, got.handle) == (want.id, want.handle)
        assert got in session  # loaded into the async session's identity map
        await session.execute(text("DELETE FROM follow WHERE followee_id = 5 OR follower_id = 5"))
        await session.execute(text("DELETE FROM member WHERE id = 5"))
        session.expunge_all()
        assert await aio.resolve(session, rows[0].result, {"Member": Member}) is None
        await session.rollback()


async def test_shortest_path(read_session: Session, aio_read_async: AsyncEngine) -> None:
    one, four = read_session.get(Member, 1), read_session.get(Member, 4)
    want = shortest_path(read_session, one, four, "FOLLOWS")
    assert want is not None and [m.id for m in want.nodes] == [1, 5, 4]
    async with AsyncSession(aio_read_async) as session:
        start, end = await session.get(Member, 1), await session.get(Member, 4)
        got = await aio.shortest_path(session, start, end, "FOLLOWS", max_hops=5)
        assert got is not None
        assert [m.id for m in got.nodes] == [1, 5, 4] and got.edges == want.edges
        assert all(m in session for m in got.nodes)
        lonely = await session.get(Member, 6)
        assert await aio.shortest_path(session, start, lonely, "FOLLOWS") is None
        back = await aio.shortest_path(session, end, start, "FOLLOWS", direction="in")
        assert back is not None and [m.id for m in back.nodes] == [4, 5, 1]


async def test_centrality(read_session: Session, aio_read_async: AsyncEngine) -> None:
    ranks = pagerank(read_session, Member, "FOLLOWS", damping=0.9)
    degrees = degree_centrality(read_session, Member, "FOLLOWS", direction="out")
    assert set(ranks) == set(range(1, 7)) and max(ranks, key=ranks.__getitem__) == 4
    async with AsyncSession(aio_read_async) as session:
        assert await aio.pagerank(session, Member, "FOLLOWS", damping=0.9) == ranks
        got = await aio.degree_centrality(session, Member, ["FOLLOWS"], direction="out")
        assert got == degrees


async def test_doctor_and_versions(aio_read_engine: Engine, aio_read_async: AsyncEngine) -> None:
    want = doctor(aio_read_engine, Base)
    assert want.checked
    assert await aio.doctor(aio_read_async, Base) == want
    with aio_read_engine.connect() as conn:
        versions = server_versions(conn)
    async with aio_read_async.connect() as conn:
        assert await aio.doctor(conn, Base) == want
        assert await aio.server_versions(conn) == versions
    async with AsyncSession(aio_read_async) as session:
        assert await aio.server_versions(session) == versions


async def test_errors_surface_unchanged(read_session: Session, aio_read_async: AsyncEngine) -> None:
    bad = FOLLOWS  # two values, one column: the database's error, turned into a CypherError
    with pytest.raises(CypherError) as sync_err:
        run_cypher(read_session, GRAPH, bad)
    read_session.rollback()
    async with AsyncSession(aio_read_async) as session:
        with pytest.raises(CypherError) as async_err:
            await aio.run_cypher(session, GRAPH, bad)
        assert str(async_err.value) == str(sync_err.value)
        await session.rollback()
        one = await session.get(Member, 1)
        with pytest.raises(TraversalError):
            await aio.shortest_path(session, one, one, "FOLLOWS", max_hops=10**6)
        with pytest.raises(ValueError):  # the typed errors keep their builtin bases
            await aio.pagerank(session, Member, "NO SUCH LABEL")
    async with aio_read_async.connect() as conn:
        with pytest.raises(CypherError):
            await aio.run_cypher(conn, GRAPH, bad)
        await conn.rollback()
        with pytest.raises(IdentifierError):
            await aio.run_cypher(conn, "no such graph!", "MATCH (n) RETURN n")
        with pytest.raises(ProgrammingError, match="syntax error"):  # the driver's, as sync
            await aio.run_cypher(conn, GRAPH, "MATCH (m:Member RETURN m")


def _break_graph(engine: Engine) -> None:
    """Remove member 6's vertex behind the mirror's back."""
    with engine.begin() as conn:
        run_cypher(conn, GRAPH, "MATCH (m:Member) WHERE m.id = 6 DELETE m")


def _vertex_ids(engine: Engine) -> list[int]:
    with engine.connect() as conn:
        rows = run_cypher(conn, GRAPH, "MATCH (m:Member) RETURN m.id")
    return sorted(r.result for r in rows)


async def test_check_and_repair(aio_engine: Engine, aio_async: AsyncEngine) -> None:
    _break_graph(aio_engine)
    want = check_graph(aio_engine, Base)
    assert want.drift == 1
    assert await aio.check_graph(aio_async, Base) == want
    async with aio_async.connect() as conn:
        assert await aio.check_graph(conn, Base, labels=["Member"]) == check_graph(
            aio_engine, Base, labels=["Member"]
        )
    async with AsyncSession(aio_async) as session:
        assert await aio.check_graph(session, Base) == want
    found, done = await aio.repair_graph(aio_async, Base, batch_size=2)
    assert found == want and done.changed == 1
    assert _vertex_ids(aio_engine) == [1, 2, 3, 4, 5, 6]
    assert check_graph(aio_engine, Base).drift == 0
    # the sync form, on the same damage, reports the same
    _break_graph(aio_engine)
    assert repair_graph(aio_engine, Base, batch_size=2) == (found, done)


async def test_sync_graph(aio_engine: Engine, aio_async: AsyncEngine) -> None:
    _break_graph(aio_engine)
    dry = await aio.sync_graph(aio_async, Base, dry_run=True)
    assert dry == sync_graph(aio_engine, Base, dry_run=True) and dry.changed == 1
    assert _vertex_ids(aio_engine) == [1, 2, 3, 4, 5]
    async with aio_async.connect() as conn:  # outside a transaction: batches commit
        done = await aio.sync_graph(conn, Base, labels=["Member"])
    assert done.changed == 1 and _vertex_ids(aio_engine) == [1, 2, 3, 4, 5, 6]
    _break_graph(aio_engine)
    async with AsyncSession(aio_async) as session:  # in the session's transaction
        assert await aio.sync_graph(session, Base, labels=["Member"]) == done
        await session.rollback()
    assert _vertex_ids(aio_engine) == [1, 2, 3, 4, 5]
    assert sync_graph(aio_engine, Base, labels=["Member"]) == done


def _vectors(engine: Engine) -> dict[int, list[float]]:
    with Session(engine) as session:
        rows = session.execute(select(Member.id, Member.bio_embedding)).all()
    return {i: list(v) for i, v in rows if v is not None}


async def test_backfill(aio_engine: Engine, aio_async: AsyncEngine) -> None:
    assert _vectors(aio_engine) == {}
    async with AsyncSession(aio_async) as session:
        assert len((await session.scalars(stale_rows(Member.bio_embedding))).all()) == 6
        assert await aio.backfill(session, Member.bio_embedding, where=Member.id > 4) == 2
        assert await aio.backfill(session, Member.bio_embedding, batch_size=2) == 4
        await session.commit()
    async_vectors = _vectors(aio_engine)
    assert sorted(async_vectors) == [1, 2, 3, 4, 5, 6]
    with Session(aio_engine) as session:
        session.execute(update(Member).values(bio_embedding=None))
        assert backfill(session, Member.bio_embedding) == 6
        session.commit()
        assert (
            session.scalar(
                select(func.count()).select_from(stale_rows(Member.bio_embedding).subquery())
            )
            == 0
        )
    assert _vectors(aio_engine) == async_vectors


async def test_grant_and_revoke(aio_async: AsyncEngine) -> None:
    probe = "SELECT pg_catalog.has_schema_privilege('aio_reader', :g, 'USAGE')"
    async with aio_async.connect() as conn:
        await conn.execute(text("CREATE ROLE aio_reader NOLOGIN"))
        await aio.grant_graph_read(conn, "aio_reader", GRAPH)
        assert (await conn.execute(text(probe), {"g": GRAPH})).scalar() is True
        await aio.revoke_graph_read(conn, "aio_reader", [GRAPH])
        assert (await conn.execute(text(probe), {"g": GRAPH})).scalar() is False
        await conn.rollback()  # the role too
    with pytest.raises(Exception):  # noqa: B017 - identifiers are validated first
        async with aio_async.connect() as conn:
            await aio.grant_graph_read(conn, "bad role;", GRAPH)


def test_same_signatures() -> None:
    import inspect

    import sqlalchemy_tridb as tridb
    from sqlalchemy_tridb.vector import tune

    for name in aio.__all__:
        sync_fn = tune.tune_search if name == "tune_search" else getattr(tridb, name)
        sync_sig = inspect.signature(sync_fn)
        async_sig = inspect.signature(getattr(aio, name))
        assert inspect.iscoroutinefunction(getattr(aio, name)), name
        assert list(async_sig.parameters)[1:] == list(sync_sig.parameters)[1:], name
        pairs = zip(async_sig.parameters.values(), sync_sig.parameters.values(), strict=True)
        for p, q in list(pairs)[1:]:
            assert (p.kind, p.default) == (q.kind, q.default), (name, p.name)


async def test_tune_search(aio_engine: Engine, aio_async: AsyncEngine) -> None:
    from sqlalchemy_tridb.vector.tune import tune_search

    with Session(aio_engine) as session:
        assert backfill(session, Member.bio_embedding) == 6
        session.commit()
    options = {"k": 2, "queries": 6, "candidates": [1, 10, 40]}
    want = tune_search(Member.bio_embedding, aio_engine, store=False, **options)
    comment = "SELECT pg_catalog.obj_description(pg_catalog.to_regclass(:i), 'pg_class')"

    def measured(report: Any) -> Any:
        return (
            report.index,
            report.rows,
            report.chosen,
            [(t.value, t.recall) for t in report.trials],
        )

    async with AsyncSession(aio_async) as session:
        got = await aio.tune_search(Member.bio_embedding, session, store=False, **options)
        assert measured(got) == measured(want) and got.rows == 6
    async with aio_async.connect() as conn:
        got = await aio.tune_search(Member.bio_embedding, conn, store=False, **options)
        assert measured(got) == measured(want)
        assert (await conn.execute(text(comment), {"i": want.index})).scalar() is None
    stored = await aio.tune_search(Member.bio_embedding, aio_async, **options)  # commits
    assert measured(stored) == measured(want) and stored.stored
    with aio_engine.connect() as conn:
        async_comment = conn.execute(text(comment), {"i": want.index}).scalar()
        conn.execute(text(f"COMMENT ON INDEX {want.index} IS NULL"))
        conn.commit()
    assert async_comment
    tune_search(Member.bio_embedding, aio_engine, **options)
    with aio_engine.connect() as conn:
        sync_comment = conn.execute(text(comment), {"i": want.index}).scalar()
    # the same choice stored; the latency in the comment is the one measured then
    assert sync_comment.split(", p50")[0] == async_comment.split(", p50")[0]
