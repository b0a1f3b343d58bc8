"""The sqlalchemy-tridb demo: connect, create both extensions and a graph, print versions.

Run it with ``bash scripts/dev.sh demo`` (which starts the local server), or
``python examples/demo.py`` with ``TRIDB_DATABASE_URL`` set.
"""

from __future__ import annotations

import time

from sqlalchemy import create_engine, text

from sqlalchemy_tridb import server_versions
from sqlalchemy_tridb.server import resolve_database_url


def main() -> None:
    started = time.perf_counter()
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
    print(f"PostgreSQL {versions.postgresql}")
    print(f"pgvector   {versions.pgvector}   (cosine distance of two axes: {distance})")
    print(f"Apache AGE {versions.age}   (graph 'demo_graph' says {hello})")
    print(f"done in {time.perf_counter() - started:.2f} s")
    engine.dispose()


if __name__ == "__main__":
    main()
