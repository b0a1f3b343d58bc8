"""The only home of private SQLAlchemy API in sqlalchemy_tridb.

Each item below has no public twin in SQLAlchemy 2.x; each says why it is
needed, and ``tests/unit/test_compat.py`` checks each against the installed
SQLAlchemy, naming its version when one moves or changes.  Code elsewhere in
the package calls these functions instead of touching ``._something`` itself.
(This module must stay importable without Alembic.)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Column, Index
from sqlalchemy.orm import MappedColumn, Mapper, ORMExecuteState, PropComparator

if TYPE_CHECKING:
    from sqlalchemy.orm.util import AliasedInsp

__all__ = [
    "attribute_options",
    "column_index",
    "comparator_parent",
    "copy_mapped_column",
    "has_multi_values",
    "statement_values",
]

MC = TypeVar("MC", bound=MappedColumn[Any])


def comparator_parent(comparator: PropComparator[Any]) -> Mapper[Any] | AliasedInsp[Any]:
    """The entity a comparator was made for: its mapper, or the ``AliasedInsp`` of an alias.

    ``PropComparator._parententity``.  The public twin exists on the
    attribute (``QueryableAttribute.parent``) but not on the comparator, and
    ``Product.embedding.nearest(...)`` (or ``aliased(Product).embedding.nearest``)
    reaches ``EmbeddingComparator.nearest`` with only the comparator in hand;
    ``comparator.prop.parent`` would lose the alias.

    :param comparator: a comparator of a mapped attribute (possibly of an alias).
    """
    return comparator._parententity


def attribute_options(column: MappedColumn[Any]) -> Any:
    """The dataclass options (``init=``, ``repr=``, ``default=``...) ``mapped_column()`` was given.

    ``MappedColumn._attribute_options``.  An ``Embedding(...)`` column builds
    its own ``ColumnProperty`` (to give it the embedding comparator) and must
    pass these on as ``ColumnProperty(attribute_options=...)``, as
    ``MappedColumn`` does; no public accessor returns them.

    :param column: the ``mapped_column()`` object.
    """
    return column._attribute_options


def copy_mapped_column(column: MC) -> MC:
    """The copy SQLAlchemy makes of a mixin's (or abstract base's) ``mapped_column()``.

    ``MappedColumn._copy()``.  Declarative copies a column declared on a mixin
    for every class that uses it; ``EmbeddingColumn`` relies on the copy
    keeping its class (so the copy still builds the embedding comparator) and
    its ``Column.info`` (the spec) and listeners (the index).  Nothing in the
    package calls this; it names the dependency so that the test can check it.

    :param column: the ``mapped_column()`` object to copy.
    """
    return column._copy()


def column_index(name: str, column: Column[Any], **kw: Any) -> Index:
    """An ``Index`` on *column* marked as made by the column, like ``Column(index=True)``'s.

    ``Index(_column_flag=True)``.  An embedding column makes its vector index
    when it joins a table; ``Table.to_metadata()`` copies the column (whose
    listener makes the index again) and skips indexes carrying this flag
    instead of copying them a second time.  No public argument sets it.

    :param name: the index name.
    :param column: the indexed column (attached to its table already).
    :param kw: the other ``Index`` arguments (``postgresql_using=``, ``info=``...).
    """
    return Index(name, column, _column_flag=True, **kw)


def statement_values(statement: Any) -> Mapping[Any, Any]:
    """What ``insert(...).values(...)`` / ``update(...).values(...)`` set, else ``{}``.

    ``ValuesBase._values``: keys are column names or columns, values bound
    parameters or SQL expressions.  The embedding sync reads them to embed
    the new source texts of an ORM ``update().values()``; no public API lists
    them without compiling the statement.  Anything of another shape reads as
    "nothing set".

    :param statement: an INSERT or UPDATE construct (any object is accepted).
    """
    values = getattr(statement, "_values", None)
    return values if isinstance(values, Mapping) else {}


def has_multi_values(statement: Any) -> bool:
    """Whether *statement* is a multi-row ``insert().values([{...}, {...}])``.

    ``ValuesBase._multi_values``: the embedding sync cannot add vectors to
    such a statement and warns instead; no public API tells it apart.

    :param statement: an INSERT or UPDATE construct (any object is accepted).
    """
    return bool(getattr(statement, "_multi_values", None))


def replace_parameters(state: ORMExecuteState, parameters: dict[str, Any] | list[Any]) -> None:
    """Have the statement of a ``do_orm_execute`` hook run with *parameters*.

    SQLAlchemy 2.1 reads ``ORMExecuteState.parameters`` back after the hook;
    2.0 keeps executing the object it was given (undocumented either way), so
    that object is updated in place as well: the caller's dict, or the caller's
    list given the new rows.
    """
    given = state.parameters
    if isinstance(given, dict) and isinstance(parameters, dict):
        given.update(parameters)
    elif isinstance(given, list) and isinstance(parameters, list):
        given[:] = parameters
    state.parameters = parameters
