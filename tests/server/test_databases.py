"""temporary_database / create_database / drop_database against the real server."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from sqlalchemy_tridb.exc import IdentifierError
from sqlalchemy_tridb.server import create_database, drop_database, temporary_database


def _exists(server_url: str, name: str) -> bool:
    engine = create_engine(server_url)
    try:
        with engine.connect() as conn:
            found = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
            return found.first() is not None
    finally:
        engine.dispose()


def test_temporary_database_has_both_extensions_and_goes_away(tridb_server_url: str) -> None:
    with temporary_database("tridb_tmp_probe", server_url=tridb_server_url) as engine:
        with engine.connect() as conn:
            exts = set(conn.execute(text("SELECT extname FROM pg_extension")).scalars())
            path = conn.execute(text("SELECT current_schemas(false)")).scalar_one()
        assert {"vector", "age"} <= exts
        assert path[-1] == "ag_catalog"  # an engine with the tridb set-up
        assert _exists(tridb_server_url, "tridb_tmp_probe")
    assert not _exists(tridb_server_url, "tridb_tmp_probe")


def test_create_replaces_and_drop_is_idempotent(tridb_server_url: str) -> None:
    url = create_database(tridb_server_url, "tridb_tmp_probe2", extensions=["vector"])
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE marker (x int)"))
    engine.dispose()
    create_database(tridb_server_url, "tridb_tmp_probe2", extensions=[], replace=True)  # empty
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT to_regclass('marker')")).scalar_one() is None
    engine.dispose()
    drop_database(tridb_server_url, "tridb_tmp_probe2")
    drop_database(tridb_server_url, "tridb_tmp_probe2")
    assert not _exists(tridb_server_url, "tridb_tmp_probe2")


def test_names_are_validated(tridb_server_url: str) -> None:
    with pytest.raises(IdentifierError, match="database name"):
        create_database(tridb_server_url, 'x"; DROP DATABASE postgres; --')
    with pytest.raises(IdentifierError, match="extension name"):
        create_database(tridb_server_url, "fine_name", extensions=["vector; DROP"])
