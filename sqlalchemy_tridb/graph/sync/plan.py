"""What the sync and the check work on: one label, its table and the SQL names they need.

A `LabelPlan` is one vertex label (a `NodeSpec`)
or one edge label (an `EdgeSpec`), with the
table its rows come from, the columns batches walk in order and, for edges
without ids of their own, the *anchor*: the end whose vertex id a batch of
rows determines (the declaring row's own end for foreign-key edges), so a
batch of rows owns exactly the edges at its anchors.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import MetaData, Table
from sqlalchemy.sql.schema import Column

from ...exc import ConfigurationError
from ...sql import quote_ident
from ...sql.age import label_table_sql
from ..fill.statements import anchor_of, walk_key
from ..registry import registry_for
from ..spec import EdgeSpec, NodeSpec

Kind = Literal["vertex", "edge"]


@dataclass(frozen=True)
class LabelPlan:
    """One label to sync or check."""

    spec: NodeSpec | EdgeSpec
    #: the rows' table, quoted and schema-qualified
    table: str

    @property
    def kind(self) -> Kind:
        """``"vertex"`` or ``"edge"``."""
        return "vertex" if isinstance(self.spec, NodeSpec) else "edge"

    @property
    def graph(self) -> str:
        """The graph's name."""
        return self.spec.graph

    @property
    def label(self) -> str:
        """The label's name."""
        return self.spec.label

    @property
    def label_table(self) -> str:
        """The label's table, quoted and qualified."""
        return label_table_sql(self.graph, self.label)

    @property
    def has_ids(self) -> bool:
        """Whether each row's vertex or edge has an id of its own (vertices, associations)."""
        return isinstance(self.spec, NodeSpec) or self.spec.kind == "association"

    @property
    def key(self) -> list[Column[Any]]:
        """The columns that batches walk in order (a key, or the anchor's columns)."""
        return walk_key(self.spec)

    @property
    def anchor(self) -> Literal["start", "end"]:
        """For edges without ids: which end a batch of rows owns."""
        assert isinstance(self.spec, EdgeSpec)
        return anchor_of(self.spec)

    @property
    def anchor_node(self) -> NodeSpec:
        """The vertex declaration of the anchor end."""
        spec = self.spec
        assert isinstance(spec, EdgeSpec)
        return spec.source if self.anchor == "start" else spec.target


def _specs(target: Any) -> tuple[list[NodeSpec], list[EdgeSpec], MetaData]:
    cls: Any = None
    if isinstance(target, MetaData):
        metadata = target
    elif isinstance(getattr(target, "metadata", None), MetaData):
        metadata = target.metadata
        if isinstance(getattr(target, "__dict__", {}).get("__table__"), Table):
            cls = target
    else:
        raise ConfigurationError(
            f"{target!r} is neither a MetaData, a declarative base nor a mapped class"
        )
    nodes, edges = registry_for(metadata).resolve()
    if cls is not None:
        nodes = [n for n in nodes if n.cls is cls]
        edges = [e for e in edges if e.owner.split(".")[0] == cls.__name__]
    return nodes, edges, metadata


def resolve_targets(
    targets: Iterable[object], labels: Iterable[str] | None = None
) -> tuple[list[NodeSpec], list[EdgeSpec], list[MetaData]]:
    """The vertex and edge declarations of *targets* (``MetaData``, bases or classes).

    :param labels: only these labels (``"Label"`` or ``"graph.Label"``).
    """
    nodes: list[NodeSpec] = []
    edges: list[EdgeSpec] = []
    metas: list[MetaData] = []
    for target in targets:
        n, e, m = _specs(target)
        nodes += [x for x in n if x not in nodes]
        edges += [x for x in e if x not in edges]
        if m not in metas:
            metas.append(m)
    if not metas:
        raise ConfigurationError("name the models: a MetaData, a declarative base or classes")
    if labels is not None:
        wanted = set(labels)
        specs: list[NodeSpec | EdgeSpec] = [*nodes, *edges]
        known = {s.label for s in specs} | {f"{s.graph}.{s.label}" for s in specs}
        unknown = wanted - known
        if unknown:
            raise ConfigurationError(
                f"no declaration has the label(s) {', '.join(sorted(unknown))} "
                f"(declared: {', '.join(sorted(s.label for s in specs))})"
            )

        def keep(s: NodeSpec | EdgeSpec) -> bool:
            return s.label in wanted or f"{s.graph}.{s.label}" in wanted

        nodes, edges = [n for n in nodes if keep(n)], [e for e in edges if keep(e)]
    return nodes, edges, metas


def table_name_sql(schema: str, name: str) -> str:
    """``"schema"."name"``."""
    return f"{quote_ident(schema)}.{quote_ident(name)}"
