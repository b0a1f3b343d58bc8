"""Behind a real PgBouncer in transaction pooling: six clients share two server connections.

Debian's ``pgbouncer`` (``apt-get install pgbouncer``; ``bash scripts/dev.sh
test`` installs it) is started by the test, in front of the test's database,
with ``pool_mode = transaction`` and ``default_pool_size = 2``.  Six threads,
each holding its own client connection (an engine with the tridb plugin,
through PgBouncer), write through the ORM (embeddings computed by the flush
hook, vertices and edges written by the triggers), traverse (``reachable_from``,
``degree``, ``shortest_path``), run Cypher with parameters and search by
similarity with :class:`~sqlalchemy_tridb.vector.SearchSettings` (``SET LOCAL``).
A direct connection then reads back the rows, the vectors and the graph.

In transaction pooling a client's transactions run on whichever server
connection is free, which the client never prepared (the plugin's set-up ran
once, for the client connection, on some server connection), and PgBouncer
does not reset them.  Two pool configurations:

``shared``
    PgBouncer's default for transaction pooling: server connections keep
    whatever session state the previous transaction left;
``reset``
    ``server_reset_query = DISCARD ALL`` with ``server_reset_query_always = 1``:
    every transaction starts on a server connection with no session state at
    all (no ``ag_catalog`` on the search path), so nothing the library sends
    may depend on the set-up having run there.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from graph.mirror_check import graph_rows_diff  # tests/ is on sys.path (tests/conftest.py)
from sqlalchemy import Connection, Engine, ForeignKey, create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from sqlalchemy.pool import NullPool

from sqlalchemy_tridb.cypher import run_cypher
from sqlalchemy_tridb.embedding import DeterministicProvider
from sqlalchemy_tridb.graph import GraphEdge, GraphNode
from sqlalchemy_tridb.graph.query import shortest_path
from sqlalchemy_tridb.testing import tridb_database_factory
from sqlalchemy_tridb.vector import HNSW, Embedding, SearchSettings, install_embedding_sync, nearest

GRAPH = "pgbouncer_graph"
EMBED = DeterministicProvider(dimension=32, name="pgbouncer")

#: server connections PgBouncer may open (per database and user), and client connections
POOL_SIZE = 2
CLIENTS = 6
#: per client: ROUNDS x (a write transaction, a read transaction, a settings check)
ROUNDS = 5
DOCS_PER_ROUND = 2
DOCS = ROUNDS * DOCS_PER_ROUND  # a chain of DOCS - 1 edges: within MAX_HOPS (10)
WORDS = ("amber", "birch", "cedar", "delta", "ember", "fjord")
#: the whole workload must finish within this (it takes about a second)
DEADLINE_S = 60.0


class Base(DeclarativeBase):
    pass


class Doc(GraphNode, Base):
    __tablename__ = "doc"
    __graph__ = GRAPH
    id: Mapped[int] = mapped_column(primary_key=True)
    client: Mapped[int]
    title: Mapped[str]
    embedding: Mapped[list[float] | None] = Embedding(source="title", provider=EMBED, index=HNSW())


class Link(GraphEdge, Base):
    __tablename__ = "link"
    __edge_label__ = "LINKS"
    __edge_source__ = "src_id"
    __edge_target__ = "dst_id"
    id: Mapped[int] = mapped_column(primary_key=True)
    src_id: Mapped[int] = mapped_column(ForeignKey("doc.id"))
    dst_id: Mapped[int] = mapped_column(ForeignKey("doc.id"))
    hop: Mapped[int]


class Tag(GraphNode, Base):
    """Text keys: vertex ids from the graph's key map, allocated and released by the writers."""

    __tablename__ = "tag"
    __graph__ = GRAPH
    code: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str]


class Tagged(GraphEdge, Base):
    __tablename__ = "tagged"
    __edge_label__ = "TAGGED"
    __edge_source__ = "doc_id"
    __edge_target__ = "tag_code"
    doc_id: Mapped[int] = mapped_column(ForeignKey("doc.id"), primary_key=True)
    tag_code: Mapped[str] = mapped_column(ForeignKey("tag.code"), primary_key=True)


def doc_id(client: int, n: int) -> int:
    return 1000 * (client + 1) + n


def title(client: int, n: int, *, revised: bool = False) -> str:
    return f"{WORDS[client]} {'revised ' if revised else ''}note {n}"


def final_title(client: int, n: int) -> str:
    # round r >= 1 revises doc 2 (r - 1): docs 0, 2, ..., 2 (ROUNDS - 2)
    return title(client, n, revised=n % 2 == 0 and n < DOCS_PER_ROUND * (ROUNDS - 1))


def _schema(conn: Connection) -> None:
    Base.metadata.create_all(conn)


pgbouncer_template = tridb_database_factory(load=[_schema])


@pytest.fixture
def direct_url(pgbouncer_template: Any) -> Iterator[str]:
    """A fresh clone of the template, reached directly (not through PgBouncer)."""
    yield from pgbouncer_template.clone()


# --- PgBouncer -------------------------------------------------------------------------


def _pgbouncer_binary() -> str:
    found = shutil.which("pgbouncer") or next(
        (p for p in ("/usr/sbin/pgbouncer", "/usr/bin/pgbouncer") if os.access(p, os.X_OK)), None
    )
    if found is None:
        pytest.skip(
            "PgBouncer is not installed: apt-get install pgbouncer "
            "(bash scripts/dev.sh test installs it on Debian and Ubuntu)"
        )
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _quoted(value: str) -> str:
    """A value of PgBouncer's auth file: in double quotes, inner quotes doubled."""
    return '"' + value.replace('"', '""') + '"'


@dataclass
class PgBouncer:
    """A running PgBouncer: where it listens and what it logs."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path
    #: whether server connections are reset (DISCARD ALL) after every transaction
    reset: bool

    def url(self, direct_url: str) -> str:
        """*direct_url* with PgBouncer's address instead of the server's."""
        u = make_url(direct_url).set(host="127.0.0.1", port=self.port)
        return u.render_as_string(hide_password=False)

    def stop(self) -> None:
        """Stop it (SIGTERM: immediate shutdown), killing it if it lingers."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def start_pgbouncer(directory: Path, direct_url: str, *, reset: bool) -> PgBouncer:
    """Start PgBouncer for *direct_url*'s database in transaction pooling; wait until it listens."""
    binary = _pgbouncer_binary()
    u = make_url(direct_url)
    user, password = u.username or "postgres", u.password
    auth = directory / "userlist.txt"
    auth.write_text(f"{_quoted(user)} {_quoted(password or '')}\n")
    auth.chmod(0o600)
    log = directory / "pgbouncer.log"
    # PgBouncer refuses to run as root; it reads its files before changing user,
    # and logs to stderr (a file opened here, before the change), so they may be
    # in a folder the user cannot enter.
    as_user = ["-u", "nobody"] if os.geteuid() == 0 else []
    for _attempt in range(3):
        port = _free_port()
        config = directory / "pgbouncer.ini"
        config.write_text(
            "[databases]\n"
            f"{u.database} = host={u.host or '127.0.0.1'} port={u.port or 5432} "
            f"dbname={u.database}\n"
            "\n[pgbouncer]\n"
            "listen_addr = 127.0.0.1\n"
            f"listen_port = {port}\n"
            "unix_socket_dir =\n"
            # the password is plain text in the auth file: PgBouncer checks the
            # client's SCRAM with it, and logs in to the server (SCRAM too) with it
            f"auth_type = {'scram-sha-256' if password else 'trust'}\n"
            f"auth_file = {auth}\n"
            "pool_mode = transaction\n"
            f"default_pool_size = {POOL_SIZE}\n"
            "min_pool_size = 0\n"
            "reserve_pool_size = 0\n"
            f"max_db_connections = {POOL_SIZE}\n"
            f"max_client_conn = {CLIENTS + 10}\n"
            # a client waiting for a server connection gives up instead of hanging
            "query_wait_timeout = 20\n"
            "server_reset_query = DISCARD ALL\n"
            f"server_reset_query_always = {1 if reset else 0}\n"
        )
        with log.open("ab") as out:
            process = subprocess.Popen(
                [binary, *as_user, str(config)],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 10
        while process.poll() is None and time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            except OSError:
                time.sleep(0.02)
                continue
            return PgBouncer(process, port, log, reset)
        pgb = PgBouncer(process, port, log, reset)
        pgb.stop()
        if "Address already in use" not in log.read_text(errors="replace"):
            break
    pytest.fail(f"PgBouncer did not start; its log ({log}):\n{log.read_text(errors='replace')}")


@pytest.fixture(params=[False, True], ids=["shared", "reset"])
def pgbouncer(
    request: pytest.FixtureRequest, direct_url: str, tmp_path: Path
) -> Iterator[PgBouncer]:
    pgb = start_pgbouncer(tmp_path, direct_url, reset=request.param)
    try:
        yield pgb
    finally:
        pgb.stop()


@pytest.fixture
def pooled_engine(pgbouncer: PgBouncer, direct_url: str) -> Iterator[Engine]:
    """An engine with the tridb plugin whose connections go through PgBouncer."""
    engine = create_engine(
        pgbouncer.url(direct_url),
        plugins=["tridb"],
        pool_size=CLIENTS,
        max_overflow=0,
        # No server-side prepared statements.  psycopg prepares a query after 5
        # executions (prepare_threshold) and then sends only its name; in
        # transaction pooling the next transaction may run on another server
        # connection, where the name is unknown or taken by another client's
        # statement (with psycopg's default and PgBouncer 1.18, 6 clients fail
        # within 30 transactions: 'prepared statement "_pg3_0" already exists').
        # PgBouncer >= 1.21 can track protocol-level prepared statements
        # (max_prepared_statements), but Debian 12 ships 1.18 and deployments
        # run older ones too: the client-side switch works with every version,
        # and is what psycopg's docs advise for transaction poolers.
        connect_args={"prepare_threshold": None, "connect_timeout": 10},
    )
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def direct_engine(direct_url: str) -> Iterator[Engine]:
    engine = create_engine(direct_url, plugins=["tridb"], poolclass=NullPool)
    try:
        yield engine
    finally:
        engine.dispose()


# --- the clients -----------------------------------------------------------------------


class Recorder:
    """What the clients saw, shared between their threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pids: dict[int, set[int]] = {c: set() for c in range(CLIENTS)}
        self.transactions = 0
        #: transactions that began with ag_catalog on the search path (the set-up's)
        self.prepared = 0

    def backend(self, client: int, session: Session) -> None:
        """Note the server connection this transaction runs on, and its search path."""
        pid, prepared = session.execute(
            text(
                "SELECT pg_catalog.pg_backend_pid(), "
                "'ag_catalog' = ANY (pg_catalog.current_schemas(false))"
            )
        ).one()
        with self.lock:
            self.pids[client].add(pid)
            self.transactions += 1
            self.prepared += bool(prepared)


def _write_round(session: Session, client: int, rnd: int, seen: Recorder) -> None:
    seen.backend(client, session)
    for n in range(DOCS_PER_ROUND * rnd, DOCS_PER_ROUND * (rnd + 1)):
        session.add(Doc(id=doc_id(client, n), client=client, title=title(client, n)))
        if n:
            prev, this = doc_id(client, n - 1), doc_id(client, n)
            session.add(Link(id=this, src_id=prev, dst_id=this, hop=n))
    if rnd:
        n = DOCS_PER_ROUND * (rnd - 1)
        doc = session.get(Doc, doc_id(client, n))
        assert doc is not None
        doc.title = title(client, n, revised=True)  # re-embedded on flush
    session.commit()


def _read_round(session: Session, client: int, rnd: int, seen: Recorder) -> None:
    seen.backend(client, session)
    last = DOCS_PER_ROUND * (rnd + 1) - 1
    chain = [doc_id(client, n) for n in range(last + 1)]
    first, end = session.get(Doc, chain[0]), session.get(Doc, chain[-1])
    assert first is not None and end is not None

    reached = session.scalars(
        select(Doc.id).where(Doc.reachable_from(first, "LINKS", max_hops=10)).order_by(Doc.id)
    ).all()
    assert reached == chain[1:]

    degrees = session.execute(
        select(Doc.id, Doc.degree("LINKS")).where(Doc.client == client).order_by(Doc.id)
    ).all()
    assert [tuple(r) for r in degrees] == [(i, 1) for i in chain[:-1]] + [(chain[-1], 0)]

    path = shortest_path(session, first, end, "LINKS")
    assert path is not None and path.length == last
    assert [d.id for d in path.nodes] == chain

    rows = run_cypher(
        session,
        GRAPH,
        "MATCH (a:Doc)-[l:LINKS]->(b:Doc) WHERE a.client = $client AND l.hop >= $min_hop "
        "RETURN b.id ORDER BY b.id",
        client=client,
        min_hop=2,
    )
    assert [r.result for r in rows] == chain[2:]

    ef_search = 100 + client  # a value of this client's own: a leak would show
    settings = SearchSettings(ef_search=ef_search, iterative_scan="strict_order")
    found = session.scalars(
        nearest(Doc.embedding, title(client, last), k=1, settings=settings)
        .where(Doc.client == client)
        .with_only_columns(Doc.id)
    ).all()
    assert found == [chain[-1]]
    # SET LOCAL, in the transaction of the query, hence on its server connection
    assert session.execute(text("SELECT current_setting('hnsw.ef_search')")).scalar() == str(
        ef_search
    )
    session.commit()

    # the next transaction (maybe on another server connection) has the default back
    seen.backend(client, session)
    value = session.execute(text("SELECT current_setting('hnsw.ef_search', true)")).scalar()
    assert value in (None, "", "40"), value
    session.commit()


def _client(engine: Engine, client: int, start: threading.Barrier, seen: Recorder) -> None:
    with engine.connect() as conn:  # this client's own connection, held throughout
        start.wait(timeout=30)  # every client is connected at once
        with Session(conn) as session, install_embedding_sync(session):
            for rnd in range(ROUNDS):
                _write_round(session, client, rnd, seen)
                _read_round(session, client, rnd, seen)


def run_clients(work: Callable[[int, threading.Barrier], None]) -> None:
    """Run ``work(client, barrier)`` in CLIENTS threads; re-raise the first failure."""
    start = threading.Barrier(CLIENTS)
    errors: list[tuple[int, BaseException]] = []

    def target(client: int) -> None:
        try:
            work(client, start)
        except BaseException as err:
            errors.append((client, err))
            start.abort()

    threads = [
        threading.Thread(target=target, args=(c,), name=f"pgbouncer-client-{c}", daemon=True)
        for c in range(CLIENTS)
    ]
    deadline = time.monotonic() + DEADLINE_S
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=max(0.0, deadline - time.monotonic()))
    alive = [t.name for t in threads if t.is_alive()]
    assert not alive, f"still running after {DEADLINE_S} s: {alive}"
    real = [(c, e) for c, e in errors if not isinstance(e, threading.BrokenBarrierError)]
    if real or errors:
        client, err = (real or errors)[0]
        if hasattr(err, "add_note"):  # Python 3.11
            err.add_note(f"in client {client} (of {len(errors)} failing)")
        raise err


# --- the test --------------------------------------------------------------------------


def test_concurrent_clients_through_transaction_pooling(
    pooled_engine: Engine, direct_engine: Engine, pgbouncer: PgBouncer
) -> None:
    seen = Recorder()
    run_clients(lambda client, start: _client(pooled_engine, client, start, seen))

    # fewer server connections than clients: every transaction ran on one of them
    backends = set().union(*seen.pids.values())
    assert seen.transactions == CLIENTS * ROUNDS * 3
    assert 1 <= len(backends) <= POOL_SIZE < CLIENTS, seen.pids
    if pgbouncer.reset:  # every transaction began without the set-up's search path
        assert seen.prepared == 0

    with direct_engine.connect() as conn:
        want_docs = {
            (doc_id(c, n), c, final_title(c, n)) for c in range(CLIENTS) for n in range(DOCS)
        }
        got_docs = {tuple(r) for r in conn.execute(select(Doc.id, Doc.client, Doc.title))}
        assert got_docs == want_docs

        want_links = {
            (doc_id(c, n), doc_id(c, n - 1), doc_id(c, n), n)
            for c in range(CLIENTS)
            for n in range(1, DOCS)
        }
        got_links = {
            tuple(r) for r in conn.execute(select(Link.id, Link.src_id, Link.dst_id, Link.hop))
        }
        assert got_links == want_links

        vectors = {t: v for t, v in conn.execute(select(Doc.title, Doc.embedding))}
        titles = sorted(vectors)
        expected = EMBED.embed(titles)
        for t, want in zip(titles, expected, strict=True):
            got = np.asarray(vectors[t], dtype=np.float32)
            np.testing.assert_allclose(got, want, atol=1e-6, err_msg=t)

        assert graph_rows_diff(conn, Base.metadata) == []

        # PgBouncer kept to its pool: at most POOL_SIZE server connections to the database
        others = conn.execute(
            text(
                "SELECT count(*) FROM pg_catalog.pg_stat_activity "
                "WHERE datname = pg_catalog.current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar_one()
        assert others <= POOL_SIZE
    assert pgbouncer.process.poll() is None, pgbouncer.log.read_text(errors="replace")


def test_cypher_on_autocommit_connections_through_transaction_pooling(
    pooled_engine: Engine, direct_engine: Engine, pgbouncer: PgBouncer
) -> None:
    """Prelude and Cypher statement share one transaction: one server connection.

    With ``DISCARD ALL`` after every transaction, a prelude run as its own
    autocommit transaction would be gone before the statement that needs it.
    """
    with direct_engine.begin() as conn:
        conn.execute(text("INSERT INTO doc (id, client, title) VALUES (1, 0, 'a'), (2, 0, 'b')"))
        conn.execute(text("INSERT INTO link (id, src_id, dst_id, hop) VALUES (1, 1, 2, 1)"))
    autocommit = pooled_engine.execution_options(isolation_level="AUTOCOMMIT")

    def work(client: int, start: threading.Barrier) -> None:
        start.wait()
        with autocommit.connect() as conn:
            for n in range(10):
                rows = run_cypher(
                    conn,
                    GRAPH,
                    "MATCH (a:Doc)-[:LINKS]->(b:Doc) WHERE a.id = $id RETURN b.title",
                    {"id": 1},
                    columns=["title"],
                )
                assert [r.title for r in rows] == ["b"], (client, n)
                # the connection is left in autocommit, with no transaction open
                assert conn.execute(
                    text("SELECT pg_catalog.now() = statement_timestamp()")
                ).scalar()

    run_clients(work)


SHARED_TAG = "shared: tag"


def _tag_code(client: int, n: int) -> str:
    return f"{WORDS[client]}/{n}"


def _text_key_client(engine: Engine, client: int, start: threading.Barrier) -> None:
    with engine.connect() as conn:
        start.wait(timeout=30)
        with Session(conn) as session:
            for n in range(ROUNDS):
                doc = Doc(id=doc_id(client, n), client=client, title=title(client, n))
                code = _tag_code(client, n)
                session.add_all([doc, Tag(code=code, name=f"tag {n}")])
                session.flush()
                session.add_all(
                    [
                        Tagged(doc_id=doc.id, tag_code=code),
                        Tagged(doc_id=doc.id, tag_code=SHARED_TAG),
                    ]
                )
                session.commit()
                if n % 2:  # drop the previous round's own tag: its id goes back to the map
                    old = _tag_code(client, n - 1)
                    session.query(Tagged).filter_by(tag_code=old).delete()
                    session.query(Tag).filter_by(code=old).delete()
                    session.commit()
                shared = session.get_one(Tag, SHARED_TAG)
                tagged = session.scalars(
                    select(Doc.id)
                    .where(Doc.client == client)
                    .where(Doc.reachable_from(shared, "TAGGED", max_hops=1, direction="in"))
                    .order_by(Doc.id)
                ).all()
                assert tagged == [doc_id(client, i) for i in range(n + 1)], (client, n)
                session.commit()


def test_text_keys_through_transaction_pooling(
    pooled_engine: Engine, direct_engine: Engine, pgbouncer: PgBouncer
) -> None:
    """Clients allocate and release key-map ids on whichever server connection they get."""
    with Session(direct_engine) as s:
        s.add(Tag(code=SHARED_TAG, name="everyone's"))
        s.commit()

    run_clients(lambda client, start: _text_key_client(pooled_engine, client, start))

    kept = {
        _tag_code(c, n)
        for c in range(CLIENTS)
        for n in range(ROUNDS)
        if not (n % 2 == 0 and n + 1 < ROUNDS)
    } | {SHARED_TAG}
    with direct_engine.connect() as conn:
        assert set(conn.scalars(select(Tag.code))) == kept
        tagged = conn.execute(select(Tagged.doc_id)).all()
        assert len(tagged) == CLIENTS * ROUNDS + len(kept) - 1  # the shared tag's, and own
        assert graph_rows_diff(conn, Base.metadata) == []
        # the key map holds exactly the live text keys: none leaked, none missing
        mapped = {
            label: set(keys)
            for label, keys in conn.execute(
                text(
                    f'SELECT l.name, array_agg(k.key) FROM "{GRAPH}"."tridb$keys" k '
                    "JOIN ag_catalog.ag_label l ON l.id = k.label "
                    "JOIN ag_catalog.ag_graph g ON g.graphid = l.graph AND g.name = :graph "
                    "GROUP BY l.name"
                ),
                {"graph": GRAPH},
            )
        }
        edges = {
            json.dumps([str(d), t], separators=(",", ":"))
            for d, t in conn.execute(select(Tagged.doc_id, Tagged.tag_code))
        }
        assert mapped == {"Tag": kept, "TAGGED": edges}
    assert pgbouncer.process.poll() is None, pgbouncer.log.read_text(errors="replace")
