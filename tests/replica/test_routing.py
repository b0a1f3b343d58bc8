"""Reads on a real streaming replica, writes on the primary, through `RoutingSession`."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Select, func, insert, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from sqlalchemy_tridb.cypher import run_cypher
from sqlalchemy_tridb.exc import StandbyWriteError, TriDBError
from sqlalchemy_tridb.recommend import recommend
from sqlalchemy_tridb.routing import Router, RoutingSession, lsn_position
from sqlalchemy_tridb.vector import hybrid_search, install_embedding_sync

from .conftest import REPLICA, Pair
from .models import EMBED, PRODUCTS, Customer, Product

pytestmark = pytest.mark.db

IN_RECOVERY = text("SELECT pg_catalog.pg_is_in_recovery()")


def _on_standby(session: Session) -> bool:
    """Whether this transaction's reads run on the standby."""
    return bool(session.scalar(IN_RECOVERY))


def _caught_up(pair: Pair, timeout: float = 10.0) -> None:
    with pair.primary.connect() as conn:
        target = lsn_position(conn.exec_driver_sql("SELECT pg_current_wal_lsn()::text").scalar())
    deadline = time.monotonic() + timeout
    with pair.replica.connect() as conn:
        while True:
            got = conn.exec_driver_sql("SELECT pg_last_wal_replay_lsn()::text").scalar()
            if lsn_position(got) >= target:
                return
            assert time.monotonic() < deadline, "the replica did not catch up"
            time.sleep(0.01)


def _recommend(alice: Customer | None) -> Select[Any]:
    return recommend(
        Product,
        alice,
        via=("BOUGHT", ("BOUGHT", "in"), "BOUGHT"),
        history=("BOUGHT",),
        embedding=Product.embedding,
        k=5,
    )


@pytest.fixture
def router(pair: Pair) -> Iterator[Router]:
    r = Router(pair.primary, [pair.replica], wait_timeout=2.0, retry_after=30.0)
    yield r
    r.close()


@pytest.fixture
def make_session(router: Router) -> sessionmaker[RoutingSession]:
    return sessionmaker(class_=RoutingSession, router=router)


def test_status_shows_a_streaming_replica_and_its_lag(pair: Pair) -> None:
    _caught_up(pair)
    deadline = time.monotonic() + 10
    status = pair.server.replica(REPLICA)
    while not status.streaming and time.monotonic() < deadline:  # the walreceiver connects
        time.sleep(0.05)
        status = pair.server.replica(REPLICA)
    assert status.running and status.streaming
    assert status.lag_bytes is not None and status.lag_bytes >= 0
    assert status.lag_seconds is not None
    assert [r.name for r in pair.server.replicas()] == [REPLICA]
    home = str(pair.server.home)
    out = subprocess.run(
        [sys.executable, "-m", "sqlalchemy_tridb.cli.main", "server", "status", "--home", home],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert f"replica {REPLICA}: running on 127.0.0.1:{status.port}; streaming; lag " in out
    assert " bytes, " in out


def test_the_standby_returns_the_primarys_committed_rows_after_replay(pair: Pair) -> None:
    with Session(pair.primary) as session, install_embedding_sync(session):
        session.add(Product(id=100, name="replayed lamp", shelf=0))
        session.commit()
    try:
        _caught_up(pair)
        with Session(pair.replica) as standby:
            assert _on_standby(standby)
            row = standby.get(Product, 100)
            assert row is not None and row.name == "replayed lamp"
            assert row.embedding is not None
            assert list(row.embedding) == pytest.approx(list(EMBED.embed(["replayed lamp"])[0]))
    finally:
        with pair.primary.begin() as conn:
            conn.execute(Product.__table__.delete().where(Product.id == 100))


def test_similarity_traversal_cypher_recommend_and_hybrid_run_on_the_standby(
    pair: Pair, make_session: sessionmaker[RoutingSession]
) -> None:
    _caught_up(pair)
    with Session(pair.primary) as session:
        want_near = [p.id for p in session.scalars(Product.nearest("headphones", k=3))]
        alice = session.get(Customer, 1)
        reach = select(Product.id).where(
            Product.reachable_from(alice, "BOUGHT", max_hops=3, direction="both")
        )
        want_reach = sorted(session.scalars(reach))
        want_recs = [r[0].id for r in session.execute(_recommend(alice)).all()]
    with make_session() as session:
        assert [p.id for p in session.scalars(Product.nearest("headphones", k=3))] == want_near
        assert _on_standby(session)  # the same transaction, the same standby
        alice = session.get(Customer, 1)
        got = select(Product.id).where(
            Product.reachable_from(alice, "BOUGHT", max_hops=3, direction="both")
        )
        assert sorted(session.scalars(got)) == want_reach == [1, 3, 4, 5]
        rows = run_cypher(session, "replica_shop", "MATCH (p:Product) RETURN count(p)")
        assert rows[0].result == len(PRODUCTS)
        recs = session.execute(_recommend(alice)).all()
        assert [r[0].id for r in recs] == want_recs
        hits = session.execute(
            hybrid_search(Product.embedding, "wireless", text=Product.name, k=3)
        ).all()
        assert hits and hits[0][0].name.startswith("wireless")
        assert _on_standby(session)


def test_a_write_through_a_read_route_raises_the_typed_error(
    pair: Pair, router: Router, make_session: sessionmaker[RoutingSession]
) -> None:
    with Session(pair.replica) as standby, pytest.raises(StandbyWriteError) as caught:
        standby.execute(update(Product).where(Product.id == 1).values(name="nope"))
    assert isinstance(caught.value, PermissionError) and isinstance(caught.value, TriDBError)
    assert "25006" in str(caught.value)
    for label in ("Product", "Scratch"):  # an existing label; one AGE would have to make
        with make_session() as session, pytest.raises(StandbyWriteError):
            # a Cypher write in a SELECT is routed as a read
            run_cypher(session, "replica_shop", f"CREATE (n:{label} {{v: 1}}) RETURN n")
    with make_session() as session:
        with session.primary():  # the way to send it to the primary
            rows = run_cypher(session, "replica_shop", "CREATE (n:Scratch {v: 1}) RETURN n")
        assert rows[0].result.properties == {"v": 1}
        session.rollback()
    with pair.primary.connect() as conn:  # nothing of the failed writes arrived
        assert conn.scalar(select(Product.name).where(Product.id == 1)) == PRODUCTS[1]


def test_writes_go_to_the_primary_and_the_session_reads_its_writes(
    pair: Pair, make_session: sessionmaker[RoutingSession]
) -> None:
    try:
        with make_session() as session, install_embedding_sync(session):
            assert _on_standby(session)  # a read on the replica, then a write
            session.add(Product(id=200, name="desk lamp", shelf=0))
            session.flush()
            # the rest of the writing transaction: the primary, which sees the flushed row
            assert not _on_standby(session)
            assert session.scalar(select(func.count()).where(Product.id == 200)) == 1
            session.commit()
            # after the commit: a standby that has replayed it
            assert session.scalar(select(Product.name).where(Product.id == 200)) == "desk lamp"
            assert _on_standby(session)
            session.commit()
            session.execute(insert(Product), [{"id": 201, "name": "floor lamp", "shelf": 1}])
            session.commit()
            assert session.scalar(select(Product.name).where(Product.id == 201)) == "floor lamp"
            assert _on_standby(session)
    finally:
        with pair.primary.begin() as conn:
            conn.execute(Product.__table__.delete().where(Product.id.in_([200, 201])))


def test_a_replica_that_has_not_replayed_the_commit_sends_reads_to_the_primary(
    pair: Pair,
) -> None:
    router = Router(pair.primary, [pair.replica], wait_timeout=0.2)
    sessions = sessionmaker(class_=RoutingSession, router=router)
    with pair.replica.connect() as conn:
        conn.exec_driver_sql("SELECT pg_wal_replay_pause()")
        conn.commit()
    try:
        with sessions() as session:
            session.add(Product(id=300, name="paused lamp", shelf=0, embedding=[0.0] * 32))
            session.commit()
            assert session.scalar(select(Product.name).where(Product.id == 300)) == "paused lamp"
            assert not _on_standby(session)  # waited 0.2 s, then the primary
            session.commit()
            with pair.replica.connect() as conn:
                conn.exec_driver_sql("SELECT pg_wal_replay_resume()")
                conn.commit()
            assert session.scalar(select(Product.name).where(Product.id == 300)) == "paused lamp"
            assert _on_standby(session)  # replayed now: the standby again
        stats = router.stats()
        assert (stats.waits, stats.wait_timeouts) == (2, 1)
        assert stats.waited_seconds >= 0.2
        assert (stats.replica_reads, stats.primary_reads) == (1, 1)
    finally:
        with pair.replica.connect() as conn:
            conn.exec_driver_sql("SELECT pg_wal_replay_resume()")
            conn.commit()
        with pair.primary.begin() as conn:
            conn.execute(Product.__table__.delete().where(Product.id == 300))
        router.close()


def test_read_your_writes_primary_mode_stays_on_the_primary(pair: Pair) -> None:
    router = Router(pair.primary, [pair.replica], read_your_writes="primary")
    try:
        with sessionmaker(class_=RoutingSession, router=router)() as session:
            assert _on_standby(session)
            session.commit()
            session.execute(update(Product).where(Product.id == 6).values(shelf=0))
            session.commit()
            assert not _on_standby(session)
    finally:
        router.close()


def test_a_stopped_replica_sends_reads_to_the_primary(pair: Pair) -> None:
    router = Router(pair.primary, [pair.replica], retry_after=30.0)  # default probe_every
    sessions = sessionmaker(class_=RoutingSession, router=router)
    with sessions() as session:
        assert _on_standby(session)
    assert pair.server.stop_replica(REPLICA) is True
    try:
        assert pair.server.replica(REPLICA).running is False
        with sessions() as session:
            assert session.scalar(select(Product.name).where(Product.id == 1)) == PRODUCTS[1]
            assert not _on_standby(session)
        assert router.is_down(pair.replica)
        stats = router.stats()
        assert (stats.replica_reads, stats.primary_reads, stats.failed_checks) == (1, 1, 1)
    finally:
        pair.server.start_replica(REPLICA)
        router.close()
    assert pair.server.replica(REPLICA).running


def test_the_cte_traversal_runs_on_the_standby_where_age_vle_needs_1_8(pair: Pair) -> None:
    """AGE's variable-length Cypher takes a ShareLock, refused in recovery before AGE 1.8.0."""
    with Session(pair.replica) as standby:
        version = standby.scalar(text("SELECT extversion FROM pg_extension WHERE extname = 'age'"))
        alice = standby.get(Customer, 1)
        reach = select(Product.id).where(
            Product.reachable_from(alice, "BOUGHT", max_hops=3, direction="both")
        )
        assert sorted(standby.scalars(reach)) == [1, 3, 4, 5]
        standby.rollback()
        vle = "MATCH (c:Customer {id: 1})-[:BOUGHT*1..3]-(p:Product) RETURN DISTINCT p.id"
        if tuple(int(x) for x in str(version).split(".")[:2]) < (1, 8):
            with pytest.raises(DBAPIError, match="recovery is in progress"):
                run_cypher(standby, "replica_shop", vle)
        else:  # apache/age PR #2345
            assert sorted(r.result for r in run_cypher(standby, "replica_shop", vle)) == [
                1,
                3,
                4,
                5,
            ]


def test_start_replica_is_idempotent_and_the_cli_prints_its_url(pair: Pair) -> None:
    before = pair.server.replica(REPLICA)
    again = pair.server.start_replica(REPLICA)
    assert (again.port, again.url) == (before.port, before.url) and again.running
    home = str(pair.server.home)
    cli = [sys.executable, "-m", "sqlalchemy_tridb.cli.main", "server"]
    url = subprocess.run(
        [*cli, "url", "--home", home, "--replica", REPLICA], capture_output=True, text=True
    )
    assert url.returncode == 0 and url.stdout.strip() == before.url
    missing = subprocess.run(
        [*cli, "url", "--home", home, "--replica", "nothing_here"], capture_output=True, text=True
    )
    assert missing.returncode == 3 and "tridb server start --replica nothing_here" in missing.stderr
    status = subprocess.run(
        [*cli, "status", "--home", home, "--replica", "nothing_here"],
        capture_output=True,
        text=True,
    )
    assert status.returncode == 3 and status.stdout.strip() == "replica nothing_here: not running"
