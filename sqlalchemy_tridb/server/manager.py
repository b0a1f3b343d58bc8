"""The local server: start, stop, status and URL of a project-local PostgreSQL."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from ..exc import PortInUseError, ServerError
from . import replica as _replica
from ._lock import file_lock
from .backends import Backend, choose_backend
from .config import DEFAULT_PORT, ServerConfig
from .replica import ReplicaStatus

_STATE = "server.json"
_INITIALISED = "tridb.initialised"
#: The line that starts the settings this package adds to ``postgresql.conf``.
_MARK = "# added by sqlalchemy-tridb"
#: What data directories made before AGE stopped being preloaded carry in that block.
_OLD_PRELOAD = "shared_preload_libraries = 'age'"


@dataclass(frozen=True)
class ServerStatus:
    """What `LocalServer.status()` reports.

    :param running: whether the server's postmaster runs now.
    :param initialised: whether the data directory has been made (``initdb``).
    :param backend: ``host`` or ``chroot``: what made the server (``None``
        before it is made).
    :param port: the TCP port of the last start (``None`` before the first).
    :param url: the server's SQLAlchemy URL (``None`` before it is made).
    :param home: the server's folder, resolved.
    """

    running: bool
    initialised: bool
    backend: str | None
    port: int | None
    url: str | None
    home: Path


def port_is_free(port: int) -> bool:
    """Whether nothing listens on ``127.0.0.1:port``.

    :param port: the TCP port to try to bind.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LocalServer:
    """A PostgreSQL server with pgvector and AGE whose files live in ``config.home``.

    ``start()`` is idempotent and safe to call from several processes at once;
    ``stop()`` only ever stops the server whose data directory is ours.

    >>> server = LocalServer()            # doctest: +SKIP
    >>> server.start().url                # doctest: +SKIP
    'postgresql+psycopg://postgres:...@127.0.0.1:54329/tridb'

    :param config: where and how the server runs (default
        ``ServerConfig.from_env()``: the ``TRIDB_*`` environment).
    """

    def __init__(self, config: ServerConfig | None = None) -> None:
        self.config = config if config is not None else ServerConfig.from_env()
        self.home = self.config.home.resolve()

    # -- state ------------------------------------------------------------
    @property
    def _state_path(self) -> Path:
        return self.home / _STATE

    def _read_state(self) -> dict[str, Any]:
        try:
            data = json.loads(self._state_path.read_text())
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _write_state(self, state: dict[str, Any]) -> None:
        tmp = self._state_path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump(state, fh, indent=2)
        tmp.replace(self._state_path)

    def _backend(self, state: dict[str, Any]) -> Backend:
        return choose_backend(self.config, previous=state.get("backend"))

    @staticmethod
    def _url(state: dict[str, Any]) -> str:
        return (
            f"postgresql+psycopg://postgres:{state['password']}@127.0.0.1:"
            f"{state['port']}/{state['database']}"
        )

    # -- public API -------------------------------------------------------
    def status(self) -> ServerStatus:
        """Report whether the server runs, and its URL."""
        state = self._read_state()
        initialised = bool(state.get("initialised"))
        running = False
        if initialised:
            backend = self._backend(state)
            running = self._is_running(backend)
        return ServerStatus(
            running=running,
            initialised=initialised,
            backend=state.get("backend"),
            port=state.get("port"),
            url=self._url(state) if initialised else None,
            home=self.home,
        )

    def url(self) -> str:
        """The SQLAlchemy URL of the server (it must have been started once)."""
        state = self._read_state()
        if not state.get("initialised"):
            raise ServerError(f"no server in {self.home}: run `tridb server start` first")
        return self._url(state)

    def start(self, *, timeout: float = 60.0) -> ServerStatus:
        """Start the server (making it first if needed); return its status.

        :param timeout: seconds to wait for the server to accept connections.
        """
        self.home.mkdir(parents=True, exist_ok=True)
        with file_lock(self.home / ".lock"):
            state = self._read_state()
            backend = self._backend(state)
            backend.prepare()
            if not state.get("initialised") or not self._data_ok(backend):
                state = self._initdb(backend)
            if not self._is_running(backend):
                self._stop_preloading_age(backend)
                _replica.add_replication_settings(backend)
                state["port"] = self._pick_port(state)
                self._write_state(state)
                self._pg_ctl_start(backend, state["port"], timeout)
            self._ensure_database(state, timeout)
        return self.status()

    def stop(self, *, timeout: float = 60.0) -> bool:
        """Stop the server (its replicas first) if it runs; return whether it was running.

        :param timeout: seconds to wait for it to stop.
        """
        if not self.home.exists():
            return False
        with file_lock(self.home / ".lock"):
            state = self._read_state()
            if not state.get("initialised"):
                return False
            backend = self._backend(state)
            for name in state.get("replicas", {}):
                _replica.stop(backend, name, timeout=timeout)
            if not self._is_running(backend):
                return False
            backend.run(
                [
                    backend.program("pg_ctl"),
                    "stop",
                    "-D",
                    backend.data_dir,
                    "-m",
                    "fast",
                    "-w",
                    "-t",
                    str(int(timeout)),
                ],
                what="pg_ctl stop",
            )
            return True

    # -- replicas -----------------------------------------------------------
    def start_replica(
        self, name: str = "replica", *, port: int | None = None, timeout: float = 60.0
    ) -> ReplicaStatus:
        """Start a streaming standby of this server (making it first); return its status.

        The primary is started first if needed.  The first start runs
        ``pg_basebackup`` (seconds for a small server); later ones reuse the
        data directory and catch up from the primary.  Idempotent.

        :param name: the replica's name (lower-case letters, digits, ``_``).
        :param port: its port on 127.0.0.1 (default: the last one, else a free one).
        :param timeout: seconds to wait for it to accept connections.
        """
        _replica.validate_name(name)
        self.start(timeout=timeout)
        with file_lock(self.home / ".lock"):
            state = self._read_state()
            backend = self._backend(state)
            entry = dict(state.get("replicas", {}).get(name, {}))
            if not _replica.is_running(backend, name):
                if not _replica.is_made(backend, name):
                    with self._connect(state, state["port"]) as conn:
                        if _replica.add_replication_settings(backend):
                            conn.execute("SELECT pg_catalog.pg_reload_conf()")
                        password = _replica.ensure_role(conn, state)
                    self._write_state(state)
                    _replica.make(backend, name, primary_port=state["port"], password=password)
                entry["port"] = self._pick_replica_port(state, name, port)
                state.setdefault("replicas", {})[name] = entry
                self._write_state(state)
                _replica.start(backend, name, port=entry["port"], timeout=timeout)
        return self.replica(name)

    def stop_replica(
        self, name: str = "replica", *, remove: bool = False, timeout: float = 60.0
    ) -> bool:
        """Stop replica *name* if it runs; return whether it did.

        :param name: the replica's name.
        :param remove: also delete its data directory and forget it.
        :param timeout: seconds to wait for it to stop.
        """
        _replica.validate_name(name)
        with file_lock(self.home / ".lock"):
            state = self._read_state()
            if not state.get("initialised"):
                return False
            backend = self._backend(state)
            stopped = _replica.stop(backend, name, timeout=timeout)
            if remove:
                _replica.remove(backend, name)
                state.get("replicas", {}).pop(name, None)
                self._write_state(state)
            return stopped

    def replica(self, name: str = "replica") -> ReplicaStatus:
        """The status of replica *name*, with its lag behind the primary.

        :param name: the replica's name.
        """
        state = self._read_state()
        entry = state.get("replicas", {}).get(name)
        if not state.get("initialised") or entry is None:
            return ReplicaStatus(name=name, running=False, port=None, url=None)
        backend = self._backend(state)
        running = _replica.is_running(backend, name)
        url = self._url({**state, "port": entry["port"]})
        behind: int | None = None
        seconds: float | None = None
        streaming = False
        if running and self._is_running(backend):
            with (
                contextlib.suppress(psycopg.OperationalError),
                self._connect(state, state["port"]) as primary,
                self._connect(state, entry["port"]) as standby,
            ):
                behind, seconds, streaming = _replica.lag(primary, standby, name)
        return ReplicaStatus(
            name=name,
            running=running,
            port=entry["port"],
            url=url,
            lag_bytes=behind,
            lag_seconds=seconds,
            streaming=streaming,
        )

    def replicas(self) -> list[ReplicaStatus]:
        """The status of every replica this server has made (running or not)."""
        return [self.replica(name) for name in sorted(self._read_state().get("replicas", {}))]

    def _pick_replica_port(self, state: dict[str, Any], name: str, wanted: int | None) -> int:
        if wanted is not None:
            if not port_is_free(wanted):
                raise PortInUseError(f"port {wanted} on 127.0.0.1 is taken: choose another")
            return wanted
        last = state.get("replicas", {}).get(name, {}).get("port")
        if isinstance(last, int) and last != state.get("port") and port_is_free(last):
            return last
        return _free_port()

    @staticmethod
    def _connect(state: dict[str, Any], port: int) -> psycopg.Connection[Any]:
        return psycopg.connect(
            host="127.0.0.1",
            port=port,
            user="postgres",
            password=state["password"],
            dbname="postgres",
            autocommit=True,
            connect_timeout=5,
        )

    # -- steps ------------------------------------------------------------
    def _data_ok(self, backend: Backend) -> bool:
        return backend.host_path(backend.data_dir).joinpath(_INITIALISED).is_file()

    def _is_running(self, backend: Backend) -> bool:
        if not self._data_ok(backend):
            return False
        code = backend.run_status([backend.program("pg_ctl"), "status", "-D", backend.data_dir])
        return code == 0

    def _pick_port(self, state: dict[str, Any]) -> int:
        if self.config.port is not None:
            if not port_is_free(self.config.port):
                raise PortInUseError(
                    f"port {self.config.port} on 127.0.0.1 is taken by another program: "
                    "stop it, or choose another port (TRIDB_PORT or --port)"
                )
            return self.config.port
        for port in (state.get("port"), DEFAULT_PORT):
            if isinstance(port, int) and port_is_free(port):
                return port
        return _free_port()

    def _initdb(self, backend: Backend) -> dict[str, Any]:
        data_host = backend.host_path(backend.data_dir)
        # A half-made data directory (interrupted initdb) is never used.
        if data_host.exists():
            shutil.rmtree(data_host)
        parent = str(Path(backend.data_dir).parent)
        backend.make_dir(parent)
        backend.make_dir(backend.socket_dir)
        password = secrets.token_urlsafe(18)
        pwfile = f"{parent}/.pw"
        pw_host = backend.host_path(pwfile)
        pw_host.write_text(password + "\n")
        try:
            os.chmod(pw_host, 0o644)
            backend.run(
                [
                    backend.program("initdb"),
                    "-D",
                    backend.data_dir,
                    "-U",
                    "postgres",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                    "--auth-local=trust",
                    "--auth-host=scram-sha-256",
                    f"--pwfile={pwfile}",
                ],
                what="initdb",
            )
        finally:
            pw_host.unlink(missing_ok=True)
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{backend.socket_dir}'",
            "dynamic_shared_memory_type": "mmap",
            **_replica.REPLICATION_SETTINGS,
            **self.config.settings,
        }
        conf = backend.host_path(backend.data_dir) / "postgresql.conf"
        with conf.open("a") as fh:
            fh.write(f"\n{_MARK}\n")
            for key, value in settings.items():
                fh.write(f"{key} = {value}\n")
        backend.host_path(backend.data_dir).joinpath(_INITIALISED).write_text("ok\n")
        state = {
            "backend": backend.name,
            "password": password,
            "database": self.config.database,
            "major": self.config.major,
            "initialised": True,
            "port": None,
        }
        self._write_state(state)
        return state

    def _stop_preloading_age(self, backend: Backend) -> None:
        """Take ``shared_preload_libraries = 'age'`` out of a data directory made before.

        Preloaded, AGE's hooks run in every database of the server, and in one
        without the ``age`` extension they make ``DROP TABLE`` fail (``schema
        "ag_catalog" does not exist``).  The connection set-up loads AGE in the
        sessions of databases that have it, so nothing needs the preload.  A
        ``shared_preload_libraries`` asked for in the config's settings stays.
        """
        if "shared_preload_libraries" in self.config.settings:
            return
        conf = backend.host_path(backend.data_dir) / "postgresql.conf"
        text = conf.read_text()
        head, mark, block = text.partition(f"\n{_MARK}\n")
        if not mark or _OLD_PRELOAD not in block.splitlines():
            return
        kept = [line for line in block.splitlines() if line != _OLD_PRELOAD]
        conf.write_text(head + mark + "".join(f"{line}\n" for line in kept))

    def _pg_ctl_start(self, backend: Backend, port: int, timeout: float) -> None:
        try:
            backend.run(
                [
                    backend.program("pg_ctl"),
                    "start",
                    "-D",
                    backend.data_dir,
                    "-w",
                    "-t",
                    str(int(timeout)),
                    "-l",
                    backend.log_file,
                    "-o",
                    f"-p {port}",
                ],
                what="pg_ctl start",
            )
        except ServerError as err:
            log = backend.host_path(backend.log_file)
            tail = ""
            with contextlib.suppress(OSError):
                tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:])
            raise ServerError(f"{err}\nserver log ({log}):\n{tail}") from err

    def _ensure_database(self, state: dict[str, Any], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                conn = psycopg.connect(
                    host="127.0.0.1",
                    port=state["port"],
                    user="postgres",
                    password=state["password"],
                    dbname="postgres",
                    autocommit=True,
                    connect_timeout=5,
                )
                break
            except psycopg.OperationalError as err:
                if time.monotonic() > deadline:
                    raise ServerError(f"the server does not accept connections: {err}") from err
                time.sleep(0.2)
        with conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (state["database"],)
            ).fetchone()
            if not exists:
                with contextlib.suppress(psycopg.errors.DuplicateDatabase):
                    conn.execute(
                        sql.SQL("CREATE DATABASE {}").format(sql.Identifier(state["database"]))
                    )
