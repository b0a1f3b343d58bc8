"""Adopting the mirror over rows that exist (issue 12): sync and check, against baselines.

N rows of a ``GraphNode`` table and N association edges between them exist
without a graph (the application before the mixins).  Measured in one run:

1. ``sync_graph`` of the vertices, then of the edges: rows per second, in
   batches of ``--batch-size`` (one transaction each).  Targets: >= 200,000
   vertices/s, >= 100,000 edges/s.
2. ``check_graph`` of the synced graph.  Target: < 30 s.
3. Memory: the Python process's peak allocations during the sync (tracemalloc)
   at N and at N/10: flat whatever N.
4. Baselines: one plain ``INSERT ... SELECT`` of the same vertices and edges
   into AGE's label tables (properties built inline; no key map, no batches),
   and one Cypher ``CREATE`` per vertex (a sample of ``--cypher`` vertices).

    python benchmarks/bench_sync.py                 # N = 1,000,000
    python benchmarks/bench_sync.py --n 20000       # quicker
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
import tracemalloc
from typing import Any

from _common import scratch_engine, timed
from sqlalchemy import Engine, ForeignKey, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from sqlalchemy_tridb import GraphEdge, GraphNode, check_graph, sync_graph
from sqlalchemy_tridb.graph import create_graph_objects, registry_for

GRAPH = "bench_sync"


class Base(DeclarativeBase):
    pass


class Person(GraphNode, Base):
    __tablename__ = "person"
    __graph__ = GRAPH
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    age: Mapped[int]


class Follows(GraphEdge, Base):
    __tablename__ = "follows"
    __edge_label__ = "FOLLOWS"
    __edge_source__ = "follower_id"
    __edge_target__ = "followee_id"
    id: Mapped[int] = mapped_column(primary_key=True)
    follower_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    followee_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    since: Mapped[dt.date]


def _load(engine: Engine, n: int) -> None:
    """The application's tables and rows, no graph: N people, N follows."""
    with engine.begin() as conn:
        for table in Base.metadata.sorted_tables:
            table.create(conn)
        conn.execute(
            text(
                "INSERT INTO person (id, name, age) "
                "SELECT i, 'person ' || i, i % 90 FROM generate_series(1, :n) i"
            ),
            {"n": n},
        )
        conn.execute(
            text(
                "INSERT INTO follows (id, follower_id, followee_id, since) "
                "SELECT i, i, 1 + (i::bigint * 7919) % :n, date '2020-01-01' + i % 1000 "
                "FROM generate_series(1, :n) i"
            ),
            {"n": n},
        )
        conn.execute(text("ANALYZE person; ANALYZE follows"))
    with engine.begin() as conn:
        create_graph_objects(conn, registry_for(Base.metadata))  # graph, labels, triggers


def _empty_graph(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text(f'TRUNCATE "{GRAPH}"."Person", "{GRAPH}"."FOLLOWS"'))
        conn.execute(text(f'TRUNCATE "{GRAPH}"."tridb$keys", "{GRAPH}"."tridb$sync"'))


def _sync(engine: Engine, batch_size: int) -> dict[str, float]:
    out: dict[str, float] = {}
    tracemalloc.start()
    for label in ("Person", "FOLLOWS"):
        out[label] = timed(
            lambda label=label: sync_graph(
                engine, Base, labels=[label], batch_size=batch_size, install=False
            )
        )
    out["peak_kib"] = tracemalloc.get_traced_memory()[1] / 1024
    tracemalloc.stop()
    return out


def _plain_sql(engine: Engine) -> dict[str, float]:
    """One INSERT ... SELECT per label into AGE's tables (the fastest hand-written load)."""
    _empty_graph(engine)
    with engine.begin() as conn:
        p, f = (
            conn.execute(
                text(f"SELECT ag_catalog._label_id('{GRAPH}', '{name}')::int")
            ).scalar_one()
            for name in ("Person", "FOLLOWS")
        )
    vertices = (
        f'INSERT INTO "{GRAPH}"."Person" (id, properties) '
        f"SELECT ag_catalog._graphid({p}, id), ('{{\"id\": ' || id || ', \"name\": ' || "
        "to_json(name)::text || ', \"age\": ' || age || '}')::ag_catalog.agtype FROM person"
    )
    edges = (
        f'INSERT INTO "{GRAPH}"."FOLLOWS" (id, start_id, end_id, properties) '
        f"SELECT ag_catalog._graphid({f}, id), ag_catalog._graphid({p}, follower_id), "
        f'ag_catalog._graphid({p}, followee_id), (\'{{"id": \' || id || \', "since": "\' || '
        "since || '\"}')::ag_catalog.agtype FROM follows"
    )
    out = {}
    for name, sql in (("Person", vertices), ("FOLLOWS", edges)):
        with engine.begin() as conn:
            conn.execute(text("SET LOCAL jit = off"))
            start = time.perf_counter()
            conn.execute(text(sql))
            out[name] = time.perf_counter() - start
    return out


def _cypher(engine: Engine, k: int) -> float:
    """Seconds per vertex of one Cypher CREATE each (k of them, one transaction)."""

    def create(conn: Any, i: int) -> None:
        conn.exec_driver_sql(
            f"SELECT * FROM ag_catalog.cypher('{GRAPH}', $$ CREATE (:CypherPerson "
            f"{{id: {i}, name: 'person {i}', age: {i % 90}}}) $$) AS (v ag_catalog.agtype)"
        )

    with engine.begin() as conn:
        create(conn, -1)  # the label, made by the first CREATE, is not timed
    with engine.begin() as conn:
        start = time.perf_counter()
        for i in range(k):
            create(conn, i)
        return (time.perf_counter() - start) / k


def run(n: int, batch_size: int, cypher: int) -> dict[str, Any]:
    """The whole benchmark on a scratch database; returns its figures."""
    with scratch_engine("bench_sync_small") as engine:  # AGE: a database per graph made
        _load(engine, max(n // 10, 1000))
        small = _sync(engine, batch_size)
    with scratch_engine("bench_sync") as engine:
        _load(engine, n)
        synced = _sync(engine, batch_size)
        start = time.perf_counter()
        report = check_graph(engine, Base)
        check_s = time.perf_counter() - start
        assert report.drift == 0, report.table()
        plain = _plain_sql(engine)
        per_cypher = _cypher(engine, cypher)
    vps, eps = n / synced["Person"], n / synced["FOLLOWS"]
    return {
        "n": n,
        "batch_size": batch_size,
        "sync_vertices_per_s": vps,
        "sync_edges_per_s": eps,
        "check_s": check_s,
        "peak_kib": synced["peak_kib"],
        "peak_kib_at_n_10": small["peak_kib"],
        "plain_sql_vertices_per_s": n / plain["Person"],
        "plain_sql_edges_per_s": n / plain["FOLLOWS"],
        "cypher_create_per_s": 1 / per_cypher,
        "vertices_vs_plain_sql": vps / (n / plain["Person"]),
        "edges_vs_plain_sql": eps / (n / plain["FOLLOWS"]),
        "vertices_vs_cypher": vps * per_cypher,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="rows, and edges")
    parser.add_argument("--batch-size", type=int, default=50_000)
    parser.add_argument("--cypher", type=int, default=2000, help="Cypher CREATEs to time")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    r = run(args.n, args.batch_size, args.cypher)
    if args.json:
        print(json.dumps(r, indent=2))
        return
    print(f"N = {r['n']:,} rows and {r['n']:,} edges, batches of {r['batch_size']:,}")
    print(
        f"sync: {r['sync_vertices_per_s']:,.0f} vertices/s (target >= 200,000), "
        f"{r['sync_edges_per_s']:,.0f} edges/s (target >= 100,000)"
    )
    print(f"check: {r['check_s']:.1f} s (target < 30 s)")
    print(
        f"memory: peak {r['peak_kib']:,.0f} KiB of Python allocations at N, "
        f"{r['peak_kib_at_n_10']:,.0f} KiB at N/10"
    )
    print(
        f"plain SQL into the label tables: {r['plain_sql_vertices_per_s']:,.0f} vertices/s, "
        f"{r['plain_sql_edges_per_s']:,.0f} edges/s; sync = "
        f"{r['vertices_vs_plain_sql']:.2f}x / {r['edges_vs_plain_sql']:.2f}x of that"
    )
    print(
        f"one Cypher CREATE per vertex: {r['cypher_create_per_s']:,.0f}/s; "
        f"sync = {r['vertices_vs_cypher']:,.0f}x that"
    )


if __name__ == "__main__":
    main()
