"""A primary of its own and a streaming replica of it, started once for these tests.

The primary lives in a scratch home (not the suite's server), so stopping its
replica or pausing its replay disturbs nobody; both start in about 3 s.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, make_url
from sqlalchemy.orm import Session

from sqlalchemy_tridb.server import LocalServer, ServerConfig, create_database
from sqlalchemy_tridb.testing import local_server_unavailable
from sqlalchemy_tridb.vector import install_embedding_sync

from .models import BOUGHT, PRODUCTS, Base, Customer, Product, Purchase

REPLICA = "tests"


@dataclass
class Pair:
    server: LocalServer
    primary: Engine
    replica: Engine
    replica_url: str


@pytest.fixture(scope="session")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    why_not = local_server_unavailable()
    if why_not is not None:
        pytest.skip(f"no streaming replica can be made here: {why_not}")
    home: Path = tmp_path_factory.mktemp("replica") / ".tridb"
    config = dataclasses.replace(ServerConfig.from_env(home=home), port=None)
    server = LocalServer(config)
    status = server.start()
    assert status.url is not None
    url = create_database(status.url, "shop")
    primary = create_engine(url, plugins=["tridb"])
    Base.metadata.create_all(primary)
    with Session(primary) as session, install_embedding_sync(session):
        session.add_all(Customer(id=i, name=f"c{i}") for i in BOUGHT)
        session.add_all(Product(id=i, name=n, shelf=i % 2) for i, n in PRODUCTS.items())
        session.flush()
        session.add_all(
            Purchase(id=10 * c + p, customer_id=c, product_id=p)
            for c, ps in BOUGHT.items()
            for p in ps
        )
        session.commit()
    rep = server.start_replica(REPLICA)
    assert rep.url is not None
    replica_url = make_url(rep.url).set(database="shop").render_as_string(hide_password=False)
    replica = create_engine(replica_url, plugins=["tridb"], pool_pre_ping=True)
    try:
        yield Pair(server, primary, replica, replica_url)
    finally:
        replica.dispose()
        primary.dispose()
        server.stop_replica(REPLICA, remove=True)
        server.stop()
