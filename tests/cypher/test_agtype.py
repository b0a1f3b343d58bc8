"""dumps / loads without a database."""

from __future__ import annotations

import datetime as dt
import enum
import math
import re
import uuid
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given

from sqlalchemy_tridb.cypher import Edge, Path, Vertex, dumps, loads
from sqlalchemy_tridb.exc import AGTypeError, CypherError, TriDBError

from ._values import INJECTION, same, values

VERTEX = '{"id": 844424930131969, "label": "Person", "properties": {"pk": 1, "name": "a$$b\\"q"}}'
EDGE = (
    '{"id": 1125899906842625, "label": "KNOWS", "end_id": 844424930131970, '
    '"start_id": 844424930131969, "properties": {"w": 1.5}}'
)
VERTEX2 = '{"id": 844424930131970, "label": "Person", "properties": {"pk": 2}}'


class Color(enum.Enum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "null"),
        (True, "true"),
        (False, "false"),
        (0, "0"),
        (-(2**63), "-9223372036854775808"),
        (2**63 - 1, "9223372036854775807"),
        (2.5, "2.5"),
        (1.0, "1.0"),
        (1e20, "1e+20"),
        (-0.0, "-0.0"),
        (float("nan"), "NaN"),
        (float("inf"), "Infinity"),
        (float("-inf"), "-Infinity"),
        (Decimal("1.5"), "1.5::numeric"),
        (Decimal("NaN"), "NaN::numeric"),
        (Decimal("-Infinity"), "-Infinity::numeric"),
        ("s", '"s"'),
        ('a$$b"\\', '"a$$b\\"\\\\"'),
        ("é😀\n", '"é😀\\n"'),
        (dt.date(2024, 2, 29), '"2024-02-29"'),
        (dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc), '"2024-01-02T03:04:05+00:00"'),
        (dt.time(12, 30), '"12:30:00"'),
        (uuid.UUID(int=1), '"00000000-0000-0000-0000-000000000001"'),
        (Color.RED, '"red"'),
        (Level.HIGH, "3"),
        ((1, [2, {"k": None}]), '[1, [2, {"k": null}]]'),
        ({}, "{}"),
        ([], "[]"),
    ],
)
def test_dumps(value: Any, text: str) -> None:
    assert dumps(value) == text


def test_dumps_graph_values_read_back() -> None:
    path_text = f"[{VERTEX}::vertex, {EDGE}::edge, {VERTEX2}::vertex]::path"
    path = loads(path_text)
    assert dumps(path) == path_text
    assert loads(dumps(path)) == path


@pytest.mark.parametrize(
    ("value", "fix"),
    [
        ("a\x00b", "NUL"),
        ("\ud800", "surrogate"),
        (2**63, "Decimal("),
        (-(2**63) - 1, "Decimal("),
        ({1: "x"}, "str()"),
        (b"bytes", "base64"),
        ({1, 2}, "convert it"),
        (object(), "convert it"),
        (Decimal("sNaN"), "Decimal('NaN')"),
        ([{"deep": "ok"}, {"bad": b""}], "base64"),
    ],
)
def test_dumps_refuses_with_a_typed_error_saying_what_to_do(value: Any, fix: str) -> None:
    with pytest.raises(AGTypeError, match=re.escape(fix)) as info:
        dumps(value)
    assert isinstance(info.value, (CypherError, TriDBError, ValueError))


def test_dumps_refuses_cycles() -> None:
    a: list[Any] = []
    a.append(a)
    with pytest.raises(AGTypeError, match="contains itself"):
        dumps(a)
    shared = [1]
    assert dumps([shared, shared]) == "[[1], [1]]"  # repeated, not circular


def test_deep_nesting_is_a_typed_error() -> None:
    deep: Any = []
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(AGTypeError, match="deeply"):
        dumps(deep)
    with pytest.raises(AGTypeError, match="deeply"):
        loads("[" * 5000 + "]" * 5000)


def test_loads_server_output() -> None:
    assert loads("1") == 1 and type(loads("1")) is int
    assert type(loads("1.0")) is float and loads("1e-07") == 1e-7
    assert math.isnan(loads("NaN")) and loads("-Infinity") == float("-inf")
    assert loads("123456789012345678901234567890::numeric") == Decimal(
        "123456789012345678901234567890"
    )
    assert loads("NaN::numeric").is_nan()
    assert loads('"\\u001f\\b\\f"') == "\x1f\b\f"
    assert loads('{"a": [1, 2.5, NaN, null, "x"], "b": {}}')["a"][4] == "x"
    vertex = loads(VERTEX + "::vertex")
    assert vertex == Vertex(844424930131969, "Person", {"pk": 1, "name": 'a$$b"q'})
    edge = loads(EDGE + "::edge")
    assert edge == Edge(1125899906842625, "KNOWS", 844424930131969, 844424930131970, {"w": 1.5})
    path = loads(f"[{VERTEX}::vertex, {EDGE}::edge, {VERTEX2}::vertex]::path")
    assert path.vertices[1].properties == {"pk": 2} and path.edges == (edge,)
    assert list(path.elements()) == [vertex, edge, path.vertices[1]]
    nested = loads(f'{{"x": [{VERTEX}::vertex, {EDGE}::edge]}}')
    assert nested["x"] == [vertex, edge]
    assert loads('  { "a" : 1 } ') == {"a": 1}
    assert hash(vertex) == hash(Vertex(vertex.id, "Person", {}))  # hashable despite the dict


@pytest.mark.parametrize(
    "text",
    [
        "",
        "[1,",
        '{"a" 1}',
        "1 2",
        '"x"::vertex',
        "{}::vertex",
        "1::bogus",
        "tru",
        '"open',
        "{1: 2}",
    ],
)
def test_loads_refuses_malformed_text(text: str) -> None:
    with pytest.raises(AGTypeError, match="malformed agtype"):
        loads(text)


def test_path_shape_is_checked() -> None:
    v = Vertex(1, "A", {})
    with pytest.raises(AGTypeError, match="one vertex more"):
        Path((v,), (Edge(2, "E", 1, 1, {}),))


@pytest.mark.parametrize("text", INJECTION)
def test_injection_corpus_round_trips(text: str) -> None:
    assert loads(dumps(text)) == text
    assert loads(dumps({text: [text]})) == {text: [text]}


@given(values)
def test_round_trip(value: Any) -> None:
    assert same(loads(dumps(value)), value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ('"\\"\\\\\\/\\b\\f\\n\\r\\t"', '"\\/\b\f\n\r\t'),
        ('"\\u00e9\\u20ac"', "é€"),
        ('"\\ud83d\\ude00"', "😀"),  # a surrogate pair is one code point
        ('"é€😀"', "é€😀"),  # unescaped non-ASCII as it is
        ('"a\tb\nc\x01"', "a\tb\nc\x01"),  # raw control characters are accepted
        ('{"k\\u0041": "v"}', {"kA": "v"}),  # keys are decoded the same way
    ],
)
def test_loads_decodes_json_string_escapes(text: str, value: Any) -> None:
    assert loads(text) == value


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ('"abc', "Unterminated string starting at"),
        ('"\\x41"', "Invalid \\escape"),
        ('"\\u12"', "Invalid \\uXXXX escape"),
        ('["a", "b\\', "Unterminated string starting at"),
    ],
)
def test_loads_says_what_is_wrong_with_a_string(text: str, why: str) -> None:
    with pytest.raises(AGTypeError, match=f"malformed agtype .*bad string: {re.escape(why)}"):
        loads(text)
