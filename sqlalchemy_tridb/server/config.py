"""Settings of the local server, as a frozen dataclass read from the environment."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

#: Debian suites and the PostgreSQL major each one ships with pgvector and AGE.
SUITES: Mapping[str, int] = {"trixie": 17, "sid": 18}

DEFAULT_PORT = 54329


def _default_home() -> Path:
    """``.tridb`` in the nearest folder upwards that has one with a server in it, else here.

    So a command run from a sub-folder of the project finds the project's server
    instead of making a second one.
    """
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / ".tridb" / "server.json").is_file():
            return folder / ".tridb"
    return here / ".tridb"


def _default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sqlalchemy-tridb"


@dataclass(frozen=True)
class ServerConfig:
    """Where and how the local PostgreSQL + pgvector + AGE server runs.

    Most fields have an environment variable, read by `from_env()`; explicit
    arguments win over it.

    :param home: the folder of the server's data, state and log
        (``TRIDB_HOME``); a ``str`` or any ``os.PathLike`` becomes a ``Path``.
        By default the ``.tridb`` folder of the nearest folder upwards from the
        current one that has a server in it, else ``./.tridb``.
    :param port: the TCP port on 127.0.0.1 (``TRIDB_PORT``).  Given
        explicitly, it is a requirement: if it is taken, `PortInUseError` is
        raised.  Left ``None``, a start takes the port of the last start, else
        54329, else any free port, whichever is free first.
    :param suite: the Debian suite of the chroot backend's root filesystem
        (``TRIDB_SUITE``): ``trixie`` (PostgreSQL 17) or ``sid`` (18).
    :param pg_major: the PostgreSQL major version (``TRIDB_PG_MAJOR``); by
        default the suite's (17 on trixie).
    :param cache_dir: where root filesystems are cached between servers
        (``TRIDB_CACHE_DIR``, default ``$XDG_CACHE_HOME/sqlalchemy-tridb``,
        else ``~/.cache/sqlalchemy-tridb``); a ``str`` becomes a ``Path``.
    :param mirror: the Debian mirror the chroot is bootstrapped from
        (``TRIDB_DEBIAN_MIRROR``).
    :param backend: ``auto`` (a host PostgreSQL with pgvector and AGE, else
        a chroot), ``host`` or ``chroot`` (``TRIDB_BACKEND``); a server
        already made keeps the backend that made it.
    :param database: the database the server's URL names, created on
        start; fixed when the server is first made.
    :param settings: extra ``postgresql.conf`` settings (name -> value as
        written in the file, e.g. ``{"work_mem": "'64MB'"}``), written when
        the server is first made.
    """

    home: Path = field(default_factory=_default_home)
    port: int | None = None
    suite: str = "trixie"
    pg_major: int | None = None
    cache_dir: Path = field(default_factory=_default_cache_dir)
    mirror: str = "http://deb.debian.org/debian"
    backend: str = "auto"
    database: str = "tridb"
    settings: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # ``home=".tridb"`` (a str or any os.PathLike) is a Path from here on
        for name in ("home", "cache_dir"):
            value = getattr(self, name)
            if not isinstance(value, Path):
                object.__setattr__(self, name, Path(os.fspath(value)))

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> ServerConfig:
        """Build a config from ``TRIDB_*`` variables, then apply *overrides*.

        :param env: the variables to read (default ``os.environ``).
        :param overrides: field values that win over the variables (``None`` ones
            are ignored); ``home`` and ``cache_dir`` may be a ``str`` or any
            ``os.PathLike`` and become a ``Path``.
        """
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        if "TRIDB_HOME" in env:
            values["home"] = Path(env["TRIDB_HOME"])
        if env.get("TRIDB_PORT"):
            values["port"] = int(env["TRIDB_PORT"])
        if env.get("TRIDB_SUITE"):
            values["suite"] = env["TRIDB_SUITE"]
        if env.get("TRIDB_PG_MAJOR"):
            values["pg_major"] = int(env["TRIDB_PG_MAJOR"])
        if env.get("TRIDB_CACHE_DIR"):
            values["cache_dir"] = Path(env["TRIDB_CACHE_DIR"])
        if env.get("TRIDB_DEBIAN_MIRROR"):
            values["mirror"] = env["TRIDB_DEBIAN_MIRROR"]
        if env.get("TRIDB_BACKEND"):
            values["backend"] = env["TRIDB_BACKEND"]
        values.update({k: v for k, v in overrides.items() if v is not None})
        return dataclasses.replace(cls(), **values)  # type: ignore[arg-type]

    @property
    def major(self) -> int:
        """The PostgreSQL major version to run."""
        if self.pg_major is not None:
            return self.pg_major
        return SUITES.get(self.suite, 17)
