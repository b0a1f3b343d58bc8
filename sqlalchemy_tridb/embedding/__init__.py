"""Embedding providers: the protocol, a registry and three implementations.

>>> from sqlalchemy_tridb.embedding import DeterministicProvider, providers
>>> p = providers.register(DeterministicProvider(dimension=8), name="tiny")
>>> providers.get("tiny").embed(["hello"]).shape
(1, 8)
>>> providers.clear()

``SentenceTransformerProvider`` imports torch only when it first embeds.
"""

from __future__ import annotations

from .deterministic import DeterministicProvider as DeterministicProvider
from .provider import CallableProvider as CallableProvider
from .provider import EmbeddingProvider as EmbeddingProvider
from .provider import Vectors as Vectors
from .provider import as_vectors as as_vectors
from .registry import ProviderRegistry as ProviderRegistry
from .registry import providers as providers
from .registry import resolve_provider as resolve_provider
from .sentence_transformers import DEFAULT_MODEL as DEFAULT_MODEL
from .sentence_transformers import SentenceTransformerProvider as SentenceTransformerProvider

__all__ = [
    "DEFAULT_MODEL",
    "CallableProvider",
    "DeterministicProvider",
    "EmbeddingProvider",
    "ProviderRegistry",
    "SentenceTransformerProvider",
    "Vectors",
    "as_vectors",
    "providers",
    "resolve_provider",
]
