"""pgvector's operator glyphs and operator classes, in one table, and the distance expression.

Code elsewhere names distances (``Distance.COSINE``), never glyphs, and builds
them with `distance_between()`: on an engine whose connection set-up found
the ``vector`` extension, the operator compiles schema-qualified,
``embedding OPERATOR(public.<=>) :v``, so that it is found whatever the
session's search path (a ``SET search_path``, ``DISCARD ALL``, a pooler, the
extension in a schema of its own); the index is used all the same.  Without
that knowledge (``str(stmt)``, an engine without the set-up) it compiles to the
plain ``embedding <=> :v``.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from sqlalchemy import ColumnElement, Float
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import BinaryExpression
from sqlalchemy.sql.operators import custom_op

from ..engine import vector_schema

__all__ = [
    "COSINE_DISTANCE",
    "L1_DISTANCE",
    "L2_DISTANCE",
    "NEGATIVE_INNER_PRODUCT",
    "Distance",
    "VectorDistance",
    "distance_between",
    "operator_class",
]

L2_DISTANCE = "<->"
NEGATIVE_INNER_PRODUCT = "<#>"
COSINE_DISTANCE = "<=>"
L1_DISTANCE = "<+>"


class Distance(str, Enum):
    """The distance a column is searched (and indexed) by."""

    COSINE = "cosine"
    L2 = "l2"
    INNER_PRODUCT = "inner_product"
    L1 = "l1"

    @property
    def glyph(self) -> str:
        """The pgvector operator; smaller is nearer for all four."""
        return _GLYPHS[self]


_GLYPHS = {
    Distance.COSINE: COSINE_DISTANCE,
    Distance.L2: L2_DISTANCE,
    Distance.INNER_PRODUCT: NEGATIVE_INNER_PRODUCT,
    Distance.L1: L1_DISTANCE,
}
_OPCLASS_SUFFIX = {
    Distance.COSINE: "cosine_ops",
    Distance.L2: "l2_ops",
    Distance.INNER_PRODUCT: "ip_ops",
    Distance.L1: "l1_ops",
}


def operator_class(distance: Distance, *, halfvec: bool) -> str:
    """The index operator class, e.g. ``vector_cosine_ops`` or ``halfvec_ip_ops``.

    :param distance: the distance.
    :param halfvec: whether the column stores ``HALFVEC``.
    """
    return f"{'halfvec' if halfvec else 'vector'}_{_OPCLASS_SUFFIX[distance]}"


class VectorDistance(BinaryExpression[float]):
    """``left <glyph> right``: a pgvector distance, schema-qualified where the schema is known."""

    inherit_cache = True


def distance_between(left: Any, glyph: str, right: Any) -> ColumnElement[float]:
    """The distance *glyph* (e.g. ``<=>``) from the vector expression *left* to *right*.

    :param left: the embedding column (or any vector expression).
    :param glyph: one of pgvector's four distance operators.
    :param right: a vector expression or bound value.
    """
    expr = left.op(glyph, return_type=Float)(right)
    assert isinstance(expr, BinaryExpression)
    return VectorDistance(expr.left, expr.right, expr.operator, type_=expr.type)


@compiles(VectorDistance)
def _compile_distance(element: VectorDistance, compiler: SQLCompiler, **kw: Any) -> str:
    operator = element.operator
    schema = vector_schema(compiler.dialect)
    if schema is not None and isinstance(operator, custom_op):
        quoted = compiler.preparer.quote_schema(schema)
        operator = custom_op(
            f"OPERATOR({quoted}.{operator.opstring})", precedence=operator.precedence
        )
    binary = BinaryExpression(element.left, element.right, operator, type_=element.type)
    return str(compiler.process(binary, **kw))
