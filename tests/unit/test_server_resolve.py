"""resolve_database_url without a server: which URL wins, and the error without one."""

from __future__ import annotations

from pathlib import Path

import pytest

import sqlalchemy_tridb.server as server
from sqlalchemy_tridb.exc import ServerError
from sqlalchemy_tridb.server import databases, resolve, resolve_database_url


def test_a_given_url_wins_then_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRIDB_DATABASE_URL", "postgresql+psycopg://env/db")
    assert resolve_database_url("postgresql+psycopg://given/db") == "postgresql+psycopg://given/db"
    assert resolve_database_url() == "postgresql+psycopg://env/db"
    assert resolve_database_url(start=False) == "postgresql+psycopg://env/db"


def test_without_a_named_server_the_local_one_must_exist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TRIDB_DATABASE_URL", raising=False)
    monkeypatch.setenv("TRIDB_HOME", str(tmp_path / "never-started"))
    with pytest.raises(ServerError, match="tridb server start"):
        resolve_database_url(start=False)  # start=False never makes one


def test_one_function_under_every_import_path() -> None:
    assert server.resolve_database_url is resolve.resolve_database_url
    assert databases.resolve_database_url is resolve.resolve_database_url
    assert set(server.__all__) == {
        "LocalServer",
        "ReplicaStatus",
        "ServerConfig",
        "ServerStatus",
        "create_database",
        "drop_database",
        "resolve_database_url",
        "temporary_database",
    }
    assert all(getattr(server, name) for name in server.__all__)
