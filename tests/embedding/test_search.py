"""Comparators, nearest(), per-query settings and hybrid search against the real database."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import numpy as np
import pytest
from sqlalchemy import Engine, insert, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session, aliased

from sqlalchemy_tridb.embedding import DeterministicProvider, providers
from sqlalchemy_tridb.exc import ConfigurationError
from sqlalchemy_tridb.vector import (
    SearchSettings,
    apply_search_settings,
    hybrid_search,
    install_embedding_sync,
    nearest,
)

from .models import DIM, Base, Product

TINY = DeterministicProvider(dimension=DIM)
WORDS = ["lamp", "kettle", "headphones", "speaker", "pan", "chair", "desk", "cable", "mouse"]


@pytest.fixture
def session(tridb_engine: Engine) -> Iterator[Session]:
    providers.register(TINY, name="products")
    providers.register(TINY, name="tags")
    Base.metadata.create_all(tridb_engine)
    with Session(tridb_engine) as s, install_embedding_sync(s):
        yield s


def compiled(expr: object) -> str:
    return str(expr.compile(dialect=postgresql.dialect()))  # type: ignore[attr-defined]


def test_comparators_compile_to_pgvector_operators() -> None:
    providers.register(TINY, name="products")
    vec = [0.0] * DIM
    assert " <=> " in compiled(Product.embedding.cosine_distance(vec))
    assert " <-> " in compiled(Product.embedding.l2_distance(vec))
    assert " <#> " in compiled(Product.embedding.max_inner_product(vec))
    assert " <+> " in compiled(Product.embedding.l1_distance(vec))
    assert compiled(Product.embedding.similarity(vec)).startswith("1.0 - (product.embedding <=>")
    a = aliased(Product)
    assert "product_1.embedding <=>" in compiled(a.embedding.distance("text"))


def test_text_queries_are_embedded_with_the_column_provider(session: Session) -> None:
    session.add_all([Product(name=w, description=f"a {w}") for w in WORDS])
    session.commit()
    by_text = session.scalars(
        select(Product.name)
        .order_by(Product.embedding.cosine_distance("kettle: a kettle"))
        .limit(1)
    ).one()
    assert by_text == "kettle"
    vec = TINY.embed(["lamp: a lamp"])[0]
    rows = session.execute(
        select(Product.name, Product.embedding.similarity(vec).label("score"))
        .where(Product.embedding.l2_distance(vec) < 0.5)
        .order_by(Product.embedding.max_inner_product(vec))
    ).all()
    assert rows[0].name == "lamp" and rows[0].score == pytest.approx(1.0, abs=1e-5)
    assert len(rows) == 1


def _bulk(session: Session, n: int, *, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    vecs = rng.normal(size=(n, DIM)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    session.execute(
        insert(Product.__table__),  # type: ignore[arg-type]
        [
            {"id": i + 1, "name": f"p{i}", "price": i % 100, "embedding": vecs[i].tolist()}
            for i in range(n)
        ],
    )


def test_nearest_uses_the_hnsw_index(session: Session) -> None:
    with pytest.warns(Warning):  # a Core insert through the session is reported
        _bulk(session, 2000)
    session.execute(text("ANALYZE product"))
    stmt = nearest(Product.embedding, [1.0] + [0.0] * (DIM - 1), k=5)
    assert len(session.scalars(stmt).all()) == 5
    sql = stmt.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
    plan = "\n".join(session.execute(text(f"EXPLAIN {sql}")).scalars())
    assert "Index Scan using ix_product_embedding_hnsw" in plan, plan
    # the one-liner on the model, with a join-able Select
    assert len(session.scalars(Product.nearest("p1", k=3).where(Product.price < 50)).all()) == 3


def test_filtered_nearest_returns_k_rows_by_default(session: Session) -> None:
    with pytest.warns(Warning):
        _bulk(session, 3000, seed=1)
    session.execute(text("ANALYZE product"))
    session.commit()
    q = [0.0] * (DIM - 1) + [1.0]
    selective = Product.price == 7  # 30 of 3000 rows match

    def run(**options: object) -> list[Product]:
        stmt = nearest(Product.embedding, q, k=20, ef_search=10, **options).where(selective)  # type: ignore[arg-type]
        session.execute(text("SET LOCAL enable_seqscan = off"))
        try:
            return list(session.scalars(stmt))
        finally:
            session.commit()

    assert len(run(iterative_scan="off")) < 20  # ef_search=10 candidates, filtered afterwards
    got = run()  # iterative scans by default (issue 14 item 5)
    assert len(got) == 20 and all(p.price == 7 for p in got)
    exact = session.scalars(
        select(Product.id).where(selective).order_by(Product.embedding.cosine_distance(q)).limit(20)
    ).all()
    assert len({p.id for p in got} & set(exact)) >= 18  # approximate, but close to exact


def test_search_settings_are_set_local(session: Session) -> None:
    apply_search_settings(session, SearchSettings(ef_search=77, iterative_scan="relaxed_order"))
    assert session.scalar(text("SELECT current_setting('hnsw.ef_search')")) == "77"
    assert (
        session.scalar(text("SELECT current_setting('ivfflat.iterative_scan')")) == "relaxed_order"
    )
    session.commit()
    assert session.scalar(text("SELECT current_setting('hnsw.ef_search')")) == "40"
    with pytest.raises(ConfigurationError, match="positive integer"):
        nearest(Product.embedding, "x", ef_search=0)
    with pytest.raises(ConfigurationError, match="no Embedding"):
        nearest(Product.name, "x")


def test_hybrid_search_fuses_text_and_vector_ranks(session: Session) -> None:
    session.add_all(
        [
            Product(name="studio headphones", description="closed back monitoring headphones"),
            Product(name="wireless earbuds", description="bluetooth in-ear audio"),
            Product(name="headphone stand", description="wooden stand"),
            Product(name="cast iron pan", description="kitchen skillet"),
        ]
    )
    session.commit()
    stmt = hybrid_search(
        Product.embedding, "headphones", text=[Product.name, Product.description], k=3
    )
    rows = session.execute(stmt).all()
    assert len(rows) == 3
    assert rows[0][0].name == "studio headphones"  # first in both lists
    assert rows[0].score == pytest.approx(2 / 61, rel=1e-6)
    assert all(a.score >= b.score for a, b in itertools.pairwise(rows))
    filtered = session.execute(
        hybrid_search(
            Product.embedding, "headphones", text=[Product.name], where=Product.name.like("%pan%")
        )
    ).all()
    assert [r[0].name for r in filtered] == ["cast iron pan"]
    explained = session.execute(
        hybrid_search(
            Product.embedding,
            "studio skillet",
            text=[Product.name, Product.description],
            k=4,
            match="any",
            explain=True,
        )
    ).all()
    by_name = {r[0].name: r for r in explained}
    # any word matches on the text side: both rows that hold one of them rank there
    assert by_name["studio headphones"].text_rank is not None
    assert by_name["cast iron pan"].text_rank is not None
    assert by_name["wireless earbuds"].text_rank is None
    assert all(r.vector_rank is not None for r in explained)
    strict = session.execute(
        hybrid_search(
            Product.embedding, "studio skillet", text=[Product.name, Product.description],
            explain=True,
        )
    ).all()  # fmt: skip
    assert all(r.text_rank is None for r in strict)  # no row holds both words
    with pytest.raises(ConfigurationError, match="match="):
        hybrid_search(Product.embedding, "x", text=[Product.name], match="some")
