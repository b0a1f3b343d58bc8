"""The exceptions of sqlalchemy-tridb.

Every error the library raises on purpose derives from :class:`TriDBError`, with
one subclass per domain.  Messages say what to do next; the original error, when
there is one, is chained with ``raise ... from err``.
"""

from __future__ import annotations


class TriDBError(Exception):
    """Root of every error raised by sqlalchemy-tridb."""


class ConfigurationError(TriDBError, ValueError):
    """A setting, option or declaration is invalid."""


class IdentifierError(ConfigurationError):
    """A graph, label or property name breaks the rules of PostgreSQL or AGE."""


class ServerError(TriDBError):
    """The local PostgreSQL server could not be provisioned, started or stopped."""


class ServerUnavailableError(ServerError):
    """No PostgreSQL with both pgvector and Apache AGE can be had on this machine."""


class PortInUseError(ServerError):
    """The port the server was asked to listen on is taken by another program."""


class ConnectionSetupError(TriDBError):
    """A pooled connection could not be prepared (``LOAD 'age'``, search path, types)."""
