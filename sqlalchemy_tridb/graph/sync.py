"""The SQL that keeps vertices and edges in step with the rows: statement-level triggers.

Every mirrored table gets ``AFTER INSERT / UPDATE / DELETE ... FOR EACH STATEMENT``
triggers with transition tables, so each write statement -- an ORM flush batch,
a Core ``insert()``, a bulk ``update()``, an ``ON DELETE CASCADE``, another
program's SQL -- updates the graph in the same transaction with a constant
number of set-based statements.  A failed graph write fails the statement, so
no relational change commits without its mirror, and a rollback undoes both.

Vertex ids are derived from primary keys, so a row finds its vertex in O(1)
through the unique index on the label table's ``id``: ``_graphid(label id, pk)``
for a single integer key, else a 47-bit hash of the key's text (a collision
fails loudly on that unique index).

This module only builds SQL text from validated declarations; it runs nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, Table
from sqlalchemy.sql.schema import Column

from .._identifiers import quote_ident as q
from .declare import EdgeSpec, NodeSpec
from .properties import properties_sql

#: The mask of hashed entry ids (47 bits: positive, and never the top entry bit).
HASH_MASK = (1 << 47) - 1


@dataclass(frozen=True)
class Trigger:
    """One trigger and its function."""

    table: Table
    name: str
    function: str  # schema-qualified, quoted
    event: str  # "INSERT", "UPDATE OF ...", "DELETE"
    referencing: str
    body: str

    def create_sql(self) -> list[str]:
        """The statements creating the function and the trigger."""
        return [
            f"CREATE OR REPLACE FUNCTION {self.function}() RETURNS trigger LANGUAGE plpgsql "
            f"AS $tridb$\n{self.body}\n$tridb$",
            f"DROP TRIGGER IF EXISTS {q(self.name)} ON {_table(self.table)}",
            f"CREATE TRIGGER {q(self.name)} AFTER {self.event} ON {_table(self.table)} "
            + (f"REFERENCING {self.referencing} " if self.referencing else "")
            + f"FOR EACH STATEMENT EXECUTE FUNCTION {self.function}()",
        ]

    def drop_sql(self) -> list[str]:
        """The statements dropping the trigger and its function."""
        return [
            f"DROP TRIGGER IF EXISTS {q(self.name)} ON {_table(self.table)}",
            f"DROP FUNCTION IF EXISTS {self.function}()",
        ]


def _table(table: Table) -> str:
    return f"{q(table.schema)}.{q(table.name)}" if table.schema else q(table.name)


def bounded_name(base: str) -> str:
    """*base* if it fits PostgreSQL's 63 bytes, else a prefix plus a hash of all of it."""
    if len(base.encode()) <= 63:
        return base
    digest = hashlib.sha1(base.encode()).hexdigest()[:8]
    prefix = base.encode()[:54].decode(errors="ignore")
    return f"{prefix}_{digest}"


def _function_name(table: Table, name: str) -> str:
    base = bounded_name(f"tridb_{table.name}_{name}")
    return f"{q(table.schema)}.{q(base)}" if table.schema else q(base)


def _label_table(graph: str, label: str) -> str:
    return f"{q(graph)}.{q(label)}"


def _lit(name: str) -> str:
    """A validated identifier as a SQL string literal (no quotes can occur in it)."""
    return "'" + name + "'"


def is_integer_key(pk: list[Column[Any]]) -> bool:
    """Whether vertex ids are the key itself (a single integer column) rather than a hash."""
    return len(pk) == 1 and isinstance(pk[0].type, Integer)


def _pg_cast(ref: str, to: str) -> str:
    return f"{ref}::{to}"


def entry_from(
    pk: list[Column[Any]], refs: list[str], cast: Callable[[str, str], str] = _pg_cast
) -> str:
    """The 48-bit entry id, in SQL, from SQL expressions *refs* holding the key's parts.

    The one rule for ids, shared by the triggers (column references) and the
    traversal queries (bound parameters): the key itself for a single integer
    key, else a 47-bit hash of the parts' text.
    """
    if is_integer_key(pk):
        return cast(refs[0], "bigint")
    parts = ", ".join(cast(r, "text") for r in refs)
    return f"(hashtextextended(array_to_string(ARRAY[{parts}], chr(31)), 0) & {HASH_MASK})"


def entry_sql(pk: list[Column[Any]], alias: str, cols: list[Column[Any]] | None = None) -> str:
    """The entry id of a vertex from its key (``cols`` hold it in *alias*'s row)."""
    cols = cols if cols is not None else pk
    return entry_from(pk, [f"{alias}.{q(c.name)}" for c in cols])


def _vid(var: str, pk: list[Column[Any]], alias: str, cols: list[Column[Any]] | None = None) -> str:
    return f"ag_catalog._graphid({var}, {entry_sql(pk, alias, cols)})"


def _not_null(alias: str, cols: list[Column[Any]]) -> str:
    return " AND ".join(f"{alias}.{q(c.name)} IS NOT NULL" for c in cols)


def _declare(vars_: dict[str, tuple[str, str]]) -> str:
    lines = [
        f"    {var} int := ag_catalog._label_id({_lit(g)}, {_lit(lbl)});"
        for var, (g, lbl) in vars_.items()
    ]
    return "DECLARE\n" + "\n".join(lines)


def _body(vars_: dict[str, tuple[str, str]], statements: list[str]) -> str:
    stmts = "\n".join(f"    {s};" for s in statements)
    return f"{_declare(vars_)}\nBEGIN\n{stmts}\n    RETURN NULL;\nEND"


def _detach_delete(graph: str, ids_sql: str) -> list[str]:
    edges = f"{q(graph)}._ag_label_edge"
    return [
        f"DELETE FROM {edges} WHERE start_id IN ({ids_sql})",
        f"DELETE FROM {edges} WHERE end_id IN ({ids_sql})",
    ]


def node_triggers(node: NodeSpec) -> list[Trigger]:
    """Triggers keeping *node*'s vertices in step with its table."""
    lt = _label_table(node.graph, node.label)
    vars_ = {"v_label": (node.graph, node.label)}
    props_n = properties_sql("n", node.props)
    insert = (
        f"INSERT INTO {lt} (id, properties) SELECT {_vid('v_label', node.pk, 'n')}, {props_n} "
        "FROM new_rows n"
    )
    old_ids = f"SELECT {_vid('v_label', node.pk, 'o')} FROM old_rows o"
    gone = f"{old_ids} EXCEPT SELECT {_vid('v_label', node.pk, 'n')} FROM new_rows n"
    upsert = (
        f"{insert} ON CONFLICT (id) DO UPDATE SET properties = EXCLUDED.properties "
        f"WHERE {lt}.properties IS DISTINCT FROM EXCLUDED.properties"
    )
    all_ids = f"SELECT id FROM {lt}"
    truncate = [*_detach_delete(node.graph, all_ids), f"DELETE FROM {lt}"]
    return [
        Trigger(
            node.table,
            "tridb_vertex_trunc",
            _function_name(node.table, "vertex_trunc"),
            "TRUNCATE",
            "",
            _body(vars_, truncate),
        ),
        Trigger(
            node.table,
            "tridb_vertex_ins",
            _function_name(node.table, "vertex_ins"),
            "INSERT",
            "NEW TABLE AS new_rows",
            _body(vars_, [insert]),
        ),
        Trigger(
            node.table,
            "tridb_vertex_upd",
            _function_name(node.table, "vertex_upd"),
            "UPDATE",
            "OLD TABLE AS old_rows NEW TABLE AS new_rows",
            _body(
                vars_,
                [
                    *_detach_delete(node.graph, gone),
                    f"DELETE FROM {lt} WHERE id IN ({gone})",
                    upsert,
                ],
            ),
        ),
        Trigger(
            node.table,
            "tridb_vertex_del",
            _function_name(node.table, "vertex_del"),
            "DELETE",
            "OLD TABLE AS old_rows",
            _body(
                vars_,
                [*_detach_delete(node.graph, old_ids), f"DELETE FROM {lt} WHERE id IN ({old_ids})"],
            ),
        ),
    ]


def edge_triggers(edge: EdgeSpec) -> list[Trigger]:
    """Triggers keeping the edges of *edge* in step with its table.

    Updates touch only the edges whose row changed: the old and new transition
    tables are compared as sets of computed ``(start, end[, id, properties])``.
    """
    lt = _label_table(edge.graph, edge.label)
    vars_ = {
        "v_src": (edge.graph, edge.source.label),
        "v_tgt": (edge.graph, edge.target.label),
        "v_edge": (edge.graph, edge.label),
    }
    # the exact label (case kept), in an "edge" namespace apart from the vertex triggers
    slug = edge.label

    def rows(alias: str, table: str) -> str:
        ends = _not_null(alias, edge.source_cols + edge.target_cols)
        start = _vid("v_src", edge.source.pk, alias, edge.source_cols)
        end = _vid("v_tgt", edge.target.pk, alias, edge.target_cols)
        if edge.kind == "association":
            eid = _vid("v_edge", edge.pk, alias)
            props = properties_sql(alias, edge.props)
            cols = f"{eid} AS id, {start} AS start_id, {end} AS end_id, {props} AS properties"
        else:
            cols = f"{start} AS start_id, {end} AS end_id"
        return f"SELECT {cols} FROM {table} {alias} WHERE {ends}"

    new, old = rows("n", "new_rows"), rows("o", "old_rows")
    if edge.kind == "association":
        insert = f"INSERT INTO {lt} (id, start_id, end_id, properties) {new}"
        upsert = (
            f"INSERT INTO {lt} (id, start_id, end_id, properties) "
            f"SELECT * FROM ({new} EXCEPT {old}) x ON CONFLICT (id) DO UPDATE SET "
            "start_id = EXCLUDED.start_id, end_id = EXCLUDED.end_id, "
            "properties = EXCLUDED.properties"
        )
        old_ids = f"SELECT {_vid('v_edge', edge.pk, 'o')} FROM old_rows o"
        new_ids = f"SELECT x.id FROM ({new}) x"
        update = [f"DELETE FROM {lt} WHERE id IN ({old_ids} EXCEPT {new_ids})", upsert]
        delete = [f"DELETE FROM {lt} WHERE id IN ({old_ids})"]
    else:
        insert = f"INSERT INTO {lt} (start_id, end_id) {new}"
        update = [
            f"DELETE FROM {lt} e USING ({old} EXCEPT {new}) x "
            "WHERE e.start_id = x.start_id AND e.end_id = x.end_id",
            f"INSERT INTO {lt} (start_id, end_id) SELECT * FROM ({new} EXCEPT {old}) x",
        ]
        delete = [
            f"DELETE FROM {lt} e USING ({old}) x "
            "WHERE e.start_id = x.start_id AND e.end_id = x.end_id"
        ]
    triggers = [
        Trigger(
            edge.table,
            bounded_name(f"tridb_edge_{slug}_ins"),
            _function_name(edge.table, f"edge_{slug}_ins"),
            "INSERT",
            "NEW TABLE AS new_rows",
            _body(vars_, [insert]),
        ),
        Trigger(
            edge.table,
            bounded_name(f"tridb_edge_{slug}_upd"),
            _function_name(edge.table, f"edge_{slug}_upd"),
            "UPDATE",
            "OLD TABLE AS old_rows NEW TABLE AS new_rows",
            _body(vars_, update),
        ),
    ]
    if edge.kind != "fk":  # FK edges go with their row's vertex (detach delete)
        triggers.append(
            Trigger(
                edge.table,
                bounded_name(f"tridb_edge_{slug}_trunc"),
                _function_name(edge.table, f"edge_{slug}_trunc"),
                "TRUNCATE",
                "",
                _body(vars_, [f"DELETE FROM {lt}"]),
            )
        )
        triggers.append(
            Trigger(
                edge.table,
                bounded_name(f"tridb_edge_{slug}_del"),
                _function_name(edge.table, f"edge_{slug}_del"),
                "DELETE",
                "OLD TABLE AS old_rows",
                _body(vars_, delete),
            )
        )
    return triggers
