"""An ``Embedding`` column on a natively partitioned table, against the real server."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Iterator
from typing import Any

import numpy as np
import pgvector.sqlalchemy
import pytest
import sqlalchemy
from alembic import op
from alembic.autogenerate import compare_metadata, produce_migrations, render_python_code
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import Connection, Engine, create_engine, select, text
from sqlalchemy.orm import Session

from alembic_ext.plugin import configure_options
from sqlalchemy_tridb.server import create_database, drop_database
from sqlalchemy_tridb.testing import tridb_database_factory, tridb_engine_factory
from sqlalchemy_tridb.vector import install_embedding_sync

from .models import EMBED, TENANTS, Base, Doc, FlatDoc, partition_ddl

PER_TENANT = 60


def _context(conn: Connection) -> MigrationContext:
    return MigrationContext.configure(conn, opts=configure_options(target_metadata=Base.metadata))


def _diffs(conn: Connection) -> list[Any]:
    return list(compare_metadata(_context(conn), Base.metadata))


def _create(conn: Connection) -> None:
    Base.metadata.create_all(conn)


docs_template = tridb_database_factory(load=[_create])
docs_engine = tridb_engine_factory("docs_template")


def _body(tenant: int, i: int) -> str:
    return f"tenant {tenant} document {i} about {('lamps', 'knives', 'pans', 'chairs')[i % 4]}"


@pytest.fixture
def docs(docs_engine: Engine) -> Iterator[Session]:
    with Session(docs_engine) as session, install_embedding_sync(session):
        for model in (Doc, FlatDoc):
            session.add_all(
                model(tenant=t, id=i, body=_body(t, i)) for t in TENANTS for i in range(PER_TENANT)
            )
        session.commit()
        yield session


def _plan_relations(session: Session, stmt: Any) -> set[str]:
    """The tables the plan of *stmt* reads (EXPLAIN, with its bound parameters)."""
    conn = session.connection()
    compiled = stmt.compile(dialect=conn.dialect)
    plan = conn.exec_driver_sql(
        "EXPLAIN (FORMAT JSON) " + compiled.string, compiled.construct_params()
    ).scalar()

    def walk(node: dict[str, Any]) -> Iterator[str]:
        if "Relation Name" in node:
            yield node["Relation Name"]
        for child in node.get("Plans", []):
            yield from walk(child)

    return set(walk(plan[0]["Plan"]))


def test_create_all_makes_one_hnsw_index_per_partition(docs_engine: Engine) -> None:
    with docs_engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT c.relname, i.relname, i.relkind, am.amname"
                " FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
                " JOIN pg_class c ON c.oid = x.indrelid JOIN pg_am am ON am.oid = i.relam"
                " WHERE c.relname LIKE 'doc%' AND am.amname = 'hnsw' ORDER BY 1"
            )
        ).all()
        attached = conn.scalar(
            text(
                "SELECT count(*) FROM pg_inherits h JOIN pg_class p ON p.oid = h.inhparent"
                " WHERE p.relname = 'ix_doc_embedding_hnsw'"
            )
        )
    assert [(t, kind) for t, _, kind, _ in rows] == [
        ("doc", "I"),  # the parent's partitioned index
        *[(f"doc_t{t}", "i") for t in TENANTS],  # one real HNSW index per partition
    ]
    assert attached == len(TENANTS)


def test_nearest_with_the_partition_key_reads_one_partition(docs: Session) -> None:
    stmt = Doc.nearest("lamps", k=5).where(Doc.tenant == 2)
    assert _plan_relations(docs, stmt) == {"doc_t2"}
    got = docs.scalars(stmt).all()
    assert len(got) == 5 and {d.tenant for d in got} == {2}
    flat = docs.scalars(FlatDoc.nearest("lamps", k=5).where(FlatDoc.tenant == 2)).all()
    assert [d.id for d in got] == [d.id for d in flat]


def test_nearest_without_the_key_merges_the_partitions_top_k(docs: Session) -> None:
    k = PER_TENANT + 10  # more than one partition holds
    q = EMBED.embed([_body(3, 5)])[0].astype(np.float64)  # a stored row's own vector
    stmt = Doc.nearest(q.astype(np.float32), k=k)
    assert _plan_relations(docs, stmt) == {f"doc_t{t}" for t in TENANTS}
    found = docs.scalars(stmt).all()
    got = [(d.tenant, d.id) for d in found]
    # brute force: every row's cosine distance, in Python
    rows = docs.execute(select(Doc.tenant, Doc.id, Doc.embedding)).all()

    def dist(v: Any) -> float:
        v = np.asarray(v, dtype=np.float64)
        return float(1 - v @ q / (np.linalg.norm(v) * np.linalg.norm(q)))

    want = sorted(rows, key=lambda r: dist(r[2]))[:k]
    # the same distances in the same order (rows of equal distance may swap)
    assert [dist(d.embedding) for d in found] == pytest.approx([dist(r[2]) for r in want])
    assert got[0] == (3, 5)
    assert len({t for t, _ in got}) > 1  # the top k came from several partitions


@pytest.fixture
def empty_url(tridb_server_url: str) -> Iterator[str]:
    name = f"tridb_partition_{os.getpid()}"
    yield create_database(tridb_server_url, name, replace=True)
    drop_database(tridb_server_url, name)


def test_autogenerate_renders_the_partitioned_table_and_rediffs_empty(empty_url: str) -> None:
    engine = create_engine(empty_url, plugins=["tridb"])
    try:
        with engine.connect() as conn:
            mc = _context(conn)
            ops = produce_migrations(mc, Base.metadata).upgrade_ops
            assert ops is not None
            up = render_python_code(ops, render_item=mc.opts["render_item"], migration_context=mc)
            assert "postgresql_partition_by='LIST (tenant)'" in up
            assert "op.create_index('ix_doc_embedding_hnsw', 'doc', ['embedding']" in up
            assert "postgresql_using='hnsw'" in up
            with Operations.context(MigrationContext.configure(conn)):  # run it as rendered
                body = textwrap.dedent(up.split("###\n", 1)[1].rsplit("# ###", 1)[0])
                exec(body, {"op": op, "sa": sqlalchemy, "pgvector": pgvector})
            for tenant in TENANTS:  # partitions are data: the migration adds them by hand
                conn.execute(text(partition_ddl(tenant)))
            conn.commit()
            assert _diffs(conn) == []
            hnsw = conn.scalar(
                text(
                    "SELECT count(*) FROM pg_indexes WHERE tablename LIKE 'doc_t%'"
                    " AND indexdef LIKE '%USING hnsw%'"
                )
            )
            assert hnsw == len(TENANTS)
        with engine.connect() as conn:  # create_all's database diffs empty too
            conn.execute(text("DROP TABLE doc, flat_doc"))
            Base.metadata.create_all(conn)
            conn.commit()
            assert _diffs(conn) == []
    finally:
        engine.dispose()
