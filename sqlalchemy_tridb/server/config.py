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

    Every field has an environment variable; explicit arguments win over it:

    ========================  =============================  =======================
    field                     environment                    default
    ========================  =============================  =======================
    ``home``                  ``TRIDB_HOME``                 ``.tridb`` (see below)
    ``port``                  ``TRIDB_PORT``                 54329, or a free port
    ``suite``                 ``TRIDB_SUITE``                ``trixie``
    ``pg_major``              ``TRIDB_PG_MAJOR``             the suite's (17 on trixie)
    ``cache_dir``             ``TRIDB_CACHE_DIR``            ``~/.cache/sqlalchemy-tridb``
    ``mirror``                ``TRIDB_DEBIAN_MIRROR``        ``http://deb.debian.org/debian``
    ``backend``               ``TRIDB_BACKEND``              ``auto`` (host, then chroot)
    ========================  =============================  =======================

    The default ``home`` is the ``.tridb`` folder of the nearest folder upwards
    from the current one that has a server in it, else ``./.tridb``.

    ``port`` given explicitly (argument or ``TRIDB_PORT``) is a requirement: if it
    is taken, `PortInUseError` is raised.  Left to the
    default, a free port is chosen instead and remembered for later starts.
    """

    home: Path = field(default_factory=_default_home)
    port: int | None = None
    suite: str = "trixie"
    pg_major: int | None = None
    cache_dir: Path = field(default_factory=_default_cache_dir)
    mirror: str = "http://deb.debian.org/debian"
    backend: str = "auto"
    database: str = "tridb"
    #: Extra ``postgresql.conf`` settings written at initdb time.
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
