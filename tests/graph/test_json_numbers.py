"""JSON numbers of any size reach the graph: no valid row is refused for its JSON.

Integers beyond 64 bits and numbers beyond a double's range (``1e400``,
``1e-400``) become exact agtype numerics; every other number keeps its agtype
integer or float, and documents without such numbers take the inline path.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from sqlalchemy import JSON, Connection, Engine, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from sqlalchemy_tridb.cypher.agtype import loads
from sqlalchemy_tridb.graph import GraphNode
from sqlalchemy_tridb.testing import tridb_database_factory, tridb_engine_factory

G = "json_test"


class Base(DeclarativeBase):
    pass


class Doc(GraphNode, Base):
    __tablename__ = "jn_doc"
    __graph__ = G
    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[Any] = mapped_column(JSON, nullable=True)
    meta: Mapped[Any] = mapped_column(JSONB, nullable=True)


def _create(conn: Connection) -> None:
    Base.metadata.create_all(conn)


json_template = tridb_database_factory(load=[_create])
json_engine = tridb_engine_factory("json_template")


@pytest.fixture
def plain(json_engine: Engine) -> Iterator[psycopg.Connection[Any]]:
    url = make_url(json_engine.url).set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True) as conn:
        yield conn


def _vertex(conn: psycopg.Connection[Any], key: int) -> dict[str, Any]:
    raw = conn.execute(
        f'SELECT ag_catalog.agtype_out(properties)::text FROM "{G}"."Doc" '
        "WHERE id::text::bigint & 281474976710655 = %s",
        (key,),
    ).fetchone()
    assert raw is not None, f"no vertex for row {key}"
    props = loads(raw[0])
    assert isinstance(props, dict)
    return props


@pytest.mark.parametrize("column", ["body", "meta"])
def test_numbers_beyond_int64_and_double_are_kept_exactly(
    plain: psycopg.Connection[Any], column: str
) -> None:
    doc = (
        '{"big": 123456789012345678901234567890, "huge": 1e400, "tiny": 1e-400, '
        '"neg": -98765432109876543210, "ok": 42, "f": 0.5, '
        '"nested": [1, {"deep": 18446744073709551616}], "s": "12345678901234567890123"}'
    )
    plain.execute(f"INSERT INTO jn_doc (id, {column}) VALUES (1, %s)", (doc,))
    props = _vertex(plain, 1)[column]
    assert props["big"] == Decimal("123456789012345678901234567890")
    assert props["huge"] == Decimal("1e400") and isinstance(props["huge"], Decimal)
    assert props["tiny"] == Decimal("1e-400")
    assert props["neg"] == Decimal("-98765432109876543210")
    assert props["ok"] == 42 and isinstance(props["ok"], int)
    assert props["f"] == 0.5 and isinstance(props["f"], float)
    assert props["nested"] == [1, {"deep": Decimal(2**64)}]
    assert props["s"] == "12345678901234567890123"
    # an update to an ordinary document takes the inline path again
    plain.execute(f"UPDATE jn_doc SET {column} = %s WHERE id = 1", ('{"ok": [1, 2.5]}',))
    assert _vertex(plain, 1)[column] == {"ok": [1, 2.5]}


def test_ordinary_documents_do_not_call_the_function(json_engine: Engine) -> None:
    with json_engine.begin() as conn:
        conn.execute(text("SELECT pg_stat_reset()"))
        conn.execute(text("SET LOCAL track_functions = 'all'"))
        conn.execute(
            text("""INSERT INTO jn_doc (id, body) VALUES (1, '{"a": [1, 2, {"b": 3.5}]}')""")
        )
        conn.execute(text("""INSERT INTO jn_doc (id, body) VALUES (2, '{"a": 1e400}')"""))
        calls = conn.execute(
            text(
                "SELECT coalesce(sum(calls), 0) FROM pg_stat_xact_user_functions "
                "WHERE funcname = 'tridb$agtype_json_v1'"
            )
        ).scalar_one()
    assert 0 < calls <= 3  # the second document only: itself and its one member
