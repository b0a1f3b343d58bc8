"""The SQL that keeps vertices and edges in step with the rows: statement-level triggers.

Every mirrored table gets ``AFTER INSERT / UPDATE / DELETE / TRUNCATE ... FOR EACH
STATEMENT`` triggers with transition tables, so each write statement -- an ORM
flush batch, a Core ``insert()``, a bulk ``update()``, an ``ON DELETE CASCADE``,
another program's SQL -- updates the graph in the same transaction with a
constant number of set-based statements.  A failed graph write fails the
statement, so no relational change commits without its mirror, and a rollback
undoes both.  Vertex ids follow `sqlalchemy_tridb.graph.identity`.

The functions depend on nothing in the writing session: each runs as its owner
(``SECURITY DEFINER``, so the writing role needs no rights on the graph), with a
fixed ``search_path`` (``pg_catalog, ag_catalog, pg_temp``) and fixed settings
for every value whose text form a session could change (``extra_float_digits``,
``DateStyle``, ``IntervalStyle``, ``TimeZone``, ``bytea_output``).  Edges live
and die with their own rows: deleting a vertex leaves edges whose rows still
exist (a deferred foreign key, a writable CTE that deletes and re-inserts) to
those rows' own triggers.

This module only builds SQL text from validated declarations; it runs nothing.
The text is laid out to be read: one clause a line, as it appears in migrations.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table
from sqlalchemy.sql.schema import Column

from ..sql import bounded_identifier, qualified_table, quote_ident
from ..sql.age import label_id_sql, label_table_sql
from .identity import allocate_sql, release_label_sql, release_sql, vertex_id_sql
from .properties import properties_sql
from .spec import EdgeSpec, NodeSpec


@dataclass(frozen=True)
class Trigger:
    """One trigger and its function."""

    table: Table
    name: str
    #: schema-qualified (when the table has a schema) and quoted
    function: str
    #: "INSERT", "UPDATE", "DELETE" or "TRUNCATE"
    event: str
    referencing: str
    body: str

    def function_sql(self) -> str:
        """``CREATE OR REPLACE FUNCTION`` of the trigger's function, with its fixed settings."""
        tag = _dollar_tag(self.body)
        settings = "".join(f"\nSET {name} = {value}" for name, value in FUNCTION_SETTINGS)
        return (
            f"CREATE OR REPLACE FUNCTION {self.function}() RETURNS trigger\n"
            f"LANGUAGE plpgsql\nSECURITY DEFINER{settings}\n"
            f"AS {tag}\n{self.body}\n{tag}"
        )

    def trigger_sql(self) -> str:
        """``CREATE OR REPLACE TRIGGER`` on the table."""
        referencing = f"\nREFERENCING {self.referencing}" if self.referencing else ""
        return (
            f"CREATE OR REPLACE TRIGGER {quote_ident(self.name)}\n"
            f"AFTER {self.event} ON {qualified_table(self.table)}{referencing}\n"
            f"FOR EACH STATEMENT EXECUTE FUNCTION {self.function}()"
        )

    def drop_trigger_sql(self) -> str:
        """``DROP TRIGGER IF EXISTS`` on the table."""
        return f"DROP TRIGGER IF EXISTS {quote_ident(self.name)} ON {qualified_table(self.table)}"

    def drop_function_sql(self) -> str:
        """``DROP FUNCTION IF EXISTS`` of the trigger's function (and so the trigger)."""
        return f"DROP FUNCTION IF EXISTS {self.function}() CASCADE"

    def create_sql(self) -> list[str]:
        """The statements creating the function and the trigger, in order."""
        return [self.function_sql(), self.trigger_sql()]

    def drop_sql(self) -> list[str]:
        """The statements dropping the trigger and its function, in order."""
        return [self.drop_trigger_sql(), f"DROP FUNCTION IF EXISTS {self.function}()"]


#: What each sync function runs with, whatever the writing session set.
FUNCTION_SETTINGS: tuple[tuple[str, str], ...] = (
    ("search_path", "pg_catalog, ag_catalog, pg_temp"),
    ("extra_float_digits", "1"),  # shortest text that reads back as the same float
    ("datestyle", "'ISO, YMD'"),
    ("intervalstyle", "'iso_8601'"),
    ("timezone", "'UTC'"),
    ("bytea_output", "'hex'"),
)


def function_settings() -> dict[str, str]:
    """`FUNCTION_SETTINGS` as PostgreSQL reports them: ``{lower-case name: value}``."""
    return {name.lower(): value.strip("'") for name, value in FUNCTION_SETTINGS}


def _dollar_tag(body: str) -> str:
    """``$tridb$``, or a longer tag where the body (a column name, say) contains it."""
    tag = "tridb"
    while f"${tag}$" in body:
        tag += "_"
    return f"${tag}$"


def _function_name(table: Table, name: str) -> str:
    base = quote_ident(bounded_identifier(f"tridb_{table.name}_{name}"))
    return f"{quote_ident(table.schema)}.{base}" if table.schema else base


def _not_null(alias: str, cols: list[Column[Any]]) -> str:
    return " AND ".join(f"{alias}.{quote_ident(c.name)} IS NOT NULL" for c in cols)


def _body(labels: dict[str, tuple[str, str]], statements: list[str]) -> str:
    """A PL/pgSQL body: the label ids in variables, then *statements*, one block each."""
    declare = "\n".join(
        f"    {var} int := {label_id_sql(graph, label)};" for var, (graph, label) in labels.items()
    )
    stmts = "\n".join(textwrap.indent(s, "    ") + ";" for s in statements)
    return f"DECLARE\n{declare}\nBEGIN\n{stmts}\n    RETURN NULL;\nEND"


def _trigger(table: Table, slug: str, event: str, referencing: str, body: str) -> Trigger:
    name = bounded_identifier(f"tridb_{slug}")
    return Trigger(table, name, _function_name(table, slug), event, referencing, body)


_NEW = "NEW TABLE AS new_rows"
_OLD = "OLD TABLE AS old_rows"
_BOTH = f"{_OLD} {_NEW}"


def node_triggers(node: NodeSpec) -> list[Trigger]:
    """Triggers keeping *node*'s vertices in step with its table."""
    g, lt = node.graph, label_table_sql(node.graph, node.label)
    labels = {"v_label": (g, node.label)}
    new_vid = vertex_id_sql(g, "v_label", node.pk, "n")
    old_vid = vertex_id_sql(g, "v_label", node.pk, "o")
    allocate = allocate_sql(g, "v_label", node.pk, "n", "new_rows")
    release = release_sql(g, "v_label", node.pk, "o", "old_rows", holder=lt, vertex=True)
    insert = (
        f"INSERT INTO {lt} (id, properties)\n"
        f"SELECT {new_vid},\n    {properties_sql('n', node.props, g)}\n"
        "FROM new_rows n"
    )
    old_ids = f"SELECT {old_vid} FROM old_rows o"
    gone = f"{old_ids}\nEXCEPT\nSELECT {new_vid} FROM new_rows n"
    upsert = (
        f"{insert}\n"
        "ON CONFLICT (id) DO UPDATE SET properties = EXCLUDED.properties\n"
        f"WHERE {lt}.properties IS DISTINCT FROM EXCLUDED.properties"
    )
    # edges are left to their own rows' triggers (see the module docstring)
    truncate = [
        f"DELETE FROM {lt}",
        release_label_sql(g, "v_label", holder=lt, vertex=True),
    ]
    update = [allocate, f"DELETE FROM {lt}\nWHERE id IN {_sub(gone)}", upsert, release]
    delete = [f"DELETE FROM {lt}\nWHERE id IN {_sub(old_ids)}", release]
    t = node.table
    return [
        _trigger(t, "vertex_trunc", "TRUNCATE", "", _body(labels, truncate)),
        _trigger(t, "vertex_ins", "INSERT", _NEW, _body(labels, [allocate, insert])),
        _trigger(t, "vertex_upd", "UPDATE", _BOTH, _body(labels, update)),
        _trigger(t, "vertex_del", "DELETE", _OLD, _body(labels, delete)),
    ]


#: The PL/pgSQL variables holding an edge trigger's label ids: source, target, edge.
EDGE_LABEL_VARS = ("v_src", "v_tgt", "v_edge")


def edge_rows_sql(
    edge: EdgeSpec, alias: str, rows: str, labels: tuple[str, str, str] = EDGE_LABEL_VARS
) -> str:
    """``SELECT`` the edges of the rows *rows* (``start_id``, ``end_id``; ``id`` and properties).

    :param rows: a transition table, or the edge's own table.
    :param labels: SQL expressions of the source's, target's and edge's label
        ids (by default the trigger's PL/pgSQL variables).
    """
    g = edge.graph
    src, tgt, own = labels
    start = vertex_id_sql(g, src, edge.source.pk, alias, edge.source_cols)
    end = vertex_id_sql(g, tgt, edge.target.pk, alias, edge.target_cols)
    where = _not_null(alias, edge.source_cols + edge.target_cols)
    if edge.kind == "association":
        eid = vertex_id_sql(g, own, edge.pk, alias)
        props = properties_sql(alias, edge.props, g)
        cols = (
            f"{eid} AS id,\n    {start} AS start_id,\n    {end} AS end_id,\n"
            f"    {props} AS properties"
        )
    else:
        cols = f"{start} AS start_id,\n    {end} AS end_id"
    return f"SELECT {cols}\nFROM {rows} {alias}\nWHERE {where}"


def _sub(sql: str) -> str:
    """*sql* as an indented parenthesised subquery."""
    return "(\n" + textwrap.indent(sql, "    ") + "\n)"


def edge_allocations(
    edge: EdgeSpec, alias: str, rows: str, labels: tuple[str, str, str] = EDGE_LABEL_VARS
) -> list[str]:
    """The statements allocating the ids *rows*' edges need: their ends' (and their own).

    *labels* as in `edge_rows_sql()`.
    """
    g = edge.graph
    src, tgt, own = labels
    out = [
        allocate_sql(g, src, edge.source.pk, alias, rows, edge.source_cols),
        allocate_sql(g, tgt, edge.target.pk, alias, rows, edge.target_cols),
    ]
    if edge.kind == "association":
        out.append(allocate_sql(g, own, edge.pk, alias, rows))
    return out


def _edge_releases(edge: EdgeSpec, lt: str) -> list[str]:
    """The statements releasing the ids the old rows' edges held, if nothing else does."""
    g = edge.graph
    src = label_table_sql(g, edge.source.label)
    tgt = label_table_sql(g, edge.target.label)
    out = [
        release_sql(
            g,
            "v_src",
            edge.source.pk,
            "o",
            "old_rows",
            holder=src,
            vertex=True,
            cols=edge.source_cols,
        ),
        release_sql(
            g,
            "v_tgt",
            edge.target.pk,
            "o",
            "old_rows",
            holder=tgt,
            vertex=True,
            cols=edge.target_cols,
        ),
    ]
    if edge.kind == "association":
        out.append(release_sql(g, "v_edge", edge.pk, "o", "old_rows", holder=lt, vertex=False))
    return out


def _edge_label_releases(edge: EdgeSpec, lt: str) -> list[str]:
    g = edge.graph
    src = label_table_sql(g, edge.source.label)
    tgt = label_table_sql(g, edge.target.label)
    out = [
        release_label_sql(g, "v_src", holder=src, vertex=True),
        release_label_sql(g, "v_tgt", holder=tgt, vertex=True),
    ]
    if edge.kind == "association":
        out.append(release_label_sql(g, "v_edge", holder=lt, vertex=False))
    return out


def edge_triggers(edge: EdgeSpec) -> list[Trigger]:
    """Triggers keeping the edges of *edge* in step with its table.

    Updates touch only the edges whose row changed: the old and new transition
    tables are compared as sets of computed ``(start, end[, id, properties])``.
    """
    g, lt = edge.graph, label_table_sql(edge.graph, edge.label)
    labels = {
        "v_src": (g, edge.source.label),
        "v_tgt": (g, edge.target.label),
        "v_edge": (g, edge.label),
    }
    new, old = edge_rows_sql(edge, "n", "new_rows"), edge_rows_sql(edge, "o", "old_rows")
    allocate = edge_allocations(edge, "n", "new_rows")
    release = _edge_releases(edge, lt)
    added = _sub(f"{new}\nEXCEPT\n{old}")
    removed = _sub(f"{old}\nEXCEPT\n{new}")
    if edge.kind == "association":
        cols = f"INSERT INTO {lt} (id, start_id, end_id, properties)"
        insert = f"{cols}\n{new}"
        old_ids = f"SELECT {vertex_id_sql(g, 'v_edge', edge.pk, 'o')} FROM old_rows o"
        new_ids = f"SELECT x.id FROM {_sub(new)} x"
        update = [
            f"DELETE FROM {lt}\nWHERE id IN {_sub(f'{old_ids}{chr(10)}EXCEPT{chr(10)}{new_ids}')}",
            f"{cols}\nSELECT * FROM {added} x\n"
            "ON CONFLICT (id) DO UPDATE SET\n    start_id = EXCLUDED.start_id,\n"
            "    end_id = EXCLUDED.end_id,\n    properties = EXCLUDED.properties",
        ]
        delete = [f"DELETE FROM {lt}\nWHERE id IN {_sub(old_ids)}"]
    else:
        cols = f"INSERT INTO {lt} (start_id, end_id)"
        insert = f"{cols}\n{new}"
        same_ends = "WHERE e.start_id = x.start_id AND e.end_id = x.end_id"
        update = [
            f"DELETE FROM {lt} e\nUSING {removed} x\n{same_ends}",
            f"{cols}\nSELECT * FROM {added} x",
        ]
        delete = [f"DELETE FROM {lt} e\nUSING {_sub(old)} x\n{same_ends}"]
    truncate = [f"DELETE FROM {lt}", *_edge_label_releases(edge, lt)]
    # the exact label (case kept), in an "edge" namespace apart from the vertex triggers
    slug = f"edge_{edge.label}"
    t = edge.table
    return [
        _trigger(t, f"{slug}_ins", "INSERT", _NEW, _body(labels, [*allocate, insert])),
        _trigger(t, f"{slug}_upd", "UPDATE", _BOTH, _body(labels, [*allocate, *update, *release])),
        # every kind, FK edges too: an edge goes with its own row, not with its vertices
        _trigger(t, f"{slug}_trunc", "TRUNCATE", "", _body(labels, truncate)),
        _trigger(t, f"{slug}_del", "DELETE", _OLD, _body(labels, [*delete, *release])),
    ]
