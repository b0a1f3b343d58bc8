"""The sqlalchemy-tridb demo: the three use cases, one process, one model load.

Run it with ``bash scripts/dev.sh demo`` (which starts the local server), or
``python examples/demo.py`` with ``TRIDB_DATABASE_URL`` set. Add
``--provider deterministic`` to skip the model (fast, but not semantic).

It prints the server's PostgreSQL, pgvector and AGE versions, then runs
``ecommerce.py``, ``content.py`` and ``social.py`` (each in a database of its
own, dropped after) and ends with a summary of timings.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence

import content
import ecommerce
import social
from _support import Stages, load_model, parse_args, use_provider
from sqlalchemy import create_engine, text

from sqlalchemy_tridb import server_versions
from sqlalchemy_tridb.server import resolve_database_url


def print_versions() -> None:
    """Create both extensions and a graph on the server's database; print what answers."""
    engine = create_engine(resolve_database_url(), plugins=["tridb"])
    with engine.begin() as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS vector"))
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS age"))
    # The extensions exist now: connections made from here on get pgvector's types.
    engine.dispose()
    with engine.begin() as conn:
        exists = conn.execute(
            text("SELECT count(*) FROM ag_catalog.ag_graph WHERE name = :g"), {"g": "demo_graph"}
        ).scalar_one()
        if not exists:
            conn.execute(text("SELECT ag_catalog.create_graph(:g)"), {"g": "demo_graph"})
        versions = server_versions(conn)
        hello = conn.execute(
            text(
                "SELECT * FROM ag_catalog.cypher('demo_graph', $$ RETURN 'hello from AGE' $$)"
                " AS (greeting ag_catalog.agtype)"
            )
        ).scalar_one()
        distance = conn.execute(text("SELECT '[1,0,0]'::vector <=> '[0,1,0]'::vector")).scalar_one()
    engine.dispose()
    print(f"PostgreSQL {versions.postgresql}")
    print(f"pgvector   {versions.pgvector}   (cosine distance of two axes: {distance})")
    print(f"Apache AGE {versions.age}   (graph 'demo_graph' says {hello})")


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv, "The three use cases of sqlalchemy-tridb, in one process.")
    started = time.perf_counter()
    print_versions()
    use_provider(args.provider)
    setup = Stages("demo")
    load_model(setup)  # once: every example below reuses the loaded model
    passed = ["--provider", args.provider]
    runs = {name: module.main(passed) for name, module in
            (("e-commerce", ecommerce), ("content", content), ("social", social))}  # fmt: skip

    print("\n######## Summary (seconds)")
    print(f"  model load (once)  {setup.timings['model load']:6.2f}")
    print(f"  {'use case':<12} {'schema':>7} {'data load':>10} {'queries':>8} {'total':>7}")
    for name, stages in runs.items():
        t = stages.timings
        queries = sum(v for k, v in t.items() if k not in ("model load", "schema", "data load"))
        total = sum(t.values())
        print(f"  {name:<12} {t['schema']:7.2f} {t['data load']:10.2f} {queries:8.2f} {total:7.2f}")
    print(f"  all done in {time.perf_counter() - started:.2f} s (wall clock, with set-up)")


if __name__ == "__main__":
    main(sys.argv[1:])
