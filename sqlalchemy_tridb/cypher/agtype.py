"""agtype text to Python and back, without a database.

AGE's ``agtype`` is JSON with more scalars (``NaN``, ``Infinity``, integers and
floats kept apart, ``1.5::numeric``) and three graph types written as a JSON
value followed by an annotation: ``{...}::vertex``, ``{...}::edge`` and
``[v, e, v, ...]::path``.  :func:`dumps` writes the text AGE reads
(``agtype_in``, the third argument of ``cypher()``); :func:`loads` reads the
text AGE writes::

    >>> dumps({"name": "a$$b", "score": 1.5, "tags": ["x"], "n": None})
    '{"name": "a$$b", "score": 1.5, "tags": ["x"], "n": null}'
    >>> loads('{"id": 1, "label": "Person", "properties": {"pk": 7}}::vertex')
    Vertex(id=1, label='Person', properties={'pk': 7})

``loads(dumps(v)) == v`` for ``None``, ``bool``, ``int`` (64-bit), ``float``
(``NaN`` aside, which is never equal to itself), ``str``, ``Decimal``, ``dict``
with ``str`` keys, ``list`` and the graph classes.  ``tuple`` comes back as
``list``; ``datetime``, ``date``, ``time`` and ``UUID`` are written as ISO-8601 /
canonical strings and come back as ``str``; an ``Enum`` is written as its value.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import math
import re
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NoReturn

from ..exc import AGTypeError

__all__ = ["Edge", "Path", "Vertex", "dumps", "loads"]

_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1


@dataclass(frozen=True)
class Vertex:
    """A vertex as AGE returns it: graph id, label and property map."""

    id: int
    label: str
    properties: Mapping[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Edge:
    """An edge as AGE returns it: graph id, label, end-point ids and property map."""

    id: int
    label: str
    start_id: int
    end_id: int
    properties: Mapping[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Path:
    """A path: ``edges[i]`` joins ``vertices[i]`` and ``vertices[i + 1]``."""

    vertices: tuple[Vertex, ...]
    edges: tuple[Edge, ...] = ()

    def __post_init__(self) -> None:
        if len(self.vertices) != len(self.edges) + 1:
            raise AGTypeError(
                f"a path needs one vertex more than it has edges, got {len(self.vertices)} "
                f"vertices and {len(self.edges)} edges"
            )

    def elements(self) -> Iterator[Vertex | Edge]:
        """Vertices and edges in path order: ``v0, e0, v1, e1, ..., vn``."""
        yield self.vertices[0]
        for edge, vertex in zip(self.edges, self.vertices[1:], strict=True):
            yield edge
            yield vertex


# --------------------------------------------------------------------- encoding


def dumps(value: Any) -> str:
    """Return the agtype text of *value*; raise :class:`AGTypeError` if it has none.

    Strings are JSON-escaped (so ``$$``, quotes, backslashes and Cypher text are
    inert data); a string holding NUL (code point 0) or a lone surrogate is refused,
    since PostgreSQL text cannot hold it.
    """
    out: list[str] = []
    try:
        _encode(value, out, set())
    except RecursionError as err:
        raise AGTypeError("cannot encode a value nested this deeply as agtype") from err
    return "".join(out)


def _encode(value: Any, out: list[str], active: set[int]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, enum.Enum):
        _encode(value.value, out, active)
    elif isinstance(value, int):
        if not _INT64_MIN <= value <= _INT64_MAX:
            raise AGTypeError(
                f"integer {value} does not fit agtype's 64-bit integers; pass Decimal({value}) "
                "to store it as an agtype numeric"
            )
        out.append(str(int(value)))
    elif isinstance(value, float):
        out.append(_float_text(value))
    elif isinstance(value, str):
        out.append(_string_text(value))
    elif isinstance(value, Decimal):
        out.append(_decimal_text(value))
    elif isinstance(value, (dt.datetime, dt.date, dt.time)):
        out.append(_string_text(value.isoformat()))
    elif isinstance(value, uuid.UUID):
        out.append(_string_text(str(value)))
    elif isinstance(value, (Vertex, Edge, Path)):
        _encode_graph(value, out, active)
    elif isinstance(value, Mapping):
        with _entered(value, active):
            out.append("{")
            for i, (key, item) in enumerate(value.items()):
                if not isinstance(key, str):
                    raise AGTypeError(
                        f"agtype map keys must be str, got {type(key).__name__} {key!r}; "
                        "convert the keys with str() first"
                    )
                if i:
                    out.append(", ")
                out.append(_string_text(key))
                out.append(": ")
                _encode(item, out, active)
            out.append("}")
    elif isinstance(value, (list, tuple)):
        with _entered(value, active):
            out.append("[")
            for i, item in enumerate(value):
                if i:
                    out.append(", ")
                _encode(item, out, active)
            out.append("]")
    else:
        hint = (
            "encode the bytes as text first (base64, hex)"
            if isinstance(value, (bytes, bytearray, memoryview))
            else "convert it to None, bool, int, float, str, Decimal, a date/time, UUID, "
            "Enum, a dict with str keys, a list or a tuple first"
        )
        raise AGTypeError(f"cannot encode {type(value).__name__} {value!r:.80} as agtype: {hint}")


class _entered:
    """Context manager refusing containers that hold themselves (``a = []; a.append(a)``)."""

    def __init__(self, value: object, active: set[int]) -> None:
        self.key = id(value)
        self.active = active

    def __enter__(self) -> None:
        if self.key in self.active:
            raise AGTypeError("cannot encode a container that contains itself as agtype")
        self.active.add(self.key)

    def __exit__(self, *exc: object) -> None:
        self.active.discard(self.key)


def _encode_graph(value: Vertex | Edge | Path, out: list[str], active: set[int]) -> None:
    if isinstance(value, Path):
        _encode(list(value.elements()), out, active)
        out.append("::path")
        return
    body: dict[str, Any] = {"id": value.id, "label": value.label}
    if isinstance(value, Edge):
        body["end_id"] = value.end_id
        body["start_id"] = value.start_id
    body["properties"] = value.properties
    _encode(body, out, active)
    out.append("::edge" if isinstance(value, Edge) else "::vertex")


def _float_text(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return repr(float(value))  # shortest text that reads back to the same double


def _decimal_text(value: Decimal) -> str:
    if value.is_snan():
        raise AGTypeError("cannot encode a signalling NaN Decimal as agtype; use Decimal('NaN')")
    if value.is_nan():
        return "NaN::numeric"
    if value.is_infinite():
        return ("-" if value.is_signed() else "") + "Infinity::numeric"
    return f"{value}::numeric"


def _string_text(value: str) -> str:
    if "\x00" in value:
        raise AGTypeError(
            "cannot encode a string holding NUL (\\x00) as agtype: PostgreSQL text cannot "
            "store it; remove it or encode the value (base64) first"
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as err:
        raise AGTypeError(
            f"cannot encode a string holding a lone surrogate ({err.reason}) as agtype: "
            "it is not valid UTF-8; fix the text before storing it"
        ) from err
    return json.dumps(value, ensure_ascii=False)


# --------------------------------------------------------------------- decoding

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:Infinity|NaN|[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?)")
_ANNOTATION = re.compile(r"::([A-Za-z_][A-Za-z0-9_]*)")
_WORDS = {"null": None, "true": True, "false": False}
_FLOAT_MARKS = frozenset(".eEIN")
# reads one JSON value at an offset; called only where a '"' starts a string.
# strict=False accepts raw control characters inside strings, as the parser always did
_JSON = json.JSONDecoder(strict=False)


def loads(text: str) -> Any:
    """Return the Python value of agtype *text* as AGE prints it.

    Integers become ``int``, floats (``NaN`` and ``±Infinity`` too) ``float``,
    ``::numeric`` values ``Decimal``, and ``::vertex`` / ``::edge`` / ``::path``
    values :class:`Vertex` / :class:`Edge` / :class:`Path`.
    """
    if not isinstance(text, str):
        raise AGTypeError(f"agtype text must be str, got {type(text).__name__}")
    parser = _Parser(text)
    try:
        value = parser.value()
    except RecursionError as err:
        raise AGTypeError("agtype text nested too deeply to decode") from err
    parser.skip_ws()
    if parser.pos != len(text):
        parser.fail("unexpected text after the value")
    return value


class _Parser:
    """A recursive-descent reader of agtype output text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self, what: str) -> NoReturn:
        snippet = self.text[max(0, self.pos - 20) : self.pos + 20]
        raise AGTypeError(
            f"malformed agtype at offset {self.pos} ({what}) near {snippet!r}; "
            "loads() reads the text AGE prints for agtype values"
        )

    def skip_ws(self) -> None:
        match = _WS.match(self.text, self.pos)
        self.pos = match.end() if match else self.pos

    def value(self) -> Any:
        self.skip_ws()
        text, pos = self.text, self.pos
        if pos >= len(text):
            return self.fail("expected a value")
        char = text[pos]
        if char == "{":
            raw: Any = self.mapping()
        elif char == "[":
            raw = self.array()
        elif char == '"':
            raw = self.string()
        else:
            for word, word_value in _WORDS.items():
                if text.startswith(word, pos):
                    self.pos = pos + len(word)
                    return word_value
            number = _NUMBER.match(text, pos)
            if not number:
                return self.fail("expected a value")
            self.pos = number.end()
            return self.number(number.group())
        annotation = _ANNOTATION.match(text, self.pos)
        if annotation is None:
            return raw
        self.pos = annotation.end()
        return self.annotated(raw, annotation.group(1))

    def string(self) -> str:
        try:
            value, self.pos = _JSON.raw_decode(self.text, self.pos)
        except ValueError as err:
            self.fail(f"bad string: {err}")
        return str(value)

    def number(self, token: str) -> Any:
        annotation = _ANNOTATION.match(self.text, self.pos)
        if annotation is not None:
            self.pos = annotation.end()
            kind = annotation.group(1)
            if kind == "numeric":
                return Decimal(token)
            if kind == "float":
                return float(token)
            if kind in ("integer", "int") and not _FLOAT_MARKS & set(token):
                return int(token)
            return self.fail(f"unexpected annotation ::{kind} on a number")
        if _FLOAT_MARKS & set(token):
            return float(token)
        return int(token)

    def mapping(self) -> dict[str, Any]:
        self.pos += 1
        result: dict[str, Any] = {}
        self.skip_ws()
        if self.text.startswith("}", self.pos):
            self.pos += 1
            return result
        while True:
            self.skip_ws()
            if not self.text.startswith('"', self.pos):
                self.fail("expected a string key")
            key = self.string()
            self.skip_ws()
            if not self.text.startswith(":", self.pos):
                self.fail("expected ':'")
            self.pos += 1
            result[key] = self.value()
            self.skip_ws()
            if self.text.startswith(",", self.pos):
                self.pos += 1
            elif self.text.startswith("}", self.pos):
                self.pos += 1
                return result
            else:
                self.fail("expected ',' or '}'")

    def array(self) -> list[Any]:
        self.pos += 1
        result: list[Any] = []
        self.skip_ws()
        if self.text.startswith("]", self.pos):
            self.pos += 1
            return result
        while True:
            result.append(self.value())
            self.skip_ws()
            if self.text.startswith(",", self.pos):
                self.pos += 1
            elif self.text.startswith("]", self.pos):
                self.pos += 1
                return result
            else:
                self.fail("expected ',' or ']'")

    def annotated(self, raw: Any, kind: str) -> Any:
        try:
            if kind == "vertex" and isinstance(raw, dict):
                return Vertex(raw["id"], raw["label"], raw.get("properties") or {})
            if kind == "edge" and isinstance(raw, dict):
                return Edge(
                    raw["id"],
                    raw["label"],
                    raw["start_id"],
                    raw["end_id"],
                    raw.get("properties") or {},
                )
            if kind == "path" and isinstance(raw, list):
                vertices = tuple(raw[0::2])
                edges = tuple(raw[1::2])
                if all(isinstance(v, Vertex) for v in vertices) and all(
                    isinstance(e, Edge) for e in edges
                ):
                    return Path(vertices, edges)
        except KeyError as err:
            return self.fail(f"::{kind} value lacks the key {err}")
        return self.fail(f"unexpected annotation ::{kind} on {type(raw).__name__}")
