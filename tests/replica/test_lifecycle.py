"""A replica's life on a server of its own: stopped with the primary, made again, removed."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from sqlalchemy_tridb.server import LocalServer, ServerConfig
from sqlalchemy_tridb.server.backends import choose_backend
from sqlalchemy_tridb.server.replica import data_dir
from sqlalchemy_tridb.testing import local_server_unavailable

NO_LOCAL_SERVER = local_server_unavailable()
pytestmark = [
    pytest.mark.db,
    pytest.mark.skipif(NO_LOCAL_SERVER is not None, reason=str(NO_LOCAL_SERVER)),
]


def _rows(url: str) -> list[str]:
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        return [r[0] for r in conn.execute("SELECT v FROM kept ORDER BY v").fetchall()]


def test_stop_takes_the_replicas_down_and_a_restart_catches_up(tmp_path: Path) -> None:
    config = dataclasses.replace(ServerConfig.from_env(home=tmp_path / ".tridb"), port=None)
    server = LocalServer(config)
    try:
        primary_url = server.start().url
        assert primary_url is not None
        with psycopg.connect(primary_url.replace("+psycopg", ""), autocommit=True) as conn:
            conn.execute("CREATE TABLE kept (v text)")
            conn.execute("INSERT INTO kept VALUES ('before')")
        first = server.start_replica("r1")
        assert first.url is not None
        assert server.stop() is True  # the replica first, then the primary
        assert server.replica("r1").running is False
        server.start()
        with psycopg.connect(primary_url.replace("+psycopg", ""), autocommit=True) as conn:
            conn.execute("INSERT INTO kept VALUES ('while it was down')")
        again = server.start_replica("r1")  # the same data directory, caught up by streaming
        assert again.port == first.port and again.url == first.url
        for _ in range(200):
            if _rows(first.url) == ["before", "while it was down"]:
                break

            time.sleep(0.05)
        assert _rows(first.url) == ["before", "while it was down"]
        backend = choose_backend(config, previous=server.status().backend)
        folder = backend.host_path(data_dir(backend, "r1"))
        assert folder.is_dir()
        assert server.stop_replica("r1", remove=True) is True
        assert not folder.exists() and server.replicas() == []
        assert server.stop_replica("r1") is False
        cli = [sys.executable, "-m", "sqlalchemy_tridb.cli.main", "server"]
        home = ["--home", str(server.home)]
        started = subprocess.run(
            [*cli, "start", *home, "--replica", "r2"], capture_output=True, text=True
        )
        assert started.returncode == 0, started.stderr
        assert started.stdout.startswith("replica r2: running on 127.0.0.1:")
        assert server.replica("r2").running
        stopped = subprocess.run(
            [*cli, "stop", *home, "--replica", "r2", "--remove"], capture_output=True, text=True
        )
        assert stopped.stdout.strip() == "stopped, removed"
        assert server.replicas() == []
    finally:
        server.stop()
