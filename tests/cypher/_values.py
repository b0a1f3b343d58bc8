"""Hypothesis strategies for agtype values, an equality that tells 1, 1.0 and True apart,
and the injection corpus."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from sqlalchemy_tridb.cypher import Edge, Path, Vertex

#: text PostgreSQL can hold: no NUL, no lone surrogates
texts = st.text(
    alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=20
)
decimals = st.decimals(min_value=-(10**20), max_value=10**20, places=6) | st.sampled_from(
    [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity"), Decimal("1E+2"), Decimal("-0")]
)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats()  # NaN and the infinities included
    | texts
    | decimals
)
#: values for which loads(dumps(v)) == v (compared with ``same``)
values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(texts, children, max_size=4),
    max_leaves=12,
)

INJECTION = [
    "$$",
    "a$$b",
    "$tridb$",
    "$tridb$ $tridb1$ $$",
    "'",
    '"',
    "\\",
    "\\'",
    '\\"',
    "\\u0041",
    "'); DROP TABLE sentinel; --",
    '"); DROP TABLE sentinel; --',
    "}) DETACH DELETE n //",
    "}) MATCH (m) DETACH DELETE m RETURN 1 //",
    "$v",
    "%s %(x)s %%",
    ":param",
    "::agtype",
    "NaN",
    "null",
    "émoji 😀 ∑ 中文 \u2028 \u200b \U0010ffff",
    "line\nbreak\ttab\r\x01\x1f\x7f",
    "",
    " ",
]


def same(a: Any, b: Any) -> bool:
    """Equal values of the same types (NaN equals NaN, -0.0 differs from 0.0)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    if isinstance(a, Decimal):
        return (a.is_nan() and b.is_nan()) or a == b
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (Vertex, Edge)):
        return a == b and same(dict(a.properties), dict(b.properties))
    if isinstance(a, Path):
        return same(list(a.elements()), list(b.elements()))
    return bool(a == b)
