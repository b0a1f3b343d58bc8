"""Reads on a streaming replica, writes on the primary, with one ``sessionmaker``.

Makes a primary of its own in a scratch folder (or uses the server in
``--home``), a streaming replica of it, and a shop (customers, products with
embeddings, purchases mirrored into the graph).  Then, through
`RoutingSession`:

* similarity, a traversal and a Cypher read run on the standby;
* a write goes to the primary and the same session reads it back (it waits
  for the replica to replay the commit);
* a Cypher write sent down a read route fails with `StandbyWriteError`;
* with the replica stopped, reads fall back to the primary.

    python examples/read_replicas.py
    python examples/read_replicas.py --home .tridb     # the project's server (kept running)
"""

from __future__ import annotations

import argparse
import dataclasses
import tempfile
from pathlib import Path

from sqlalchemy import ForeignKey, create_engine, make_url, select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from sqlalchemy_tridb.cypher import run_cypher
from sqlalchemy_tridb.embedding import DeterministicProvider
from sqlalchemy_tridb.exc import StandbyWriteError
from sqlalchemy_tridb.graph import GraphEdge, GraphNode
from sqlalchemy_tridb.routing import Router, RoutingSession
from sqlalchemy_tridb.server import LocalServer, ServerConfig, create_database, drop_database
from sqlalchemy_tridb.vector import HNSW, Embedding, EmbeddingSearchMixin, install_embedding_sync

EMBED = DeterministicProvider(dimension=64, name="read_replicas")


class Base(DeclarativeBase):
    pass


class Customer(GraphNode, Base):
    __tablename__ = "customer"
    __graph__ = "replica_demo"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]


class Product(GraphNode, EmbeddingSearchMixin, Base):
    __tablename__ = "product"
    __graph__ = "replica_demo"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    embedding: Mapped[list[float] | None] = Embedding(source="name", provider=EMBED, index=HNSW())


class Purchase(GraphEdge, Base):
    __tablename__ = "purchase"
    __edge_label__ = "BOUGHT"
    __edge_source__ = "customer_id"
    __edge_target__ = "product_id"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"))


ON_STANDBY = text("SELECT pg_catalog.pg_is_in_recovery()")


def where(session: Session) -> str:
    """Which server this transaction's reads run on."""
    return "standby" if session.scalar(ON_STANDBY) else "primary"


def demo(server: LocalServer) -> None:
    """Everything the module docstring lists, on *server* and a replica of it."""
    status = server.start()
    assert status.url is not None
    url = create_database(status.url, "replica_demo", replace=True)
    primary = create_engine(url, plugins=["tridb"])
    Base.metadata.create_all(primary)
    with Session(primary) as session, install_embedding_sync(session):
        session.add_all([Customer(id=1, name="Ada"), Customer(id=2, name="Grace")])
        names = ["wireless headphones", "bluetooth earbuds", "chef knife", "desk lamp"]
        session.add_all(Product(id=i, name=n) for i, n in enumerate(names, 1))
        session.flush()
        session.add_all(
            [
                Purchase(id=1, customer_id=1, product_id=1),
                Purchase(id=2, customer_id=2, product_id=1),
                Purchase(id=3, customer_id=2, product_id=3),
            ]
        )
        session.commit()

    replica_status = server.start_replica("demo")
    assert replica_status.url is not None
    replica_url = make_url(replica_status.url).set(database="replica_demo")
    replica = create_engine(replica_url, plugins=["tridb"], pool_pre_ping=True)
    router = Router(primary, [replica], wait_timeout=2.0)
    Routed = sessionmaker(class_=RoutingSession, router=router)
    try:
        with Routed() as session, install_embedding_sync(session):
            print("reads on the", where(session))
            hits = session.scalars(Product.nearest("headphones", k=2)).all()
            print("  nearest:", [p.name for p in hits])
            ada = session.get(Customer, 1)
            near_ada = select(Product.name).where(
                Product.reachable_from(ada, "BOUGHT", max_hops=3, direction="both")
            )
            print("  within 3 hops of Ada:", sorted(session.scalars(near_ada)))
            rows = run_cypher(session, "replica_demo", "MATCH (c:Customer) RETURN count(c)")
            print("  Cypher count of customers:", rows[0].result)
            session.commit()

            session.add(Product(id=5, name="floor lamp"))
            session.commit()  # on the primary
            got = session.scalar(select(Product.name).where(Product.id == 5))
            print(f"read after the write: {got!r}, on the {where(session)}")
            session.commit()

            try:
                run_cypher(session, "replica_demo", "CREATE (:Customer {id: 3}) RETURN 1")
            except StandbyWriteError as err:
                print("a Cypher write on a read route:", type(err).__name__)
            session.rollback()
            with session.primary():
                run_cypher(session, "replica_demo", "MATCH (c:Customer) RETURN count(c)")
                print("inside session.primary(): on the", where(session))
            session.commit()

        server.stop_replica("demo")
        with Routed() as session:
            count = session.scalar(select(Product.id).order_by(Product.id.desc()).limit(1))
            print(f"replica stopped: reads on the {where(session)} (last product id {count})")
        lag = server.start_replica("demo")
        print(f"replica started again: running={lag.running}")
    finally:
        router.close()
        replica.dispose()
        primary.dispose()
        server.stop_replica("demo", remove=True)
        drop_database(status.url, "replica_demo")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", help="the server's folder (default: a scratch one)")
    args = parser.parse_args()
    if args.home:
        demo(LocalServer(ServerConfig.from_env(home=args.home)))
        return
    with tempfile.TemporaryDirectory(prefix="read_replicas_") as tmp:
        config = dataclasses.replace(ServerConfig.from_env(home=Path(tmp) / ".tridb"), port=None)
        server = LocalServer(config)
        try:
            demo(server)
        finally:
            server.stop()


if __name__ == "__main__":
    main()
