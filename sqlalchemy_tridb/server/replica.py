"""Streaming replicas of the local server: ``pg_basebackup`` into the same root, another port.

A replica is a hot standby for development and tests: its data directory sits
next to the primary's (``replicas/NAME``, in the chroot's root filesystem or in
the server's folder), it is made with ``pg_basebackup -X stream -R`` as the role
`REPLICATION_ROLE`, and it streams from the primary over loopback.  No
replication slot is used (nothing piles up on the primary when a replica is
gone); the primary keeps `WAL_KEEP_SIZE` of WAL for a replica that falls behind.

The functions here work on a backend and the server's state; `LocalServer`
(``start_replica``, ``stop_replica``, ``replicas``) is their public face.
"""

from __future__ import annotations

import contextlib
import re
import secrets
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from ..exc import ConfigurationError, ServerError
from ..routing import lsn_position
from .backend import Backend

__all__ = [
    "REPLICATION_ROLE",
    "REPLICATION_SETTINGS",
    "ReplicaStatus",
]

#: The login role replicas stream as (``LOGIN REPLICATION``, a random password).
REPLICATION_ROLE = "tridb_replicator"
#: How much WAL the primary keeps for a replica that falls behind.
WAL_KEEP_SIZE = "'128MB'"
#: What the primary's ``postgresql.conf`` carries for replicas (copied into them
#: by ``pg_basebackup``, where ``hot_standby_feedback`` takes effect).
REPLICATION_SETTINGS: Mapping[str, str] = {
    "wal_level": "replica",
    "max_wal_senders": "10",
    "wal_keep_size": WAL_KEEP_SIZE,
    "hot_standby": "on",
    "hot_standby_feedback": "on",
}
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,30}$")
_MADE = "tridb.replica"


@dataclass(frozen=True)
class ReplicaStatus:
    """A replica of the local server, as `LocalServer.replicas()` reports it.

    :param name: the replica's name (``replica`` unless you gave another).
    :param running: whether its postmaster runs now.
    :param port: its TCP port on 127.0.0.1.
    :param url: its SQLAlchemy URL (same user, password and database as the
        primary's).
    :param lag_bytes: WAL bytes the primary wrote that the replica has not
        replayed yet (``None`` when either server is down).
    :param lag_seconds: the primary's ``pg_stat_replication.replay_lag`` for
        it, ``0.0`` when it has replayed everything (``None`` when unknown).
    :param streaming: whether the primary lists it as a streaming standby.
    """

    name: str
    running: bool
    port: int | None
    url: str | None
    lag_bytes: int | None = None
    lag_seconds: float | None = None
    streaming: bool = False


def validate_name(name: str) -> str:
    """Return *name* if it can name a replica (lower-case letters, digits, ``_``).

    :param name: the replica's name.
    :raises ConfigurationError: it cannot.
    """
    if not _NAME.match(name):
        raise ConfigurationError(
            f"replica name {name!r}: use 1-31 lower-case letters, digits or _, "
            "starting with a letter"
        )
    return name


def data_dir(backend: Backend, name: str) -> str:
    """The replica's data directory, as the server sees it.

    :param backend: the primary's backend.
    :param name: the replica's name.
    """
    return str(Path(backend.data_dir).parent / "replicas" / name)


def log_file(backend: Backend, name: str) -> str:
    """The replica's server log, as the server sees it.

    :param backend: the primary's backend.
    :param name: the replica's name.
    """
    return str(Path(backend.data_dir).parent / "replicas" / f"{name}.log")


def is_made(backend: Backend, name: str) -> bool:
    """Whether the replica's data directory is complete (made by `make`).

    :param backend: the primary's backend.
    :param name: the replica's name.
    """
    return backend.host_path(data_dir(backend, name)).joinpath(_MADE).is_file()


def is_running(backend: Backend, name: str) -> bool:
    """Whether the replica's postmaster runs.

    :param backend: the primary's backend.
    :param name: the replica's name.
    """
    if not is_made(backend, name):
        return False
    argv = [backend.program("pg_ctl"), "status", "-D", data_dir(backend, name)]
    return backend.run_status(argv) == 0


def add_replication_settings(backend: Backend) -> bool:
    """Write the `REPLICATION_SETTINGS` the primary's config lacks; return whether any was.

    A data directory made before replicas existed gets them at its next start
    (or, for the reloadable ones, the next ``pg_reload_conf()``).

    :param backend: the primary's backend.
    """
    conf = backend.host_path(backend.data_dir) / "postgresql.conf"
    text = conf.read_text()
    set_here = {
        line.split("=", 1)[0].strip()
        for line in text.splitlines()
        if "=" in line and not line.lstrip().startswith("#")
    }
    missing = {k: v for k, v in REPLICATION_SETTINGS.items() if k not in set_here}
    if not missing:
        return False
    with conf.open("a") as fh:
        fh.write("# replicas (sqlalchemy-tridb)\n")
        for key, value in missing.items():
            fh.write(f"{key} = {value}\n")
    return True


def ensure_role(primary: psycopg.Connection[Any], state: dict[str, Any]) -> str:
    """Make `REPLICATION_ROLE` on the primary (its password kept in *state*); return it.

    :param primary: an autocommit superuser connection to the primary.
    :param state: the server's state; gets ``replication_password``.
    :raises ServerError: the primary cannot serve replicas (``wal_level`` minimal).
    """
    level = primary.execute("SELECT pg_catalog.current_setting('wal_level')").fetchone()
    if level is None or level[0] == "minimal":
        raise ServerError(
            "the primary runs with wal_level = minimal: restart it "
            "(tridb server stop; tridb server start) so that it serves replicas"
        )
    password = state.get("replication_password") or secrets.token_urlsafe(18)
    state["replication_password"] = password
    role = sql.Identifier(REPLICATION_ROLE)
    exists = primary.execute(
        "SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = %s", (REPLICATION_ROLE,)
    ).fetchone()
    verb = sql.SQL("ALTER") if exists else sql.SQL("CREATE")
    primary.execute(
        sql.SQL("{} ROLE {} LOGIN REPLICATION PASSWORD {}").format(
            verb, role, sql.Literal(password)
        )
    )
    primary.execute("SELECT pg_catalog.pg_reload_conf()")
    return str(password)


def make(backend: Backend, name: str, *, primary_port: int, password: str) -> None:
    """``pg_basebackup`` the primary into the replica's data directory, as a standby.

    A half-made directory (an interrupted earlier try) is removed first.

    :param backend: the primary's backend.
    :param name: the replica's name.
    :param primary_port: the primary's port on 127.0.0.1.
    :param password: `REPLICATION_ROLE`'s password.
    """
    target = data_dir(backend, name)
    host_target = backend.host_path(target)
    if host_target.exists():
        shutil.rmtree(host_target)
    backend.make_dir(str(Path(target).parent))
    conninfo = psycopg.conninfo.make_conninfo(
        host="127.0.0.1",
        port=primary_port,
        user=REPLICATION_ROLE,
        password=password,
        application_name=name,
    )
    backend.run(
        [
            backend.program("pg_basebackup"),
            "-d",
            conninfo,
            "-D",
            target,
            "-X",
            "stream",
            "-R",
            "-c",
            "fast",
        ],
        what=f"pg_basebackup of replica {name!r}",
    )
    host_target.joinpath(_MADE).write_text("ok\n")


def start(backend: Backend, name: str, *, port: int, timeout: float) -> None:
    """Start the replica's postmaster on *port*; wait until it accepts connections.

    :param backend: the primary's backend.
    :param name: the replica's name.
    :param port: its port on 127.0.0.1.
    :param timeout: seconds to wait.
    """
    log = log_file(backend, name)
    try:
        backend.run(
            [
                backend.program("pg_ctl"),
                "start",
                "-D",
                data_dir(backend, name),
                "-w",
                "-t",
                str(int(timeout)),
                "-l",
                log,
                "-o",
                f"-p {port}",
            ],
            what=f"starting replica {name!r}",
        )
    except ServerError as err:
        tail = ""
        with contextlib.suppress(OSError):
            text = backend.host_path(log).read_text(errors="replace")
            tail = "\n".join(text.splitlines()[-15:])
        raise ServerError(f"{err}\nreplica log:\n{tail}") from err


def stop(backend: Backend, name: str, *, timeout: float) -> bool:
    """Stop the replica if it runs; return whether it did.

    :param backend: the primary's backend.
    :param name: the replica's name.
    :param timeout: seconds to wait for it to stop.
    """
    if not is_running(backend, name):
        return False
    backend.run(
        [
            backend.program("pg_ctl"),
            "stop",
            "-D",
            data_dir(backend, name),
            "-m",
            "fast",
            "-w",
            "-t",
            str(int(timeout)),
        ],
        what=f"stopping replica {name!r}",
    )
    return True


def remove(backend: Backend, name: str) -> None:
    """Delete the replica's data directory and log (it must be stopped).

    :param backend: the primary's backend.
    :param name: the replica's name.
    """
    shutil.rmtree(backend.host_path(data_dir(backend, name)), ignore_errors=True)
    backend.host_path(log_file(backend, name)).unlink(missing_ok=True)


def lag(
    primary: psycopg.Connection[Any], replica: psycopg.Connection[Any], name: str
) -> tuple[int, float | None, bool]:
    """(WAL bytes not replayed, replay lag in seconds, streaming) of replica *name*.

    :param primary: a connection to the primary.
    :param replica: a connection to the replica.
    :param name: the replica's name (its ``application_name`` on the primary).
    """
    replayed = replica.execute("SELECT pg_catalog.pg_last_wal_replay_lsn()::text").fetchone()
    current = primary.execute("SELECT pg_catalog.pg_current_wal_lsn()::text").fetchone()
    row = primary.execute(
        "SELECT state, EXTRACT(EPOCH FROM replay_lag)::float8"
        " FROM pg_catalog.pg_stat_replication WHERE application_name = %s",
        (name,),
    ).fetchone()
    assert current is not None
    behind = 0
    if replayed is not None and replayed[0] is not None:
        behind = max(0, lsn_position(str(current[0])) - lsn_position(str(replayed[0])))
    streaming = row is not None and row[0] == "streaming"
    seconds: float | None = None
    if behind == 0:
        seconds = 0.0  # replay_lag is NULL (or stale) once an idle standby has caught up
    elif row is not None and row[1] is not None:
        seconds = float(row[1])
    return behind, seconds, streaming
