"""Graph mirror benchmarks (issue 4), each printing ratios measured in one run.

1. A flush of N GraphNode rows plus N association edges, mirror on vs mirror off
   (the same tables with the sync triggers disabled).  Target: <= 2x.
2. The mirror's own writes (the same ``INSERT`` of N rows with the sync
   triggers on minus off; the flush difference is printed too) vs one Cypher
   ``CREATE`` per vertex and one ``MATCH ... CREATE`` per edge, both as AGE
   makes labels (no property index: what hand-written AGE code gets) and with
   a btree index on the matched property.  Targets: >= 20x for vertices,
   >= 200x for edges.

    python benchmarks/bench_graph.py            # N = 10000
    python benchmarks/bench_graph.py --n 2000   # quicker
"""

from __future__ import annotations

import argparse
import datetime as dt
import json

from _common import scratch_engine, timed
from sqlalchemy import Engine, ForeignKey, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from sqlalchemy_tridb.graph import GraphEdge, GraphNode

GRAPH = "bench_graph"


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


class Tag(GraphNode, Base):
    """A text key: its vertex ids come from the graph's key map."""

    __tablename__ = "tag"
    __graph__ = GRAPH
    name: Mapped[str] = mapped_column(primary_key=True)
    uses: Mapped[int]


def _key_map_cost(engine: Engine, n: int, repeat: int) -> tuple[float, float]:
    """The mirror's cost per vertex for integer keys and for text keys (through the key map).

    The same ``INSERT ... SELECT`` of n rows into ``person`` and into ``tag``,
    sync triggers on minus off, best of *repeat*.
    """
    statements = {
        "person": "INSERT INTO person (id, name, age) "
        "SELECT g, 'person ' || g, 20 + g % 50 FROM generate_series(1, :n) g",
        "tag": "INSERT INTO tag (name, uses) SELECT 'tag ' || g, g FROM generate_series(1, :n) g",
    }
    best: dict[tuple[str, bool], float] = {}
    for _ in range(repeat):
        for table, sql in statements.items():
            for mirror in (True, False):
                with engine.begin() as conn:
                    conn.execute(text("TRUNCATE person, follows, tag CASCADE"))
                    action = "ENABLE" if mirror else "DISABLE"
                    conn.execute(text(f"ALTER TABLE {table} {action} TRIGGER USER"))
                with engine.begin() as conn:
                    t = timed(lambda c=conn, q=sql: c.execute(text(q), {"n": n}))
                best[(table, mirror)] = min(best.get((table, mirror), float("inf")), t)
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE tag ENABLE TRIGGER USER"))
    return (
        best[("person", True)] - best[("person", False)],
        best[("tag", True)] - best[("tag", False)],
    )


def _flush(engine: Engine, n: int, *, mirror: bool, split: bool = False) -> tuple[float, float]:
    with engine.begin() as conn:
        conn.execute(text("TRUNCATE person, follows CASCADE"))
        for table in ("person", "follows"):
            action = "ENABLE" if mirror else "DISABLE"
            conn.execute(text(f"ALTER TABLE {table} {action} TRIGGER USER"))
        conn.execute(text(f'DELETE FROM {GRAPH}."Person"'))
        conn.execute(text(f'DELETE FROM {GRAPH}."FOLLOWS"'))
    people = [Person(id=i, name=f"person {i}", age=20 + i % 50) for i in range(1, n + 1)]
    follows = [
        Follows(id=i, follower_id=i, followee_id=(i * 7919) % n + 1, since=dt.date(2024, 1, 1))
        for i in range(1, n + 1)
    ]
    with Session(engine) as session:
        session.add_all(people)
        t_vertices = timed(session.flush)
        session.add_all(follows)
        t_edges = timed(session.flush)
        session.commit()
    if mirror:
        with engine.connect() as conn:
            nv = conn.execute(text(f'SELECT count(*) FROM {GRAPH}."Person"')).scalar_one()
            ne = conn.execute(text(f'SELECT count(*) FROM {GRAPH}."FOLLOWS"')).scalar_one()
        assert nv == n and ne == n, (nv, ne)
    return t_vertices, t_edges


def _core_mirror_cost(engine: Engine, n: int, repeat: int) -> tuple[float, float]:
    """The mirror's own cost for n vertices and n edges, isolated from ORM overhead.

    The same ``INSERT ... SELECT`` of n rows with the sync triggers enabled and
    disabled; the difference is what writing the graph costs (best of *repeat*).
    """
    people = (
        "INSERT INTO person (id, name, age) "
        "SELECT g, 'person ' || g, 20 + g % 50 FROM generate_series(1, :n) g"
    )
    follows = (
        "INSERT INTO follows (id, follower_id, followee_id, since) "
        "SELECT g, g, (g * 7919) % :n + 1, DATE '2024-01-01' FROM generate_series(1, :n) g"
    )
    best: dict[bool, tuple[float, float]] = {}
    for _ in range(repeat):
        for mirror in (True, False):
            with engine.begin() as conn:
                conn.execute(text("TRUNCATE person, follows CASCADE"))
                conn.execute(text(f'DELETE FROM {GRAPH}."Person"'))
                conn.execute(text(f'DELETE FROM {GRAPH}."FOLLOWS"'))
                action = "ENABLE" if mirror else "DISABLE"
                for table in ("person", "follows"):
                    conn.execute(text(f"ALTER TABLE {table} {action} TRIGGER USER"))
            with engine.begin() as conn:
                t_v = timed(lambda c=conn: c.execute(text(people), {"n": n}))
                t_e = timed(lambda c=conn: c.execute(text(follows), {"n": n}))
            old = best.get(mirror, (float("inf"), float("inf")))
            best[mirror] = (min(old[0], t_v), min(old[1], t_e))
    with engine.begin() as conn:
        for table in ("person", "follows"):
            conn.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
    return best[True][0] - best[False][0], best[True][1] - best[False][1]


def _cypher_baseline(engine: Engine, n: int, *, indexed: bool) -> tuple[float, float]:
    graph = "bench_cypher_idx" if indexed else "bench_cypher"
    with engine.begin() as conn:
        conn.execute(text(f"SELECT ag_catalog.create_graph('{graph}')"))
        conn.execute(text(f"SELECT ag_catalog.create_vlabel('{graph}', 'Person')"))
        conn.execute(text(f"SELECT ag_catalog.create_elabel('{graph}', 'FOLLOWS')"))
        if indexed:
            conn.execute(
                text(
                    f'CREATE INDEX ON {graph}."Person" '
                    "(ag_catalog.agtype_access_operator(properties, '\"id\"'::ag_catalog.agtype))"
                )
            )
    create_v = (
        f"SELECT * FROM ag_catalog.cypher('{graph}', $$ CREATE (:Person {{id: $id, "
        "name: $name, age: $age}) $$, CAST(%(p)s AS ag_catalog.agtype)) AS (r ag_catalog.agtype)"
    )
    create_e = (
        f"SELECT * FROM ag_catalog.cypher('{graph}', $$ MATCH (a:Person), (b:Person) "
        "WHERE a.id = $a AND b.id = $b CREATE (a)-[:FOLLOWS {since: $since}]->(b) $$, "
        "CAST(%(p)s AS ag_catalog.agtype)) AS (r ag_catalog.agtype)"
    )
    with engine.begin() as conn:

        def vertices() -> None:
            for i in range(1, n + 1):
                params = {"id": i, "name": f"person {i}", "age": 20 + i % 50}
                conn.exec_driver_sql(create_v, {"p": json.dumps(params)})

        t_v = timed(vertices)
        conn.execute(text(f'ANALYZE {graph}."Person"'))

        def edges() -> None:
            for i in range(1, n + 1):
                params = {"a": i, "b": (i * 7919) % n + 1, "since": "2024-01-01"}
                conn.exec_driver_sql(create_e, {"p": json.dumps(params)})

        t_e = timed(edges)
        count = conn.execute(text(f'SELECT count(*) FROM {graph}."FOLLOWS"')).scalar_one()
        assert count == n, count
    return t_v, t_e


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    n = args.n
    with scratch_engine("bench_graph") as engine:
        with engine.begin() as conn:
            Base.metadata.create_all(conn)
        _flush(engine, n, mirror=True)  # warm-up
        _flush(engine, n, mirror=False)
        on: list[tuple[float, float]] = []
        off: list[tuple[float, float]] = []
        for _ in range(args.repeat):  # alternating, so load on a shared machine hits both
            on.append(_flush(engine, n, mirror=True))
            off.append(_flush(engine, n, mirror=False))
        pairs = sorted(sum(a) / sum(b) for a, b in zip(on, off, strict=True))
        on_v, on_e = min(v for v, _ in on), min(e for _, e in on)
        off_v, off_e = min(v for v, _ in off), min(e for _, e in off)
        print(
            "ratio per alternating pair (on / off): "
            + ", ".join(f"{r:.2f}" for r in pairs)
            + f"  (median {pairs[len(pairs) // 2]:.2f}x, target <= 1.3x)"
        )
        print(f"flush of {n} GraphNode rows:        mirror on {on_v:.3f} s, off {off_v:.3f} s")
        print(f"flush of {n} GraphEdge rows:        mirror on {on_e:.3f} s, off {off_e:.3f} s")
        total_ratio = (on_v + on_e) / (off_v + off_e)
        print(f"ratio (on / off, rows + edges):     {total_ratio:.2f}x   (target <= 2x)")
        flush_v, flush_e = on_v - off_v, on_e - off_e
        print(
            f"mirror in the ORM flush (on - off): vertices {flush_v:.3f} s, edges {flush_e:.3f} s"
        )
        mirror_v, mirror_e = _core_mirror_cost(engine, n, args.repeat)
        mirror_v, mirror_e = max(mirror_v, 1e-4), max(mirror_e, 1e-4)
        print(f"mirror's own writes, one INSERT of {n} rows with the sync on - off:")
        print(
            f"                                    vertices {mirror_v:.3f} s, edges {mirror_e:.3f} s"
        )
        print(
            f"                                    ({n / mirror_v:,.0f} vertices/s, "
            f"{n / mirror_e:,.0f} edges/s)"
        )
        int_cost, text_cost = _key_map_cost(engine, n, args.repeat)
        int_cost, text_cost = max(int_cost, 1e-4), max(text_cost, 1e-4)
        print(f"the mirror's cost per vertex, one INSERT of {n} rows (on - off):")
        print(
            f"  integer keys (their own ids):     {int_cost / n * 1e6:.1f} us\n"
            f"  text keys (through the key map):  {text_cost / n * 1e6:.1f} us "
            f"({text_cost / int_cost:.2f}x)"
        )
        for indexed in (False, True):
            cy_v, cy_e = _cypher_baseline(engine, n, indexed=indexed)
            kind = "with a property index" if indexed else "as AGE creates labels (no index)"
            print(f"hand-written Cypher, {kind}:")
            print(f"  one CREATE per vertex:            {cy_v:.3f} s ({n / cy_v:,.0f} vertices/s)")
            print(f"  one MATCH ... CREATE per edge:    {cy_e:.3f} s ({n / cy_e:,.0f} edges/s)")
            print(f"  speed-up of the mirror, vertices: {cy_v / mirror_v:.0f}x   (target >= 20x)")
            print(f"  speed-up of the mirror, edges:    {cy_e / mirror_e:.0f}x   (target >= 200x)")


if __name__ == "__main__":
    main()
