"""bulk_load(): binary COPY, embeddings in provider batches, graph via the triggers, index after.

Every test reads the outcome back from the database: a bulk load and an ORM
insert of the same data (two clones of one template) give equal rows, vectors,
vertices and edges; the vector index is there and valid; a failure leaves nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from graph.mirror_check import graph_rows_diff  # tests/ is on sys.path (tests/conftest.py)
from sqlalchemy import Connection, Engine, ForeignKey, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from sqlalchemy_tridb.embedding import DeterministicProvider, providers
from sqlalchemy_tridb.graph import GraphEdge, GraphNode
from sqlalchemy_tridb.testing import tridb_database_factory, tridb_engine_factory
from sqlalchemy_tridb.vector import HNSW, Embedding, install_embedding_sync
from sqlalchemy_tridb.vector.bulk import BulkLoadError, bulk_load

from .conftest import CountingProvider

DIM = 16
EMBED = DeterministicProvider(dimension=DIM, name="bulk_test")


class Base(DeclarativeBase):
    pass


class Author(GraphNode, Base):
    __tablename__ = "bulk_author"
    __graph__ = "bulk_test"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]


class Doc(GraphNode, Base):
    __tablename__ = "bulk_doc"
    __graph__ = "bulk_test"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str]
    rank: Mapped[int] = mapped_column(default=3)
    embedding: Mapped[list[float] | None] = Embedding(
        source="title", provider="bulk_counting", dim=DIM, index=HNSW(m=4, ef_construction=8)
    )


class Wrote(GraphEdge, Base):
    __tablename__ = "bulk_wrote"
    __edge_label__ = "WROTE"
    __edge_source__ = "author_id"
    __edge_target__ = "doc_id"
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("bulk_author.id"))
    doc_id: Mapped[int] = mapped_column(ForeignKey("bulk_doc.id"))


def _create(conn: Connection) -> None:
    Base.metadata.create_all(conn)


bulk_template = tridb_database_factory(load=[_create])
bulk_engine = tridb_engine_factory("bulk_template")
orm_engine = tridb_engine_factory("bulk_template")

INDEX = "ix_bulk_doc_embedding_hnsw"
AUTHORS = [{"id": i, "name": f"author {i}"} for i in range(1, 6)]
DOCS = [
    {"id": i, "title": f"document {i} about {'rivers' if i % 2 else 'stones'}"}
    for i in range(1, 41)
]
WROTE = [{"id": i, "author_id": 1 + i % 5, "doc_id": i} for i in range(1, 41)]


@pytest.fixture
def counting() -> Iterator[CountingProvider]:
    provider = CountingProvider(inner=EMBED, name="bulk_counting", batch_size=16)
    providers.register(provider, replace=True)
    yield provider


def _snapshot(engine: Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        out: dict[str, Any] = {
            t: conn.execute(text(f"SELECT * FROM {t} ORDER BY id")).all()
            for t in ("bulk_author", "bulk_doc", "bulk_wrote")
        }
        out["vectors"] = list(
            conn.scalars(text("SELECT embedding::text FROM bulk_doc ORDER BY id"))
        )
        labels = conn.execute(
            text(
                "SELECT l.name, l.kind FROM ag_catalog.ag_label l JOIN ag_catalog.ag_graph g "
                "ON g.graphid = l.graph WHERE g.name = 'bulk_test' AND l.name NOT LIKE '\\_ag%' "
                "ORDER BY l.name"
            )
        ).all()
        for name, kind in labels:
            cols = "id, properties" if kind == "v" else "start_id, end_id, properties"
            out[f"label {name}"] = sorted(
                tuple(r) for r in conn.execute(text(f'SELECT {cols} FROM bulk_test."{name}"'))
            )
        assert graph_rows_diff(conn, Base.metadata) == []
    return out


def _index_state(engine: Engine) -> tuple[bool, bool, str | None] | None:
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT i.indisvalid, i.indisready, pg_catalog.obj_description(c.oid, 'pg_class') "
                "FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid "
                "WHERE c.relname = :n"
            ),
            {"n": INDEX},
        ).first()
    return None if row is None else (row[0], row[1], row[2])


def _bulk(engine: Engine, **kwargs: Any) -> Any:
    bulk_load(engine, Author, AUTHORS)
    report = bulk_load(engine, Doc, DOCS, **kwargs)
    bulk_load(engine, Wrote, WROTE)
    return report


def test_bulk_load_equals_orm_insert(
    bulk_engine: Engine, orm_engine: Engine, counting: CountingProvider
) -> None:
    with bulk_engine.begin() as conn:
        conn.exec_driver_sql(f"COMMENT ON INDEX {INDEX} IS 'tridb.tune: ef_search=77'")
    report = _bulk(bulk_engine, batch_size=16)
    assert (report.rows, report.embedded, report.batches) == (40, 40, 3)
    assert report.indexes == [INDEX]
    # one provider call per batch, each text once
    assert [len(c) for c in counting.calls] == [16, 16, 8]
    counting.calls.clear()

    with Session(orm_engine) as s, install_embedding_sync(s):
        s.add_all(Author(**a) for a in AUTHORS)
        s.add_all(Doc(**d) for d in DOCS)
        s.flush()
        s.add_all(Wrote(**w) for w in WROTE)
        s.commit()

    bulk, orm = _snapshot(bulk_engine), _snapshot(orm_engine)
    assert bulk["bulk_doc"][0].rank == 3  # the Python-side default
    assert any(k.startswith("label") for k in bulk) and len(bulk["label WROTE"]) == 40
    assert bulk == orm
    # the index was rebuilt (valid) and kept tune_search's comment
    assert _index_state(bulk_engine) == (True, True, "tridb.tune: ef_search=77")


def test_precomputed_vectors_are_stored_as_given(
    bulk_engine: Engine, counting: CountingProvider
) -> None:
    vectors = np.random.default_rng(1).standard_normal((len(DOCS), DIM)).astype(np.float32)
    rows = [{**d, "embedding": v} for d, v in zip(DOCS, vectors, strict=True)]
    rows[3]["embedding"] = None  # computed
    report = bulk_load(bulk_engine, Doc, rows, build_index_after=False)
    assert (report.rows, report.embedded, report.indexes) == (40, 1, [])
    assert counting.texts == [DOCS[3]["title"]]
    with bulk_engine.connect() as conn:
        stored = [
            v.to_numpy() for v in conn.scalars(text("SELECT embedding FROM bulk_doc ORDER BY id"))
        ]
    np.testing.assert_array_equal(stored[0], vectors[0])
    np.testing.assert_allclose(stored[3], EMBED.embed([DOCS[3]["title"]])[0], rtol=1e-6)
    assert _index_state(bulk_engine) == (True, True, None)


def _nothing_written(engine: Engine) -> None:
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM bulk_doc")) == 0
        assert conn.scalar(text('SELECT count(*) FROM bulk_test."Doc"')) == 0
    assert _index_state(engine) == (True, True, None)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"embedding": [1.0, 2.0]}, "expected a vector of 16 dimensions"),
        ({"embedding": [float("nan")] * DIM}, "NaN or Inf"),
        ({"colour": "red"}, "differs from the first row in key"),
    ],
)
def test_bad_row_mid_load_leaves_nothing(
    bulk_engine: Engine, counting: CountingProvider, bad: dict[str, Any], message: str
) -> None:
    rows = [dict(d) for d in DOCS]
    rows[30].update(bad)  # in the second batch: the first one was already copied
    with pytest.raises(BulkLoadError, match=message):
        bulk_load(bulk_engine, Doc, rows, batch_size=16)
    _nothing_written(bulk_engine)


def test_unknown_key_is_refused(bulk_engine: Engine, counting: CountingProvider) -> None:
    with pytest.raises(BulkLoadError, match="no column attribute"):
        bulk_load(bulk_engine, Doc, [{"id": 1, "titel": "x"}])
    _nothing_written(bulk_engine)


def test_server_error_mid_load_leaves_nothing(
    bulk_engine: Engine, counting: CountingProvider
) -> None:
    rows = [dict(d) for d in DOCS]
    rows[35]["id"] = 2  # a duplicate key, seen by the server in the third COPY
    with pytest.raises(Exception, match="duplicate key"):
        bulk_load(bulk_engine, Doc, rows, batch_size=16)
    _nothing_written(bulk_engine)


def test_savepoint_on_a_connection_in_a_transaction(
    bulk_engine: Engine, counting: CountingProvider
) -> None:
    with bulk_engine.connect() as conn, conn.begin():
        bulk_load(conn, Author, AUTHORS)
        with pytest.raises(BulkLoadError):
            bulk_load(conn, Doc, [*DOCS[:2], {"id": 99, "title": "x", "embedding": [0.0]}])
        assert conn.scalar(text("SELECT count(*) FROM bulk_author")) == 5
        assert conn.scalar(text("SELECT count(*) FROM bulk_doc")) == 0
    with bulk_engine.connect() as conn:
        assert conn.scalar(text('SELECT count(*) FROM bulk_test."Author"')) == 5
