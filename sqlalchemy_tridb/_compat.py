"""The only home of private SQLAlchemy API in sqlalchemy_tridb.

Each item below has no public twin in SQLAlchemy 2.x; each says why it is
needed, and ``tests/unit/test_compat.py`` checks each against the installed
SQLAlchemy, naming its version when one moves or changes.  Code elsewhere in
the package calls these functions instead of touching ``._something`` itself.
(This module must stay importable without Alembic.)
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import ClauseElement, Column, Connection, Index, Select, literal
from sqlalchemy.orm import MappedColumn, Mapper, ORMExecuteState, PropComparator

if TYPE_CHECKING:
    from sqlalchemy.orm.util import AliasedInsp

__all__ = [
    "PreludeSelect",
    "attribute_options",
    "column_index",
    "comparator_parent",
    "copy_mapped_column",
    "has_multi_values",
    "on_conflict_set",
    "replace_on_conflict_set",
    "retype_select",
    "statement_values",
]

MC = TypeVar("MC", bound=MappedColumn[Any])
PS = TypeVar("PS", bound="PreludeSelect")

#: what `PreludeSelect.prelude` returns: called with whether the statement succeeded
Finish = Callable[[bool], None]


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


class PreludeSelect(Select[Any]):
    """A ``Select`` that runs `prelude()` on the connection that executes it, first.

    ``ClauseElement._execute_on_connection``: the one step every execution of
    a statement goes through (``Connection.execute``, ``Session.execute`` and
    ``AsyncSession.execute``, ``scalars``, ``scalar``), whatever engine,
    session or hook is in use.  The public per-execution hooks are events
    (``before_execute`` on an engine, ``do_orm_execute`` on a session) that
    someone has to install; the search settings of `nearest()` must apply
    without that.  Generative methods (``.where()``, ``.join()``) keep the
    class, as ``Select._generate`` copies ``self.__class__``.
    """

    __slots__ = ()
    inherit_cache = True

    def prelude(self, connection: Connection, options: Mapping[str, Any]) -> Finish | None:
        """Run before the statement on *connection*; may return a callback for afterwards.

        :param connection: the connection about to execute the statement.
        :param options: the statement's execution options, updated with the
            call's.
        """
        return None

    def _execute_on_connection(
        self, connection: Connection, distilled_params: Any, execution_options: Any
    ) -> Any:
        options = {**self.get_execution_options(), **(execution_options or {})}
        finish = self.prelude(connection, options)
        run = super()._execute_on_connection
        if finish is None:
            return run(connection, distilled_params, execution_options)
        try:
            result = run(connection, distilled_params, execution_options)
        except BaseException:
            finish(False)
            raise
        finish(True)
        return result


def retype_select(statement: Select[Any], cls: type[PS]) -> PS:
    """A copy of *statement* as an instance of the ``Select`` subclass *cls*.

    ``Select._generate`` (the copy every generative method makes, without its
    memoized attributes) with the class swapped: there is no public way to
    turn a ``select()`` already built into a subclass.

    :param statement: the statement to copy.
    :param cls: a subclass of ``Select`` that adds no instance state.
    """
    out: Any = statement._generate()
    out.__class__ = cls
    return out  # type: ignore[no-any-return]


def on_conflict_set(statement: Any) -> dict[str, Any] | None:
    """What the ``ON CONFLICT DO UPDATE SET`` of a PostgreSQL ``insert()`` sets, by column name.

    ``Insert._post_values_clause`` and ``OnConflictDoUpdate.update_values_to_set``
    (a list of pairs in 2.0, a dict in 2.1): the embedding sync must see which
    columns an upsert's update part changes, and no public API lists them.
    ``None`` for any statement without ``on_conflict_do_update``.

    :param statement: any statement.
    """
    clause = getattr(statement, "_post_values_clause", None)
    pairs = getattr(clause, "update_values_to_set", None)
    if pairs is None:
        return None
    items = pairs.items() if isinstance(pairs, Mapping) else pairs
    return {(k if isinstance(k, str) else str(getattr(k, "key", k))): v for k, v in items}


def replace_on_conflict_set(statement: Any, extra: Mapping[str, Any]) -> Any:
    """A copy of an upsert whose ``DO UPDATE SET`` also sets *extra* (column name -> value).

    ``on_conflict_do_update`` may be called once per statement, so the
    clause is copied and its ``update_values_to_set`` extended, in the
    shape of the installed SQLAlchemy (2.0: pairs of column and raw value,
    2.1: a dict of coerced column and expression).

    :param statement: an ``insert()`` with ``on_conflict_do_update``.
    :param extra: values by column name: ``None``, literals or SQL expressions.
    """
    clause = copy.copy(statement._post_values_clause)
    table = statement.table
    pairs = clause.update_values_to_set
    if isinstance(pairs, Mapping):  # 2.1: coerced, as its constructor does
        added = {
            table.c[k]: v if isinstance(v, ClauseElement) else literal(v, table.c[k].type)
            for k, v in extra.items()
        }
        clause.update_values_to_set = {**pairs, **added}
    else:
        clause.update_values_to_set = [*pairs, *((table.c[k], v) for k, v in extra.items())]
    out = statement._generate()
    out._post_values_clause = clause
    return out
