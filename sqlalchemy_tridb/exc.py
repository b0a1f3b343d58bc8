"""The exceptions of sqlalchemy-tridb.

Every error the library raises on purpose derives from `TriDBError`, with
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


class DatabaseExistsError(ServerError):
    """``create_database()`` was asked for a database that exists, without ``replace=True``."""


class ConnectionSetupError(TriDBError):
    """A pooled connection could not be prepared (``LOAD 'age'``, search path, types)."""


class GraphDeclarationError(ConfigurationError):
    """A ``GraphNode``, ``GraphEdge`` or ``graph_edge()`` declaration is invalid."""


class CypherError(TriDBError):
    """A Cypher query could not be built or run, or its result could not be used."""


class AGTypeError(CypherError, ValueError):
    """A Python value has no agtype form, or agtype text could not be decoded."""


class VertexResolutionError(CypherError, LookupError):
    """A vertex could not be turned into an ORM instance (unknown label, missing key)."""


class EmbeddingError(TriDBError):
    """Embeddings could not be computed or stored; nothing was written."""


class ProviderError(EmbeddingError):
    """An embedding provider is unknown, failed, or returned unusable vectors.

    The message names the provider, the column and the offending text
    (shortened); the same facts are attributes of the same names, ``None``
    where unknown.

    :param message: the error message.
    :param provider: the provider's name.
    :param column: the embedding column, as ``"Product.embedding"`` (several,
        comma-separated, when one provider call served several columns).
    :param index: the position of the bad vector in the batch of texts the
        provider got.
    :param text: the offending text, whole (for a call that failed as a whole,
        the first text of the batch).
    :param texts: how many texts the provider call had.
    """

    def __init__(
        self,
        message: str,
        *,
        provider: str | None = None,
        column: str | None = None,
        index: int | None = None,
        text: str | None = None,
        texts: int | None = None,
    ) -> None:
        super().__init__(message)
        self.provider = provider
        self.column = column
        self.index = index
        self.text = text
        self.texts = texts


class ProviderUnavailableError(ProviderError, ConnectionError):
    """A remote provider could not be reached, timed out or kept answering 5xx (after retries)."""


class ProviderRateLimitError(ProviderUnavailableError):
    """A remote provider kept answering 429 Too Many Requests (after retries)."""


class ProviderAuthError(ProviderError, PermissionError):
    """A remote provider refused the API key (401/403), or no key was found."""


class ProviderResponseError(ProviderError, ValueError):
    """A remote provider answered something unusable: another status, bad JSON, wrong dims."""


class BulkLoadError(TriDBError, ValueError):
    """Bad input to ``bulk_load()`` (unknown keys, rows of different keys, a wrong vector)."""


class EmbeddingDeclarationError(ConfigurationError):
    """An ``Embedding(...)`` column declaration is inconsistent."""


class EmbeddingSyncWarning(UserWarning):
    """A statement changed embedding sources without recomputing the embeddings."""


class TraversalError(ConfigurationError):
    """A traversal was asked for with bad input: unknown label, hop count, instance or graph."""


class MigrationError(TriDBError):
    """An Alembic migration of tridb objects could not be generated or run."""


class RoutingError(TriDBError):
    """A statement could not be sent to a server fit to run it (primary or replica)."""


class StandbyWriteError(RoutingError, PermissionError):
    """A write reached a read-only hot standby (SQLSTATE 25006, ``read_only_sql_transaction``).

    Writes go to the primary: through a flush, an ``insert()``/``update()``/
    ``delete()``, or inside ``with session.primary():`` of a `RoutingSession`.
    """
