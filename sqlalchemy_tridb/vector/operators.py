"""pgvector's operator glyphs and operator classes, in one table.

Code elsewhere names distances (``Distance.COSINE``), never glyphs.
"""

from __future__ import annotations

from enum import Enum

__all__ = [
    "COSINE_DISTANCE",
    "L1_DISTANCE",
    "L2_DISTANCE",
    "NEGATIVE_INNER_PRODUCT",
    "Distance",
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
