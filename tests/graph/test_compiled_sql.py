"""Compile-only: the SQL the mirror and the traversal operators generate, against golden files.

No server is needed.  The golden files under ``golden/`` are the reviewed text;
after an intended change, rewrite them with ``TRIDB_UPDATE_GOLDEN=1 pytest
tests/graph/test_compiled_sql.py`` and read the diff.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import make_transient_to_detached

from sqlalchemy_tridb.graph import edge_triggers, node_triggers, registry_for
from sqlalchemy_tridb.graph.query import degree, reachable, suggest_connections, walk
from sqlalchemy_tridb.graph.query.reach import reachable_sql
from sqlalchemy_tridb.graph.spec import node_spec

from .models import Base, Link, Node, Person, Tag

GOLDEN = Path(__file__).parent / "golden"
DIALECT = postgresql.dialect()  # type: ignore[no-untyped-call]


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("TRIDB_UPDATE_GOLDEN") == "1":
        path.write_text(text)
    assert path.exists(), f"no golden file {path}: run with TRIDB_UPDATE_GOLDEN=1"
    assert text == path.read_text(), f"{name} changed: review, then TRIDB_UPDATE_GOLDEN=1"


def _sql(stmt: Any) -> str:
    # SQLAlchemy 2.1 adds casts to bound parameters (``%(p)s::VARCHAR``), 2.0 does not
    return re.sub(r"(%\(\w+\)s)::[A-Z]+", r"\1", str(stmt.compile(dialect=DIALECT))) + "\n"


def _detached(cls: type, **key: Any) -> Any:
    obj = cls(**key)
    make_transient_to_detached(obj)  # an identity without a database
    return obj


def _triggers_text(triggers: list[Any]) -> str:
    return "\n\n".join(s + ";" for t in triggers for s in t.create_sql()) + "\n"


@pytest.mark.parametrize("label", ["Person", "Tag"])
def test_vertex_triggers(label: str) -> None:
    spec = node_spec({"Person": Person, "Tag": Tag}[label])
    _golden(f"vertex_{label}.sql", _triggers_text(node_triggers(spec)))


@pytest.mark.parametrize("label", ["LIVES_IN", "FRIEND", "FOLLOWS"])
def test_edge_triggers(label: str) -> None:
    _nodes, edges = registry_for(Base.metadata).resolve()
    (edge,) = [e for e in edges if e.label == label]
    _golden(f"edge_{label}.sql", _triggers_text(edge_triggers(edge)))


def test_trigger_sql_is_laid_out_on_lines() -> None:
    for trigger in node_triggers(node_spec(Person)):
        for statement in trigger.create_sql():
            lines = statement.splitlines()
            assert len(lines) >= 3 and max(len(line) for line in lines) < 250


def test_reachability_cte() -> None:
    text = reachable_sql(node_spec(Node), node_spec(Node), tuple(_edges("LINK", "OTHER")), "both")
    _golden("reachable_node_both.sql", text + "\n")
    # every value is a parameter: the start key and the hop bounds
    assert list(dict.fromkeys(re.findall(r":(tridb_\w+)", text))) == [
        "tridb_start_0",
        "tridb_max_hops",
        "tridb_min_hops",
    ]


def test_reachability_from_a_mapped_key() -> None:
    text = reachable_sql(node_spec(Tag), node_spec(Person), tuple(_edges("FOLLOWS")), "out")
    _golden("reachable_tag_to_person.sql", text + "\n")
    seed = text.split("UNION")[0]
    # a text key's id comes from the key map; nothing is hashed any more
    assert '"tridb$keys"' in seed and ":tridb_start_0" in seed and "hash" not in text
    assert "AS id\nFROM walk" in text  # Person has an integer key: its rows join on id


def test_reachable_subquery_binds_the_start_and_hops() -> None:
    start = _detached(Node, id=7)
    sub = reachable(Node, start, "LINK", min_hops=2, max_hops=3)
    compiled = select(sub).compile(dialect=DIALECT)
    assert set(compiled.params.values()) == {7, 2, 3}
    assert [c.name for c in sub.c] == ["vid", "hops", "id"]


def test_degree_walk_and_suggestions() -> None:
    start = _detached(Node, id=1)
    person = _detached(Person, id=1)
    text = (
        _sql(select(Node.id, degree(Node, ["LINK", "OTHER"], direction="in")))
        + "\n"
        + _sql(select(walk(Node, start, "LINK", ("OTHER", "in"))))
        + "\n"
        + _sql(select(suggest_connections(Person, person, "FOLLOWS")))
    )
    _golden("degree_walk_suggest.sql", text)


def _edges(*labels: str) -> list[Any]:
    _nodes, edges = registry_for(Base.metadata).resolve()
    by_label = {e.label: e for e in edges}
    return [by_label[label] for label in labels]


def test_link_is_an_association() -> None:
    (edge,) = _edges("LINK")
    assert edge.kind == "association" and edge.source.cls is Node and Link.__table__ is edge.table
