"""Embeddings kept in step on flush, then similarity, filtered and hybrid search.

Run it with the local server (``tridb server start``) or ``TRIDB_DATABASE_URL`` set::

    python examples/embeddings_search.py                    # all-MiniLM-L6-v2 (offline)
    python examples/embeddings_search.py --provider deterministic   # no ML dependencies

It creates (and drops again) the table ``example_product``.
"""

from __future__ import annotations

import argparse
import os

from sqlalchemy import String, create_engine, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from sqlalchemy_tridb.embedding import DeterministicProvider, SentenceTransformerProvider, providers
from sqlalchemy_tridb.server import resolve_database_url
from sqlalchemy_tridb.vector import (
    HNSW,
    Embedding,
    EmbeddingSearchMixin,
    backfill,
    hybrid_search,
    install_embedding_sync,
)


class Base(DeclarativeBase):
    pass


class Product(EmbeddingSearchMixin, Base):
    __tablename__ = "example_product"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str]
    category: Mapped[str] = mapped_column(String(40))
    embedding: Mapped[list[float] | None] = Embedding(
        source="{name}. {description}", provider="example", dim=384, index=HNSW(m=16)
    )


CATALOGUE = [
    ("Noise-cancelling headphones", "Over-ear bluetooth headphones, 30 hour battery", "audio"),
    ("True wireless earbuds", "In-ear buds with charging case", "audio"),
    ("Bookshelf speakers", "A pair of passive stereo speakers", "audio"),
    ("Chef's knife", "Eight inch stainless steel kitchen knife", "kitchen"),
    ("Cast iron skillet", "Pre-seasoned pan for searing and baking", "kitchen"),
    ("Espresso machine", "15 bar pump, steam wand for milk", "kitchen"),
    ("Trail running shoes", "Grippy lightweight shoes for muddy trails", "sport"),
    ("Yoga mat", "Non-slip mat, 6 mm thick", "sport"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--provider", choices=["minilm", "deterministic"], default="minilm")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    provider = (
        SentenceTransformerProvider()
        if args.provider == "minilm"
        else DeterministicProvider(dimension=384)
    )
    providers.register(provider, name="example", replace=True)

    engine = create_engine(resolve_database_url(), plugins=["tridb"])
    with engine.begin() as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS vector"))
    engine.dispose()  # new connections get pgvector's types
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)  # creates the HNSW index too

    with Session(engine) as session, install_embedding_sync(session):
        session.add_all(Product(name=n, description=d, category=c) for n, d, c in CATALOGUE)
        session.commit()  # one provider call embeds all eight rows, in the INSERT
        print(f"provider {provider.name}: stored {len(CATALOGUE)} embeddings")

        print("\nnearest to 'wireless headphones':")
        for p in session.scalars(Product.nearest("wireless headphones", k=3)):
            print(f"  {p.name}")

        print("\nscored, kitchen only, with an iterative index scan:")
        query = "something to cook eggs in"
        stmt = (
            Product.nearest(query, k=2, iterative_scan="strict_order")
            .where(Product.category == "kitchen")
            .add_columns(Product.embedding.similarity(query).label("score"))
        )
        for p, score in session.execute(stmt):
            print(f"  {score:.3f}  {p.name}")

        print("\nhybrid (full text + vector, reciprocal rank fusion) for 'steel knife':")
        hybrid = hybrid_search(
            Product.embedding, "steel knife", text=[Product.name, Product.description], k=3
        )
        for p, score in session.execute(hybrid):
            print(f"  {score:.4f}  {p.name}")

        # A Core statement skips the sync; backfill finds and fixes the rows it left NULL.
        session.execute(
            text(
                "INSERT INTO example_product (id, name, description, category) "
                "VALUES (100, 'Vinyl turntable', 'Belt-drive record player', 'audio')"
            )
        )
        print(f"\nbackfilled {backfill(session, Product.embedding)} row(s) left by raw SQL")
        top = session.scalars(Product.nearest("record player", k=1)).one()
        print(f"nearest to 'record player': {top.name}")
        session.commit()

    Base.metadata.drop_all(engine)
    engine.dispose()


if __name__ == "__main__":
    main()
