"""Scale-out benchmark (issue 17): a streaming replica, partitioned vectors, HNSW limits.

Parts (``--only`` picks some):

``mixed``
    8 clients (threads, one long-lived session each) for ``--seconds`` each
    run a mix of reads (``nearest()`` k=10, a 2-hop ``reachable_from``) and
    writes (a product with its embedding and a purchase edge: rows, vertex and
    edge in one transaction), first with plain sessions on the primary, then
    with `RoutingSession` (reads on a replica, read-your-writes by waiting for
    replay).  Prints operations/s of both and their ratio, read p50s, and the
    largest replica lag seen.  On 2 cores the replica competes with the
    primary for the same CPUs: the ratio shows the routing's overhead and
    correctness, not scale.
``hnsw``
    ``--rows`` (100,000) random 384-dim vectors: HNSW build time and size
    (m=16, ef_construction=64, maintenance_work_mem 1GB), table size.
``partition``
    the same rows copied into a table partitioned by tenant (``--tenants``
    10) with HNSW on the parent (one per partition): build time, then
    ``nearest()`` p50 with the tenant in the filter (one partition) against
    the unpartitioned table with the same filter, and without a filter
    (merged top k) against the unpartitioned table.
``traversal``
    ``--vertices`` (100,000) and ``--edges`` (1,000,000) written through the
    sync triggers, then a replica made of it (``pg_basebackup`` time), and
    2- and 3-hop ``reachable_from`` p50 over ``--samples`` (30) random starts
    on the primary and on the replica.

Both servers run in a scratch home (a primary and its replica of their own),
removed at the end.

    python benchmarks/bench_replica.py                        # everything, ~5 min on 2 cores
    python benchmarks/bench_replica.py --only mixed --seconds 5
    python benchmarks/bench_replica.py --rows 20000 --only hnsw --only partition
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import random
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine, ForeignKey, create_engine, insert, make_url, select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from sqlalchemy_tridb.embedding import DeterministicProvider
from sqlalchemy_tridb.graph import GraphEdge, GraphNode
from sqlalchemy_tridb.routing import Router, RoutingSession
from sqlalchemy_tridb.server import LocalServer, ServerConfig, create_database
from sqlalchemy_tridb.vector import HNSW, Embedding, EmbeddingSearchMixin, install_embedding_sync

DIM = 384
EMBED = DeterministicProvider(dimension=DIM, name="bench_replica")


class Base(DeclarativeBase):
    pass


class Customer(GraphNode, Base):
    __tablename__ = "customer"
    __graph__ = "bench_shop"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]


class Product(GraphNode, EmbeddingSearchMixin, Base):
    __tablename__ = "product"
    __graph__ = "bench_shop"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    embedding: Mapped[list[float] | None] = Embedding(source="name", provider=EMBED, index=HNSW())


class Purchase(GraphEdge, Base):
    __tablename__ = "purchase"
    __edge_label__ = "BOUGHT"
    __edge_source__ = "customer_id"
    __edge_target__ = "product_id"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"))


WORDS = ("wireless", "headphones", "speaker", "lamp", "desk", "chair", "knife", "pan", "oak")


def _name(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(4))


# -- mixed reads and writes ---------------------------------------------------
@dataclasses.dataclass
class Tally:
    reads: int = 0
    writes: int = 0
    read_times: list[float] = dataclasses.field(default_factory=list)
    errors: list[str] = dataclasses.field(default_factory=list)
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)


def _load_shop(engine: Engine, products: int, customers: int, purchases: int) -> None:
    Base.metadata.create_all(engine)
    rng = random.Random(1)
    with Session(engine) as session, install_embedding_sync(session):
        session.execute(insert(Customer), [{"id": i, "name": f"c{i}"} for i in range(customers)])
        session.execute(insert(Product), [{"id": i, "name": _name(rng)} for i in range(products)])
        session.execute(
            insert(Purchase),
            [
                {
                    "id": i,
                    "customer_id": rng.randrange(customers),
                    "product_id": rng.randrange(products),
                }
                for i in range(purchases)
            ],
        )
        session.commit()
        session.execute(text("ANALYZE"))
        session.commit()


def _client(
    make: Callable[[], Session],
    seed: int,
    until: float,
    write_share: float,
    ids: dict[str, Any],
    tally: Tally,
) -> None:
    rng = random.Random(seed)
    with make() as session, install_embedding_sync(session):
        while time.monotonic() < until:
            try:
                if rng.random() < write_share:
                    pid = next(ids["product"])
                    session.add(Product(id=pid, name=_name(rng)))
                    session.flush()
                    session.add(
                        Purchase(
                            id=pid, customer_id=rng.randrange(ids["customers"]), product_id=pid
                        )
                    )
                    session.commit()
                    with tally.lock:
                        tally.writes += 1
                else:
                    start = time.perf_counter()
                    if rng.random() < 0.5:
                        session.scalars(Product.nearest(_name(rng), k=10)).all()
                    else:
                        who = session.get(Customer, rng.randrange(ids["customers"]))
                        session.scalars(
                            select(Product.id)
                            .where(
                                Product.reachable_from(who, "BOUGHT", max_hops=2, direction="both")
                            )
                            .limit(50)
                        ).all()
                    session.commit()
                    elapsed = time.perf_counter() - start
                    with tally.lock:
                        tally.reads += 1
                        tally.read_times.append(elapsed)
                session.expunge_all()
            except Exception as err:  # a benchmark reports, it does not stop
                session.rollback()
                with tally.lock:
                    tally.errors.append(repr(err)[:200])


def _run_mixed(
    make: Callable[[], Session],
    seconds: float,
    clients: int,
    write_share: float,
    ids: dict[str, Any],
) -> Tally:
    tally = Tally()
    until = time.monotonic() + seconds
    threads = [
        threading.Thread(target=_client, args=(make, i, until, write_share, ids, tally))
        for i in range(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return tally


def _standby_transactions(replica: Engine) -> int:
    """Transactions the standby has run in its database (its own statistics)."""
    with replica.connect() as conn:
        conn.execute(text("SELECT pg_stat_clear_snapshot()"))
        got = conn.execute(
            text("SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = 'bench'")
        ).scalar()
    return int(got or 0)


def bench_mixed(
    server: LocalServer, primary: Engine, replica: Engine, args: argparse.Namespace
) -> dict[str, Any]:
    _load_shop(primary, args.products, args.customers, args.purchases)
    ids: dict[str, Any] = {"product": itertools.count(10_000_000), "customers": args.customers}
    results: dict[str, Any] = {}
    lag_seen = [0]
    stop = threading.Event()

    def watch() -> None:
        while not stop.wait(0.25):
            status = server.replica("bench")
            if status.lag_bytes is not None:
                lag_seen[0] = max(lag_seen[0], status.lag_bytes)

    router = Router(primary, [replica], wait_timeout=1.0)
    setups: list[tuple[str, Callable[[], Session]]] = [
        ("primary alone", sessionmaker(bind=primary)),
        ("primary + replica (routing)", sessionmaker(class_=RoutingSession, router=router)),
    ]
    for label, make in setups:
        _run_mixed(make, min(2.0, args.seconds), args.clients, args.write_share, ids)  # warm-up
        watcher = threading.Thread(target=watch)
        lag_seen[0] = 0
        stop.clear()
        watcher.start()
        before = _standby_transactions(replica)
        tally = _run_mixed(make, args.seconds, args.clients, args.write_share, ids)
        on_replica = _standby_transactions(replica) - before
        stop.set()
        watcher.join()
        ops = (tally.reads + tally.writes) / args.seconds
        results[label] = {
            "ops_per_s": round(ops, 1),
            "writes_per_s": round(tally.writes / args.seconds, 1),
            "reads_per_s": round(tally.reads / args.seconds, 1),
            "read_p50_ms": round(statistics.median(tally.read_times) * 1000, 2)
            if tally.read_times
            else None,
            "max_lag_bytes": lag_seen[0] if "replica" in label else None,
            "replica_transactions": on_replica,
            "errors": len(tally.errors),
            "first_error": tally.errors[0] if tally.errors else None,
        }
        if "replica" in label:
            results[label]["router_incl_warmup"] = dataclasses.asdict(router.stats())
        print(f"  {label:30s} {ops:8.1f} ops/s  ({results[label]})", flush=True)
    router.close()
    a, b = results["primary alone"], results["primary + replica (routing)"]
    results["ratio"] = round(b["ops_per_s"] / a["ops_per_s"], 2)
    print(f"  routing / primary alone: {results['ratio']}x ops/s", flush=True)
    return results


# -- HNSW and partitions -------------------------------------------------------
FILL = """
INSERT INTO {table} (id, tenant, embedding)
SELECT i, i % :tenants,
       (SELECT array_agg(random()::real - 0.5 + 0 * (g + i))
          FROM generate_series(1, {dim}) AS g)::vector({dim})
  FROM generate_series(0, :rows - 1) AS i
"""


def _hnsw_build(conn: Any, table: str) -> float:
    start = time.perf_counter()
    conn.execute(text("SET maintenance_work_mem = '1GB'"))
    conn.execute(
        text(
            f"CREATE INDEX {table}_hnsw ON {table} USING hnsw (embedding vector_cosine_ops)"
            " WITH (m = 16, ef_construction = 64)"
        )
    )
    return time.perf_counter() - start


def _size_mb(conn: Any, sql: str) -> float:
    return round(float(conn.execute(text(sql)).scalar()) / 1e6, 1)


def bench_hnsw(primary: Engine, args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {"rows": args.rows, "dim": DIM}
    with primary.connect() as conn:
        conn.execute(
            text(
                "CREATE TABLE flat (id int PRIMARY KEY, tenant int NOT NULL,"
                f" embedding vector({DIM}))"
            )
        )
        start = time.perf_counter()
        conn.execute(
            text(FILL.format(table="flat", dim=DIM)), {"rows": args.rows, "tenants": args.tenants}
        )
        conn.commit()
        out["fill_s"] = round(time.perf_counter() - start, 1)
        out["build_s"] = round(_hnsw_build(conn, "flat"), 1)
        conn.execute(text("CREATE INDEX flat_tenant ON flat (tenant)"))
        conn.commit()
        conn.execute(text("ANALYZE flat"))
        conn.commit()
        out["index_mb"] = _size_mb(conn, "SELECT pg_relation_size('flat_hnsw')")
        out["table_mb"] = _size_mb(conn, "SELECT pg_table_size('flat')")
        out["workers"] = conn.execute(text("SHOW max_parallel_maintenance_workers")).scalar()
    per = args.rows / 100_000
    out["index_mb_per_100k"] = round(out["index_mb"] / per, 1)
    out["build_s_per_100k"] = round(out["build_s"] / per, 1)
    # 10M: size grows linearly; build time at least linearly (n log n for the graph)
    scale = 10_000_000 / args.rows
    out["index_gb_at_10m"] = round(out["index_mb"] * scale / 1000, 1)
    out["build_h_at_10m_linear"] = round(out["build_s"] * scale / 3600, 2)
    out["build_h_at_10m_nlogn"] = round(
        float(out["build_s"] * scale * np.log(10_000_000) / np.log(args.rows) / 3600), 2
    )
    print(f"  hnsw: {out}", flush=True)
    return out


class _VecBase(DeclarativeBase):
    """Models over the tables made by SQL above (never created from these)."""


class _Flat(EmbeddingSearchMixin, _VecBase):
    __tablename__ = "flat"
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant: Mapped[int]
    embedding: Mapped[list[float] | None] = Embedding(
        source=lambda row: None, provider=EMBED, index=None
    )


class _Part(EmbeddingSearchMixin, _VecBase):
    __tablename__ = "part"
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant: Mapped[int] = mapped_column(primary_key=True)
    embedding: Mapped[list[float] | None] = Embedding(
        source=lambda row: None, provider=EMBED, index=None
    )


def _p50_ms(session: Session, stmts: list[Any]) -> float:
    times = []
    for stmt in stmts:
        start = time.perf_counter()
        session.scalars(stmt).all()
        session.commit()
        times.append(time.perf_counter() - start)
    return round(statistics.median(times) * 1000, 2)


def bench_partition(primary: Engine, args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {"tenants": args.tenants}
    with primary.connect() as conn:
        conn.execute(
            text(
                f"CREATE TABLE part (id int, tenant int NOT NULL, embedding vector({DIM}),"
                " PRIMARY KEY (id, tenant)) PARTITION BY LIST (tenant)"
            )
        )
        for t in range(args.tenants):
            conn.execute(text(f"CREATE TABLE part_t{t} PARTITION OF part FOR VALUES IN ({t})"))
        conn.execute(text("INSERT INTO part SELECT id, tenant, embedding FROM flat"))
        conn.commit()
        out["build_s"] = round(_hnsw_build(conn, "part"), 1)
        conn.commit()
        conn.execute(text("ANALYZE part"))
        conn.commit()
        out["index_mb"] = _size_mb(
            conn,
            "SELECT sum(pg_relation_size(i.indexrelid)) FROM pg_index i"
            " JOIN pg_class c ON c.oid = i.indrelid WHERE c.relname LIKE 'part\\_t%'"
            " AND i.indexrelid::regclass::text LIKE '%embedding%'",
        )
    rng = np.random.default_rng(7)
    queries = [rng.random(DIM, dtype=np.float32) - 0.5 for _ in range(args.queries)]
    tenants = [int(rng.integers(args.tenants)) for _ in queries]
    with Session(primary) as session:
        for _ in range(2):  # warm the caches of both tables
            _p50_ms(session, [_Flat.nearest(q, k=10) for q in queries[:10]])
            _p50_ms(session, [_Part.nearest(q, k=10) for q in queries[:10]])
        out["filtered_flat_ms"] = _p50_ms(
            session,
            [
                _Flat.nearest(q, k=10).where(_Flat.tenant == t)
                for q, t in zip(queries, tenants, strict=True)
            ],
        )
        out["filtered_partition_ms"] = _p50_ms(
            session,
            [
                _Part.nearest(q, k=10).where(_Part.tenant == t)
                for q, t in zip(queries, tenants, strict=True)
            ],
        )
        out["unfiltered_flat_ms"] = _p50_ms(session, [_Flat.nearest(q, k=10) for q in queries])
        out["unfiltered_partition_ms"] = _p50_ms(session, [_Part.nearest(q, k=10) for q in queries])
    out["filtered_ratio_flat_over_partition"] = round(
        out["filtered_flat_ms"] / out["filtered_partition_ms"], 2
    )
    out["unfiltered_ratio_partition_over_flat"] = round(
        out["unfiltered_partition_ms"] / out["unfiltered_flat_ms"], 2
    )
    print(f"  partition: {out}", flush=True)
    return out


class _WalkBase(DeclarativeBase):
    """The traversal part's graph, in a database of its own."""


class Node(GraphNode, _WalkBase):
    __tablename__ = "node"
    __graph__ = "bench_walk"
    id: Mapped[int] = mapped_column(primary_key=True)


class Knows(GraphEdge, _WalkBase):
    __tablename__ = "knows"
    __edge_label__ = "KNOWS"
    __edge_source__ = "src"
    __edge_target__ = "dst"
    id: Mapped[int] = mapped_column(primary_key=True)
    src: Mapped[int] = mapped_column(ForeignKey("node.id"))
    dst: Mapped[int] = mapped_column(ForeignKey("node.id"))


def bench_traversal(
    server: LocalServer, server_url: str, args: argparse.Namespace
) -> dict[str, Any]:
    """2- and 3-hop ``reachable_from`` p50 at ``--edges`` edges, on the primary and on a replica."""
    url = create_database(server_url, "walk", replace=True)
    engine = create_engine(url, plugins=["tridb"])
    out: dict[str, Any] = {"vertices": args.vertices, "edges": args.edges}
    start = time.perf_counter()
    with engine.begin() as conn:  # the sync triggers write the vertices and edges
        _WalkBase.metadata.create_all(conn)
        conn.execute(
            text("INSERT INTO node (id) SELECT g FROM generate_series(1, :v) g"),
            {"v": args.vertices},
        )
        conn.execute(
            text(
                "INSERT INTO knows (id, src, dst) SELECT g, 1 + (hashint4(g) & 2147483647) % :v,"
                " 1 + (hashint4(g + 7777777) & 2147483647) % :v FROM generate_series(1, :e) g"
            ),
            {"v": args.vertices, "e": args.edges},
        )
        conn.execute(text('ANALYZE bench_walk."KNOWS"'))
        conn.execute(text('ANALYZE bench_walk."Node"'))
    out["build_s"] = round(time.perf_counter() - start, 1)
    start = time.perf_counter()
    rep = server.start_replica("walk")
    out["replica_basebackup_s"] = round(time.perf_counter() - start, 1)
    assert rep.url is not None
    standby = create_engine(make_url(rep.url).set(database="walk"), plugins=["tridb"])
    rng = random.Random(3)
    starts = [rng.randrange(1, args.vertices + 1) for _ in range(args.samples)]
    for where, eng in (("primary", engine), ("replica", standby)):
        with Session(eng) as session:
            for hops in (2, 3):
                times = []
                for node_id in [*starts[:3], *starts]:  # three warm-up queries first
                    t = time.perf_counter()
                    who = session.get(Node, node_id)
                    session.scalars(
                        select(Node.id).where(Node.reachable_from(who, "KNOWS", max_hops=hops))
                    ).all()
                    session.commit()
                    times.append(time.perf_counter() - t)
                out[f"{where}_{hops}hop_p50_ms"] = round(statistics.median(times[3:]) * 1000, 2)
    standby.dispose()
    engine.dispose()
    server.stop_replica("walk", remove=True)
    print(f"  traversal: {out}", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only", action="append", choices=["mixed", "hnsw", "partition", "traversal"]
    )
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--write-share", type=float, default=0.2)
    parser.add_argument("--products", type=int, default=5000)
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--purchases", type=int, default=10000)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--tenants", type=int, default=10)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--vertices", type=int, default=100_000)
    parser.add_argument("--edges", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()
    parts = args.only or ["mixed", "hnsw", "partition", "traversal"]
    if "partition" in parts and "hnsw" not in parts:
        parts.insert(0, "hnsw")  # the partitioned copy is made from hnsw's table
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench_replica_") as tmp:
        config = dataclasses.replace(ServerConfig.from_env(home=Path(tmp) / ".tridb"), port=None)
        server = LocalServer(config)
        status = server.start()
        assert status.url is not None
        url = create_database(status.url, "bench")
        primary = create_engine(url, plugins=["tridb"], pool_size=args.clients + 2)
        try:
            if "mixed" in parts:
                start = time.perf_counter()
                rep = server.start_replica("bench")
                figures["replica_start_s"] = round(time.perf_counter() - start, 2)
                assert rep.url is not None
                rurl = make_url(rep.url).set(database="bench")
                replica = create_engine(rurl, plugins=["tridb"], pool_size=args.clients + 2)
                print(f"mixed ({args.clients} clients, {args.seconds} s each):", flush=True)
                figures["mixed"] = bench_mixed(server, primary, replica, args)
                replica.dispose()
                server.stop_replica("bench", remove=True)
            if "hnsw" in parts:
                print(f"hnsw ({args.rows} x {DIM}):", flush=True)
                figures["hnsw"] = bench_hnsw(primary, args)
            if "partition" in parts:
                print(f"partition ({args.tenants} tenants):", flush=True)
                figures["partition"] = bench_partition(primary, args)
            if "traversal" in parts:
                print(f"traversal ({args.vertices} vertices, {args.edges} edges):", flush=True)
                figures["traversal"] = bench_traversal(server, status.url, args)
        finally:
            primary.dispose()
            server.stop()
    print(json.dumps(figures, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
