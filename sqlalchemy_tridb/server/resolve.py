"""Which server to use: `resolve_database_url()`."""

from __future__ import annotations

import os

from .manager import LocalServer

__all__ = ["resolve_database_url"]


def resolve_database_url(url: str | None = None, *, start: bool = True) -> str:
    """Return the URL to use: *url*, else ``TRIDB_DATABASE_URL``, else the local server's.

    A named server is used as is and never started or stopped.  Otherwise the
    local server is started when *start* is true (it is idempotent).

    :param url: a SQLAlchemy URL of a server to use as is.
    :param start: whether to start the local server (else it must have been
        started once, and its URL is returned either way).
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
