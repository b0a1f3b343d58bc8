"""A small social network: rows as vertices, follows as edges, queried three ways.

Run: ``python examples/social_network.py`` (uses TRIDB_DATABASE_URL or the local server).
"""

from __future__ import annotations

import datetime as dt

from _support import example_database
from sqlalchemy import ForeignKey, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from sqlalchemy_tridb.cypher import run_cypher
from sqlalchemy_tridb.graph import GraphEdge, GraphNode
from sqlalchemy_tridb.graph.algorithms import pagerank, suggest_connections
from sqlalchemy_tridb.graph.traverse import shortest_path


class Base(DeclarativeBase):
    pass


class User(GraphNode, Base):
    __tablename__ = "users"
    __graph__ = "social"  # the AGE graph; vertices get the label "User"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    city: Mapped[str]


class Follows(GraphEdge, Base):
    """Each row is a FOLLOWS edge from follower to followee, carrying `since`."""

    __tablename__ = "follows"
    __edge_label__ = "FOLLOWS"
    __edge_source__ = "follower"
    __edge_target__ = "followee"
    follower_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    followee_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    since: Mapped[dt.date]
    follower: Mapped[User] = relationship(foreign_keys=[follower_id])
    followee: Mapped[User] = relationship(foreign_keys=[followee_id])


PEOPLE = [
    ("Ada", "London"), ("Grace", "New York"), ("Alan", "Manchester"), ("Edsger", "Austin"),
    ("Barbara", "Boston"), ("Donald", "Stanford"), ("Margaret", "Boston"), ("Ken", "Berkeley"),
    ("Dennis", "New Jersey"), ("Radia", "Boston"), ("Tim", "Geneva"), ("Frances", "New York"),
]  # fmt: skip
FOLLOWS = [
    ("Ada", "Alan"), ("Ada", "Grace"), ("Grace", "Barbara"), ("Grace", "Frances"),
    ("Alan", "Donald"), ("Alan", "Edsger"), ("Edsger", "Donald"), ("Barbara", "Margaret"),
    ("Barbara", "Radia"), ("Margaret", "Grace"), ("Ken", "Dennis"), ("Dennis", "Ken"),
    ("Radia", "Tim"), ("Tim", "Grace"), ("Frances", "Grace"), ("Donald", "Grace"),
    ("Edsger", "Grace"), ("Ken", "Grace"),
]  # fmt: skip


def main() -> None:
    with example_database("tridb_example_social") as engine:
        Base.metadata.create_all(engine)  # tables, the graph, its labels and the sync
        with Session(engine) as session:
            users = {
                name: User(id=i, name=name, city=city) for i, (name, city) in enumerate(PEOPLE, 1)
            }
            session.add_all(users.values())
            session.add_all(
                Follows(follower=users[a], followee=users[b], since=dt.date(2024, 1, 1 + i % 28))
                for i, (a, b) in enumerate(FOLLOWS)
            )
            session.commit()  # rows, vertices and edges land in one transaction
            ada = users["Ada"]

            print("== Cypher sees the rows as a graph")
            rows = run_cypher(
                session, "social",
                "MATCH (f:User)-[e:FOLLOWS]->(u:User {name: $name}) RETURN f.name, e.since "
                "ORDER BY f.name",
                name="Grace", columns=["follower", "since"],
            )  # fmt: skip
            print("followers of Grace:", ", ".join(f"{r.follower} (since {r.since})" for r in rows))

            print("\n== Within 2 hops of Ada, with the distance, in ordinary select()")
            reach = User.reachable(ada, "FOLLOWS", max_hops=2)
            for name, hops in session.execute(
                select(User.name, reach.c.hops)
                .join(reach, reach.c.id == User.id)
                .order_by(reach.c.hops, User.name)
            ):
                print(f"  {hops} hop(s): {name}")

            print("\n== People Ada may know (followed by people she follows)")
            pymk = suggest_connections(User, ada, "FOLLOWS")
            for name, mutual in session.execute(
                select(User.name, pymk.c.mutual)
                .join(pymk, pymk.c.id == User.id)
                .order_by(pymk.c.mutual.desc(), User.name)
            ):
                print(f"  {name} ({mutual} mutual)")

            print("\n== Influencers: followers (in-degree) and PageRank")
            followers = User.degree("FOLLOWS", direction="in").label("followers")
            ranks = pagerank(session, User, "FOLLOWS")
            top = session.execute(select(User, followers).order_by(followers.desc()).limit(3))
            for user, count in top:
                print(f"  {user.name:<8} {count} followers, PageRank {ranks[user.id]:.3f}")

            print("\n== Shortest path from Ken to Radia")
            path = shortest_path(session, users["Ken"], users["Radia"], "FOLLOWS")
            assert path is not None
            print("  " + " -> ".join(u.name for u in path.nodes), f"({path.length} hops)")

            print("\n== A rollback leaves no trace in the graph either")
            session.add(User(id=99, name="Mallory", city="Nowhere"))
            session.flush()
            session.rollback()
            left = run_cypher(session, "social", "MATCH (u:User {name: 'Mallory'}) RETURN u")
            print(f"  Mallory vertices after rollback: {len(left)}")


if __name__ == "__main__":
    main()
