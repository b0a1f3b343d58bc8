"""The example project's checked-in migrations match its models and round-trip."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text
from tridb_alembic_cases.helpers import snapshot

PROJECT = Path(__file__).resolve().parents[2] / "examples" / "alembic_project"

pytestmark = pytest.mark.filterwarnings(
    "ignore:Did not recognize type 'regnamespace':sqlalchemy.exc.SAWarning"
)


def test_example_migrations_round_trip(empty_db_url: str) -> None:
    cfg = Config(str(PROJECT / "alembic.ini"), output_buffer=io.StringIO())
    cfg.set_main_option("sqlalchemy.url", empty_db_url.replace("%", "%%"))
    engine = create_engine(empty_db_url, plugins=["tridb"])
    try:
        with engine.connect() as conn:
            empty = snapshot(conn)
        command.upgrade(cfg, "head")
        command.check(cfg)  # the checked-in migrations are up to date with models.py
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO author (id, name) VALUES (1, 'Ursula')"))
            conn.execute(text("INSERT INTO book (id, title, author_id) VALUES (1, 'Dune', 1)"))
            edges = conn.execute(text('SELECT count(*) FROM library."WRITTEN_BY"')).scalar()
        assert edges == 1
        command.downgrade(cfg, "base")
        with engine.connect() as conn:
            assert snapshot(conn) == empty
    finally:
        engine.dispose()
