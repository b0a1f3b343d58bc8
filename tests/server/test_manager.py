"""The local server manager, against real PostgreSQL processes in their own homes."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from sqlalchemy_tridb.exc import PortInUseError, ServerError
from sqlalchemy_tridb.server import LocalServer, ServerConfig
from sqlalchemy_tridb.server.backends import ChrootBackend, choose_backend
from sqlalchemy_tridb.testing import local_server_unavailable

NO_LOCAL_SERVER = local_server_unavailable()

pytestmark = [
    pytest.mark.db,
    pytest.mark.skipif(
        bool(os.environ.get("TRIDB_DATABASE_URL")), reason="uses the local server manager"
    ),
    pytest.mark.skipif(NO_LOCAL_SERVER is not None, reason=str(NO_LOCAL_SERVER)),
]


def _connect(server: LocalServer) -> psycopg.Connection:
    url = server.url().replace("postgresql+psycopg://", "postgresql://")
    return psycopg.connect(url, autocommit=True)


@pytest.fixture
def server(tmp_path: Path):
    srv = LocalServer(ServerConfig.from_env(home=tmp_path / "home"))
    yield srv
    with contextlib.suppress(ServerError):
        srv.stop()


def _postmaster_pid(server: LocalServer) -> int:
    state = server.status()
    assert state.backend is not None
    backend = choose_backend(server.config, previous=state.backend)
    pidfile = backend.host_path(backend.data_dir) / "postmaster.pid"
    return int(pidfile.read_text().split()[0])


def _log(server: LocalServer) -> str:
    backend = choose_backend(server.config, previous=server.status().backend)
    return backend.host_path(backend.log_file).read_text()


def test_start_is_idempotent_and_restart_keeps_data(server: LocalServer) -> None:
    assert server.status().initialised is False
    first = server.start()
    assert first.running and first.port is not None
    again = server.start()
    assert again.port == first.port
    assert _log(server).count("ready to accept connections") == 1
    with _connect(server) as conn:
        available = dict(
            conn.execute(
                "SELECT name, default_version FROM pg_available_extensions"
                " WHERE name IN ('vector', 'age')"
            ).fetchall()
        )
        assert set(available) == {"vector", "age"}
        conn.execute("CREATE TABLE kept (v text)")
        conn.execute("INSERT INTO kept VALUES ('survives a restart')")
    assert server.stop() is True
    assert server.status().running is False
    assert server.stop() is False
    server.start()
    with _connect(server) as conn:
        assert conn.execute("SELECT v FROM kept").fetchall() == [("survives a restart",)]


def test_dead_server_and_stale_pid_file_are_handled(server: LocalServer) -> None:
    server.start()
    with _connect(server) as conn:
        conn.execute("CREATE TABLE t (x int)")
        conn.execute("INSERT INTO t VALUES (42)")
    pid = _postmaster_pid(server)
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    # the pid file is left behind by the killed postmaster: it is stale now
    assert server.status().running is False
    status = server.start()
    assert status.running
    with _connect(server) as conn:
        assert conn.execute("SELECT x FROM t").fetchall() == [(42,)]


def test_concurrent_starts_give_one_server(tmp_path: Path) -> None:
    home = tmp_path / "home"
    cmd = [
        sys.executable,
        "-m",
        "sqlalchemy_tridb.cli.main",
        "server",
        "start",
        "--home",
        str(home),
    ]
    procs = [
        subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(3)
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    server = LocalServer(ServerConfig.from_env(home=home))
    try:
        assert [p.returncode for p in procs] == [0, 0, 0], outs
        ports = {out.decode().split("127.0.0.1:")[1].split(";")[0] for out, _ in outs}
        assert len(ports) == 1
        assert _log(server).count("ready to accept connections") == 1
    finally:
        server.stop()


def test_taken_port_is_reported_or_replaced(server: LocalServer, tmp_path: Path) -> None:
    first = server.start()
    server.stop()
    assert first.port is not None
    blocker = socket.socket()
    blocker.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    blocker.bind(("127.0.0.1", first.port))
    blocker.listen()
    try:
        moved = server.start()
        assert moved.running and moved.port != first.port
        server.stop()
        pinned = LocalServer(ServerConfig.from_env(home=server.config.home, port=first.port))
        with pytest.raises(PortInUseError, match="taken by another program"):
            pinned.start()
    finally:
        blocker.close()


def test_interrupted_project_root_is_rebuilt(tmp_path: Path) -> None:
    config = ServerConfig.from_env(home=tmp_path / "home")
    backend = choose_backend(config)
    if not isinstance(backend, ChrootBackend):
        pytest.skip("the chroot backend is not the one in use")
    backend.prepare()
    # simulate a copy that was interrupted half-way: no ready marker
    marker = backend.root / ".tridb-ready"
    marker.unlink()
    (backend.root / "usr").rename(backend.root / "usr-gone")
    backend.prepare()
    assert marker.is_file()
    assert (backend.root / backend.bindir.lstrip("/") / "postgres").exists()
    assert not (backend.root / "usr-gone").exists()


def test_url_before_first_start_says_what_to_do(tmp_path: Path) -> None:
    server = LocalServer(ServerConfig.from_env(home=tmp_path / "never"))
    with pytest.raises(ServerError, match="tridb server start"):
        server.url()
