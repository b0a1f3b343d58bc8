"""A server that does not preload AGE: the set-up loads it, for superusers and plain roles.

The module starts a second server of its own (``shared_preload_libraries = ''``,
in a temporary home, on a free port: about 2 s), since the shared local server
preloads AGE.  There, AGE's parser hooks exist only once its library is loaded
in the session: the set-up loads it with an ``agtype`` cast, which any role
with USAGE on ``ag_catalog`` may run, and ``tridb_load_age=true`` with
``LOAD 'age'``, which only a superuser may run.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from sqlalchemy_tridb import ConnectionSetupError
from sqlalchemy_tridb.cypher import run_cypher
from sqlalchemy_tridb.exc import ServerError
from sqlalchemy_tridb.server import LocalServer, ServerConfig, create_database
from sqlalchemy_tridb.testing import local_server_unavailable

NO_LOCAL_SERVER = local_server_unavailable()

pytestmark = [
    pytest.mark.db,
    pytest.mark.skipif(
        bool(os.environ.get("TRIDB_DATABASE_URL")), reason="uses the local server manager"
    ),
    pytest.mark.skipif(NO_LOCAL_SERVER is not None, reason=str(NO_LOCAL_SERVER)),
]

GRAPH = "not_preloaded"
ROLE, PASSWORD = "tridb_np_reader", "np-reader-pw"  # the server is this module's own
QUERY = "MATCH (a:P)-[:K]->(b:P) WHERE a.pk = $pk RETURN b.pk"


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home: Path = tmp_path_factory.mktemp("not_preloaded") / "home"
    server = LocalServer(
        ServerConfig.from_env(home=home, settings={"shared_preload_libraries": "''"})
    )
    server.start()
    try:
        url = create_database(server.url(), "np_db")
        raw = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(raw, autocommit=True) as conn:
            conn.execute("LOAD 'age'")
            conn.execute("SET search_path = ag_catalog, public")
            conn.execute(f"SELECT create_graph('{GRAPH}')")
            conn.execute(
                f"SELECT * FROM cypher('{GRAPH}', $$ CREATE (:P {{pk: 1}})-[:K]->(:P {{pk: 2}}), "
                "(:P {pk: 3})-[:K]->(:P {pk: 4}) $$) AS (r agtype)"
            )
            conn.execute(f"CREATE ROLE {ROLE} LOGIN PASSWORD '{PASSWORD}'")
            conn.execute(f"GRANT USAGE ON SCHEMA ag_catalog, {GRAPH} TO {ROLE}")
            conn.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA {GRAPH} TO {ROLE}")
        yield url
    finally:
        with contextlib.suppress(ServerError):
            server.stop()


def _reader(url: str) -> str:
    return make_url(url).set(username=ROLE, password=PASSWORD).render_as_string(hide_password=False)


def _friends(url: str, **options: object) -> list[int]:
    engine = create_engine(url, plugins=["tridb"], **options)  # type: ignore[arg-type]
    try:
        with engine.connect() as conn:
            conn.execute(text("SET search_path = public"))  # the prelude copes
            return [r.result for r in run_cypher(conn, GRAPH, QUERY, pk=3)]
    finally:
        engine.dispose()


def test_the_server_does_not_preload_age(server_url: str) -> None:
    raw = make_url(server_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(raw, autocommit=True) as conn:
        assert conn.execute("SHOW shared_preload_libraries").fetchone() == ("",)
        with pytest.raises(psycopg.errors.InternalError, match="unhandled cypher"):
            conn.execute(
                f"SELECT * FROM ag_catalog.cypher('{GRAPH}', $$ RETURN 1 $$) "
                "AS (r ag_catalog.agtype)"
            )


@pytest.mark.parametrize("load_age", ["auto", "true"])
def test_a_superuser_gets_age_loaded(server_url: str, load_age: str) -> None:
    assert _friends(server_url, tridb_load_age=load_age) == [4]


def test_a_plain_role_gets_age_loaded_without_load(server_url: str) -> None:
    assert _friends(_reader(server_url)) == [4]
    with pytest.raises(ConnectionSetupError, match="LOAD needs a superuser"):
        _friends(_reader(server_url), tridb_load_age="true")
