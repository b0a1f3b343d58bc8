"""Issue 14 items 13 and 15: a str home works; create_database() never replaces one unasked.

``ServerConfig.from_env(home=".tridb")`` kept the ``str`` and ``LocalServer(cfg)``
raised ``AttributeError: 'str' object has no attribute 'resolve'``;
``create_database()`` silently dropped an existing database while
``tridb db create`` refused.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from sqlalchemy_tridb.cli.main import main
from sqlalchemy_tridb.exc import DatabaseExistsError, ServerError
from sqlalchemy_tridb.server import LocalServer, ServerConfig, create_database, drop_database


class _PathLike:
    def __init__(self, path: str) -> None:
        self.path = path

    def __fspath__(self) -> str:
        return self.path


def test_home_given_as_str_or_pathlike_is_a_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for home in (".tridb", _PathLike(".tridb"), tmp_path / ".tridb"):
        config = ServerConfig.from_env({}, home=home, cache_dir=str(tmp_path / "cache"))
        assert isinstance(config.home, Path) and isinstance(config.cache_dir, Path)
        server = LocalServer(config)  # raised AttributeError for a str before
        assert server.home == tmp_path / ".tridb"
        assert server.status().running is False  # nothing started here
    assert ServerConfig(home="x").home == Path("x")  # type: ignore[arg-type]
    assert ServerConfig.from_env({"TRIDB_HOME": "from_env"}).home == Path("from_env")


def _marker(url: str) -> bool:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.scalar(text("SELECT to_regclass('marker') IS NOT NULL")) is True
    finally:
        engine.dispose()


def test_create_database_refuses_an_existing_one_unless_replace(tridb_server_url: str) -> None:
    name = f"tridb_exists_{os.getpid()}"
    url = create_database(tridb_server_url, name, extensions=())
    try:
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE marker (x int)"))
        engine.dispose()
        with pytest.raises(DatabaseExistsError, match=r"replace=True.*--replace") as err:
            create_database(tridb_server_url, name, extensions=())
        assert isinstance(err.value, ServerError)
        assert _marker(url)  # nothing was dropped
        assert create_database(tridb_server_url, name, extensions=(), replace=True) == url
        assert not _marker(url)  # replaced, as asked
    finally:
        drop_database(tridb_server_url, name)


def test_cli_and_library_agree(tridb_server_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    name = f"tridb_cli_exists_{os.getpid()}"
    try:
        assert main(["db", "create", name, "--url", tridb_server_url]) == 0
        assert main(["db", "create", name, "--url", tridb_server_url]) == 1
        assert "exists; pass replace=True" in capsys.readouterr().err
        assert main(["db", "create", name, "--url", tridb_server_url, "--replace"]) == 0
    finally:
        drop_database(tridb_server_url, name)
