from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session

from sqlalchemy_tridb.cypher.agtype import loads
from sqlalchemy_tridb.testing import tridb_database_factory, tridb_engine_factory

from .models import GRAPH, Base


def _create(conn: Connection) -> None:
    Base.metadata.create_all(conn)


social_template = tridb_database_factory(load=[_create])
engine = tridb_engine_factory("social_template")


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as s:
        yield s


def _agtype(value: str) -> Any:
    return loads(value)


def vertices(conn: Session | Connection, label: str) -> dict[Any, dict[str, Any]]:
    """Vertices of *label* read back through Cypher: {id property: properties}."""
    rows = conn.execute(
        text(
            f"SELECT * FROM ag_catalog.cypher('{GRAPH}', $$ MATCH (n:{label}) "
            "RETURN id(n), properties(n) $$) AS (vid ag_catalog.agtype, props ag_catalog.agtype)"
        )
    ).all()
    out: dict[Any, dict[str, Any]] = {}
    for _vid, props in rows:
        p = _agtype(str(props))
        assert p["id"] not in out, f"two {label} vertices for row {p['id']}"
        out[p["id"]] = p
    return out


def edges(conn: Session | Connection, label: str) -> set[tuple[Any, Any]]:
    """Edges of *label* through Cypher, as (start's id property, end's id property)."""
    rows = conn.execute(
        text(
            f"SELECT * FROM ag_catalog.cypher('{GRAPH}', $$ MATCH (a)-[e:{label}]->(b) "
            "RETURN a.id, b.id $$) AS (a ag_catalog.agtype, b ag_catalog.agtype)"
        )
    ).all()
    return {(_agtype(str(a)), _agtype(str(b))) for a, b in rows}


def edge_props(conn: Session | Connection, label: str) -> dict[tuple[Any, Any], dict[str, Any]]:
    rows = conn.execute(
        text(
            f"SELECT * FROM ag_catalog.cypher('{GRAPH}', $$ MATCH (a)-[e:{label}]->(b) "
            "RETURN a.id, b.id, properties(e) $$) AS (a ag_catalog.agtype, b ag_catalog.agtype, "
            "p ag_catalog.agtype)"
        )
    ).all()
    return {(_agtype(str(a)), _agtype(str(b))): _agtype(str(p)) for a, b, p in rows}
