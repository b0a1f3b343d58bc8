"""sqlalchemy-tridb: one PostgreSQL, three models.

Relational rows, pgvector embeddings and an Apache AGE property graph in one
database, kept in step by the SQLAlchemy ORM.  Importing this package is cheap
and has no side effects: no torch, no global listeners.

    from sqlalchemy import create_engine, select
    from sqlalchemy_tridb import Embedding, EmbeddingSearchMixin, GraphNode, install_embedding_sync

    class Product(GraphNode, EmbeddingSearchMixin, Base):
        __tablename__ = "product"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str]
        embedding: Mapped[list[float] | None] = Embedding(source="name", provider="minilm")

    engine = create_engine(url, plugins=["tridb"])   # LOAD 'age', search path, vector types
    Base.metadata.create_all(engine)                 # tables, vector indexes, graph, labels
    install_embedding_sync(Session)                  # embeddings computed on flush
    session.scalars(Product.nearest("wireless headphones", k=5))
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from . import aio as aio
from .cypher import AGType as AGType
from .cypher import Edge as Edge
from .cypher import Path as Path
from .cypher import Vertex as Vertex
from .cypher import cypher as cypher
from .cypher import resolve as resolve
from .cypher import run_cypher as run_cypher
from .doctor import DoctorReport as DoctorReport
from .doctor import doctor as doctor
from .embedding import CallableProvider as CallableProvider
from .embedding import DeterministicProvider as DeterministicProvider
from .embedding import EmbeddingProvider as EmbeddingProvider
from .embedding import SentenceTransformerProvider as SentenceTransformerProvider
from .embedding import providers as providers
from .engine import ConnectionSetup as ConnectionSetup
from .engine import TriDBPlugin as TriDBPlugin
from .engine import prepare_dbapi_connection as prepare_dbapi_connection
from .engine import setup_engine as setup_engine
from .exc import AGTypeError as AGTypeError
from .exc import BulkLoadError as BulkLoadError
from .exc import ConfigurationError as ConfigurationError
from .exc import ConnectionSetupError as ConnectionSetupError
from .exc import CypherError as CypherError
from .exc import DatabaseExistsError as DatabaseExistsError
from .exc import EmbeddingDeclarationError as EmbeddingDeclarationError
from .exc import EmbeddingError as EmbeddingError
from .exc import EmbeddingSyncWarning as EmbeddingSyncWarning
from .exc import GraphDeclarationError as GraphDeclarationError
from .exc import IdentifierError as IdentifierError
from .exc import MigrationError as MigrationError
from .exc import PortInUseError as PortInUseError
from .exc import ProviderAuthError as ProviderAuthError
from .exc import ProviderError as ProviderError
from .exc import ProviderRateLimitError as ProviderRateLimitError
from .exc import ProviderResponseError as ProviderResponseError
from .exc import ProviderUnavailableError as ProviderUnavailableError
from .exc import RoutingError as RoutingError
from .exc import ServerError as ServerError
from .exc import ServerUnavailableError as ServerUnavailableError
from .exc import StandbyWriteError as StandbyWriteError
from .exc import TraversalError as TraversalError
from .exc import TriDBError as TriDBError
from .exc import VertexResolutionError as VertexResolutionError
from .graph import GraphEdge as GraphEdge
from .graph import GraphNode as GraphNode
from .graph import GraphPath as GraphPath
from .graph import grant_graph_read as grant_graph_read
from .graph import graph_edge as graph_edge
from .graph import registry_for as registry_for
from .graph import revoke_graph_read as revoke_graph_read
from .graph.fill import backfill_sql as graph_backfill_sql
from .graph.query import degree_centrality as degree_centrality
from .graph.query import pagerank as pagerank
from .graph.query import shortest_path as shortest_path
from .graph.query import suggest_connections as suggest_connections
from .graph.query import walk as walk
from .graph.sync import CheckReport as CheckReport
from .graph.sync import SyncReport as SyncReport
from .graph.sync import check_graph as check_graph
from .graph.sync import repair_graph as repair_graph
from .graph.sync import sync_graph as sync_graph
from .info import server_versions as server_versions
from .recommend import recommend as recommend
from .recommend import related as related
from .routing import Router as Router
from .routing import RoutingSession as RoutingSession
from .vector import HNSW as HNSW
from .vector import Distance as Distance
from .vector import Embedding as Embedding
from .vector import EmbeddingSearchMixin as EmbeddingSearchMixin
from .vector import EmbeddingSync as EmbeddingSync
from .vector import IVFFlat as IVFFlat
from .vector import SearchSettings as SearchSettings
from .vector import apply_search_settings as apply_search_settings
from .vector import backfill as backfill
from .vector import hybrid_search as hybrid_search
from .vector import install_embedding_sync as install_embedding_sync
from .vector import nearest as nearest
from .vector import stale_rows as stale_rows
from .vector.bulk import BulkReport as BulkReport
from .vector.bulk import bulk_load as bulk_load
from .vector.tune import TuneReport as TuneReport
from .vector.tune import tune_search as tune_search
from .worker import EmbeddingWorker as EmbeddingWorker
from .worker import queue_status as queue_status
from .worker import requeue_failed as requeue_failed

try:
    __version__ = version("sqlalchemy-tridb")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "HNSW",
    "AGType",
    "AGTypeError",
    "BulkLoadError",
    "BulkReport",
    "CallableProvider",
    "CheckReport",
    "ConfigurationError",
    "ConnectionSetup",
    "ConnectionSetupError",
    "CypherError",
    "DatabaseExistsError",
    "DeterministicProvider",
    "Distance",
    "DoctorReport",
    "Edge",
    "Embedding",
    "EmbeddingDeclarationError",
    "EmbeddingError",
    "EmbeddingProvider",
    "EmbeddingSearchMixin",
    "EmbeddingSync",
    "EmbeddingSyncWarning",
    "EmbeddingWorker",
    "GraphDeclarationError",
    "GraphEdge",
    "GraphNode",
    "GraphPath",
    "IVFFlat",
    "IdentifierError",
    "MigrationError",
    "Path",
    "PortInUseError",
    "ProviderAuthError",
    "ProviderError",
    "ProviderRateLimitError",
    "ProviderResponseError",
    "ProviderUnavailableError",
    "Router",
    "RoutingError",
    "RoutingSession",
    "SearchSettings",
    "SentenceTransformerProvider",
    "ServerError",
    "ServerUnavailableError",
    "StandbyWriteError",
    "SyncReport",
    "TraversalError",
    "TriDBError",
    "TriDBPlugin",
    "TuneReport",
    "Vertex",
    "VertexResolutionError",
    "__version__",
    "aio",
    "apply_search_settings",
    "backfill",
    "bulk_load",
    "check_graph",
    "cypher",
    "degree_centrality",
    "doctor",
    "grant_graph_read",
    "graph_backfill_sql",
    "graph_edge",
    "hybrid_search",
    "install_embedding_sync",
    "nearest",
    "pagerank",
    "prepare_dbapi_connection",
    "providers",
    "queue_status",
    "recommend",
    "registry_for",
    "related",
    "repair_graph",
    "requeue_failed",
    "resolve",
    "revoke_graph_read",
    "run_cypher",
    "server_versions",
    "setup_engine",
    "shortest_path",
    "stale_rows",
    "suggest_connections",
    "sync_graph",
    "tune_search",
    "walk",
]
