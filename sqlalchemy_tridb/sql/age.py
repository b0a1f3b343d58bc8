"""Every reference to Apache AGE's internals, as Core expressions and as SQL text.

AGE keeps a graph in a schema of the graph's name: one table per label (columns
``id``, ``properties`` and, for edges, ``start_id`` / ``end_id``), all edges
also reachable through the parent table ``_ag_label_edge``.  A vertex or edge
id is a ``graphid``: the label's id in the top 16 bits, a 48-bit entry below.
The functions ``ag_catalog._label_id``, ``_graphid`` and ``_extract_label_id``
are not part of AGE's documented Cypher surface, so they are named only here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Text, cast, column, func, literal, table
from sqlalchemy.sql.expression import TableClause
from sqlalchemy.types import UserDefinedType

from .identifiers import quote_ident, sql_literal

#: The entry part of a graphid: its low 48 bits.
ENTRY_BITS = 48
ENTRY_MASK = (1 << ENTRY_BITS) - 1
#: AGE's parent table of every edge label of a graph.
EDGE_PARENT = "_ag_label_edge"


class GraphId(UserDefinedType[int]):
    """AGE's ``ag_catalog.graphid``: a label id (16 bits) and an entry id (48 bits).

    Comparisons render AGE's own operators schema-qualified
    (``OPERATOR(ag_catalog.=)``), so they neither depend on ``ag_catalog`` being
    on the search path nor pick up a look-alike operator from another schema.
    """

    cache_ok = True

    class comparator_factory(UserDefinedType.Comparator[int]):
        """``==`` and ``!=`` as ``OPERATOR(ag_catalog.=)`` / ``OPERATOR(ag_catalog.<>)``."""

        def __eq__(self, other: Any) -> ColumnElement[bool]:  # type: ignore[override]
            return self.expr.op("OPERATOR(ag_catalog.=)", is_comparison=True)(other)

        def __ne__(self, other: Any) -> ColumnElement[bool]:  # type: ignore[override]
            return self.expr.op("OPERATOR(ag_catalog.<>)", is_comparison=True)(other)

    def get_col_spec(self, **kw: Any) -> str:
        """Render the type."""
        return "ag_catalog.graphid"

    def bind_processor(self, dialect: Any) -> Any:
        """Send ids as text, which ``ag_catalog.graphid`` reads (there is no cast from bigint)."""

        def process(value: Any) -> str | None:
            return None if value is None else str(int(value))

        return process

    def bind_expression(self, bindvalue: Any) -> Any:
        """``CAST(:value AS ag_catalog.graphid)``: the parameter is text."""
        return cast(bindvalue, self)

    def result_processor(self, dialect: Any, coltype: object) -> Any:
        """Ids come back as Python ``int`` (the driver sees an unknown type: text)."""

        def process(value: Any) -> int | None:
            return None if value is None else int(value)

        return process


# -- Core expressions -----------------------------------------------------------


def label_id(graph: str, label: str) -> ColumnElement[int]:
    """``ag_catalog._label_id(graph, label)``, names bound as parameters."""
    return func.ag_catalog._label_id(literal(graph, Text), literal(label, Text))


def graphid(label: ColumnElement[Any], entry: ColumnElement[Any]) -> ColumnElement[int]:
    """``ag_catalog._graphid(label id, entry)``: the id of entry *entry* of a label."""
    return func.ag_catalog._graphid(label, entry, type_=GraphId())


def entry_of(vid: ColumnElement[Any]) -> ColumnElement[int]:
    """The 48-bit entry of a graphid expression (the integer primary key of the row)."""
    return graphid_as_bigint(vid).op("OPERATOR(pg_catalog.&)")(ENTRY_MASK)


def label_id_of(vid: ColumnElement[Any]) -> ColumnElement[int]:
    """The label id of a graphid expression."""
    return func.ag_catalog._extract_label_id(vid)


def graphid_as_bigint(vid: ColumnElement[Any]) -> ColumnElement[int]:
    """A graphid as the ``bigint`` it packs (label id and entry)."""
    return cast(cast(vid, Text), BigInteger)


def qualified_graphid_join(left: str, right: str) -> str:
    """``left = right`` on graphids, as SQL text with AGE's operator qualified."""
    return f"{left} OPERATOR(ag_catalog.=) {right}"


def label_table(graph: str, label: str, *, edge: bool = False) -> TableClause:
    """A lightweight ``TableClause`` for a label's table (``id``, ``properties``, ends)."""
    cols = [column("id", GraphId())]
    if edge:
        cols += [column("start_id", GraphId()), column("end_id", GraphId())]
    return table(label, *cols, schema=graph)


# -- SQL text (trigger bodies, recursive CTEs, DDL) -------------------------------


def label_table_sql(graph: str, label: str) -> str:
    """The quoted, schema-qualified name of a label's table."""
    return f"{quote_ident(graph)}.{quote_ident(label)}"


def edge_parent_sql(graph: str) -> str:
    """The quoted name of the parent table of all of *graph*'s edges."""
    return label_table_sql(graph, EDGE_PARENT)


def label_id_sql(graph: str, label: str) -> str:
    """``ag_catalog._label_id('graph', 'label')`` for validated names."""
    return f"ag_catalog._label_id({sql_literal(graph)}, {sql_literal(label)})"


def graphid_sql(label: str, entry: str) -> str:
    """``ag_catalog._graphid(label, entry)`` from SQL expressions *label* and *entry*."""
    return f"ag_catalog._graphid({label}, {entry})"


def label_id_of_sql(vid: str) -> str:
    """The label id of the graphid SQL expression *vid*."""
    return f"ag_catalog._extract_label_id({vid})"


def entry_of_sql(vid: str) -> str:
    """The 48-bit entry of the graphid SQL expression *vid*."""
    return f"({vid}::text::bigint OPERATOR(pg_catalog.&) {ENTRY_MASK})"
