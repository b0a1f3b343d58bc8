"""Resolving edge declarations into `EdgeSpec` objects (needs configured mappers).

Edges come from three kinds of declaration: a many-to-one relationship or FK
column marked with ``graph_edge()`` (``"fk"``), a many-to-many relationship
whose secondary table holds both keys (``"secondary"``), and an association
class whose rows are the edges (``"association"``).
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, inspect
from sqlalchemy.orm import MANYTOONE, Mapper
from sqlalchemy.sql.schema import Column

from ..exc import GraphDeclarationError
from .properties import select_properties
from .spec import EDGE_INFO_KEY, EdgeMarker, EdgeSpec, NodeSpec, check_key, edge_label_of, node_spec


def target_node(
    table: Table, cols: list[Column[Any]], by_table: dict[Table, NodeSpec], where: str
) -> tuple[NodeSpec, list[Column[Any]]]:
    """Find the vertex class that FK columns *cols* point at; return it and cols in pk order."""
    target_table: Table | None = None
    pairs: dict[Column[Any], Column[Any]] = {}
    for col in cols:
        fks = list(col.foreign_keys)
        if len(fks) != 1:
            raise GraphDeclarationError(
                f"{where}: column {col.name!r} needs exactly one foreign key"
            )
        ref = fks[0].column
        if target_table is not None and ref.table is not target_table:
            raise GraphDeclarationError(f"{where}: the columns point at different tables")
        target_table = ref.table
        pairs[ref] = col
    assert target_table is not None
    node = by_table.get(target_table)
    if node is None:
        raise GraphDeclarationError(
            f"{where} points at table {target_table.name!r}, which is not a GraphNode: "
            "add the GraphNode mixin to its class"
        )
    try:
        ordered = [pairs[pk] for pk in node.pk]
    except KeyError as err:
        raise GraphDeclarationError(
            f"{where}: the foreign key must cover the whole primary key of {target_table.name!r}"
        ) from err
    return node, ordered


def _end_columns(
    cls: type, name: str, by_table: dict[Table, NodeSpec]
) -> tuple[NodeSpec, list[Column[Any]]]:
    mapper: Mapper[Any] = inspect(cls)
    table: Table = cls.__dict__["__table__"]
    where = f"{cls.__name__}.{name}"
    if name in mapper.relationships:
        rel = mapper.relationships[name]
        if rel.direction is not MANYTOONE:
            raise GraphDeclarationError(f"{where} must be a many-to-one relationship")
        cols = [cast(Column[Any], local) for local, _remote in rel.local_remote_pairs]
        return target_node(table, cols, by_table, where)
    if name in table.columns:
        return target_node(table, [table.columns[name]], by_table, where)
    raise GraphDeclarationError(f"{where}: no such column or relationship")


def association_edge(cls: type, by_table: dict[Table, NodeSpec]) -> EdgeSpec:
    """The edges of an association class: one per row, carrying its columns."""
    table: Table = cls.__dict__["__table__"]
    label = edge_label_of(cls)
    source, scols = _end_columns(cls, cls.__edge_source__, by_table)  # type: ignore[attr-defined]
    target, tcols = _end_columns(cls, cls.__edge_target__, by_table)  # type: ignore[attr-defined]
    if source.graph != target.graph:
        raise GraphDeclarationError(f"{cls.__name__}: source and target are in different graphs")
    exclude = set(getattr(cls, "__graph_exclude__", ())) | {c.key for c in scols + tcols}
    pk = list(table.primary_key.columns)
    if not pk:
        raise GraphDeclarationError(f"{cls.__name__} needs a primary key to be a GraphEdge")
    check_key(cls.__name__, pk)
    props = select_properties(cls, table, exclude)
    return EdgeSpec(
        "association", source.graph, label, table, source, target, scols, tcols, cls.__name__,
        props, pk,
    )  # fmt: skip


def node_edges(
    cls: type, nodes: dict[type, NodeSpec], by_table: dict[Table, NodeSpec]
) -> list[EdgeSpec]:
    """The edges a vertex class declares on its relationships and FK columns."""
    mapper: Mapper[Any] = inspect(cls)
    me = node_spec(cls)  # a joined-inheritance subclass: its base class's vertices
    own_table: Table = cls.__dict__["__table__"]
    own_pk = [own_table.columns[c.name] for c in own_table.primary_key.columns]
    out: list[EdgeSpec] = []
    for rel in mapper.relationships:
        marker = rel.info.get(EDGE_INFO_KEY)
        if marker is None or rel.parent.class_ is not cls:
            continue
        where = f"{cls.__name__}.{rel.key}"
        target_spec = nodes.get(rel.mapper.class_)
        if target_spec is None:
            raise GraphDeclarationError(
                f"{where} points at {rel.mapper.class_.__name__}, which is not a GraphNode"
            )
        if target_spec.graph != me.graph:
            raise GraphDeclarationError(f"{where}: both ends must be in the same graph")
        if rel.secondary is not None:
            out.append(_secondary_edge(rel, me, target_spec, marker, where))
        elif rel.direction is MANYTOONE:
            fk_cols = [cast(Column[Any], local) for local, _remote in rel.local_remote_pairs]
            _node, ordered = target_node(me.table, fk_cols, by_table, where)
            out.append(_fk_edge(me, own_table, own_pk, target_spec, ordered, marker, where))
        else:
            raise GraphDeclarationError(
                f"{where}: graph_edge() goes on a many-to-one or many-to-many relationship "
                "(for one-to-many, mark the many-to-one side)"
            )
    for col in own_table.columns:
        marker = col.info.get(EDGE_INFO_KEY)
        if marker is None:
            continue
        where = f"{cls.__name__}.{col.key}"
        target_spec, ordered = target_node(me.table, [col], by_table, where)
        if target_spec.graph != me.graph:
            raise GraphDeclarationError(f"{where}: both ends must be in the same graph")
        out.append(_fk_edge(me, own_table, own_pk, target_spec, ordered, marker, where))
    return out


def _secondary_edge(
    rel: Any, me: NodeSpec, target: NodeSpec, marker: EdgeMarker, where: str
) -> EdgeSpec:
    assert rel.secondary_synchronize_pairs is not None
    local = {p: cast(Column[Any], sec) for p, sec in rel.synchronize_pairs}
    remote = {p: cast(Column[Any], sec) for p, sec in rel.secondary_synchronize_pairs}
    secondary = cast(Table, rel.secondary)
    try:
        lcols = [local[c] for c in me.pk]
        rcols = [remote[c] for c in target.pk]
    except KeyError as err:
        raise GraphDeclarationError(
            f"{where}: the secondary table must hold both primary keys"
        ) from err
    src, tgt, scols, tcols = me, target, lcols, rcols
    if marker.direction == "in":
        src, tgt, scols, tcols = tgt, src, tcols, scols
    return EdgeSpec("secondary", me.graph, marker.label, secondary, src, tgt, scols, tcols, where)


def _fk_edge(
    me: NodeSpec,
    table: Table,
    key: list[Column[Any]],
    target: NodeSpec,
    fk_cols: list[Column[Any]],
    marker: EdgeMarker,
    where: str,
) -> EdgeSpec:
    """FK edges, written by triggers on *table* (the declaring class's own table).

    *key* holds the declaring row's primary key in *table* (for a joined-inheritance
    subclass, its own key columns, equal to its base class's key).
    """
    if marker.direction == "out":
        return EdgeSpec("fk", me.graph, marker.label, table, me, target, key, fk_cols, where)
    return EdgeSpec("fk", me.graph, marker.label, table, target, me, fk_cols, key, where)
