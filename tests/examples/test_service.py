"""examples/service run as a server (uvicorn, loopback) and driven over HTTP with httpx.

The app runs in a subprocess on a fresh clone of the test template, with the
deterministic provider; every answer is checked against what the database
holds (rows, vectors, vertices and edges read back with a sync engine).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from sqlalchemy_tridb import run_cypher
from sqlalchemy_tridb.testing import tridb_engine_factory

SERVICE = Path(__file__).resolve().parents[2] / "examples" / "service"

service_engine = tridb_engine_factory("tridb_template", scope="module")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _serve(factory: str, engine: Engine, log_path: Path) -> Iterator[str]:
    port = _free_port()
    env = {
        **os.environ,
        "TRIDB_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "TRIDB_SERVICE_PROVIDER": "deterministic",
    }
    log = log_path.open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--app-dir", str(SERVICE), "--factory",
         factory, "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the service exited:\n{log_path.read_text()[-3000:]}")
            try:
                if httpx.get(f"{url}/openapi.json", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, (
                f"no service in 60 s:\n{log_path.read_text()[-3000:]}"
            )
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def base_url(service_engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("service") / "uvicorn.log"
    with _serve("app:create_app", service_engine, log) as url:
        yield url


@pytest.fixture(scope="module")
def client(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=30) as c:
        yield c


@pytest.fixture(scope="module")
def seeded(client: httpx.Client) -> dict[str, int]:
    """ada -> bo -> cy -> dee, ada -> eve; bo and eve buy things."""
    products = {
        "headphones": ("Wireless headphones", "Bluetooth over-ear headphones, noise cancelling"),
        "earbuds": ("Wireless earbuds", "Small bluetooth earbuds with a charging case"),
        "kettle": ("Electric kettle", "A steel kettle that boils water fast"),
        "teapot": ("Glass teapot", "A teapot for loose leaf tea"),
    }
    ids = {}
    for key, (name, description) in products.items():
        r = client.post("/products", json={"name": name, "description": description, "price": 20})
        assert r.status_code == 201, r.text
        ids[key] = r.json()["id"]
    for handle, bio, follows in [
        ("dee", "tea and kettles", []),
        ("cy", "loose leaf tea every morning", ["dee"]),
        ("bo", "music and headphones all day", ["cy"]),
        ("eve", "audio gear and bluetooth", []),
        ("ada", "listening to music on the train", ["bo", "eve"]),
    ]:
        r = client.post("/users", json={"handle": handle, "name": handle.title(), "bio": bio,
                                        "follows": follows})  # fmt: skip
        assert r.status_code == 201, r.text
    for handle, product in [("bo", "headphones"), ("eve", "earbuds"), ("eve", "headphones"),
                            ("cy", "teapot"), ("ada", "kettle")]:  # fmt: skip
        r = client.post(f"/users/{handle}/purchases", json={"product_id": ids[product]})
        assert r.status_code == 201, r.text
    return ids


def _graph(engine: Engine, query: str, columns: tuple[str, ...]) -> set[tuple[object, ...]]:
    with engine.connect() as conn:
        return {tuple(r) for r in run_cypher(conn, "service", query, columns=columns)}


def test_create_user_writes_row_vector_vertex_and_edges(
    client: httpx.Client, seeded: dict[str, int], service_engine: Engine
) -> None:
    r = client.post("/users", json={"handle": "fay", "name": "Fay", "bio": "podcasts",
                                    "follows": ["ada", "dee"]})  # fmt: skip
    assert r.status_code == 201
    body = r.json()
    assert body["follows"] == ["ada", "dee"] and body["handle"] == "fay"
    with service_engine.connect() as conn:
        row = conn.execute(
            text("SELECT handle, embedding IS NOT NULL FROM service_user WHERE id = :i"),
            {"i": body["id"]},
        ).one()
        assert tuple(row) == ("fay", True)
    assert _graph(service_engine, "MATCH (u:User) WHERE u.handle = 'fay' RETURN u.id", ("id",)) == {
        (body["id"],)
    }
    follows = _graph(
        service_engine,
        "MATCH (a:User)-[:FOLLOWS]->(b:User) WHERE a.handle = 'fay' RETURN b.handle",
        ("b",),
    )
    assert follows == {("ada",), ("dee",)}
    assert client.get("/users/fay").json() == body


def test_errors(client: httpx.Client, seeded: dict[str, int], service_engine: Engine) -> None:
    dup = client.post("/users", json={"handle": "ada", "name": "Other", "bio": "x"})
    assert dup.status_code == 409 and "taken" in dup.json()["detail"]
    assert client.post("/products", json={"name": "Glass teapot", "description": "d",
                                          "price": 1}).status_code == 409  # fmt: skip
    assert client.get("/users/nobody").status_code == 404
    assert client.get("/users/nobody/network").status_code == 404
    assert client.get("/products/999999/similar").status_code == 404
    bad = client.post("/users", json={"handle": "Bad Handle!", "name": "x", "bio": "x"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "handle"]
    assert client.post("/users", json={"handle": "gus", "name": "G"}).status_code == 422
    unknown = client.post("/users", json={"handle": "gus", "name": "G", "bio": "b",
                                          "follows": ["ghost"]})  # fmt: skip
    assert unknown.status_code == 422 and "ghost" in unknown.json()["detail"]
    assert client.get("/products/search", params={"q": ""}).status_code == 422
    assert client.get("/users/ada/similar", params={"k": 0}).status_code == 422
    for hops in (0, 11):
        r = client.get("/users/ada/network", params={"hops": hops})
        assert r.status_code == 400 and "hops" in r.json()["detail"], r.text
    assert client.get("/users/ada/network", params={"direction": "up"}).status_code == 422
    assert client.post("/users/ada/purchases", json={"product_id": 999999}).status_code == 422
    with Session(service_engine) as s:  # nothing of the refused requests was written
        handles = set(s.scalars(select(text("handle")).select_from(text("service_user"))))
        assert "gus" not in handles and "Bad Handle!" not in handles


def test_network(client: httpx.Client, seeded: dict[str, int]) -> None:
    r = client.get("/users/ada/network", params={"hops": 2})
    assert r.status_code == 200
    assert r.json() == [{"handle": "bo", "hops": 1}, {"handle": "eve", "hops": 1},
                        {"handle": "cy", "hops": 2}]  # fmt: skip
    three = client.get("/users/ada/network", params={"hops": 3}).json()
    assert {"handle": "dee", "hops": 3} in three
    back = client.get("/users/dee/network", params={"hops": 3, "direction": "in"}).json()
    hops = {x["handle"]: x["hops"] for x in back}
    assert (hops["cy"], hops["bo"], hops["ada"]) == (1, 2, 3)


def test_similar_items(
    client: httpx.Client, seeded: dict[str, int], service_engine: Engine
) -> None:
    found = client.get("/products/search", params={"q": "Wireless headphones", "k": 2}).json()
    assert found[0]["id"] == seeded["headphones"] and len(found) == 2
    similar = client.get(f"/products/{seeded['headphones']}/similar", params={"k": 3}).json()
    assert seeded["headphones"] not in [p["id"] for p in similar] and len(similar) == 3
    # the order is the database's cosine order on the stored vectors
    with service_engine.connect() as conn:
        want = conn.execute(
            text(
                "SELECT o.id FROM service_product o, service_product p WHERE p.id = :i "
                "AND o.id <> p.id ORDER BY o.embedding <=> p.embedding, o.id LIMIT 3"
            ),
            {"i": seeded["headphones"]},
        ).scalars()
        assert [p["id"] for p in similar] == list(want)
    users = client.get("/users/ada/similar", params={"k": 2}).json()
    assert len(users) == 2 and "ada" not in [u["handle"] for u in users]


def test_recommendation(client: httpx.Client, seeded: dict[str, int]) -> None:
    recs = client.get("/users/ada/recommendations", params={"k": 3}).json()
    ids = [r["id"] for r in recs]
    # bought by the people ada follows (bo, eve): headphones twice, earbuds once; not her kettle
    assert ids[:2] == [seeded["headphones"], seeded["earbuds"]]
    assert seeded["kettle"] not in ids
    assert recs[0]["graph_score"] == 1.0 and recs[1]["graph_score"] == 0.5


def test_influential(client: httpx.Client, seeded: dict[str, int], service_engine: Engine) -> None:
    top = client.get("/users/influential", params={"k": 3}).json()
    assert len(top) == 3
    scores = [u["score"] for u in top]
    assert scores == sorted(scores, reverse=True)
    assert top[0]["handle"] == "dee"  # at the end of every chain of follows


def test_openapi(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/users", "/users/{handle}/network", "/users/influential"} <= set(spec["paths"])
    assert client.get("/docs").status_code == 200


def test_sync_baseline_answers_the_same(
    client: httpx.Client,
    seeded: dict[str, int],
    service_engine: Engine,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """The benchmark's baseline (sync_app.py) gives the async service's answers."""
    paths = [
        "/users/ada",
        "/users/ada/network?hops=3",
        "/users/ada/recommendations?k=3",
        "/users/ada/similar?k=3",
        f"/products/{seeded['kettle']}/similar?k=2",
        "/products/search?q=tea&k=2",
        "/users/influential?k=3",
        "/users/ada/network?hops=0",
    ]
    log = tmp_path_factory.mktemp("sync_service") / "uvicorn.log"
    with (
        _serve("sync_app:create_sync_app", service_engine, log) as url,
        httpx.Client(base_url=url, timeout=30) as sync_client,
    ):
        for path in paths:
            a, b = client.get(path), sync_client.get(path)
            assert (a.status_code, a.json()) == (b.status_code, b.json()), path
