"""Named providers: ``providers.register(...)``, ``providers.get(name)``, ``providers.clear()``.

Two names resolve without registration: ``"deterministic"`` (a 256-dimension
`DeterministicProvider`) and ``"all-MiniLM-L6-v2"`` / ``"minilm"`` (a lazy
`SentenceTransformerProvider`).  Registered names take precedence.
"""

from __future__ import annotations

from typing import TypeVar

from ..exc import ProviderError
from .deterministic import DeterministicProvider
from .provider import EmbeddingProvider
from .sentence_transformers import DEFAULT_MODEL, SentenceTransformerProvider

__all__ = ["ProviderRegistry", "providers", "resolve_provider"]

P = TypeVar("P", bound=EmbeddingProvider)


def _builtin(name: str) -> EmbeddingProvider | None:
    if name == "deterministic":
        return DeterministicProvider()
    if name in ("minilm", DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"):
        return SentenceTransformerProvider()
    return None


class ProviderRegistry:
    """Providers by name; ``clear()`` forgets them all (use it in test teardown)."""

    def __init__(self) -> None:
        self._by_name: dict[str, EmbeddingProvider] = {}

    def register(self, provider: P, *, name: str | None = None, replace: bool = False) -> P:
        """Register *provider* under *name* (default ``provider.name``) and return it.

        :param provider: anything with ``name``, ``dimension`` and ``embed()``.
        :param name: the name to look it up by.
        :param replace: replace another provider registered under that name
            (otherwise that is an error).
        """
        if not isinstance(provider, EmbeddingProvider):
            raise ProviderError(
                f"{provider!r} is no embedding provider: it needs name, dimension and embed()"
            )
        key = name or provider.name
        if key in self._by_name and self._by_name[key] is not provider and not replace:
            raise ProviderError(f"a provider named {key!r} is registered; pass replace=True")
        self._by_name[key] = provider
        return provider

    def get(self, name: str) -> EmbeddingProvider:
        """The provider registered as *name*, else a built-in one.

        :param name: a registered name, or ``"deterministic"``, ``"minilm"``
            or ``"all-MiniLM-L6-v2"`` (the built-ins, made on each call).
        :raises ProviderError: when no provider has that name.
        """
        found = self._by_name.get(name) or _builtin(name)
        if found is None:
            known = ", ".join(sorted(self._by_name)) or "none registered"
            raise ProviderError(
                f"no embedding provider named {name!r} ({known}); "
                "register it first with providers.register(provider, name=...)"
            )
        return found

    def __contains__(self, name: object) -> bool:
        return name in self._by_name or (isinstance(name, str) and _builtin(name) is not None)

    def clear(self) -> None:
        """Forget every registered provider."""
        self._by_name.clear()


#: The registry ``Embedding(provider="name")`` looks names up in.
providers = ProviderRegistry()


def resolve_provider(provider: str | EmbeddingProvider) -> EmbeddingProvider:
    """A provider instance for a name or an instance.

    :param provider: a name looked up with ``providers.get()``, or a provider,
        returned as it is.
    """
    return providers.get(provider) if isinstance(provider, str) else provider
