"""The local server does not preload AGE (issue 13, item 7).

Preloaded, AGE's hooks run in every database of the server, and where the
``age`` extension is missing they make ``DROP TABLE`` fail (``schema
"ag_catalog" does not exist``): a plain application's downgrade never worked on
the local server, and neither did the next step down after a migration that
dropped ``age``.  The connection set-up loads AGE only in databases that have
it.  The module starts a server of its own with the default settings (in a
temporary home, on a free port: about 3 s).
"""

from __future__ import annotations

import contextlib
import io
import os
import textwrap
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

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


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    home: Path = tmp_path_factory.mktemp("no_preload") / "home"
    server = LocalServer(ServerConfig.from_env(home=home, port=None))
    server.start()
    try:
        yield server
    finally:
        with contextlib.suppress(ServerError):
            server.stop()


def _raw(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def test_drop_table_works_in_a_database_without_age(server: LocalServer) -> None:
    with psycopg.connect(_raw(server.url()), autocommit=True) as conn:
        assert conn.execute("SHOW shared_preload_libraries").fetchone() == ("",)
        conn.execute("CREATE TABLE plain_app (id int)")
        conn.execute("DROP TABLE plain_app")  # failed with AGE preloaded
        assert conn.execute("SELECT to_regclass('plain_app')").fetchone() == (None,)


def test_an_old_data_directory_stops_preloading_age(server: LocalServer) -> None:
    conf = next(server.home.rglob("data/postgresql.conf"))
    server.stop()
    conf.write_text(conf.read_text() + "shared_preload_libraries = 'age'\n")
    server.start()
    assert "shared_preload_libraries = 'age'" not in conf.read_text()
    with psycopg.connect(_raw(server.url())) as conn:
        assert conn.execute("SHOW shared_preload_libraries").fetchone() == ("",)


APP = """
revision = "0001"
down_revision = None
from alembic import op
import sqlalchemy as sa
def upgrade():
    op.create_table("shop", sa.Column("id", sa.Integer, primary_key=True))
def downgrade():
    op.drop_table("shop")
"""
TRIDB = """
revision = "0002"
down_revision = "0001"
from alembic import op
import alembic_ext.operations
def upgrade():
    op.create_extension("age")
    op.create_graph("shop_graph")
def downgrade():
    op.drop_graph("shop_graph")
    op.drop_extension("age")
"""


def test_downgrade_one_step_at_a_time_after_dropping_age(
    server: LocalServer, tmp_path: Path
) -> None:
    url = create_database(server.url(), "steps", extensions=())
    (tmp_path / "versions").mkdir()
    (tmp_path / "versions" / "0001_app.py").write_text(textwrap.dedent(APP))
    (tmp_path / "versions" / "0002_tridb.py").write_text(textwrap.dedent(TRIDB))
    (tmp_path / "env.py").write_text(
        textwrap.dedent(
            """
            from alembic import context
            from sqlalchemy import create_engine
            engine = create_engine(context.config.get_main_option("sqlalchemy.url"),
                                   plugins=["tridb"])
            with engine.connect() as connection:
                context.configure(connection=connection, target_metadata=None)
                with context.begin_transaction():
                    context.run_migrations()
            """
        )
    )
    cfg = Config(output_buffer=io.StringIO())
    cfg.set_main_option("script_location", str(tmp_path))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    command.upgrade(cfg, "head")
    command.downgrade(cfg, "-1")  # drops age (each command: a new connection)
    command.downgrade(cfg, "-1")  # the app's DROP TABLE: failed with AGE preloaded
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT to_regclass('shop')")) is None
        assert conn.scalar(text("SELECT count(*) FROM pg_extension WHERE extname = 'age'")) == 0
    engine.dispose()
