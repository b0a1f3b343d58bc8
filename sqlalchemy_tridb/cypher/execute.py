"""Run Cypher and turn vertices back into ORM instances.

    rows = run_cypher(session, "social", "MATCH (p:Person) WHERE p.pk = $pk RETURN p", pk=1)
    person = resolve(session, rows[0].result, {"Person": Person})

`run_cypher()` builds a `cypher()`
FROM element and selects every column from it, so the same rules apply: the
graph name is validated, the query is dollar-quoted, and the parameters travel
as one bound ``agtype`` value.  `resolve()` maps a `Vertex` to its
ORM instance through ``Session.get`` (the identity map first, then one
``SELECT``), reading the primary key from the vertex properties stored under
the primary key *column* names.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import Connection, MetaData, Row, cast, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Mapper, Session, class_mapper
from sqlalchemy.orm.exc import UnmappedClassError
from sqlalchemy.types import TypeEngine

from ..exc import CypherError, VertexResolutionError
from ..graph.identity import direct_entry, is_integer_key, key_table
from ..graph.registry import registry_for
from ..graph.spec import find_node_spec
from ..sql.age import ENTRY_MASK, GraphId
from .agtype import Vertex
from .construct import ColumnSpec, cypher

__all__ = ["resolve", "run_cypher"]

_T = TypeVar("_T")

_COLUMN_MISMATCH = "return row and column definition list do not match"


def run_cypher(
    bind: Session | Connection,
    graph: str,
    query: str,
    params: Mapping[str, Any] | None = None,
    /,
    *,
    columns: Sequence[ColumnSpec] = ("result",),
    **kwparams: Any,
) -> Sequence[Row[Any]]:
    """Run *query* on *graph* and return its rows, values decoded from agtype.

    Parameters come as a mapping, as keywords, or both (keywords win); Cypher
    reads them as ``$name``.  ``columns`` names the ``RETURN`` values in order
    (one column called ``result`` by default); a parameter called ``columns``
    must go in the mapping.  The statement runs in *bind*'s current transaction.

    :param bind: the session or connection to run it on.
    :param graph: the AGE graph's name.
    :param query: the Cypher text; values go in *params* or *kwparams*.
    :param params: parameters as a mapping (positional only), read as ``$key``.
    :param columns: one entry per ``RETURN`` value, as for `cypher()`: a name,
        a ``(name, type)`` pair or a ``column()``.
    :param kwparams: more parameters as keywords; they win over *params*.
    :raises CypherError: when the query returns another number of values than
        *columns* names (the transaction must then be rolled back).
    """
    values = {**(params or {}), **kwparams}
    from_ = cypher(graph, query, values, columns=columns)
    try:
        return bind.execute(select(from_)).all()
    except DBAPIError as err:
        if _COLUMN_MISMATCH in str(err.orig):
            raise CypherError(
                f"the query returns a different number of values than the {len(columns)} "
                f"column(s) {[c.name for c in from_.c]}: pass columns=[...] with one name per "
                "RETURN value (roll back the transaction before going on)"
            ) from err
        raise


def resolve(
    session: Session, vertex: Vertex, classes: Mapping[str, type[_T]] | MetaData
) -> _T | None:
    """Return the ORM instance *vertex* mirrors, or ``None`` if its row is gone.

    *classes* maps vertex labels to mapped classes, or is the ``MetaData`` of
    ``GraphNode`` models (their labels are looked up in its graph registry).
    The primary key is read from the vertex properties under the primary key
    column names (for a single integer key not mirrored as a property, from
    the vertex id, which the graph mirror derives from it), converted to the
    column's Python type where agtype stored it as text (UUID, dates) and
    looked up with `Session.get()` (identity map first).

    :param session: the session whose identity map and connection are used.
    :param vertex: a `Vertex` returned by Cypher (``RETURN n``, not one of its
        properties).
    :param classes: vertex label -> mapped class, or the ``MetaData`` whose
        graph registry knows the labels of its ``GraphNode`` models.
    :raises VertexResolutionError: for a value that is no vertex, a label
        with no class, an unmapped class, or a vertex that lacks the key.
    """
    if isinstance(classes, MetaData):
        labels: Mapping[str, type[Any]] = registry_for(classes).classes_by_label()
    else:
        labels = classes
    if not isinstance(vertex, Vertex):
        raise VertexResolutionError(
            f"resolve() takes a Vertex, got {type(vertex).__name__}; return the vertex itself "
            "(RETURN n), not one of its properties"
        )
    try:
        cls = labels[vertex.label]
    except KeyError:
        raise VertexResolutionError(
            f"no mapped class for vertex label {vertex.label!r}; add it to classes "
            f"(known: {sorted(labels)})"
        ) from None
    try:
        mapper: Mapper[Any] = class_mapper(cls)
    except UnmappedClassError as err:
        raise VertexResolutionError(
            f"classes[{vertex.label!r}] is {cls!r}, which is not a mapped class; map it first"
        ) from err
    key: list[Any] = []
    pk = mapper.primary_key
    if len(pk) == 1 and pk[0].name not in vertex.properties and _mirrored_int_key(cls, pk[0]):
        return session.get(cls, _integer_key(session, cls, vertex.id))
    for col in pk:
        if col.name not in vertex.properties:
            raise VertexResolutionError(
                f"vertex {vertex.id} ({vertex.label}) has no property {col.name!r} holding "
                f"the primary key of {cls.__name__}; store the primary key columns as vertex "
                "properties"
            )
        key.append(_coerce(vertex.properties[col.name], _python_type(col.type)))
    return session.get(cls, key[0] if len(key) == 1 else tuple(key))


def _integer_key(session: Session, cls: type[Any], vid: int) -> int | None:
    """The integer key of a mirrored vertex id: its entry, or what the key map holds."""
    entry = vid & ENTRY_MASK
    if direct_entry(entry):
        return entry
    spec = find_node_spec(cls)
    assert spec is not None
    keys = key_table(spec.graph)
    text_key = session.scalar(select(keys.c.key).where(keys.c.id == cast(str(vid), GraphId())))
    return None if text_key is None else int(text_key)


def _mirrored_int_key(cls: type[Any], col: Any) -> bool:
    """A ``GraphNode`` with an integer key: the mirror derived the vertex id from it."""
    spec = find_node_spec(cls)
    return spec is not None and is_integer_key(spec.pk) and _python_type(col.type) is int


def _python_type(type_: TypeEngine[Any]) -> type[Any] | None:
    try:
        return type_.python_type
    except NotImplementedError:
        return None


def _coerce(value: Any, python_type: type[Any] | None) -> Any:
    """Undo agtype's text forms: ISO-8601 strings to dates, canonical text to UUID."""
    if python_type is None or value is None or isinstance(value, python_type):
        return value
    try:
        if python_type is uuid.UUID and isinstance(value, str):
            return uuid.UUID(value)
        if python_type is dt.datetime and isinstance(value, str):
            return dt.datetime.fromisoformat(value)
        if python_type is dt.date and isinstance(value, str):
            return dt.date.fromisoformat(value)
        if python_type is Decimal and isinstance(value, (int, str)):
            return Decimal(value)
    except ValueError as err:
        raise VertexResolutionError(
            f"primary key value {value!r} is not a valid {python_type.__name__}"
        ) from err
    return value
