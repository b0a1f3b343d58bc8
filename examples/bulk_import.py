"""Bulk import: rows, embeddings, graph and vector index in one transaction.

Run it with the local server (``tridb server start``) or ``TRIDB_DATABASE_URL`` set::

    python examples/bulk_import.py [--articles 20000]

It creates (and drops again) a database of its own, then loads authors,
``--articles`` articles (their embeddings computed by the deterministic
provider in batches during the load; half of them arrive with a vector
computed beforehand) and one ``WROTE`` edge per article with `bulk_load()`:
binary ``COPY`` per batch, the graph mirror written by the statement-level
triggers, the HNSW index built once at the end.  It checks that the graph
equals the rows (`check_graph()`) and runs one similarity search.
"""

from __future__ import annotations

import argparse

from _support import example_database
from sqlalchemy import ForeignKey, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from sqlalchemy_tridb import check_graph
from sqlalchemy_tridb.embedding import DeterministicProvider
from sqlalchemy_tridb.graph import GraphEdge, GraphNode
from sqlalchemy_tridb.vector import HNSW, Embedding, nearest
from sqlalchemy_tridb.vector.bulk import bulk_load

PROVIDER = DeterministicProvider(dimension=64, name="bulk_example")
TOPICS = ["rivers", "stone bridges", "glass making", "northern lights", "harbors", "engines"]


class Base(DeclarativeBase):
    pass


class Author(GraphNode, Base):
    __tablename__ = "author"
    __graph__ = "library"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]


class Article(GraphNode, Base):
    __tablename__ = "article"
    __graph__ = "library"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str]
    embedding: Mapped[list[float] | None] = Embedding(
        source="title", provider=PROVIDER, index=HNSW()
    )


class Wrote(GraphEdge, Base):
    __tablename__ = "wrote"
    __edge_label__ = "WROTE"
    __edge_source__ = "author_id"
    __edge_target__ = "article_id"
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("author.id"))
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id"))


def main() -> None:
    """Load the three tables, check the graph, search."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    args = parser.parse_args()
    n = args.articles
    authors = [{"id": i, "name": f"author {i}"} for i in range(1, 101)]
    titles = [f"{TOPICS[i % len(TOPICS)]}, part {i}" for i in range(n)]
    given = PROVIDER.embed(titles[: n // 2])  # e.g. computed elsewhere, on a GPU
    articles = (
        {"id": i, "title": t, "embedding": given[i] if i < n // 2 else None}
        for i, t in enumerate(titles)
    )
    wrote = ({"id": i, "author_id": 1 + i % 100, "article_id": i} for i in range(n))
    with example_database("example_bulk") as engine:
        Base.metadata.create_all(engine)
        for model, rows in ((Author, authors), (Article, articles), (Wrote, wrote)):
            report = bulk_load(engine, model, rows, batch_size=5_000)
            print(
                f"{model.__name__}: {report.rows:,} rows in {report.batches} batches, "
                f"{report.embedded:,} embedded, indexes built after: {report.indexes or 'none'}"
            )
        print(f"graph drift after the load: {check_graph(engine, Base).drift}")
        with Session(engine) as s:
            hits = s.scalars(nearest(Article.embedding, "stone bridges, part 7", k=3)).all()
            print("nearest:", [a.title for a in hits])
            by_one = s.scalar(select(func.count()).select_from(Wrote).where(Wrote.author_id == 1))
            print(f"articles by author 1: {by_one}")


if __name__ == "__main__":
    main()
