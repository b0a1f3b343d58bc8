"""Shared by the examples: a database of their own, the data sets, the provider, timings."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from sqlalchemy_tridb.embedding import (
    DEFAULT_MODEL,
    DeterministicProvider,
    SentenceTransformerProvider,
    providers,
)
from sqlalchemy_tridb.embedding.sentence_transformers import load_count
from sqlalchemy_tridb.server import temporary_database

DATA = Path(__file__).resolve().parent / "data"


@contextmanager
def example_database(name: str) -> Iterator[Engine]:
    """Create database *name* (with vector and age), yield an engine on it, drop it after.

    Set ``TRIDB_KEEP_EXAMPLE_DB=1`` to keep it for a look around, and
    ``TRIDB_EXAMPLE_DB_SUFFIX`` to keep runs side by side apart (the tests do).
    """
    name += os.environ.get("TRIDB_EXAMPLE_DB_SUFFIX", "")
    keep = bool(os.environ.get("TRIDB_KEEP_EXAMPLE_DB"))
    with temporary_database(name, keep=keep) as engine:
        yield engine


def load_data(name: str) -> dict[str, Any]:
    """The data set ``examples/data/<name>.json``."""
    with (DATA / f"{name}.json").open(encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


def parse_args(argv: Sequence[str] | None, description: str) -> argparse.Namespace:
    """``--provider minilm|deterministic`` (default: ``$TRIDB_EXAMPLE_PROVIDER`` or minilm)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--provider",
        choices=["minilm", "deterministic"],
        default=os.environ.get("TRIDB_EXAMPLE_PROVIDER", "minilm"),
        help="the real all-MiniLM-L6-v2 model, or fast hashed n-grams (not semantic)",
    )
    return parser.parse_args(argv)


def use_provider(name: str) -> None:
    """Make the name the models declare (all-MiniLM-L6-v2) embed with *name*'s provider.

    Registered names win over built-in ones, so ``deterministic`` swaps the
    real model for hashed n-grams without touching the model classes.
    """
    if name == "deterministic":
        fake = DeterministicProvider(dimension=384)
        providers.register(fake, name=DEFAULT_MODEL, replace=True)
    else:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model ships in a package
        providers.register(SentenceTransformerProvider(), name=DEFAULT_MODEL, replace=True)


class Stages:
    """Timings of an example's stages, printed as they finish."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.timings: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time the block as *name*; print ``[name: 1.23 s]`` after it."""
        started = time.perf_counter()
        yield
        elapsed = time.perf_counter() - started
        self.timings[name] = self.timings.get(name, 0.0) + elapsed
        print(f"   [{name}: {elapsed:.2f} s]")

    def summary(self) -> None:
        """One line: every stage and the total."""
        parts = ", ".join(f"{k} {v:.2f} s" for k, v in self.timings.items())
        print(f"\n{self.title} timings: {parts}; total {sum(self.timings.values()):.2f} s")


def load_model(stages: Stages) -> None:
    """Load the embedding model now (once per process), with progress, so later stages are fast."""
    provider = providers.get(DEFAULT_MODEL)
    if not isinstance(provider, SentenceTransformerProvider):
        print(f"embedding with {type(provider).__name__} (fast, not semantic)")
    elif load_count() == 0:
        print(f"loading the {DEFAULT_MODEL} model ...", flush=True)
    else:
        print(f"the {DEFAULT_MODEL} model is loaded already")
    with stages.stage("model load"):
        provider.embed(["warm up"])


@contextmanager
def progress(label: str, total: int) -> Iterator[Any]:
    """Report progress of a load: call the yielded function with the rows done so far."""
    tty = sys.stdout.isatty()
    width = len(str(total))

    def step(done: int) -> None:
        if tty:
            print(f"\r   {label}: {done:>{width}}/{total}", end="", flush=True)

    step(0)
    yield step
    if tty:
        print("\r", end="")
    print(f"   {label}: {total}/{total}", flush=True)


def batches(rows: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    """*rows* in slices of *size*."""
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
