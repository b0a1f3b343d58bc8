"""The provider protocol, result validation and the callable wrapper.

A provider has a ``name``, a ``dimension`` and ``embed(texts)``, which turns a
batch of texts into a ``float32`` array of shape ``(len(texts), dimension)``:

    class Upper:
        name = "upper"
        dimension = 3

        def embed(self, texts):
            return np.array([[len(t), t.count(" "), 1.0] for t in texts], np.float32)

An optional ``batch_size`` attribute caps how many texts one call receives.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from ..exc import ProviderError

__all__ = ["CallableProvider", "EmbeddingProvider", "Vectors", "as_vectors", "shorten"]

#: What ``embed`` returns: one float32 row per text.
Vectors = npt.NDArray[np.float32]


@runtime_checkable
class EmbeddingProvider(Protocol):
    """Anything with a name, a dimension and a batch ``embed`` call."""

    @property
    def name(self) -> str:
        """A short name for messages and the registry."""
        ...

    @property
    def dimension(self) -> int:
        """The length of every vector ``embed`` returns."""
        ...

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Embed *texts* into an array of shape ``(len(texts), dimension)``.

        :param texts: the texts of one batch, in order; row ``i`` of the result
            is the vector of ``texts[i]``.  The library passes each distinct
            text once and no more than ``batch_size`` of them, when the provider
            has that attribute.
        """
        ...


def shorten(text: str, limit: int = 60) -> str:
    """*text* quoted for a message, cut to *limit* characters with an ellipsis.

    :param text: the text.
    :param limit: the most characters kept.
    """
    return repr(text if len(text) <= limit else text[:limit] + "...")


def as_vectors(
    raw: Any, *, count: int, dimension: int, what: str, texts: Sequence[str] | None = None
) -> Vectors:
    """Check a provider's result and return it as a C-contiguous float32 array.

    *what* names the provider and the columns, for the error message.

    :param raw: what the provider's ``embed`` returned.
    :param count: the number of texts it was given (rows expected).
    :param dimension: the vector length expected.
    :param what: names the provider and the columns in error messages.
    :param texts: the texts it was given, to name the one whose vector is bad.
    :raises ProviderError: with ``index`` (and ``text``) of a NaN or Inf vector.
    """
    try:
        arr = np.asarray(raw, dtype=np.float32)
    except (TypeError, ValueError) as err:
        raise ProviderError(
            f"{what}: the provider returned no array of numbers ({err})", texts=count
        ) from err
    if arr.shape != (count, dimension):
        raise ProviderError(
            f"{what}: expected vectors of shape ({count}, {dimension}), got {arr.shape}; "
            "fix the provider or declare the column with the provider's dimension",
            texts=count,
        )
    finite = np.isfinite(arr).all(axis=1)
    if not finite.all():
        bad = int(np.flatnonzero(~finite)[0])
        text = texts[bad] if texts is not None and len(texts) == count else None
        named = f" (text {shorten(text)})" if text is not None else ""
        raise ProviderError(
            f"{what}: vector {bad} of {count}{named} contains NaN or Inf; "
            "check the provider (and the text it got) before flushing again",
            index=bad,
            text=text,
            texts=count,
        )
    return np.ascontiguousarray(arr)


@dataclass(frozen=True)
class CallableProvider:
    """Wrap any ``fn(texts) -> array`` as a provider.

    >>> p = CallableProvider(lambda ts: [[1.0, 0.0]] * len(ts), name="const", dimension=2)
    >>> p.embed(["a", "b"]).shape
    (2, 2)

    :param fn: called with a list of texts; returns one vector per text,
        anything ``numpy.asarray`` turns into a ``(len(texts), dimension)``
        array of numbers (checked on every call, `ProviderError` otherwise).
    :param name: the provider's name, in messages and the registry.
    :param dimension: the length of every vector *fn* returns.
    :param batch_size: the most texts one ``embed`` call receives (``None``:
        all the texts of a flush or statement in one call); a column's own
        ``Embedding(batch_size=...)`` takes precedence.
    """

    fn: Callable[[Sequence[str]], Any]
    name: str
    dimension: int
    batch_size: int | None = None

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Call the wrapped function with *texts* and check its result.

        :param texts: the texts to embed; *fn* gets them as a list.
        :raises ProviderError: when the result is no array of numbers, has
            another shape than ``(len(texts), dimension)`` or holds NaN or Inf.
        """
        return as_vectors(
            self.fn(list(texts)),
            count=len(texts),
            dimension=self.dimension,
            what=self.name,
            texts=texts,
        )
