"""A provider with no ML dependencies: hashed character n-grams.

The same text always gives the same vector, in every process (the hash is
BLAKE2b, not Python's salted ``hash``); texts that share many n-grams get
nearby vectors.  Vectors are L2-normalised, so cosine distance, L2 distance and
inner product rank alike.  Good for tests, demos and benchmarks; not a
semantic model.

>>> p = DeterministicProvider(dimension=64)
>>> a, b, c = p.embed(["wireless headphones", "wireless headphone", "cast iron pan"])
>>> float(a @ b) > float(a @ c)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from hashlib import blake2b

import numpy as np

from .provider import Vectors

__all__ = ["DeterministicProvider"]


@lru_cache(maxsize=65536)
def _bucket(gram: str, dimension: int) -> tuple[int, float]:
    digest = int.from_bytes(blake2b(gram.encode(), digest_size=8).digest(), "little")
    return digest % dimension, 1.0 if (digest >> 63) & 1 else -1.0


@dataclass(frozen=True)
class DeterministicProvider:
    """Hashed character n-grams (``ngram_range``), lower-cased, word-padded.

    :param dimension: the vector length; each n-gram adds +1 or -1 to one of
        that many buckets (chosen by a BLAKE2b hash, the same in every process).
    :param ngram_range: the shortest and longest n-gram, in characters, of
        each word padded with a space on both sides (inclusive).
    :param name: the provider's name, in messages and the registry.
    :param batch_size: the most texts one ``embed`` call receives (``None``:
        all the texts of a flush or statement in one call); a column's own
        ``Embedding(batch_size=...)`` takes precedence.
    """

    dimension: int = 256
    ngram_range: tuple[int, int] = (3, 4)
    name: str = field(default="deterministic")
    batch_size: int | None = None

    def _grams(self, text: str) -> list[str]:
        lo, hi = self.ngram_range
        grams: list[str] = []
        for word in text.lower().split():
            padded = f" {word} "
            for n in range(lo, hi + 1):
                grams.extend(padded[i : i + n] for i in range(max(1, len(padded) - n + 1)))
        return grams

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Embed *texts* as unit vectors; an empty text gives the zero vector.

        :param texts: the texts; the same text always gives the same vector.
        """
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for gram in self._grams(text):
                col, sign = _bucket(gram, self.dimension)
                out[row, col] += sign
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, norms, out=out, where=norms > 0)
        return out
