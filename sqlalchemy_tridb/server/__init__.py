"""The local PostgreSQL + pgvector + Apache AGE server the project provisions.

Resolution order, as :func:`resolve_database_url` applies it:

1. a server the user names (``TRIDB_DATABASE_URL`` or an argument), used as is;
2. local PostgreSQL binaries whose installation has both extensions;
3. on Debian or Ubuntu as root: a Debian root filesystem made with debootstrap,
   cached, and run with ``chroot``;
4. otherwise :class:`~sqlalchemy_tridb.exc.ServerUnavailableError` saying how to get one.
"""

from __future__ import annotations

import os

from .config import ServerConfig as ServerConfig
from .manager import LocalServer as LocalServer
from .manager import ServerStatus as ServerStatus

__all__ = [
    "LocalServer",
    "ServerConfig",
    "ServerStatus",
    "create_database",
    "drop_database",
    "resolve_database_url",
    "temporary_database",
]


def resolve_database_url(url: str | None = None, *, start: bool = True) -> str:
    """Return the URL to use: *url*, else ``TRIDB_DATABASE_URL``, else the local server's.

    A named server is used as is and never started or stopped.  Otherwise the
    local server is started when *start* is true (it is idempotent).
    """
    named = url or os.environ.get("TRIDB_DATABASE_URL")
    if named:
        return named
    server = LocalServer()
    if start:
        status = server.start()
        assert status.url is not None
        return status.url
    return server.url()


from .databases import create_database as create_database  # noqa: E402
from .databases import drop_database as drop_database  # noqa: E402
from .databases import temporary_database as temporary_database  # noqa: E402
