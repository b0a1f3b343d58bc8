"""Cypher from the ORM: agtype values, a ``cypher()`` FROM element, running queries.

    from sqlalchemy_tridb.cypher import cypher, resolve, run_cypher

    rows = run_cypher(session, "social", "MATCH (p:Person {pk: $pk}) RETURN p", pk=1)
    person = resolve(session, rows[0].result, {"Person": Person})

``dumps`` / ``loads`` convert between Python values and agtype text, ``AGType``
is the column type doing it inside SQLAlchemy; see ``docs/cypher.md``.
"""

from __future__ import annotations

from .agtype import Edge as Edge
from .agtype import Path as Path
from .agtype import Vertex as Vertex
from .agtype import dumps as dumps
from .agtype import loads as loads
from .construct import ColumnSpec as ColumnSpec
from .construct import cypher as cypher
from .construct import dollar_quote as dollar_quote
from .execute import resolve as resolve
from .execute import run_cypher as run_cypher
from .types import AGType as AGType

__all__ = [
    "AGType",
    "ColumnSpec",
    "Edge",
    "Path",
    "Vertex",
    "cypher",
    "dollar_quote",
    "dumps",
    "loads",
    "resolve",
    "run_cypher",
]
