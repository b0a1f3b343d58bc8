"""The pure functions of vector/compute.py, without a database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest
from sqlalchemy import String, inspect
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, make_transient_to_detached
from sqlalchemy.orm import mapped_column as column

from sqlalchemy_tridb.embedding import DeterministicProvider, EmbeddingProvider
from sqlalchemy_tridb.exc import EmbeddingError, ProviderError
from sqlalchemy_tridb.vector import Embedding
from sqlalchemy_tridb.vector.compute import (
    EmbeddingAttribute,
    Job,
    Plan,
    compute,
    embedding_attributes,
    params_plan,
    plan_objects,
    source_text,
)
from sqlalchemy_tridb.vector.sources import as_source
from sqlalchemy_tridb.vector.spec import EmbeddingSpec, OnEmpty

DIM = 4
BASE = DeterministicProvider(dimension=DIM)


@dataclass(eq=False)
class Recorder:
    """A provider that records its calls (unhashable: grouped by identity)."""

    name: str = "recorder"
    dimension: int = DIM
    batch_size: int | None = None
    calls: list[list[str]] = field(default_factory=list)
    result: Any = None  # returned instead of real vectors when set
    error: Exception | None = None

    def embed(self, texts: Sequence[str]) -> Any:
        self.calls.append(list(texts))
        if self.error is not None:
            raise self.error
        return BASE.embed(texts) if self.result is None else self.result


def attribute(
    key: str = "vec",
    *,
    provider: EmbeddingProvider | str = BASE,
    source: Any = "body",
    on_empty: OnEmpty = "null",
    batch_size: int | None = None,
    dim: int = DIM,
    others: tuple[str, ...] = ("id", "title", "body"),
) -> EmbeddingAttribute:
    spec = EmbeddingSpec(
        source=as_source(source), provider=provider, dim=dim, on_empty=on_empty,
        batch_size=batch_size,
    )  # fmt: skip
    return EmbeddingAttribute(key, spec, f"Doc.{key}", others)


def resolve(spec: EmbeddingSpec) -> EmbeddingProvider:
    return spec.resolve()


class Base(DeclarativeBase):
    pass


class Doc(Base):
    __tablename__ = "doc"
    id: Mapped[int] = column(primary_key=True)
    title: Mapped[str | None] = column(String)
    body: Mapped[str | None] = column(String)
    vec: Mapped[list[float] | None] = Embedding(source="body", provider=BASE)
    title_vec: Mapped[list[float] | None] = Embedding(
        source=lambda d: d.title.upper() if d.title else None,
        provider=BASE,
        watch=("title",),
        index=None,
    )


def persistent(session: Session, **values: Any) -> Doc:
    """A Doc in *session* as if loaded (persistent, no SQL, no pending changes)."""
    doc = Doc(**values)
    make_transient_to_detached(doc)
    session.add(doc)
    return doc


# ---------------------------------------------------------------- attributes


def test_embedding_attributes_of_a_mapper_are_cached() -> None:
    attrs = embedding_attributes(inspect(Doc))
    assert [(a.key, a.label) for a in attrs] == [("vec", "Doc.vec"), ("title_vec", "Doc.title_vec")]
    assert attrs[0].others == ("id", "title", "body")
    assert attrs[0].watch == ("body",)  # the source's own attributes
    assert attrs[1].watch == ("title",)  # the callable's watch=
    assert embedding_attributes(inspect(Doc)) is attrs


def test_a_callable_without_watch_watches_every_other_column() -> None:
    attr = attribute(source=lambda d: d.body)
    assert attr.watch == ("id", "title", "body")


def test_source_text_wraps_a_failing_source() -> None:
    attr = attribute(source=lambda d: d.missing)
    with pytest.raises(EmbeddingError, match=r"Doc\.vec: building the source text failed"):
        source_text(attr, object())
    assert source_text(attribute(source="{title}: {body}"), Doc(title="a", body=None)) == "a: "


# ---------------------------------------------------------------------- plan


@pytest.mark.parametrize(
    ("on_empty", "jobs", "nulls"), [("null", 0, 1), ("keep", 0, 0), ("error", None, None)]
)
def test_empty_text_follows_the_column_policy(
    on_empty: OnEmpty, jobs: int | None, nulls: int | None
) -> None:
    plan, attr = Plan(), attribute(on_empty=on_empty)
    if jobs is None:
        with pytest.raises(EmbeddingError, match=r"Doc\.vec: the source text is empty"):
            plan.add_text({}, attr, "  \n")
        return
    plan.add_text({}, attr, "  \n")
    assert (len(plan.jobs), len(plan.nulls), bool(plan)) == (jobs, nulls, bool(nulls))
    plan.add_text({}, attr, "text")
    assert [j.text for j in plan.jobs] == ["text"] and bool(plan)


def test_apply_assigns_lists_to_objects_and_dicts_and_nulls() -> None:
    attr = attribute()
    row: dict[str, Any] = {}
    doc, empty, unset = Doc(vec=[9.0] * DIM), Doc(vec=[1.0] * DIM), Doc()
    plan = Plan(jobs=[Job(row, attr, "a"), Job(doc, attr, "b")], nulls=[(empty, attr)])
    plan.nulls.append((unset, attr))
    plan.apply([np.ones(DIM, np.float32), np.zeros(DIM, np.float32)])
    assert row == {"vec": [1.0] * DIM} and doc.vec == [0.0] * DIM
    assert isinstance(doc.vec[0], float)  # a list of Python floats, not numpy
    assert empty.vec is None
    assert "vec" not in inspect(unset).dict  # None over None is no change
    with pytest.raises(ValueError):  # one vector per job, or nothing
        Plan(jobs=[Job({}, attr, "a")]).apply([])


def test_plan_objects_new_objects_without_a_vector() -> None:
    given = [0.5] * DIM
    new = [Doc(body="kettle", title="red"), Doc(body="lamp", vec=given), Doc(body="", title=None)]
    plan = plan_objects(new, [])
    texts = [(new.index(j.target), j.attr.key, j.text) for j in plan.jobs]
    assert texts == [(0, "vec", "kettle"), (0, "title_vec", "RED")]  # new[1].vec is kept
    nulls = [(new.index(t), a.key) for t, a in plan.nulls]
    assert nulls == [(1, "title_vec"), (2, "vec"), (2, "title_vec")]


def test_plan_objects_dirty_objects_whose_sources_changed() -> None:
    session = Session()
    changed = persistent(session, id=1, title="a", body="old")
    changed.body = "new"
    retitled = persistent(session, id=2, title="a", body="same")
    retitled.title = "b"
    by_hand = persistent(session, id=3, title="a", body="old")
    by_hand.body, by_hand.vec = "new", [1.0] * DIM
    other = persistent(session, id=4, title="a", body="same")
    pending = Doc(id=5, body="x")
    plan = plan_objects([], [changed, retitled, by_hand, other, pending])
    got = [(j.target.id, j.attr.key, j.text) for j in plan.jobs]
    assert got == [(1, "vec", "new"), (2, "title_vec", "B")]
    assert plan.nulls == []


# ------------------------------------------------------------------- compute


def test_compute_embeds_each_distinct_text_once_per_provider() -> None:
    first, second = Recorder(name="first"), Recorder(name="second")
    a, b = attribute("vec", provider=first), attribute("title_vec", provider=second)
    jobs = [Job({}, a, "x"), Job({}, b, "x"), Job({}, a, "y"), Job({}, a, "x")]
    vectors = compute(jobs, resolve=resolve)
    assert first.calls == [["x", "y"]] and second.calls == [["x"]]
    expected = BASE.embed(["x", "x", "y", "x"])
    assert len(vectors) == 4 and np.array_equal(np.stack(vectors), expected)


def test_compute_shares_a_call_between_columns_of_one_hashable_provider() -> None:
    calls: list[list[str]] = []

    @dataclass(frozen=True)
    class Frozen:
        name: str = "frozen"
        dimension: int = DIM

        def embed(self, texts: Sequence[str]) -> Any:
            calls.append(list(texts))
            return BASE.embed(texts)

    a, b = attribute("vec", provider=Frozen()), attribute("title_vec", provider=Frozen())
    compute([Job({}, a, "x"), Job({}, b, "y")], resolve=resolve)
    assert calls == [["x", "y"]]  # equal providers (and dimensions) are one group


@pytest.mark.parametrize(
    ("spec_sizes", "provider_size", "calls"),
    [
        ((None, None), None, [5]),
        ((None, None), 2, [2, 2, 1]),
        ((3, None), 2, [3, 2]),  # a column's batch_size wins over the provider's
        ((4, 2), None, [2, 2, 1]),  # the smallest of the columns'
    ],
)
def test_compute_batches(
    spec_sizes: tuple[int | None, int | None], provider_size: int | None, calls: list[int]
) -> None:
    provider = Recorder(batch_size=provider_size)
    a = attribute("vec", provider=provider, batch_size=spec_sizes[0])
    b = attribute("title_vec", provider=provider, batch_size=spec_sizes[1])
    jobs = [Job({}, a if i % 2 else b, f"t{i}") for i in range(5)]
    vectors = compute(jobs, resolve=resolve)
    assert [len(c) for c in provider.calls] == calls
    assert np.array_equal(np.stack(vectors), BASE.embed([f"t{i}" for i in range(5)]))


def test_compute_turns_provider_failures_into_typed_errors() -> None:
    provider = Recorder(error=RuntimeError("model server down"))
    jobs = [Job({}, attribute(provider=provider), "x")]
    with pytest.raises(ProviderError, match=r"'recorder' for Doc\.vec failed .*model server down"):
        compute(jobs, resolve=resolve)
    provider.error, provider.result = None, "not numbers"
    with pytest.raises(ProviderError, match="returned no array of numbers"):
        compute(jobs, resolve=resolve)
    provider.result = np.zeros((1, DIM + 1))
    with pytest.raises(ProviderError, match=r"expected shape \(1, 4\) but got \(1, 5\)"):
        compute(jobs, resolve=resolve)


def test_compute_names_the_text_whose_vector_is_not_finite() -> None:
    bad = BASE.embed(["fine", "broken"])
    bad[1, 2] = np.inf
    provider = Recorder(result=bad)
    jobs = [
        Job({}, attribute(provider=provider), "fine"),
        Job({}, attribute("title_vec", provider=provider), "broken"),
    ]
    with pytest.raises(ProviderError, match=r"for Doc\.title_vec \(text 'broken'\)"):
        compute(jobs, resolve=resolve)


def test_compute_of_nothing() -> None:
    assert compute([], resolve=resolve) == []


# --------------------------------------------------------------- params_plan


def test_params_plan_for_bulk_inserts() -> None:
    text_attr = attribute("vec", source="{title}: {body}")
    callable_attr = attribute("title_vec", source=lambda d: d.title)
    rows: list[dict[str, Any]] = [
        {"title": "a", "body": "b"},
        {"title": "c"},  # missing keys read as None on INSERT
        {"title": "d", "body": "e", "vec": [0.0] * DIM},  # given: left alone
    ]
    plan, stale = params_plan([text_attr, callable_attr], rows, insert=True)
    assert [(rows.index(j.target), j.text) for j in plan.jobs] == [(0, "a: b"), (1, "c: ")]
    assert [(rows.index(t), a.key) for t, a in plan.nulls] == [
        (0, "title_vec"),
        (1, "title_vec"),
        (2, "title_vec"),
    ]
    assert stale == ["Doc.title_vec"] * 3  # a callable needs the object


def test_params_plan_for_bulk_updates() -> None:
    attr = attribute("vec", source=("title", "body"))
    rows: list[dict[str, Any]] = [
        {"id": 1, "title": "a", "body": "b"},  # every source given: embedded
        {"id": 2, "title": "a"},  # a partial update: NULL, reported stale
        {"id": 3},  # sources untouched: nothing to do
    ]
    plan, stale = params_plan([attr], rows, insert=False)
    assert [(j.target["id"], j.text) for j in plan.jobs] == [(1, "a\nb")]
    assert [t["id"] for t, _ in plan.nulls] == [2] and stale == ["Doc.vec"]
