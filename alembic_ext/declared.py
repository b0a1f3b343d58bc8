"""Read the declared state: what the models' ``MetaData`` needs in the database."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import MetaData, Table

from sqlalchemy_tridb.graph import Trigger, edge_triggers, node_triggers, registry_for

__all__ = [
    "PGVECTOR_TYPES",
    "declared_graphs",
    "declared_labels",
    "declared_syncs",
    "metadatas",
    "needed_extensions",
]

#: Visit names of pgvector's column types.
PGVECTOR_TYPES = frozenset({"VECTOR", "HALFVEC", "SPARSEVEC", "BIT_VECTOR"})


def metadatas(target: MetaData | Sequence[MetaData] | None) -> list[MetaData]:
    """``target_metadata`` as a list.

    :param target: ``target_metadata``: one ``MetaData``, several, or none.
    """
    if target is None:
        return []
    if isinstance(target, MetaData):
        return [target]
    return list(target)


def is_pgvector_type(type_: Any) -> bool:
    """Whether *type_* is one of pgvector's column types.

    :param type_: a column type.
    """
    return type(type_).__module__.startswith("pgvector.") or (
        type(type_).__name__ in PGVECTOR_TYPES
    )


def _tables(mds: Iterable[MetaData]) -> list[Table]:
    return [t for md in mds for t in md.tables.values()]


def _resolved(mds: Iterable[MetaData]) -> tuple[list[Any], list[Any]]:
    nodes: list[Any] = []
    edges: list[Any] = []
    for md in mds:
        reg = registry_for(md)
        if reg.classes:
            n, e = reg.resolve()
            nodes += n
            edges += e
    return nodes, edges


def needed_extensions(mds: Sequence[MetaData]) -> list[str]:
    """``vector`` if a column has a pgvector type, ``age`` if a graph is declared (in order).

    :param mds: the target metadata.
    """
    out = []
    if any(is_pgvector_type(c.type) for t in _tables(mds) for c in t.columns):
        out.append("vector")
    nodes, edges = _resolved(mds)
    if nodes or edges:
        out.append("age")
    return out


def declared_graphs(mds: Sequence[MetaData]) -> list[str]:
    """Graph names, in declaration order.

    :param mds: the target metadata.
    """
    nodes, edges = _resolved(mds)
    return list(dict.fromkeys([n.graph for n in nodes] + [e.graph for e in edges]))


def declared_labels(mds: Sequence[MetaData]) -> list[tuple[str, str, str]]:
    """``(graph, label, kind)``: vertex labels first, then edge labels.

    :param mds: the target metadata.
    """
    nodes, edges = _resolved(mds)
    return [(n.graph, n.label, "v") for n in nodes] + [(e.graph, e.label, "e") for e in edges]


def declared_syncs(mds: Sequence[MetaData]) -> dict[tuple[str | None, str], list[Trigger]]:
    """The sync triggers of every mirrored table, by ``(schema, table)``.

    :param mds: the target metadata.
    """
    nodes, edges = _resolved(mds)
    out: dict[tuple[str | None, str], list[Trigger]] = {}
    for spec, triggers in [(n, node_triggers(n)) for n in nodes] + [
        (e, edge_triggers(e)) for e in edges
    ]:
        out.setdefault((spec.table.schema, spec.table.name), []).extend(triggers)
    return out
