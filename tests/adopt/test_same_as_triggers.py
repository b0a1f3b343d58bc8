"""The sync writes byte for byte what the triggers write, whatever the session's settings.

Rows are written with the triggers on; the label tables and the key map are
then emptied by hand, and ``sync_graph`` (run from a session with other
``TimeZone``, ``DateStyle``, ``extra_float_digits``...) must bring back the same
properties text for every key, and the same multiset of edges.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Engine,
    ForeignKey,
    ForeignKeyConstraint,
    Numeric,
    Table,
    insert,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from sqlalchemy_tridb import check_graph, sync_graph
from sqlalchemy_tridb.graph import GraphEdge, GraphNode, graph_edge
from sqlalchemy_tridb.testing.fixtures import make_engine

G = "adopt_types"
MASK = (1 << 48) - 1
PROPS = "ag_catalog.agtype_out(properties)::text"


class Base(DeclarativeBase):
    pass


class Mood(enum.Enum):
    calm = "calm"
    loud = "loud"


linked = Table(
    "t_linked",
    Base.metadata,
    Column("a_id", ForeignKey("t_thing.id", ondelete="CASCADE"), primary_key=True),
    Column("b_id", ForeignKey("t_thing.id", ondelete="CASCADE"), primary_key=True),
)


class Thing(GraphNode, Base):
    __tablename__ = "t_thing"
    __graph__ = G
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    score: Mapped[float | None]
    amount: Mapped[Decimal | None] = mapped_column(Numeric(20, 6))
    flag: Mapped[bool | None]
    mood: Mapped[Mood | None]
    token: Mapped[uuid.UUID | None]
    day: Mapped[dt.date | None]
    at: Mapped[dt.datetime | None]
    at_tz: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    clock: Mapped[dt.time | None]
    doc: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    nums: Mapped[list[int] | None] = mapped_column(ARRAY(Numeric))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("t_thing.id"), info=graph_edge("CHILD_OF")
    )
    links: Mapped[list[Thing]] = relationship(
        secondary=linked,
        primaryjoin=lambda: Thing.id == linked.c.a_id,
        secondaryjoin=lambda: Thing.id == linked.c.b_id,
        info=graph_edge("LINKS"),
    )


class Code(GraphNode, Base):
    """A composite text key: every id through the key map."""

    __tablename__ = "t_code"
    __graph__ = G
    ns: Mapped[str] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(primary_key=True)
    label: Mapped[str | None]


class Rates(GraphEdge, Base):
    __tablename__ = "t_rates"
    __edge_label__ = "RATES"
    __edge_source__ = "thing_id"
    __edge_target__ = "code"
    __table_args__ = (
        ForeignKeyConstraint(
            ["code_ns", "code_code"], ["t_code.ns", "t_code.code"], ondelete="CASCADE"
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    thing_id: Mapped[int] = mapped_column(ForeignKey("t_thing.id", ondelete="CASCADE"))
    code_ns: Mapped[str]
    code_code: Mapped[str]
    code: Mapped[Code] = relationship()
    stars: Mapped[float]
    when: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


def _rows() -> dict[Any, list[dict[str, Any]]]:
    utc = dt.timezone.utc
    things = []
    for i in range(-3, 25):
        things.append(
            {
                "id": i,
                "name": f'thing "{i}" é \\ {chr(9)}',
                "score": [1 / 3, float("nan"), float("inf"), 1e-300, 0.1 + 0.2, None][i % 6],
                "amount": Decimal("12345678901234.123456") / (i + 4),
                "flag": [True, False, None][i % 3],
                "mood": [Mood.calm, Mood.loud, None][i % 3],
                "token": uuid.UUID(int=i + 100) if i % 2 else None,
                "day": dt.date(2020, 2, 29) + dt.timedelta(days=i),
                "at": dt.datetime(2021, 3, 4, 5, 6, 7, 890123) + dt.timedelta(hours=i),
                "at_tz": dt.datetime(2022, 1, 1, 23, 59, 59, 5, tzinfo=utc) + dt.timedelta(days=i),
                "clock": dt.time(12, i % 60, 30),
                "doc": {"n": i, "big": 10**30 + i, "tiny": 1e-320, "list": [1, "x", None]},
                "nums": [i, 2**70, -1],
                "parent_id": None if i < 0 else i // 2 - 1,
            }
        )
    return {
        Thing: things,
        linked: [{"a_id": i, "b_id": (i * 5) % 25 - 3} for i in range(-3, 25, 2)],
        Code: [
            {"ns": f"n{i % 3}", "code": f"c,{i}]", "label": None if i % 4 else "x"}
            for i in range(9)
        ],
        Rates: [
            {
                "id": i,
                "thing_id": i % 20 - 3,
                "code_ns": f"n{i % 3}",
                "code_code": f"c,{i % 9}]",
                "stars": i / 7,
                "when": dt.datetime(2023, 6, 1, tzinfo=dt.timezone(dt.timedelta(hours=5))),
            }
            for i in range(30)
        ],
    }


@pytest.fixture
def engine(tridb_url: str) -> Iterator[Engine]:
    engine = make_engine(tridb_url)
    yield engine
    engine.dispose()


def _snapshot(engine: Engine) -> tuple[dict[str, dict[str, str]], dict[str, Counter[Any]]]:
    """Per vertex label ``{key: properties text}``; per edge label the multiset of edges."""
    with engine.connect() as conn:
        keys = {
            int(i): k
            for i, k in conn.execute(text(f'SELECT id::text, key FROM "{G}"."tridb$keys"'))
        }
        labels = conn.execute(
            text(
                "SELECT l.name, l.kind FROM ag_catalog.ag_label l JOIN ag_catalog.ag_graph g "
                f"ON g.graphid = l.graph WHERE g.name = '{G}' AND l.name NOT LIKE '\\_ag%'"
            )
        ).all()

        def key(vid: str) -> str:
            n = int(vid)
            return str(n & MASK) if 1 <= n & MASK < 1 << 47 else keys[n]

        vertices: dict[str, dict[str, str]] = {}
        edges: dict[str, Counter[Any]] = {}
        for name, kind in labels:
            if kind == "v":
                rows = conn.execute(text(f'SELECT id::text, {PROPS} FROM "{G}"."{name}"'))
                vertices[name] = {key(i): p for i, p in rows}
            else:
                rows = conn.execute(
                    text(f'SELECT start_id::text, end_id::text, {PROPS} FROM "{G}"."{name}"')
                )
                edges[name] = Counter((key(s), key(e), p) for s, e, p in rows)
    return vertices, edges


def test_sync_writes_what_the_triggers_write(engine: Engine, tridb_url: str) -> None:
    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        for target, rows in _rows().items():
            conn.execute(insert(target), rows)  # type: ignore[arg-type]
    by_triggers = _snapshot(engine)
    assert all(by_triggers[0].values()) and all(by_triggers[1].values())
    with engine.begin() as conn:  # the graph lost, the key map too
        for label in [*by_triggers[0], *by_triggers[1]]:
            conn.execute(text(f'DELETE FROM "{G}"."{label}"'))
        conn.execute(text(f'DELETE FROM "{G}"."tridb$keys"'))
    odd = make_engine(
        tridb_url,
        connect_args={
            "options": "-c TimeZone=Asia/Kathmandu -c DateStyle=SQL,DMY -c extra_float_digits=0 "
            "-c IntervalStyle=sql_standard -c bytea_output=escape"
        },
    )
    try:
        report = sync_graph(odd, Base, batch_size=8)
        assert report.changed > 0
        assert check_graph(odd, Base).drift == 0
    finally:
        odd.dispose()
    # the same text for every key (graph_rows_diff converts only simple types in Python)
    assert _snapshot(engine) == by_triggers
