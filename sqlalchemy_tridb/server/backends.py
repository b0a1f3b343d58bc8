"""Where the PostgreSQL binaries come from: the host, or a Debian root filesystem.

A backend knows how to run a PostgreSQL program as the ``postgres`` user and
where the data directory lives as the server sees it.  Two exist:

* `HostBackend` runs binaries installed on this machine (for example
  PGDG packages) whose installation has both the ``vector`` and ``age``
  extensions;
* `ChrootBackend` runs Debian's ``postgresql-NN``, ``postgresql-NN-pgvector``
  and ``postgresql-NN-age`` from a root filesystem made once with debootstrap,
  cached per user, and linked (hard links, so it costs no space) into the
  project's folder, where the data directory lives.
"""

from __future__ import annotations

from ..exc import ServerUnavailableError
from .backend import Backend as Backend
from .chroot import ChrootBackend as ChrootBackend
from .config import ServerConfig
from .host import HostBackend as HostBackend
from .host import find_host_pg_config as find_host_pg_config

__all__ = [
    "HOW_TO_GET_ONE",
    "Backend",
    "ChrootBackend",
    "HostBackend",
    "choose_backend",
    "find_host_pg_config",
]

HOW_TO_GET_ONE = (
    "sqlalchemy-tridb needs PostgreSQL (16-18) with the pgvector and Apache AGE "
    "extensions. Either point it at a server you run (TRIDB_DATABASE_URL="
    "postgresql+psycopg://user:password@host:port/dbname), install both extensions "
    "for your local PostgreSQL (PGDG packages: postgresql-17-pgvector and "
    "postgresql-17-age), use the Docker files in docker/ (docker compose up -d), "
    "or run as root on Debian/Ubuntu so that the library can build a Debian "
    "root filesystem with debootstrap."
)


def choose_backend(config: ServerConfig, *, previous: str | None = None) -> Backend:
    """Pick the backend: the one that made the existing data, else host, else chroot.

    :param config: the server's configuration (its ``backend`` may force one).
    :param previous: the backend that made the existing data directory, if any.
    """
    wanted = previous or config.backend
    if wanted in ("auto", "host"):
        pg_config = find_host_pg_config(config.pg_major)
        if pg_config is not None:
            return HostBackend(config, pg_config)
        if wanted == "host":
            raise ServerUnavailableError(
                "no local PostgreSQL installation has both pgvector and AGE. " + HOW_TO_GET_ONE
            )
    if wanted in ("auto", "chroot"):
        why_not = ChrootBackend.available()
        if why_not is None:
            return ChrootBackend(config)
        raise ServerUnavailableError(f"{why_not}. {HOW_TO_GET_ONE}")
    raise ServerUnavailableError(f"unknown backend {wanted!r}: use auto, host or chroot")
