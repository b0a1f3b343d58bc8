"""An OpenAI-compatible embeddings provider over HTTP (``POST {base_url}/embeddings``).

    provider = OpenAIProvider(model="text-embedding-3-small", dimension=1536)
    providers.register(provider, name="openai")

Works with any server that speaks the OpenAI embeddings API (OpenAI, Azure's
compatible endpoint, vLLM, Ollama, LiteLLM, text-embeddings-inference...).  The
texts of one ``embed`` call go out in requests of ``request_size`` texts, at most
``concurrency`` at a time; 429 and 5xx answers, timeouts and connection errors
are retried with doubling waits, honouring ``Retry-After``; every answer is
checked (count, order by ``index``, dimension, finite numbers).  The key comes
from the environment (``OPENAI_API_KEY`` by default), never from code.  Needs
httpx (the ``openai`` extra), imported when the first request is made.
"""

from __future__ import annotations

import email.utils
import os
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..exc import (
    ProviderAuthError,
    ProviderError,
    ProviderRateLimitError,
    ProviderResponseError,
    ProviderUnavailableError,
)
from .provider import Vectors, as_vectors

__all__ = ["OpenAIProvider"]

_RETRY_STATUS = frozenset({408, 409, 429, 500, 502, 503, 504})


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (delta-seconds or an HTTP date).

    :param value: the header's value, or ``None``.
    :param now: the current time (``time.time()`` by default).
    """
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


@dataclass(eq=False)
class OpenAIProvider:
    """Embeddings from an OpenAI-compatible ``/embeddings`` endpoint.

    :param model: the model name sent with each request (and recorded as provenance).
    :param dimension: the vector length expected; every answer is checked.
    :param base_url: the API's base URL, up to ``/v1``.
    :param api_key_env: the environment variable holding the API key; unset or
        empty sends no ``Authorization`` header (local servers), unless
        *require_key*.
    :param require_key: raise `ProviderAuthError` when the key is missing.
    :param request_size: texts per HTTP request.
    :param concurrency: requests in flight at once, per ``embed`` call.
    :param timeout: seconds for each request (connect, read, write, pool).
    :param max_retries: retries of a request after 429, 5xx, a timeout or a
        connection error.
    :param backoff: the first wait between retries, in seconds (doubling).
    :param max_backoff: the longest wait between retries, in seconds (also the
        most a ``Retry-After`` is honoured).
    :param send_dimensions: send ``"dimensions": dimension`` (models that can
        shorten their vectors, e.g. ``text-embedding-3-*``).
    :param name: the provider's name, in messages, the registry and provenance.
    """

    model: str = "text-embedding-3-small"
    dimension: int = 1536
    base_url: str = "https://api.openai.com/v1"
    api_key_env: str = "OPENAI_API_KEY"
    require_key: bool = False
    request_size: int = 128
    concurrency: int = 4
    timeout: float = 30.0
    max_retries: int = 5
    backoff: float = 0.5
    max_backoff: float = 30.0
    send_dimensions: bool = False
    name: str = "openai"
    _client: Any = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def _http(self) -> Any:
        with self._lock:
            if self._client is None:
                import httpx  # the optional dependency, at the first request

                key = os.environ.get(self.api_key_env, "")
                if not key and self.require_key:
                    raise ProviderAuthError(
                        f"{self.name}: no API key: set the environment variable {self.api_key_env}",
                        provider=self.name,
                    )
                headers = {"Authorization": f"Bearer {key}"} if key else {}
                limits = httpx.Limits(max_connections=max(1, self.concurrency))
                self._client = httpx.Client(
                    base_url=self.base_url.rstrip("/"),
                    headers=headers,
                    timeout=httpx.Timeout(self.timeout),
                    limits=limits,
                )
            return self._client

    def close(self) -> None:
        """Close the HTTP connections (a later call opens new ones)."""
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Embed *texts*: requests of ``request_size``, ``concurrency`` at a time, in order.

        :param texts: the texts; row ``i`` of the result is the vector of ``texts[i]``.
        :raises ProviderRateLimitError: 429 after every retry.
        :raises ProviderUnavailableError: 5xx, timeouts or connection errors after
            every retry.
        :raises ProviderAuthError: 401 or 403, or no key under *require_key*.
        :raises ProviderResponseError: another status, or an unusable answer.
        """
        items = list(texts)
        if not items:
            return np.zeros((0, self.dimension), dtype=np.float32)
        size = max(1, self.request_size)
        starts = range(0, len(items), size)
        client = self._http()

        def request(start: int) -> Vectors:
            try:
                return self._request(client, items[start : start + size])
            except ProviderError as err:
                if err.index is not None:  # the position in *texts*, not in the request
                    err.index += start
                raise

        if len(starts) == 1 or self.concurrency <= 1:
            parts = [request(start) for start in starts]
        else:
            with ThreadPoolExecutor(max_workers=min(self.concurrency, len(starts))) as pool:
                parts = list(pool.map(request, starts))
        return np.concatenate(parts) if len(parts) > 1 else parts[0]

    def _request(self, client: Any, texts: list[str]) -> Vectors:
        import httpx

        body: dict[str, Any] = {"model": self.model, "input": texts, "encoding_format": "float"}
        if self.send_dimensions:
            body["dimensions"] = self.dimension
        facts: dict[str, Any] = {"provider": self.name, "texts": len(texts), "text": texts[0]}
        attempt = 0
        while True:
            wait: float | None = None
            try:
                response = client.post("/embeddings", json=body)
            except httpx.TimeoutException as err:
                failure: ProviderError = ProviderUnavailableError(
                    f"{self.name}: the request timed out after {self.timeout} s ({err})", **facts
                )
            except httpx.TransportError as err:
                failure = ProviderUnavailableError(
                    f"{self.name}: cannot reach {self.base_url} ({err})", **facts
                )
            else:
                status = response.status_code
                if status == 200:
                    return self._parse(response, texts, facts)
                detail = response.text[:300]
                if status in (401, 403):
                    raise ProviderAuthError(
                        f"{self.name}: the API key was refused ({status}: {detail}); check "
                        f"{self.api_key_env}",
                        **facts,
                    )
                if status not in _RETRY_STATUS:
                    raise ProviderResponseError(
                        f"{self.name}: HTTP {status} from {self.base_url}: {detail}", **facts
                    )
                wait = retry_after(response.headers.get("retry-after"))
                kind = ProviderRateLimitError if status == 429 else ProviderUnavailableError
                failure = kind(
                    f"{self.name}: HTTP {status} from {self.base_url} after "
                    f"{attempt + 1} attempt(s): {detail}",
                    **facts,
                )
            if attempt >= self.max_retries:
                raise failure
            delay = self.backoff * 2**attempt if wait is None else wait
            time.sleep(min(self.max_backoff, delay))
            attempt += 1

    def _parse(self, response: Any, texts: list[str], facts: dict[str, Any]) -> Vectors:
        try:
            data = response.json()["data"]
            ordered = sorted(data, key=lambda d: int(d["index"]))
            vectors = [d["embedding"] for d in ordered]
        except (ValueError, KeyError, TypeError) as err:
            raise ProviderResponseError(
                f"{self.name}: the answer is no embeddings list ({err!r})", **facts
            ) from err
        if len(vectors) != len(texts):
            raise ProviderResponseError(
                f"{self.name}: {len(vectors)} vectors for {len(texts)} texts", **facts
            )
        try:
            return as_vectors(
                vectors, count=len(texts), dimension=self.dimension, what=self.name, texts=texts
            )
        except ProviderError as err:
            raise ProviderResponseError(
                str(err), provider=self.name, index=err.index, text=err.text, texts=len(texts)
            ) from err
