"""Where an embedding's text comes from: columns, a template, or a callable.

* ``"description"``: one attribute;
* ``("name", "description")``: several, joined with ``separator`` (``None`` skipped);
* ``"{name}: {description}"``: a template over attributes (``None`` becomes ``""``);
* ``lambda product: f"{product.name} in {product.category.title}"``: any callable
  taking the instance; it may follow relationships.  Name what it reads in
  ``watch=`` so changes to those attributes re-embed (default: every column).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from string import Formatter
from typing import Any

from ..exc import EmbeddingDeclarationError

__all__ = ["CallableSource", "ColumnsSource", "Source", "TemplateSource", "as_source"]


@dataclass(frozen=True)
class ColumnsSource:
    """One or more attributes, joined."""

    names: tuple[str, ...]
    separator: str = "\n"

    @property
    def watch(self) -> tuple[str, ...] | None:
        """The attributes whose change means a new embedding."""
        return self.names

    def text(self, obj: object) -> str:
        """The text for *obj*."""
        return self.text_from(lambda name: getattr(obj, name, None))

    def text_from(self, get: Callable[[str], Any]) -> str:
        """The text from *get*, an attribute getter (an object's or a parameter dict's)."""
        parts = (get(name) for name in self.names)
        return self.separator.join(str(p) for p in parts if p is not None and str(p).strip())


@dataclass(frozen=True)
class TemplateSource:
    """A ``str.format`` template over attributes."""

    template: str

    @property
    def watch(self) -> tuple[str, ...] | None:
        """The attributes the template reads."""
        fields = (f for _, f, _, _ in Formatter().parse(self.template) if f)
        return tuple(dict.fromkeys(f.split(".")[0].split("[")[0] for f in fields))

    def text(self, obj: object) -> str:
        """The text for *obj*."""
        return self.text_from(lambda name: getattr(obj, name, None))

    def text_from(self, get: Callable[[str], Any]) -> str:
        """The text from *get*, an attribute getter; a template of only ``None`` gives ``""``."""
        names = self.watch or ()
        values = {name: get(name) for name in names}
        if names and all(v is None or not str(v).strip() for v in values.values()):
            return ""
        return self.template.format_map({k: "" if v is None else v for k, v in values.items()})


@dataclass(frozen=True)
class CallableSource:
    """A function of the instance."""

    fn: Callable[[Any], str | None]
    watch: tuple[str, ...] | None = None

    def text(self, obj: object) -> str:
        """The text for *obj*."""
        value = self.fn(obj)
        return "" if value is None else str(value)


Source = ColumnsSource | TemplateSource | CallableSource


def as_source(
    source: str | Sequence[str] | Callable[[Any], str | None],
    *,
    separator: str = "\n",
    watch: Sequence[str] | None = None,
) -> Source:
    """Normalise what ``Embedding(source=...)`` was given.

    :param source: a name, several names, a template or a callable.
    :param separator: joins several names' texts.
    :param watch: for a callable, the attributes whose change re-embeds.
    """
    if isinstance(source, str):
        if "{" in source:
            return TemplateSource(source)
        return ColumnsSource((source,), separator)
    if callable(source):
        return CallableSource(source, tuple(watch) if watch is not None else None)
    names = tuple(source)
    if not names or not all(isinstance(n, str) for n in names):
        raise EmbeddingDeclarationError(
            f"source must be a column name, several names, a template or a callable, got {source!r}"
        )
    return ColumnsSource(names, separator)


def text_from_mapping(source: Source, values: Mapping[str, Any]) -> str | None:
    """The text from a parameter dict *values*, or ``None`` if it lacks some source."""
    if isinstance(source, CallableSource):
        return None
    names = source.watch or ()
    if not all(name in values for name in names):
        return None
    return source.text_from(values.get)
