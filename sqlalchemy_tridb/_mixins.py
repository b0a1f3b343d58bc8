"""A check shared by the ORM mixins: a mapped attribute must not hide a mixin's method."""

from __future__ import annotations

import inspect
from collections.abc import Iterable

from sqlalchemy.orm import MappedColumn, QueryableAttribute
from sqlalchemy.sql.schema import Column


def _is_column(value: object) -> bool:
    return isinstance(value, (QueryableAttribute, MappedColumn, Column))


def check_not_shadowed(
    cls: type, mixin: type, names: Iterable[str], error: type[Exception]
) -> None:
    """Raise *error* when a mapped attribute of *cls* hides one of *mixin*'s methods.

    Works before and after declarative mapping (without configuring mappers):
    the class's annotations and the column-like attributes (mapped attributes,
    ``mapped_column()``, ``Column``) of *cls* and its bases up to *mixin*.

    :param cls: the class being defined.
    :param mixin: the mixin whose methods are checked (named in the message).
    :param names: the names of the mixin's methods.
    :param error: the exception class to raise (a ``ConfigurationError`` subclass).
    """
    annotations = inspect.get_annotations(cls)
    below = [k for k in cls.__mro__ if k is not mixin and not issubclass(mixin, k)]
    for name in names:
        if name in annotations or any(_is_column(k.__dict__.get(name)) for k in below):
            raise error(
                f"{cls.__name__}.{name} hides the method {mixin.__name__}.{name}(): give the "
                f"attribute another name, e.g. `{name}_: Mapped[...] = "
                f'mapped_column("{name}")` keeps the column name'
            )
