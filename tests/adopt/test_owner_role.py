"""The application's own role, not a superuser, adopts the mirror over its tables."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from graph.mirror_check import graph_rows_diff  # tests/ is on sys.path (tests/conftest.py)
from psycopg import sql
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from sqlalchemy_tridb import check_graph, doctor, repair_graph, sync_graph
from sqlalchemy_tridb.testing.fixtures import make_engine

from .conftest import add_rows, create_tables
from .models import GRAPH, Base


@pytest.fixture
def owner(tridb_engine: Engine) -> Iterator[Engine]:
    """A LOGIN role with CREATE on the database and public, AGE's catalog, nothing else."""
    role, password = f"tridb_owner_{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    libpq = make_url(tridb_engine.url).set(drivername="postgresql")
    with psycopg.connect(libpq.render_as_string(hide_password=False), autocommit=True) as su:
        su.execute(
            sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                sql.Identifier(role), sql.Literal(password)
            )
        )
        db = sql.Identifier(str(libpq.database))
        su.execute(sql.SQL("GRANT CREATE ON DATABASE {} TO {}").format(db, sql.Identifier(role)))
        su.execute(sql.SQL("GRANT CREATE ON SCHEMA public TO {}").format(sql.Identifier(role)))
        su.execute(sql.SQL("GRANT USAGE ON SCHEMA ag_catalog TO {}").format(sql.Identifier(role)))
        # AGE's catalog, which create_graph and create_vlabel write (AGE 1.5 asks for it)
        su.execute(
            sql.SQL(
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ag_catalog.ag_graph, "
                "ag_catalog.ag_label TO {}"
            ).format(sql.Identifier(role))
        )
        engine = make_engine(
            tridb_engine.url.set(username=role, password=password).render_as_string(False)
        )
        try:
            yield engine
        finally:
            engine.dispose()
            su.execute(  # AGE's labels first: DROP OWNED cannot drop their tables
                "SELECT ag_catalog.drop_graph(name::text, true) FROM ag_catalog.ag_graph"
            )
            su.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
            su.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def test_a_non_superuser_owner_fills_checks_and_repairs(owner: Engine) -> None:
    with owner.begin() as conn:
        assert not conn.execute(
            text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        ).scalar()
        create_tables(conn)
        add_rows(conn)
    Base.metadata.create_all(owner)  # the graph, its labels and triggers: the owner's
    with owner.connect() as conn:
        assert graph_rows_diff(conn, Base.metadata) == []
    with owner.begin() as conn:
        conn.execute(text(f'DELETE FROM "{GRAPH}"."Product"'))
    found = check_graph(owner, Base)
    assert {x.label: x.missing for x in found.labels}["Product"] == 50
    repair_graph(owner, Base)
    assert sync_graph(owner, Base).changed == 0
    with owner.connect() as conn:
        assert graph_rows_diff(conn, Base.metadata) == []
    report = doctor(owner, Base)
    assert report.ok, report.text()
