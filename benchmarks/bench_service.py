"""The example service (issue 18): async endpoints vs the same endpoints sync in a thread pool.

Starts ``examples/service/app.py`` (FastAPI, ``AsyncSession``, psycopg's async
driver) and ``examples/service/sync_app.py`` (the same statements on a sync
``Session``, ``def`` handlers in FastAPI's thread pool), each under one uvicorn
worker on loopback, on the same throw-away database seeded through the API.
Then, for each read endpoint, 8 concurrent clients (httpx, one asyncio loop)
send requests for ``--seconds`` (10) to one app, then to the other (the order
alternates per endpoint); p50/p95 latency and requests per second are printed
with the ratios (sync / async for latency, async / sync for throughput).

    python benchmarks/bench_service.py                 # 10 s per endpoint and app
    python benchmarks/bench_service.py --seconds 3 --users 100 --json out.json

The embedding provider is the deterministic one (hashed n-grams), so the
figures measure the service, the driver and the database, not a model.  The
client shares the machine with the servers and PostgreSQL (2 cores here).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from _common import scratch_engine

SERVICE = Path(__file__).resolve().parents[1] / "examples" / "service"
CLIENTS = 8
WORDS = [
    "wireless", "headphones", "bluetooth", "kettle", "teapot", "coffee", "grinder", "espresso",
    "running", "shoes", "trail", "backpack", "tent", "stove", "lantern", "novel", "poetry",
    "cookbook", "pasta", "garden", "seeds", "hose", "keyboard", "mouse", "monitor", "cable",
    "charger", "speaker", "vinyl", "guitar", "strings", "drum",
]  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(factory: str, url: str) -> Iterator[str]:
    """Run ``uvicorn --factory <factory>`` on a free loopback port; yield its base URL."""
    port = _free_port()
    env = {**os.environ, "TRIDB_DATABASE_URL": url, "TRIDB_SERVICE_PROVIDER": "deterministic"}
    with tempfile.TemporaryFile("w+") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--app-dir", str(SERVICE), "--factory", factory,
             "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
             "--no-access-log"],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise SystemExit(f"{factory} did not start:\n{log.read()[-3000:]}")
                try:
                    if httpx.get(f"{base}/openapi.json", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.1)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def seed(base: str, users: int, products: int, rng: random.Random) -> None:
    """Products, users (each following up to 5 earlier users) and purchases, via the API."""
    with httpx.Client(base_url=base, timeout=60) as c:
        for i in range(products):
            body = {"name": f"product {i} {_text(rng, 2)}", "description": _text(rng, 8),
                    "price": rng.randint(5, 300)}  # fmt: skip
            c.post("/products", json=body).raise_for_status()
        for i in range(users):
            earlier = [f"u{j}" for j in rng.sample(range(i), min(i, rng.randint(1, 5)))]
            body = {"handle": f"u{i}", "name": f"User {i}", "bio": _text(rng, 10),
                    "follows": earlier}  # fmt: skip
            c.post("/users", json=body).raise_for_status()
            for _ in range(rng.randint(1, 3)):
                pid = rng.randint(1, products)
                c.post(f"/users/u{i}/purchases", json={"product_id": pid}).raise_for_status()


def endpoints(users: int, products: int) -> dict[str, object]:
    """Name -> a function of a random generator giving one request path."""
    return {
        "GET /users/{h}": lambda r: f"/users/u{r.randrange(users)}",
        "similar users": lambda r: f"/users/u{r.randrange(users)}/similar?k=5",
        "search products": lambda r: f"/products/search?q={_text(r, 3)}&k=5",
        "similar products": lambda r: f"/products/{r.randint(1, products)}/similar?k=5",
        "recommendations": lambda r: f"/users/u{r.randrange(users)}/recommendations?k=5",
        "network 2 hops": lambda r: f"/users/u{r.randrange(users)}/network?hops=2",
        "influential": lambda r: "/users/influential?k=5",
    }


async def load(base: str, path_of: object, seconds: float, seed_: int) -> dict[str, float]:
    """CLIENTS concurrent clients for *seconds*: p50, p95 (ms) and requests/s."""
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)

    async def client(c: httpx.AsyncClient, rng: random.Random) -> None:
        nonlocal errors
        while time.perf_counter() < stop:
            start = time.perf_counter()
            r = await c.get(path_of(rng))  # type: ignore[operator]
            latencies.append(time.perf_counter() - start)
            errors += r.status_code != 200

    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as c:
        await c.get(path_of(random.Random(0)))  # type: ignore[operator]  # warm the pool
        began = time.perf_counter()
        await asyncio.gather(*(client(c, random.Random(seed_ + i)) for i in range(CLIENTS)))
        took = time.perf_counter() - began
    if errors:
        raise SystemExit(f"{errors} requests to {base} failed")
    q = statistics.quantiles(latencies, n=20)
    return {"p50": statistics.median(latencies) * 1e3, "p95": q[18] * 1e3,
            "rps": len(latencies) / took, "n": len(latencies)}  # fmt: skip


def main(argv: list[str] | None = None) -> dict[str, dict[str, dict[str, float]]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="per endpoint and app")
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--products", type=int, default=200)
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args(argv)
    rng = random.Random(18)
    results: dict[str, dict[str, dict[str, float]]] = {}
    with scratch_engine("bench_service") as engine:
        url = engine.url.render_as_string(hide_password=False)
        with serve("app:create_app", url) as async_base:
            t = time.perf_counter()
            seed(async_base, args.users, args.products, rng)
            print(f"seeded {args.users} users, {args.products} products through the async "
                  f"service in {time.perf_counter() - t:.1f} s")  # fmt: skip
            with serve("sync_app:create_sync_app", url) as sync_base:
                print(f"{CLIENTS} clients, {args.seconds:g} s per endpoint and app, loopback\n")
                print(f"{'endpoint':18} {'async p50':>9} {'p95':>7} {'req/s':>7}   "
                      f"{'sync p50':>8} {'p95':>7} {'req/s':>7}   "
                      f"{'p50 x':>6} {'p95 x':>6} {'rps x':>6}")  # fmt: skip
                for i, (name, path_of) in enumerate(endpoints(args.users, args.products).items()):
                    order = [("async", async_base), ("sync", sync_base)]
                    if i % 2:
                        order.reverse()
                    row = {k: asyncio.run(load(b, path_of, args.seconds, i)) for k, b in order}
                    a, s = row["async"], row["sync"]
                    results[name] = row
                    print(f"{name:18} {a['p50']:7.1f}ms {a['p95']:5.1f}ms {a['rps']:7.0f}   "
                          f"{s['p50']:6.1f}ms {s['p95']:5.1f}ms {s['rps']:7.0f}   "
                          f"{s['p50'] / a['p50']:6.2f} {s['p95'] / a['p95']:6.2f} "
                          f"{a['rps'] / s['rps']:6.2f}", flush=True)  # fmt: skip
    print("\nratios: p50 x and p95 x = sync / async latency (>1: async faster); "
          "rps x = async / sync requests per second (>1: async more)")  # fmt: skip
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    main()
