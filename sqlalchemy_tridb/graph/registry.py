"""The graph declarations of one ``MetaData``, kept in ``metadata.info``.

The mixins register their classes here when they are defined; the registry
resolves them into specs (configuring the mappers, since edges may name classes
defined later) and checks that every label has one owner.  It never imports
the mixins: a class is registered with what it is, a vertex or an edge class.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import MetaData, Table
from sqlalchemy.orm import configure_mappers

from ..exc import GraphDeclarationError
from .edges import association_edge, node_edges
from .spec import EdgeSpec, NodeSpec, node_spec

#: The ``MetaData.info`` key holding the :class:`GraphRegistry`.
REGISTRY_KEY = "tridb.graph"

Kind = Literal["node", "edge"]


@dataclass
class GraphRegistry:
    """Every graph declaration of one ``MetaData``, kept in ``metadata.info``."""

    classes: list[type] = field(default_factory=list)
    kinds: dict[type, set[Kind]] = field(default_factory=dict, repr=False)
    ddl_installed: bool = False
    _resolved: tuple[list[NodeSpec], list[EdgeSpec]] | None = field(default=None, repr=False)

    def add(self, cls: type, kind: Kind) -> None:
        """Register *cls* as a vertex (``"node"``) or association edge (``"edge"``) class."""
        if cls not in self.classes:
            self.classes.append(cls)
        self.kinds.setdefault(cls, set()).add(kind)
        self._resolved = None

    def classes_by_label(self, graph: str | None = None) -> dict[str, type]:
        """``{vertex label: mapped class}``, e.g. for `sqlalchemy_tridb.cypher.resolve()`.

        :param graph: only the labels of this graph (default: every graph).
        """
        return {
            spec.label: cls
            for cls, spec in self.nodes().items()
            if graph is None or spec.graph == graph
        }

    def nodes(self) -> dict[type, NodeSpec]:
        """Vertex declarations, by class (joined subclasses share their base's)."""
        specs = {c: node_spec(c) for c in self.classes if "node" in self.kinds.get(c, ())}
        return {c: spec for c, spec in specs.items() if spec.cls is c}

    def check(self, cls: type) -> None:
        """Resolve the edges *cls* declares; raise `GraphDeclarationError` if wrong.

        Called when *cls*'s mapper is configured, so a bad declaration fails at
        ``configure_mappers()`` (the first query, say), before any SQL.
        """
        nodes = self.nodes()
        by_table: dict[Table, NodeSpec] = {spec.table: spec for spec in nodes.values()}
        kinds = self.kinds.get(cls, set())
        if "edge" in kinds:
            association_edge(cls, by_table)
        if "node" in kinds:
            node_edges(cls, nodes, by_table)

    def resolve(self) -> tuple[list[NodeSpec], list[EdgeSpec]]:
        """Resolve every declaration (configures the mappers); validate label ownership.

        The result is cached until another class is registered.
        """
        if self._resolved is not None:
            return self._resolved
        configure_mappers()
        nodes = self.nodes()
        by_table: dict[Table, NodeSpec] = {spec.table: spec for spec in nodes.values()}
        edges: list[EdgeSpec] = []
        for cls in self.classes:
            kinds = self.kinds.get(cls, set())
            if "edge" in kinds:
                edges.append(association_edge(cls, by_table))
            if "node" in kinds:
                edges.extend(node_edges(cls, nodes, by_table))
        _check_owners(list(nodes.values()), edges)
        self._resolved = (list(nodes.values()), edges)
        return self._resolved


def _check_owners(nodes: list[NodeSpec], edges: list[EdgeSpec]) -> None:
    owners: dict[tuple[str, str], str] = {}
    labels: dict[tuple[str, str], str] = {}
    for spec in nodes:
        key = (spec.graph, spec.label)
        if key in labels:
            raise GraphDeclarationError(
                f"vertex label {spec.label!r} in graph {spec.graph!r} is declared by both "
                f"{labels[key]} and {spec.cls.__name__}: give one a __graph_label__"
            )
        labels[key] = spec.cls.__name__
    for edge in edges:
        key = (edge.graph, edge.label)
        if key in labels:
            raise GraphDeclarationError(
                f"edge label {edge.label!r} is also a vertex label in graph {edge.graph!r}"
            )
        if key in owners:
            raise GraphDeclarationError(
                f"edge label {edge.label!r} in graph {edge.graph!r} is declared by both "
                f"{owners[key]} and {edge.owner}: each edge label belongs to one "
                "declaration (for a bidirectional relationship, mark one side only)"
            )
        owners[key] = edge.owner


def registry_for(metadata: MetaData) -> GraphRegistry:
    """The `GraphRegistry` of *metadata* (made on first use).

    :param metadata: the ``MetaData`` the mapped classes' tables belong to.
    """
    reg = metadata.info.get(REGISTRY_KEY)
    if reg is None:
        reg = metadata.info[REGISTRY_KEY] = GraphRegistry()
    assert isinstance(reg, GraphRegistry)
    return reg
