"""Autogenerate filters that hide AGE's internal schemas and tables.

With ``ag_catalog`` on the ``search_path`` (the ``tridb`` engine plugin puts it
there), PostgreSQL reports ``ag_graph`` and ``ag_label`` as tables of the default
schema; with ``include_schemas=True`` Alembic also sees ``ag_catalog`` and one
schema per graph.  None of them belong to the user's models.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import InvalidRequestError

#: Key in ``parent_names`` marking a graph (type "schema") or label (type "table")
#: that tridb's comparators run through the user's ``include_name`` filter.
GRAPH_OBJECT = "tridb_graph_object"

#: Schemas that belong to the extensions, never to the user's models.
INTERNAL_SCHEMAS = frozenset({"ag_catalog", "tridb_outbox"})
#: AGE's catalog tables (visible through the search path) and the parent label
#: tables AGE creates in every graph's schema.
INTERNAL_TABLES = frozenset({"ag_graph", "ag_label", "_ag_label_vertex", "_ag_label_edge"})


def _is_age(name: str | None, schema: str | None, graph_schemas: frozenset[str]) -> bool:
    if schema in INTERNAL_SCHEMAS or schema in graph_schemas:
        return True
    return name in INTERNAL_SCHEMAS or name in INTERNAL_TABLES


def _table_of(obj: Any) -> Any:
    """The table *obj* belongs to, or ``None`` (an unbound ``CheckConstraint``'s raises)."""
    try:
        return getattr(obj, "table", None)
    except InvalidRequestError:  # Constraint.table before the constraint is attached
        return None


def include_name(
    name: str | None,
    type_: str,
    parent_names: dict[str, Any],
    *,
    graph_schemas: frozenset[str] = frozenset(),
) -> bool:
    """Alembic ``include_name`` hook: skip AGE's schemas and label tables.

    Graphs and labels that tridb's own comparators ask about (marked with
    `GRAPH_OBJECT` in *parent_names*) pass, so that only the user's
    filters decide about them.

    :param name: the name of the schema, table, column, index, ...
    :param type_: its kind (``"schema"``, ``"table"``, ``"column"``, ...).
    :param parent_names: Alembic's names of its schema and table.
    :param graph_schemas: the schemas of the database's graphs.
    """
    if parent_names.get(GRAPH_OBJECT):
        return True
    if type_ == "schema":
        return not _is_age(None, name, graph_schemas)
    schema = parent_names.get("schema_name")
    return not _is_age(name if type_ == "table" else None, schema, graph_schemas)


def include_object(
    obj: Any,
    name: str | None,
    type_: str,
    reflected: bool,
    compare_to: Any,
    *,
    graph_schemas: frozenset[str] = frozenset(),
    partitions: frozenset[tuple[str | None, str]] = frozenset(),
) -> bool:
    """Alembic ``include_object`` hook: skip AGE's schemas, label tables and their indexes.

    Partitions found in the database and not declared (their parent declares
    ``postgresql_partition_by``; ``CREATE TABLE ... PARTITION OF`` makes them)
    are skipped too, with their indexes.

    :param obj: the schema item (a ``Table``, ``Column``, ``Index``, ...).
    :param name: its name.
    :param type_: its kind (``"table"``, ``"column"``, ``"index"``, ...).
    :param reflected: whether it was reflected from the database.
    :param compare_to: the item it is compared with, if any.
    :param graph_schemas: the schemas of the database's graphs.
    :param partitions: ``(schema, table)`` of the database's partitions
        (``None``: the default schema).
    """
    table = _table_of(obj)
    schema = getattr(obj, "schema", None) or getattr(table, "schema", None)
    table_name = name if type_ == "table" else getattr(table, "name", None)
    if reflected and compare_to is None and (schema, table_name) in partitions:
        return False
    return not _is_age(table_name, schema, graph_schemas)
