"""The mirror holds for writers other than the library's own engines.

Plain psycopg connections with the default search path, sessions that were
reset or carry other settings, a least-privilege application role, a role that
plants look-alike functions and operators, deferred constraints and writable
CTEs: afterwards the graph equals the rows exactly.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Engine,
    ForeignKey,
    Table,
    create_engine,
    select,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from sqlalchemy_tridb.cli.main import main
from sqlalchemy_tridb.cypher import run_cypher
from sqlalchemy_tridb.graph import (
    CreateLabel,
    GraphEdge,
    GraphNode,
    enable_sync_always,
    graph_edge,
    node_triggers,
    registry_for,
)
from sqlalchemy_tridb.graph.query import shortest_path, walk
from sqlalchemy_tridb.graph.spec import node_spec
from sqlalchemy_tridb.testing import tridb_database_factory, tridb_engine_factory

from .mirror_check import graph_rows_diff

G = "writers_test"


class Base(DeclarativeBase):
    pass


member = Table(
    "w_member",
    Base.metadata,
    Column("person_id", ForeignKey("w_person.id", ondelete="CASCADE"), primary_key=True),
    Column("club_id", ForeignKey("w_club.id", ondelete="CASCADE"), primary_key=True),
)


class Club(GraphNode, Base):
    __tablename__ = "w_club"
    __graph__ = G
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]


class Person(GraphNode, Base):
    __tablename__ = "w_person"
    __graph__ = G
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    score: Mapped[float | None]
    born: Mapped[dt.date | None]
    seen: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    boss_id: Mapped[int | None] = mapped_column(
        ForeignKey("w_person.id", deferrable=True, initially="DEFERRED"),
        info=graph_edge("REPORTS_TO"),
    )
    clubs: Mapped[list[Club]] = relationship(secondary=member, info=graph_edge("MEMBER_OF"))


class Knows(GraphEdge, Base):
    __tablename__ = "w_knows"
    __edge_label__ = "KNOWS"
    __edge_source__ = "a"
    __edge_target__ = "b"
    id: Mapped[int] = mapped_column(primary_key=True)
    # deferred NO ACTION keys: a row may leave and come back within a transaction
    a: Mapped[int] = mapped_column(ForeignKey("w_person.id", deferrable=True, initially="DEFERRED"))
    b: Mapped[int] = mapped_column(ForeignKey("w_person.id", deferrable=True, initially="DEFERRED"))
    weight: Mapped[float] = mapped_column(default=1.0)


class Pair(GraphNode, Base):
    """A composite string key: vertex ids are hashed from both parts."""

    __tablename__ = "w_pair"
    __graph__ = G
    a: Mapped[str] = mapped_column(primary_key=True)
    b: Mapped[str] = mapped_column(primary_key=True)


def _create(conn: Connection) -> None:
    Base.metadata.create_all(conn)


writers_template = tridb_database_factory(load=[_create])
writers_engine = tridb_engine_factory("writers_template")


def _libpq(engine: Engine) -> str:
    url = make_url(engine.url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


@pytest.fixture
def plain(writers_engine: Engine) -> Iterator[psycopg.Connection[Any]]:
    """Another program: plain psycopg, default search path, no engine plugin."""
    with psycopg.connect(_libpq(writers_engine), autocommit=True) as conn:
        yield conn


def _assert_mirrored(engine: Engine) -> None:
    with engine.connect() as conn:
        assert graph_rows_diff(conn, Base.metadata) == []


SCRIPT = [
    "INSERT INTO w_club (id, name) VALUES (1, 'chess'), (2, 'go')",
    "INSERT INTO w_person (id, name, score, born, seen) VALUES "
    "(1, 'ann', 0.1, '2001-02-03', '2024-05-01 10:00:00.25+02'), (2, 'bob', 1e-7, NULL, NULL), "
    "(3, 'cy', 2.5, NULL, NULL)",
    "UPDATE w_person SET boss_id = 1 WHERE id IN (2, 3)",
    "INSERT INTO w_member VALUES (1, 1), (2, 1), (3, 2)",
    "INSERT INTO w_knows (id, a, b, weight) VALUES (1, 1, 2, 0.5), (2, 2, 3, 1.5), (3, 3, 1, 2)",
    "UPDATE w_person SET name = name || '!', score = score / 3",
    "UPDATE w_knows SET b = 1 WHERE id = 2",
    "DELETE FROM w_member WHERE person_id = 3",
    "DELETE FROM w_knows WHERE a = 3 OR b = 3",
    "DELETE FROM w_person WHERE id = 3",
    "MERGE INTO w_club c USING (VALUES (2, 'weiqi'), (3, 'shogi')) v(id, name) ON c.id = v.id "
    "WHEN MATCHED THEN UPDATE SET name = v.name WHEN NOT MATCHED THEN INSERT VALUES (v.id, v.name)",
]


@pytest.mark.parametrize(
    "reset",
    [
        None,
        "DISCARD ALL",
        "RESET ALL",
        "SET search_path = public",
        "SET search_path = tenant_a, public",
        "SET search_path = ''",
    ],
)
def test_another_program_writes_every_statement_kind(
    writers_engine: Engine, plain: psycopg.Connection[Any], reset: str | None
) -> None:
    plain.execute("CREATE SCHEMA IF NOT EXISTS tenant_a")
    if reset:
        plain.execute(reset)
    for statement in SCRIPT:
        plain.execute(statement.replace("w_", "public.w_") if reset else statement)
    _assert_mirrored(writers_engine)
    with plain.cursor().copy("COPY public.w_person (id, name) FROM STDIN") as copy:
        copy.write_row((10, "copied"))
        copy.write_row((11, "copied too"))
    _assert_mirrored(writers_engine)
    plain.execute("TRUNCATE public.w_knows, public.w_member")
    _assert_mirrored(writers_engine)
    plain.execute("UPDATE public.w_person SET boss_id = NULL")
    plain.execute("TRUNCATE public.w_person CASCADE")
    _assert_mirrored(writers_engine)


@pytest.mark.parametrize(
    "setting",
    [
        "extra_float_digits = 0",
        "extra_float_digits = -15",
        "extra_float_digits = 3",
        "IntervalStyle = 'sql_standard'",
        "DateStyle = 'SQL, DMY'",
        "TimeZone = 'Asia/Kathmandu'",
        "bytea_output = 'escape'",
    ],
)
def test_the_graph_does_not_depend_on_the_writers_settings(
    writers_engine: Engine, plain: psycopg.Connection[Any], setting: str
) -> None:
    plain.execute(f"SET {setting}")
    plain.execute(
        "INSERT INTO w_person (id, name, score, born, seen) VALUES "
        "(1, 'third', 1.0 / 3, '2020-12-31', '2020-12-31 23:59:59.123456+05:45'), "
        "(2, 'tiny', 1e-300, NULL, NULL), (3, 'big', 123456789.123456789, NULL, NULL)"
    )
    plain.execute("INSERT INTO w_knows (id, a, b, weight) VALUES (1, 1, 2, 0.1 + 0.2)")
    _assert_mirrored(writers_engine)
    with writers_engine.connect() as conn:
        score = conn.execute(
            text(
                f"SELECT * FROM ag_catalog.cypher('{G}', $$ MATCH (p:Person) WHERE p.name = "
                "'third' RETURN p.score $$) AS (s ag_catalog.agtype)"
            )
        ).scalar_one()
    assert float(str(score).removesuffix("::float")) == 1.0 / 3  # exact, not 0.333333333333333


def test_timestamptz_infinity_keeps_its_property(
    writers_engine: Engine, plain: psycopg.Connection[Any]
) -> None:
    plain.execute("INSERT INTO w_person (id, name, seen) VALUES (1, 'forever', 'infinity')")
    with writers_engine.connect() as conn:
        props = conn.execute(
            text(f'SELECT ag_catalog.agtype_out(properties)::text FROM "{G}"."Person"')
        ).scalar_one()
    assert '"seen": "infinity"' in props


def test_deferred_constraints_and_writable_ctes_keep_the_edges(
    writers_engine: Engine, plain: psycopg.Connection[Any]
) -> None:
    for statement in SCRIPT[:5]:
        plain.execute(statement)
    assert plain.execute("SELECT count(*) FROM w_knows").fetchone() == (3,)
    with plain.transaction():  # delete a row and add it back before the deferred check
        plain.execute("DELETE FROM w_person WHERE id = 1")
        plain.execute("INSERT INTO w_person (id, name) VALUES (1, 'ann again')")
    _assert_mirrored(writers_engine)
    plain.execute(
        "WITH gone AS (DELETE FROM w_person WHERE id = 2 RETURNING id, name, boss_id) "
        "INSERT INTO w_person (id, name, boss_id) SELECT id, name || ' back', boss_id FROM gone"
    )
    _assert_mirrored(writers_engine)
    with writers_engine.connect() as conn:
        knows = conn.execute(text(f'SELECT count(*) FROM "{G}"."KNOWS"')).scalar_one()
    assert knows == 3  # no edge lost with the vertices deleted and re-added
    with writers_engine.connect() as conn:
        bosses = conn.execute(text(f'SELECT count(*) FROM "{G}"."REPORTS_TO"')).scalar_one()
    assert bosses == 2


def test_a_column_named_like_the_dollar_tag() -> None:
    class Other(DeclarativeBase):
        pass

    class Odd(GraphNode, Other):
        __tablename__ = "odd"
        __graph__ = "odd_graph"
        __graph_properties__ = ()
        id: Mapped[int] = mapped_column("id$tridb$", primary_key=True)

    triggers = node_triggers(node_spec(Odd))
    assert any('"id$tridb$"' in t.body for t in triggers)
    for trigger in triggers:
        function = trigger.function_sql()
        tag = "$tridb_$" if "$tridb$" in trigger.body else "$tridb$"
        assert f"AS {tag}\n" in function and function.endswith(f"\n{tag}")
        assert function.count(tag) == 2


ROLE = f"tridb_app_{uuid.uuid4().hex[:8]}"
MALLORY = f"tridb_mallory_{uuid.uuid4().hex[:8]}"


@pytest.fixture
def app_role(writers_engine: Engine, plain: psycopg.Connection[Any]) -> Iterator[str]:
    """A LOGIN role with DML on the application's tables and nothing else."""
    password = uuid.uuid4().hex
    plain.execute(
        sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
            sql.Identifier(ROLE), sql.Literal(password)
        )
    )
    try:
        tables = sql.SQL(", ").join(
            sql.Identifier(t) for t in ("w_club", "w_person", "w_member", "w_knows")
        )
        plain.execute(
            sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON {} TO {}").format(
                tables, sql.Identifier(ROLE)
            )
        )
        url = make_url(_libpq(writers_engine)).set(username=ROLE, password=password)
        yield url.render_as_string(hide_password=False)
    finally:
        plain.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(ROLE)))
        plain.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(ROLE)))


def test_a_least_privilege_role_writes_rows_and_the_graph_follows(
    writers_engine: Engine, app_role: str
) -> None:
    with psycopg.connect(app_role, autocommit=True) as app:
        for statement in SCRIPT:
            app.execute(statement)
        app.execute("DELETE FROM w_knows WHERE id = 1")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            app.execute(f'DELETE FROM "{G}"."KNOWS"')
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            app.execute(f'SELECT * FROM "{G}"."Person"')
    _assert_mirrored(writers_engine)


def test_planted_functions_and_operators_never_run_in_the_triggers(
    writers_engine: Engine, plain: psycopg.Connection[Any]
) -> None:
    _plant(plain)
    try:
        with Session(writers_engine) as session:
            session.add_all([Person(id=1, name="a"), Person(id=2, name="b", boss_id=1)])
            session.flush()
            session.add(Knows(id=1, a=1, b=2))
            session.commit()
            session.execute(text("UPDATE w_person SET boss_id = NULL"))
            session.execute(text("DELETE FROM w_knows"))
            session.execute(text("DELETE FROM w_person WHERE id = 2"))
            session.commit()
        assert plain.execute("SELECT count(*) FROM public.planted_calls").fetchone() == (0,)
        _assert_mirrored(writers_engine)
    finally:
        _unplant(plain)


def test_composite_keys_that_join_alike_get_different_vertices(
    writers_engine: Engine, plain: psycopg.Connection[Any]
) -> None:
    # joined with chr(31) before hashing, these two keys used to get one vertex id
    plain.execute("INSERT INTO w_pair VALUES (%s, %s), (%s, %s)", ("a\x1fb", "c", "a", "b\x1fc"))
    with writers_engine.connect() as conn:
        assert conn.execute(text(f'SELECT count(DISTINCT id) FROM "{G}"."Pair"')).scalar() == 2
    _assert_mirrored(writers_engine)


def test_reads_hold_after_a_reset_and_beside_planted_operators(
    writers_engine: Engine, plain: psycopg.Connection[Any]
) -> None:
    for statement in SCRIPT[:5]:
        plain.execute(statement)
    _plant(plain)
    try:
        with Session(writers_engine) as session:
            ann = session.get(Person, 1)
            bob = session.get(Person, 2)
            assert ann is not None and bob is not None
            expected = _reads(session, ann, bob)
            session.rollback()
            for reset in ("SET search_path = public", "RESET ALL"):
                session.execute(text(reset))
                assert _reads(session, ann, bob) == expected
                session.rollback()
        assert expected[0] == [2, 3] and expected[2] is not None
        assert plain.execute("SELECT count(*) FROM public.planted_calls").fetchone() == (0,)
    finally:
        _unplant(plain)


def _reads(session: Session, ann: Person, bob: Person) -> tuple[Any, ...]:
    near = session.scalars(
        select(Person.id).where(Person.reachable_from(ann, "KNOWS", max_hops=2)).order_by(Person.id)
    ).all()
    degrees = session.execute(
        select(Person.id, Person.degree("KNOWS", direction="both")).order_by(Person.id)
    ).all()
    path = shortest_path(session, ann, bob, "KNOWS", direction="both")
    walked = walk(Person, ann, "KNOWS", "KNOWS")
    two = session.execute(select(walked.c.id, walked.c.paths).order_by(walked.c.id)).all()
    return list(near), [tuple(r) for r in degrees], path and path.length, [tuple(r) for r in two]


def _plant(plain: psycopg.Connection[Any]) -> None:
    plain.execute(sql.SQL("CREATE ROLE {}").format(sql.Identifier(MALLORY)))
    for grant in ("GRANT CREATE ON SCHEMA public TO {}", "GRANT USAGE ON SCHEMA ag_catalog TO {}"):
        plain.execute(sql.SQL(grant).format(sql.Identifier(MALLORY)))
    plain.execute("CREATE TABLE public.planted_calls (who text)")
    plain.execute(
        sql.SQL("GRANT INSERT ON public.planted_calls TO {}").format(sql.Identifier(MALLORY))
    )
    plain.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(MALLORY)))
    plain.execute(
        "CREATE FUNCTION public.array_to_string(text[], text) RETURNS text LANGUAGE sql AS "
        "$$ INSERT INTO public.planted_calls VALUES (current_user) RETURNING 'x' $$"
    )
    plain.execute(
        "CREATE FUNCTION public.planted_eq(ag_catalog.graphid, ag_catalog.graphid) "
        "RETURNS boolean LANGUAGE sql AS "
        "$$ INSERT INTO public.planted_calls VALUES (current_user) RETURNING true $$"
    )
    plain.execute(
        "CREATE OPERATOR public.= (LEFTARG = ag_catalog.graphid, "
        "RIGHTARG = ag_catalog.graphid, FUNCTION = public.planted_eq)"
    )
    plain.execute("RESET ROLE")


def _unplant(plain: psycopg.Connection[Any]) -> None:
    plain.execute("RESET ROLE")
    plain.execute("DROP TABLE IF EXISTS public.planted_calls")
    plain.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(MALLORY)))
    plain.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(MALLORY)))


READER = f"tridb_reader_{uuid.uuid4().hex[:8]}"


def test_a_read_role_traverses_and_runs_cypher_but_cannot_write_the_graph(
    writers_engine: Engine, plain: psycopg.Connection[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    for statement in SCRIPT[:5]:
        plain.execute(statement)
    # a key that is not its own vertex id: traversal from it reads the key map
    plain.execute("INSERT INTO w_person (id, name) VALUES (-1, 'neg')")
    plain.execute("INSERT INTO w_knows (id, a, b, weight) VALUES (10, -1, 1, 1)")
    password = uuid.uuid4().hex
    reader = sql.Identifier(READER)
    plain.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(reader, sql.Literal(password)))
    owner_url = _libpq(writers_engine)
    reader_url = make_url(owner_url).set(username=READER, password=password)
    try:
        plain.execute(sql.SQL("GRANT SELECT ON w_person TO {}").format(reader))
        assert main(["graph", "grant-read", READER, "--graph", G, "--url", owner_url]) == 0
        assert f"{READER} may read {G}" in capsys.readouterr().out
        engine = create_engine(reader_url.set(drivername="postgresql+psycopg"))
        try:
            with Session(engine) as session:  # no engine plugin: the SQL qualifies what it uses
                ann = session.get(Person, 1)
                assert ann is not None
                near = select(Person.id).where(Person.reachable_from(ann, "KNOWS", max_hops=2))
                assert sorted(session.scalars(near)) == [2, 3]
                neg = session.get(Person, -1)
                assert neg is not None
                near = select(Person.id).where(Person.reachable_from(neg, "KNOWS", max_hops=2))
                assert sorted(session.scalars(near)) == [1, 2]
                names = run_cypher(session, G, "MATCH (p:Person) RETURN p.name")
                assert sorted(r.result for r in names) == ["ann", "bob", "cy", "neg"]
        finally:
            engine.dispose()
        url = reader_url.render_as_string(hide_password=False)
        with psycopg.connect(url, autocommit=True) as as_reader:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                as_reader.execute(f'DELETE FROM "{G}"."KNOWS"')
            # a label the owner adds later is readable too (default privileges)
            with writers_engine.begin() as conn:
                conn.execute(CreateLabel(G, "Later", "v"))
            as_reader.execute(f'SELECT count(*) FROM "{G}"."Later"')
        assert main(["graph", "revoke-read", READER, "--graph", G, "--url", owner_url]) == 0
        with (
            psycopg.connect(url, autocommit=True) as as_reader,
            pytest.raises(psycopg.errors.InsufficientPrivilege),
        ):
            as_reader.execute(f'SELECT count(*) FROM "{G}"."Person"')
    finally:
        plain.execute(sql.SQL("DROP OWNED BY {}").format(reader))
        plain.execute(sql.SQL("DROP ROLE {}").format(reader))


def test_replica_sessions_bypass_the_mirror_unless_enabled_always(
    writers_engine: Engine, plain: psycopg.Connection[Any]
) -> None:
    plain.execute("SET session_replication_role = replica")
    plain.execute("INSERT INTO w_person (id, name) VALUES (1, 'restored')")
    assert graph_rows_diff_now(writers_engine) == ["Person: row 1 has no vertex"]
    plain.execute("DELETE FROM w_person")
    with writers_engine.begin() as conn:
        enable_sync_always(conn, registry_for(Base.metadata))
    plain.execute("INSERT INTO w_person (id, name) VALUES (1, 'replicated')")
    plain.execute("INSERT INTO w_knows (id, a, b, weight) VALUES (1, 1, 1, 0.5)")
    _assert_mirrored(writers_engine)


def graph_rows_diff_now(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return graph_rows_diff(conn, Base.metadata)
