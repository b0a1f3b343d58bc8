"""The OpenAI-compatible provider against a local server: batching, limits, retries, errors."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator

import numpy as np
import pytest
from sqlalchemy import Engine, insert

from sqlalchemy_tridb.embedding import providers
from sqlalchemy_tridb.embedding.openai import OpenAIProvider, retry_after
from sqlalchemy_tridb.exc import (
    ProviderAuthError,
    ProviderError,
    ProviderRateLimitError,
    ProviderResponseError,
    ProviderUnavailableError,
)
from sqlalchemy_tridb.worker import EmbeddingWorker

from .models import DIM, PROVIDER, Note
from .openai_server import FakeOpenAI, fake_openai
from .test_deferred import assert_embedded, jobs

TEXTS = [f"text number {i}" for i in range(50)]


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with fake_openai(PROVIDER) as state:
        yield state


def make(server: FakeOpenAI, **kw: object) -> OpenAIProvider:
    opts: dict[str, object] = {"model": "fake-embed", "dimension": DIM, "base_url": server.url}
    opts.update(backoff=0.01, request_size=8, concurrency=3, timeout=2.0)
    opts.update(kw)
    return OpenAIProvider(**opts)  # type: ignore[arg-type]


def test_batches_in_order_with_a_concurrency_limit(server: FakeOpenAI) -> None:
    server.faults = ["slow"] * 7
    server.slow_seconds = 0.1
    got = make(server).embed(TEXTS)
    assert np.allclose(got, PROVIDER.embed(TEXTS), atol=1e-6)
    assert server.requests == 7 and server.texts == 50  # ceil(50 / 8) requests
    assert 1 < server.max_in_flight <= 3


def test_retries_429_and_500_honouring_retry_after(server: FakeOpenAI) -> None:
    server.faults = [429, 500, 503]
    server.retry_after = "0.3"
    start = time.monotonic()
    got = make(server, concurrency=1).embed(TEXTS[:3])
    assert time.monotonic() - start >= 0.3  # waited as Retry-After said
    assert np.allclose(got, PROVIDER.embed(TEXTS[:3]), atol=1e-6)
    assert server.requests == 4


def test_gives_up_with_typed_errors(server: FakeOpenAI) -> None:
    server.faults = [429] * 3
    with pytest.raises(ProviderRateLimitError) as info:
        make(server, max_retries=2).embed(["a"])
    assert isinstance(info.value, ConnectionError) and info.value.provider == "openai"
    server.faults = [500] * 3
    with pytest.raises(ProviderUnavailableError):
        make(server, max_retries=2).embed(["a"])
    server.faults = [401]
    with pytest.raises(ProviderAuthError):
        make(server).embed(["a"])
    server.faults = ["bad-dims"]
    with pytest.raises(ProviderResponseError, match="shape"):
        make(server).embed(["a"])
    server.faults = ["slow"] * 2
    server.slow_seconds = 0.5
    with pytest.raises(ProviderUnavailableError, match="timed out"):
        make(server, timeout=0.1, max_retries=1).embed(["a"])
    with pytest.raises(ProviderUnavailableError, match="cannot reach"):
        OpenAIProvider(base_url="http://127.0.0.1:9/v1", max_retries=0, dimension=DIM).embed(["a"])


def test_a_bad_vector_is_reported_at_its_place_in_the_call(server: FakeOpenAI) -> None:
    """The index counts from the first text given, not from the request that carried it."""
    server.poison = TEXTS[19]  # the third request of 8 texts each
    with pytest.raises(ProviderError) as info:
        make(server, concurrency=1).embed(TEXTS)
    assert info.value.index == 19 and info.value.text == TEXTS[19]
    with pytest.raises(ProviderError) as info:
        make(server, concurrency=3).embed(TEXTS)
    assert info.value.index == 19


def test_key_from_the_environment(server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRIDB_TEST_KEY", "sk-test")
    make(server, api_key_env="TRIDB_TEST_KEY").embed(["a"])
    assert server.auth[-1] == "Bearer sk-test"
    monkeypatch.delenv("TRIDB_TEST_KEY")
    with pytest.raises(ProviderAuthError, match="TRIDB_TEST_KEY"):
        make(server, api_key_env="TRIDB_TEST_KEY", require_key=True).embed(["a"])
    assert isinstance(ProviderAuthError("x"), ProviderError)


def test_retry_after_forms() -> None:
    assert retry_after("2") == 2.0
    assert retry_after(None) is None and retry_after("soon") is None
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == pytest.approx(10.0)


def test_worker_through_the_http_provider_with_faults(engine: Engine, server: FakeOpenAI) -> None:
    provider = make(server, name="outbox-det", model="outbox-det", request_size=16)
    providers.register(provider, name="outbox", replace=True)
    server.faults = [429, 500, "slow", 500]
    server.slow_seconds = 0.05
    with engine.begin() as conn:
        conn.execute(insert(Note), [{"id": i, "title": f"n{i}", "body": "x"} for i in range(100)])
    assert EmbeddingWorker(engine, Note.embedding, batch_size=64).drain() == 100
    assert jobs(engine) == []
    assert_embedded(engine)
    assert server.texts == 100


def test_httpx_is_imported_at_the_first_request_only() -> None:
    code = (
        "import sys; from sqlalchemy_tridb.embedding.openai import OpenAIProvider; "
        "OpenAIProvider(); print('httpx' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
