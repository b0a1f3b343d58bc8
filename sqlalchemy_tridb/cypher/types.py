"""The ``AGType`` column type: Python values in, Python values out.

Bound values are encoded with `dumps()` and
cast on the server (``CAST(%(p)s AS ag_catalog.agtype)``); results are decoded
with `loads()`:

    >>> from sqlalchemy import select, literal
    >>> print(select(literal({"a": 1}, AGType())))
    SELECT CAST(:param_1 AS ag_catalog.agtype) AS anon_1

Decoding happens in the type's result processor rather than in a psycopg
loader registered on each connection: it needs no per-database OID lookup and
no connection set-up, works the same for sync and async engines, and leaves the
results of plain ``text()`` queries unchanged (declare ``.columns(x=AGType())``
to decode them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import cast
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.elements import BindParameter, ColumnElement
from sqlalchemy.types import UserDefinedType

from .agtype import dumps, loads

__all__ = ["AGType"]


class AGType(UserDefinedType[Any]):
    """Apache AGE's ``agtype``, rendered schema-qualified as ``ag_catalog.agtype``."""

    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        """The type's name in DDL and casts.

        :param kw: the compiler's options (not used).
        """
        return "ag_catalog.agtype"

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], str | None]:
        """Encode Python values as agtype text with `dumps()` (``None`` stays SQL ``NULL``).

        :param dialect: the dialect compiling the statement (any: not used).
        """

        def process(value: Any) -> str | None:
            return None if value is None else dumps(value)

        return process

    def bind_expression(self, bindvalue: BindParameter[Any]) -> ColumnElement[Any]:
        """Cast the bound text to agtype on the server.

        :param bindvalue: the bound parameter that carries the agtype text.
        """
        return cast(bindvalue, self)

    def result_processor(self, dialect: Dialect, coltype: object) -> Callable[[Any], Any]:
        """Decode agtype text with `loads()` (``None`` is SQL ``NULL``, Cypher's ``null``).

        :param dialect: the dialect of the result (any: not used).
        :param coltype: the driver's type code of the column (not used).
        """

        def process(value: Any) -> Any:
            return None if value is None else loads(value)

        return process

    @property
    def python_type(self) -> type[Any]:
        """Any Python value: agtype is dynamically typed."""
        return object
