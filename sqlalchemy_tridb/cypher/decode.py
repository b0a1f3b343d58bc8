"""agtype text to Python values: `loads()` (the text AGE prints)."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any, NoReturn

from ..exc import AGTypeError
from .graph_values import Edge, Path, Vertex

__all__ = ["loads"]

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
    values `Vertex` / `Edge` / `Path`.

    :param text: one agtype value's text, e.g. a row's column from
        ``ag_catalog.cypher()`` read as text.
    :raises AGTypeError: for text that is not one well-formed agtype value.
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
