"""The engine plugin as a plain ``LOGIN`` role: nothing superuser-only is read or done.

Two roles, made per test in a clone of a template with rows, a graph and
embeddings: *app* has only SELECT/INSERT/UPDATE/DELETE on the application's
tables (and USAGE on their sequences); *reader* also has what Cypher needs
(USAGE on ``ag_catalog`` and on the graph's schema, SELECT on its label
tables).  Neither has ``pg_read_all_settings``.  Their reads equal the
superuser's.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from sqlalchemy import Connection, Engine, ForeignKey, create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from sqlalchemy_tridb import ConnectionSetupError
from sqlalchemy_tridb.cypher import resolve, run_cypher
from sqlalchemy_tridb.embedding import DeterministicProvider
from sqlalchemy_tridb.graph import GraphEdge, GraphNode
from sqlalchemy_tridb.testing import TemplateDatabase, tridb_database_factory
from sqlalchemy_tridb.vector import HNSW, Embedding, hybrid_search, install_embedding_sync, nearest

GRAPH = "least_priv"
EMBED = DeterministicProvider(dimension=16, name="least_priv")


class Base(DeclarativeBase):
    pass


class Author(GraphNode, Base):
    __tablename__ = "author"
    __graph__ = GRAPH
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]


class Book(GraphNode, Base):
    __tablename__ = "book"
    __graph__ = GRAPH
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str]
    embedding: Mapped[list[float] | None] = Embedding(source="title", provider=EMBED, index=HNSW())


class Wrote(GraphEdge, Base):
    __tablename__ = "wrote"
    __edge_label__ = "WROTE"
    __edge_source__ = "author_id"
    __edge_target__ = "book_id"
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("author.id"))
    book_id: Mapped[int] = mapped_column(ForeignKey("book.id"))


BOOKS = {1: "the sea and the whale", 2: "whale songs", 3: "oak and ash", 4: "a field of wheat"}
WROTE = {1: [1, 2], 2: [3, 4]}

APP_GRANTS = [
    "GRANT SELECT, INSERT, UPDATE, DELETE ON author, book, wrote TO {role}",
    "GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role}",
]
CYPHER_GRANTS = [
    "GRANT USAGE ON SCHEMA ag_catalog TO {role}",
    f"GRANT USAGE ON SCHEMA {GRAPH} TO {{role}}",
    f"GRANT SELECT ON ALL TABLES IN SCHEMA {GRAPH} TO {{role}}",
]


def _fill(conn: Connection) -> None:
    Base.metadata.create_all(conn)
    with Session(conn, join_transaction_mode="create_savepoint") as s, install_embedding_sync(s):
        s.add_all(Author(id=i, name=f"author {i}") for i in WROTE)
        s.add_all(Book(id=i, title=t) for i, t in BOOKS.items())
        s.flush()
        s.add_all(
            Wrote(id=10 * a + b, author_id=a, book_id=b) for a, bs in WROTE.items() for b in bs
        )
        s.commit()


books_template = tridb_database_factory(load=[_fill])


@pytest.fixture
def books_url(books_template: TemplateDatabase) -> Iterator[str]:
    yield from books_template.clone()


RoleFactory = Callable[[list[str]], str]


@pytest.fixture
def login_role(books_url: str) -> Iterator[RoleFactory]:
    """Make LOGIN roles with the given grants; return their URLs. Dropped afterwards."""
    admin = create_engine(books_url, isolation_level="AUTOCOMMIT")
    made: list[str] = []

    def make(grants: list[str]) -> str:
        role = f"tridb_lp_{uuid.uuid4().hex[:12]}"
        password = uuid.uuid4().hex
        with admin.connect() as conn:
            conn.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'"))
            made.append(role)
            for grant in grants:
                conn.execute(text(grant.format(role=role)))
        url = make_url(books_url).set(username=role, password=password)
        return url.render_as_string(hide_password=False)

    try:
        yield make
    finally:
        with admin.connect() as conn:
            for role in made:
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE usename = :r AND pid <> pg_backend_pid()"
                    ),
                    {"r": role},
                )
                conn.execute(text(f"DROP OWNED BY {role}"))
                conn.execute(text(f"DROP ROLE {role}"))
        admin.dispose()


@pytest.fixture
def engines() -> Iterator[Callable[..., Engine]]:
    made: list[Engine] = []

    def make(url: str, **kwargs: Any) -> Engine:
        made.append(create_engine(url, plugins=["tridb"], **kwargs))
        return made[-1]

    yield make
    for engine in made:
        engine.dispose()


def _similarity_reads(session: Session) -> dict[str, Any]:
    near = nearest(Book.embedding, "whale", k=2).with_only_columns(Book.id)
    fused = hybrid_search(Book.embedding, "whale oak", text=[Book.title], k=3, match="any")
    return {
        "nearest": session.scalars(near).all(),
        "hybrid": [(b.id, round(s, 9)) for b, s in session.execute(fused)],
        "rows": session.execute(select(Book.id, Book.title).order_by(Book.id)).all(),
    }


def _cypher_reads(session: Session) -> dict[str, Any]:
    rows = run_cypher(
        session,
        GRAPH,
        "MATCH (a:Author)-[:WROTE]->(b:Book) WHERE a.id = $aid RETURN b ORDER BY b.id",
        aid=2,
    )
    return {
        "cypher": [r.result.properties["title"] for r in rows],
        "resolve": [resolve(session, r.result, Base.metadata).id for r in rows],
    }


def test_the_roles_may_not_read_superuser_settings(login_role: RoleFactory) -> None:
    url = make_url(login_role(APP_GRANTS)).set(drivername="postgresql")
    with (
        psycopg.connect(url.render_as_string(hide_password=False)) as raw,
        pytest.raises(psycopg.errors.InsufficientPrivilege, match="shared_preload"),
    ):
        raw.execute("SELECT current_setting('shared_preload_libraries')")


def test_an_app_role_connects_and_reads_what_the_superuser_reads(
    books_url: str, login_role: RoleFactory, engines: Callable[..., Engine]
) -> None:
    with Session(engines(books_url)) as s:
        want = _similarity_reads(s)
    assert len(want["nearest"]) == 2 and len(want["hybrid"]) == 3 and len(want["rows"]) == 4
    app = engines(login_role(APP_GRANTS), pool_size=2)
    with Session(app) as s:
        assert s.execute(text("SELECT current_user")).scalar_one().startswith("tridb_lp_")
        assert _similarity_reads(s) == want
    # without USAGE on ag_catalog, Cypher fails with PostgreSQL's own error, not at connect
    with Session(app) as s, pytest.raises(ProgrammingError, match="permission denied for schema"):
        _cypher_reads(s)


def test_a_reader_role_runs_cypher_with_parameters(
    books_url: str, login_role: RoleFactory, engines: Callable[..., Engine]
) -> None:
    with Session(engines(books_url)) as s:
        want = _cypher_reads(s)
    assert want == {"cypher": [BOOKS[3], BOOKS[4]], "resolve": [3, 4]}
    reader = engines(login_role(APP_GRANTS + CYPHER_GRANTS))
    with Session(reader) as s:
        assert _cypher_reads(s) == want
        s.execute(text("SET search_path = public"))  # a reset after the set-up
        assert _cypher_reads(s) == want


def test_load_age_true_as_a_plain_role_is_a_typed_error(
    login_role: RoleFactory, engines: Callable[..., Engine]
) -> None:
    engine = engines(login_role(APP_GRANTS + CYPHER_GRANTS), tridb_load_age=True)
    with pytest.raises(ConnectionSetupError, match=r"LOAD needs a superuser.*auto"):
        engine.connect()
