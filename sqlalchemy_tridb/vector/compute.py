"""Pure functions of the flush sync: which objects need embeddings, and computing them.

The listener in `.sync` is thin: `plan_objects()` reads ORM state
(attribute history, no SQL), `compute()` makes one provider call per
provider per batch and validates every vector, and only then
`Plan.apply()` assigns anything.  A failure leaves every object untouched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import inspect
from sqlalchemy.orm import Mapper

from ..embedding import EmbeddingProvider, Vectors
from ..embedding.provider import shorten
from ..exc import EmbeddingError, ProviderError
from .sources import CallableSource, text_from_mapping
from .spec import EmbeddingSpec, spec_of

__all__ = ["EmbeddingAttribute", "Job", "Plan", "compute", "embedding_attributes", "plan_objects"]

_CACHE_KEY = "tridb.embedding_attributes"


@dataclass(frozen=True)
class EmbeddingAttribute:
    """One embedding attribute of a mapper."""

    key: str
    spec: EmbeddingSpec
    label: str  # "Product.embedding", for messages
    others: tuple[str, ...]  # the mapper's non-embedding column keys (default watch list)

    @property
    def watch(self) -> tuple[str, ...]:
        """Attributes whose change means a new embedding."""
        return self.spec.source.watch or self.others


def embedding_attributes(mapper: Mapper[Any]) -> tuple[EmbeddingAttribute, ...]:
    """The embedding attributes of *mapper*, cached in the class manager's ``info``."""
    props = mapper.column_attrs
    cached = mapper.class_manager.info.get(_CACHE_KEY)
    if cached is not None and cached[0] == len(props):
        return cached[1]  # type: ignore[no-any-return]
    specs = {p.key: spec_of(p.columns[0]) for p in props}
    others = tuple(k for k, s in specs.items() if s is None)
    found = tuple(
        EmbeddingAttribute(key, spec, f"{mapper.class_.__name__}.{key}", others)
        for key, spec in specs.items()
        if spec is not None
    )
    mapper.class_manager.info[_CACHE_KEY] = (len(props), found)
    return found


def flush_attributes(mapper: Mapper[Any]) -> tuple[EmbeddingAttribute, ...]:
    """The embedding attributes of *mapper* computed in the flush (not ``sync="deferred"``)."""
    return tuple(a for a in embedding_attributes(mapper) if a.spec.sync == "flush")


@dataclass
class Job:
    """One vector to compute: for an object (attribute) or a parameter dict (key)."""

    target: Any
    attr: EmbeddingAttribute
    text: str


@dataclass
class Plan:
    """What one flush (or statement) will do to embedding attributes."""

    jobs: list[Job] = field(default_factory=list)
    nulls: list[tuple[Any, EmbeddingAttribute]] = field(default_factory=list)

    def add_text(self, target: Any, attr: EmbeddingAttribute, text: str) -> None:
        """Queue *text* for *attr* of *target*, or apply the column's empty-source policy."""
        if text.strip():
            self.jobs.append(Job(target, attr, text))
        elif attr.spec.on_empty == "null":
            self.nulls.append((target, attr))
        elif attr.spec.on_empty == "error":
            raise EmbeddingError(
                f"{attr.label}: the source text is empty; fill it in, or declare the column "
                "with on_empty='null' or 'keep'"
            )

    def apply(self, vectors: list[Vectors]) -> None:
        """Assign computed vectors (and NULLs); call only after `compute()` succeeded."""
        for job, vector in zip(self.jobs, vectors, strict=True):
            _assign(job.target, job.attr.key, vector.tolist())
        for target, attr in self.nulls:
            _assign(target, attr.key, None)

    def __bool__(self) -> bool:
        return bool(self.jobs or self.nulls)


def _assign(target: Any, key: str, value: Any) -> None:
    if isinstance(target, MutableMapping):
        target[key] = value
    elif value is not None or getattr(target, key, None) is not None:
        setattr(target, key, value)


def source_text(attr: EmbeddingAttribute, obj: object) -> str:
    """The source text of *attr* for *obj*; a failing source raises `EmbeddingError`."""
    try:
        return attr.spec.source.text(obj)
    except Exception as err:
        raise EmbeddingError(
            f"{attr.label}: building the source text failed ({err!r}); fix the source "
            "callable or the object's attributes"
        ) from err


def plan_objects(new: Iterable[object], dirty: Iterable[object]) -> Plan:
    """The *new* objects without a vector, and the *dirty* ones whose sources changed."""
    plan = Plan()
    for obj in new:
        state = inspect(obj)
        for attr in flush_attributes(state.mapper):
            if state.dict.get(attr.key) is None:  # an assigned vector is kept
                plan.add_text(obj, attr, source_text(attr, obj))
    for obj in dirty:
        state = inspect(obj)
        if not state.persistent:
            continue
        for attr in flush_attributes(state.mapper):
            attrs = state.attrs
            if attrs[attr.key].history.added:  # assigned by hand in this flush
                continue
            if any(attrs[w].history.has_changes() for w in attr.watch if w in attrs):
                plan.add_text(obj, attr, source_text(attr, obj))
    return plan


def _key(provider: EmbeddingProvider, dim: int) -> tuple[Any, int]:
    try:
        hash(provider)
    except TypeError:
        return (id(provider), dim)
    return (provider, dim)


def compute(
    jobs: list[Job], *, resolve: Callable[[EmbeddingSpec], EmbeddingProvider]
) -> list[Vectors]:
    """One vector per job of *jobs*: distinct texts, one provider call per provider and batch.

    :param jobs: the texts to embed, each for one attribute.
    :param resolve: gives the provider of a column's spec.
    """
    groups: dict[tuple[Any, int], tuple[EmbeddingProvider, list[Job]]] = {}
    for job in jobs:
        provider = resolve(job.attr.spec)
        groups.setdefault(_key(provider, job.attr.spec.dim), (provider, []))[1].append(job)
    by_job: dict[int, Vectors] = {}
    for (_, dim), (provider, group) in groups.items():
        texts = list(dict.fromkeys(job.text for job in group))
        vectors = _embed(provider, texts, dim, group)
        row = {text: i for i, text in enumerate(texts)}
        for job in group:
            by_job[id(job)] = vectors[row[job.text]]
    return [by_job[id(job)] for job in jobs]


def _batch_size(provider: EmbeddingProvider, group: list[Job]) -> int | None:
    sizes = [j.attr.spec.batch_size for j in group if j.attr.spec.batch_size]
    own = getattr(provider, "batch_size", None)
    return min(sizes) if sizes else own if isinstance(own, int) and own > 0 else None


def _embed(provider: EmbeddingProvider, texts: list[str], dim: int, group: list[Job]) -> Vectors:
    size = _batch_size(provider, group) or len(texts)
    chunks: list[Vectors] = []
    for start in range(0, len(texts), size):
        batch = texts[start : start + size]
        try:
            raw = provider.embed(batch)
        except Exception as err:
            raise _failed(provider, batch, group, err) from err
        chunks.append(_check(raw, batch, dim, provider, group))
    return np.concatenate(chunks) if len(chunks) != 1 else chunks[0]


def _labels(group: list[Job], text: str | None = None) -> str:
    jobs = [j for j in group if j.text == text] or group if text is not None else group
    return ", ".join(dict.fromkeys(j.attr.label for j in jobs))


def _failed(
    provider: EmbeddingProvider, batch: list[str], group: list[Job], err: Exception
) -> ProviderError:
    """The provider raised: name the text it reported (its ``index``), else the batch."""
    index = getattr(err, "index", None)
    text = batch[index] if isinstance(index, int) and 0 <= index < len(batch) else None
    first = text if text is not None else batch[0]
    column = _labels(group, first)
    what = (
        f"text {shorten(text)}"
        if text is not None
        else f"text {shorten(first)}"
        if len(batch) == 1
        else f"{len(batch)} texts, the first {shorten(first)}"
    )
    return ProviderError(
        f"embedding provider {provider.name!r} for {column} failed on {what} ({err!r}); "
        "nothing was written: roll back the session or fix the provider, then flush again",
        provider=provider.name,
        column=column,
        index=index if text is not None else None,
        text=first,
        texts=len(batch),
    )


def _check(
    raw: Any, batch: list[str], dim: int, provider: EmbeddingProvider, group: list[Job]
) -> Vectors:
    facts: dict[str, Any] = {"provider": provider.name, "texts": len(batch)}
    what = f"embedding provider {provider.name!r} for {_labels(group)}"
    try:
        arr = np.asarray(raw, dtype=np.float32)
    except (TypeError, ValueError) as err:
        raise ProviderError(
            f"{what}: the provider returned no array of numbers ({err})",
            column=_labels(group),
            **facts,
        ) from err
    if arr.shape != (len(batch), dim):
        raise ProviderError(
            f"{what}: expected shape ({len(batch)}, {dim}) but got {arr.shape}; nothing was "
            "written: fix the provider or declare the column with its dimension",
            column=_labels(group),
            **facts,
        )
    finite = np.isfinite(arr).all(axis=1)
    if not finite.all():
        index = int(np.flatnonzero(~finite)[0])
        text = batch[index]
        label = _labels(group, text)
        raise ProviderError(
            f"embedding provider {provider.name!r}: the vector for {label} (text "
            f"{shorten(text)}) contains NaN or Inf (vector {index} of a batch of {len(batch)}); "
            "nothing was written: fix the provider or the text, then flush again",
            column=label,
            index=index,
            text=text,
            **facts,
        )
    return arr


def params_plan(
    attrs: Iterable[EmbeddingAttribute], rows: Sequence[Mapping[str, Any]], *, insert: bool
) -> tuple[Plan, list[str]]:
    """Plan for ORM bulk parameter dicts; returns the plan and the labels left stale (NULL).

    :param attrs: the mapper's embedding attributes.
    :param rows: the statement's parameter dicts (vectors are written into them).
    :param insert: an INSERT (missing sources are NULL) rather than an UPDATE.
    """
    plan, stale = Plan(), []
    for row in rows:
        for attr in attrs:
            if attr.key in row:
                continue
            touched = any(w in row for w in attr.watch)
            if not insert and not touched:
                continue
            if isinstance(attr.spec.source, CallableSource):
                text = None
            elif insert:
                text = attr.spec.source.text_from(row.get)
            else:
                text = text_from_mapping(attr.spec.source, row)
            if text is None:
                plan.nulls.append((row, attr))
                stale.append(attr.label)
            else:
                plan.add_text(row, attr, text)
    return plan, stale
