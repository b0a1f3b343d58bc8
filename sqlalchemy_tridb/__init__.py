"""sqlalchemy-tridb: one PostgreSQL, three models.

Relational rows, pgvector embeddings and an Apache AGE property graph in one
database, kept in step by the SQLAlchemy ORM.  Importing this package is cheap
and has no side effects: no torch, no global listeners.

>>> from sqlalchemy import create_engine
>>> from sqlalchemy_tridb import setup_engine
>>> engine = create_engine("postgresql+psycopg://...", plugins=["tridb"])  # doctest: +SKIP
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from .engine import ConnectionSetup as ConnectionSetup
from .engine import TriDBPlugin as TriDBPlugin
from .engine import prepare_dbapi_connection as prepare_dbapi_connection
from .engine import setup_engine as setup_engine
from .exc import ConfigurationError as ConfigurationError
from .exc import ConnectionSetupError as ConnectionSetupError
from .exc import IdentifierError as IdentifierError
from .exc import ServerError as ServerError
from .exc import ServerUnavailableError as ServerUnavailableError
from .exc import TriDBError as TriDBError
from .info import server_versions as server_versions

try:
    __version__ = version("sqlalchemy-tridb")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "ConfigurationError",
    "ConnectionSetup",
    "ConnectionSetupError",
    "IdentifierError",
    "ServerError",
    "ServerUnavailableError",
    "TriDBError",
    "TriDBPlugin",
    "__version__",
    "prepare_dbapi_connection",
    "server_versions",
    "setup_engine",
]
