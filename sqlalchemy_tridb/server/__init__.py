"""The local PostgreSQL + pgvector + Apache AGE server the project provisions.

Resolution order, as `resolve_database_url()` applies it:

1. a server the user names (``TRIDB_DATABASE_URL`` or an argument), used as is;
2. local PostgreSQL binaries whose installation has both extensions;
3. on Debian or Ubuntu as root: a Debian root filesystem made with debootstrap,
   cached, and run with ``chroot``;
4. otherwise `ServerUnavailableError` saying how to get one.
"""

from __future__ import annotations

from .config import ServerConfig as ServerConfig
from .databases import create_database as create_database
from .databases import drop_database as drop_database
from .databases import temporary_database as temporary_database
from .manager import LocalServer as LocalServer
from .manager import ServerStatus as ServerStatus
from .replica import ReplicaStatus as ReplicaStatus
from .resolve import resolve_database_url as resolve_database_url

__all__ = [
    "LocalServer",
    "ReplicaStatus",
    "ServerConfig",
    "ServerStatus",
    "create_database",
    "drop_database",
    "resolve_database_url",
    "temporary_database",
]
