"""Providers and the registry, without a database."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from sqlalchemy_tridb.embedding import (
    CallableProvider,
    DeterministicProvider,
    EmbeddingProvider,
    SentenceTransformerProvider,
    providers,
)
from sqlalchemy_tridb.exc import ProviderError
from sqlalchemy_tridb.vector import Embedding

from .conftest import CountingProvider


def cos(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b)


def test_deterministic_is_stable_normalised_and_nearby() -> None:
    p = DeterministicProvider(dimension=128)
    assert isinstance(p, EmbeddingProvider)
    a, b, c = p.embed(["Wireless headphones", "wireless  headphone", "cast iron skillet"])
    assert a.dtype == np.float32 and np.linalg.norm(a) == pytest.approx(1.0, abs=1e-6)
    assert cos(a, b) > 0.7 > 0.3 > cos(a, c)
    # the same in another process (no salted hash)
    code = (
        "from sqlalchemy_tridb.embedding import DeterministicProvider as D;"
        "print(D(dimension=128).embed(['Wireless headphones'])[0].tobytes().hex())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == a.tobytes().hex()


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=40), min_size=1, max_size=5))
def test_deterministic_shape_and_finite(texts: list[str]) -> None:
    out = DeterministicProvider(dimension=16).embed(texts)
    assert out.shape == (len(texts), 16) and np.isfinite(out).all()
    assert np.array_equal(out, DeterministicProvider(dimension=16).embed(texts))


def test_callable_provider_validates() -> None:
    ok = CallableProvider(lambda ts: [[1.0, 2.0]] * len(ts), name="two", dimension=2)
    assert ok.embed(["a", "b"]).tolist() == [[1.0, 2.0], [1.0, 2.0]]
    short = CallableProvider(lambda ts: [[1.0]] * len(ts), name="short", dimension=2)
    with pytest.raises(ProviderError, match=r"short: expected vectors of shape \(1, 2\)"):
        short.embed(["a"])
    nan = CallableProvider(lambda ts: [[float("inf"), 0.0]], name="inf", dimension=2)
    with pytest.raises(ProviderError, match="NaN or Inf"):
        nan.embed(["a"])


def test_registry() -> None:
    p = providers.register(DeterministicProvider(dimension=8), name="eight")
    assert providers.get("eight") is p and "eight" in providers
    with pytest.raises(ProviderError, match="replace=True"):
        providers.register(DeterministicProvider(dimension=4), name="eight")
    with pytest.raises(ProviderError, match="no embedding provider"):
        providers.register(object(), name="x")  # type: ignore[type-var]
    assert providers.get("deterministic").dimension == 256  # built-ins need no registration
    assert providers.get("minilm").dimension == 384  # known without loading the model
    providers.clear()
    assert "eight" not in providers
    with pytest.raises(ProviderError, match=r"'eight'.*providers\.register"):
        providers.get("eight")


def test_importing_loads_no_torch_and_sentence_transformers_is_lazy() -> None:
    code = (
        "import sys\n"
        "from sqlalchemy_tridb.vector import *\n"
        "from sqlalchemy_tridb.embedding import *\n"
        "p = SentenceTransformerProvider()\n"
        "assert p.dimension == 384 and p.name == 'all-MiniLM-L6-v2'\n"
        "heavy = {'torch', 'sentence_transformers', 'transformers'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def test_unknown_model_gives_typed_error() -> None:
    p = SentenceTransformerProvider(model="/nonexistent/model/folder", known_dimension=3)
    with pytest.raises(ProviderError, match="could not load"):
        p.embed(["x"])


def test_query_texts_are_embedded_once_per_column_and_provider() -> None:
    first = CountingProvider(name="queries")
    providers.register(first, name="queries")

    class Base(DeclarativeBase):
        pass

    class Doc(Base):
        __tablename__ = "doc_query_cache"
        id: Mapped[int] = mapped_column(primary_key=True)
        body: Mapped[str]
        embedding: Mapped[list[float] | None] = Embedding(
            source="body", provider="queries", dim=32, index=None
        )

    a = Doc.embedding.cosine_distance("wireless headphones")
    b = Doc.embedding.similarity("wireless headphones")
    assert first.texts == ["wireless headphones"]
    assert a is not b
    second = CountingProvider(name="queries")
    providers.register(second, name="queries", replace=True)
    Doc.embedding.cosine_distance("wireless headphones")
    assert second.texts == ["wireless headphones"]  # a new provider is asked again
    Base.registry.dispose()
