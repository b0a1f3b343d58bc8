"""A check shared by the ORM mixins: a mapped column must not hide a mixin's method."""

from __future__ import annotations

import inspect
from collections.abc import Iterable

from sqlalchemy import Table
from sqlalchemy.orm import MappedColumn, QueryableAttribute
from sqlalchemy.sql.schema import Column


def _is_column(value: object) -> bool:
    return isinstance(value, (QueryableAttribute, MappedColumn, Column))


def check_not_shadowed(
    cls: type, mixin: type, names: Iterable[str], error: type[Exception]
) -> None:
    """Raise *error* when an attribute or column of *cls* hides one of *mixin*'s methods.

    :param cls: the mapped class being defined (after declarative mapping ran).
    :param mixin: the mixin whose methods are checked (named in the message).
    :param names: the names of the mixin's methods.
    :param error: the exception class to raise (a ``ConfigurationError`` subclass).
    """
    own = cls.__dict__.get("__table__")
    columns = set(own.columns.keys()) if isinstance(own, Table) else set()
    annotations = inspect.get_annotations(cls)
    for name in names:
        if name in columns or name in annotations or _is_column(cls.__dict__.get(name)):
            raise error(
                f"{cls.__name__}.{name} hides the method {mixin.__name__}.{name}(): give the "
                f"attribute another name, e.g. `{name}_: Mapped[...] = "
                f'mapped_column("{name}")` keeps the column name'
            )
