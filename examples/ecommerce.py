"""E-commerce: products in categories, customers and purchases; search and recommend.

Run: ``python examples/ecommerce.py`` (the real all-MiniLM-L6-v2 model) or
``python examples/ecommerce.py --provider deterministic`` (fast, not semantic).
It uses TRIDB_DATABASE_URL or the local server, in a database of its own.

One PostgreSQL holds all three models of the shop:

* rows: categories, products, customers, purchases;
* vectors: each product's "name: description" embedded on flush;
* a graph: product -IN_CATEGORY-> category, customer -BOUGHT-> product,
  mirrored from the rows by the library.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from _support import (
    Stages,
    batches,
    example_database,
    load_data,
    load_model,
    parse_args,
    progress,
    use_provider,
)
from sqlalchemy import ForeignKey, select
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    mapped_column,
    relationship,
    sessionmaker,
)

from sqlalchemy_tridb.graph import GraphEdge, GraphNode, graph_edge
from sqlalchemy_tridb.recommend import recommend
from sqlalchemy_tridb.vector import Embedding, EmbeddingSearchMixin, install_embedding_sync


class Base(DeclarativeBase):
    pass


class Category(GraphNode, Base):
    __tablename__ = "category"
    __graph__ = "shop"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]


class Product(EmbeddingSearchMixin, GraphNode, Base):
    __tablename__ = "product"
    __graph__ = "shop"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    description: Mapped[str]
    price: Mapped[float]
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"))
    category: Mapped[Category] = relationship(info=graph_edge("IN_CATEGORY"))
    embedding: Mapped[list[float] | None] = Embedding(
        source="{name}: {description}", provider="all-MiniLM-L6-v2"
    )


class Customer(GraphNode, Base):
    __tablename__ = "customer"
    __graph__ = "shop"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    city: Mapped[str]


class Purchase(GraphEdge, Base):
    """Each purchase is a BOUGHT edge from the customer to the product."""

    __tablename__ = "purchase"
    __edge_label__ = "BOUGHT"
    __edge_source__ = "customer_id"
    __edge_target__ = "product_id"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"))
    quantity: Mapped[int]
    bought_on: Mapped[dt.date]


def load(session: Session, data: dict[str, list[dict]]) -> None:
    """Insert the data set; products are embedded as each batch flushes."""
    session.add_all(Category(**c) for c in data["categories"])
    products = data["products"]
    with progress("products embedded and stored", len(products)) as step:
        for done, batch in enumerate(batches(products, 40), 1):
            session.add_all(
                Product(
                    id=p["id"], name=p["name"], description=p["description"],
                    price=p["price"], category_id=p["category"],
                )
                for p in batch
            )  # fmt: skip
            session.commit()
            step(min(done * 40, len(products)))
    session.add_all(Customer(**c) for c in data["customers"])
    session.add_all(
        Purchase(
            customer_id=p["customer"], product_id=p["product"], quantity=p["quantity"],
            bought_on=dt.date.fromisoformat(p["date"]),
        )
        for p in data["purchases"]
    )  # fmt: skip
    session.commit()  # rows, BOUGHT edges and vertices in one transaction
    print(
        f"   loaded {len(data['categories'])} categories, {len(products)} products, "
        f"{len(data['customers'])} customers, {len(data['purchases'])} purchases"
    )


def similar_products(session: Session, query: str) -> None:
    print(f"\n== Products similar to {query!r}")
    score = Product.embedding.similarity(query).label("score")
    for product, similarity in session.execute(Product.nearest(query, k=5).add_columns(score)):
        print(f"  {similarity:.3f}  {product.name} ({product.category.name}, ${product.price:.0f})")


def recommendations(session: Session, customer: Customer) -> None:
    bought = session.scalars(
        select(Product.name).join(Purchase).where(Purchase.customer_id == customer.id)
    ).all()
    print(f"\n== Recommended for {customer.name} (bought: {', '.join(bought)})")
    print("   graph = co-purchases by customers who bought the same things; vector = similar")
    print("   to the average of what they bought; score = 0.5 * graph + 0.5 * vector")
    stmt = recommend(
        Product,
        customer,
        via=("BOUGHT", ("BOUGHT", "in"), "BOUGHT"),  # bought -> other buyers -> their products
        history=("BOUGHT",),  # excluded; their centroid is the taste vector
        embedding=Product.embedding,
        k=6,
    )
    print(f"  {'graph':>6} {'vector':>6} {'score':>6}  product")
    for product, graph_score, vector_score, score in session.execute(stmt):
        print(f"  {graph_score:6.3f} {vector_score:6.3f} {score:6.3f}  {product.name}")


def same_category(session: Session, product: Product, below: float) -> None:
    print(f"\n== Within 2 hops of {product.name!r} (its category), under ${below:.0f},")
    print("   most similar first: graph reachability, a filter and vector order in one select()")
    reach = Product.reachable(product, "IN_CATEGORY", max_hops=2, direction="both")
    score = Product.embedding.similarity(product.embedding).label("score")
    stmt = (
        select(Product, reach.c.hops, score)
        .join(reach, reach.c.id == Product.id)
        .where(Product.price < below)
        .order_by(score.desc())
        .limit(6)
    )
    for other, hops, similarity in session.execute(stmt):
        print(f"  {hops} hops  {similarity:.3f}  {other.name} (${other.price:.0f})")


def main(argv: Sequence[str] | None = None) -> Stages:
    args = parse_args(argv, "E-commerce: similar products, recommendations, categories.")
    use_provider(args.provider)
    stages = Stages("e-commerce")
    print("\n######## E-commerce: products, customers and purchases")
    load_model(stages)
    data = load_data("ecommerce")
    with example_database("tridb_example_shop") as engine:
        with stages.stage("schema"):
            Base.metadata.create_all(engine)  # tables, HNSW index, graph, labels, sync
        Session = sessionmaker(engine)
        sync = install_embedding_sync(Session)
        try:
            with Session() as session:
                print("loading the data set ...", flush=True)
                with stages.stage("data load"):
                    load(session, data)
                with stages.stage("similar"):
                    similar_products(session, "bluetooth audio headphones")
                with stages.stage("recommend"):
                    recommendations(session, session.get_one(Customer, 1))
                with stages.stage("same category"):
                    same_category(session, session.get_one(Product, 1), below=150)
        finally:
            sync.remove()
    stages.summary()
    return stages


if __name__ == "__main__":
    main()
