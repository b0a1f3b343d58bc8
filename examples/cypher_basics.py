"""Cypher from SQLAlchemy: parameterised queries, a cypher() FROM element, vertices to rows.

Run it with ``python examples/cypher_basics.py`` (``TRIDB_DATABASE_URL`` set, or
the local server, which is started if needed).  It creates the graph
``cypher_basics`` and a ``cb_person`` table, and drops both at the end.
"""

from __future__ import annotations

from sqlalchemy import Engine, Integer, String, create_engine, select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from sqlalchemy_tridb.cypher import cypher, resolve, run_cypher
from sqlalchemy_tridb.server import resolve_database_url

GRAPH = "cypher_basics"


class Base(DeclarativeBase):
    pass


class Person(Base):
    __tablename__ = "cb_person"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))


def main() -> None:
    engine = create_engine(resolve_database_url(), plugins=["tridb"])
    with engine.begin() as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS age"))
    engine.dispose()  # connections made from now on LOAD 'age'
    clean_up(engine)  # left over from an interrupted run
    Base.metadata.create_all(engine)
    try:
        with Session(engine) as session:
            session.execute(text("SELECT ag_catalog.create_graph(:g)"), {"g": GRAPH})
            people = {1: "Ada", 2: "Grace", 3: "Ken $$ O'Brien"}  # values are data, never SQL
            session.add_all([Person(id=pk, name=name) for pk, name in people.items()])
            for pk, name in people.items():
                run_cypher(
                    session, GRAPH, "CREATE (:Person {id: $id, name: $name})", id=pk, name=name
                )
            run_cypher(
                session,
                GRAPH,
                "MATCH (a:Person {id: $a}), (b:Person) WHERE b.id IN $others "
                "CREATE (a)-[:KNOWS {since: $year}]->(b)",
                {"a": 1, "others": [2, 3], "year": 1843},
            )
            session.commit()

            # 1. run_cypher: rows with agtype values decoded to Python
            for row in run_cypher(
                session,
                GRAPH,
                "MATCH (a:Person)-[k:KNOWS]->(b:Person) RETURN a.name, b.name, k",
                columns=["a", "b", "knows"],
            ):
                print(f"{row.a} knows {row.b} since {row.knows.properties['since']}")

            # 2. cypher(): a FROM element, joined with the relational table
            friends = cypher(
                GRAPH,
                "MATCH (:Person {id: $id})-[:KNOWS]->(f:Person) RETURN f.id, f",
                {"id": 1},
                columns=[("id", Integer), "f"],
                name="friends",
            )
            stmt = select(Person.name, friends.c.f).join(friends, Person.id == friends.c.id)
            for name, vertex in session.execute(stmt.order_by(Person.id)):
                print(f"friend of Ada: {name} (vertex {vertex.id}, label {vertex.label})")

            # 3. resolve(): vertices back to ORM instances, through the identity map
            (row,) = run_cypher(session, GRAPH, "MATCH (p:Person {id: 3}) RETURN p")
            ken = resolve(session, row.result, {"Person": Person})
            same = ken is session.get(Person, 3)
            print(f"resolved: {ken.name if ken else None!r}, the identity map's instance: {same}")
    finally:
        clean_up(engine)
        engine.dispose()


def clean_up(engine: Engine) -> None:
    with engine.begin() as conn:
        exists = conn.execute(
            text("SELECT count(*) FROM ag_catalog.ag_graph WHERE name = :g"), {"g": GRAPH}
        ).scalar_one()
        if exists:
            conn.execute(text("SELECT ag_catalog.drop_graph(:g, true)"), {"g": GRAPH})
        Base.metadata.drop_all(conn)


if __name__ == "__main__":
    main()
