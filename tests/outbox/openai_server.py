"""A local server speaking OpenAI's ``POST /v1/embeddings``, with faults injected on demand.

Vectors come from `DeterministicProvider` (the same text, the same vector);
``faults`` is consumed one per request: ``429`` (with ``Retry-After``), ``500``,
``401``, ``"slow"`` (answers after ``slow_seconds``) or ``"bad-dims"``.  Also used
by ``benchmarks/bench_outbox.py``.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from sqlalchemy_tridb.embedding import DeterministicProvider


@dataclass
class FakeOpenAI:
    provider: DeterministicProvider
    faults: list[Any] = field(default_factory=list)
    slow_seconds: float = 0.5
    retry_after: str = "0"
    requests: int = 0
    texts: int = 0
    in_flight: int = 0
    max_in_flight: int = 0
    auth: list[str | None] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""
    #: a text whose vector comes back with a NaN, whichever request carries it
    poison: str | None = None

    def next_fault(self) -> Any:
        with self.lock:
            self.requests += 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            return self.faults.pop(0) if self.faults else None

    def done(self) -> None:
        with self.lock:
            self.in_flight -= 1


def _handler(state: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, status: int, body: dict[str, Any], **headers: str) -> None:
            raw = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(raw)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            request = json.loads(self.rfile.read(length))
            fault = state.next_fault()
            try:
                state.auth.append(self.headers.get("Authorization"))
                if self.path != "/v1/embeddings":
                    return self._send(404, {"error": {"message": "not found"}})
                if fault == 429:
                    return self._send(
                        429,
                        {"error": {"message": "slow down"}},
                        **{"Retry-After": state.retry_after},
                    )
                if fault in (500, 503, 401):
                    return self._send(int(fault), {"error": {"message": f"fault {fault}"}})
                if fault == "slow":
                    time.sleep(state.slow_seconds)
                texts = request["input"]
                vectors = state.provider.embed(texts)
                dim = state.provider.dimension - (1 if fault == "bad-dims" else 0)
                with state.lock:
                    state.texts += len(texts)
                vectors = [
                    [float("nan")] * len(v) if t == state.poison else v
                    for t, v in zip(texts, vectors, strict=True)
                ]
                data = [
                    {"object": "embedding", "index": i, "embedding": [float(x) for x in v[:dim]]}
                    for i, v in reversed(list(enumerate(vectors)))  # out of order on purpose
                ]
                self._send(200, {"object": "list", "data": data, "model": request["model"]})
            finally:
                state.done()

    return Handler


@contextmanager
def fake_openai(provider: DeterministicProvider) -> Iterator[FakeOpenAI]:
    """Run the server on a free local port for the ``with`` block."""
    state = FakeOpenAI(provider)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
