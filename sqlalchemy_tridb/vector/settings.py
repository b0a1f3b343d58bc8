"""Per-query pgvector settings: `SearchSettings` and `apply_search_settings()`.

`SearchSettings` become ``SET LOCAL`` (``set_config(..., true)``) in the
query's transaction: by the session hook of
`install_embedding_sync()` when the statement
carries them (under `SEARCH_OPTION`), or by `apply_search_settings()`
directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import Connection, bindparam, text
from sqlalchemy.orm import Session

from ..exc import ConfigurationError

__all__ = ["SEARCH_OPTION", "IterativeScan", "SearchSettings", "apply_search_settings"]

#: The execution option that carries :class:`SearchSettings` on a statement.
SEARCH_OPTION = "tridb_vector_search"

#: pgvector's ``iterative_scan`` modes.
IterativeScan = Literal["off", "strict_order", "relaxed_order"]


@dataclass(frozen=True)
class SearchSettings:
    """pgvector query settings, applied with ``SET LOCAL``.

    ``iterative_scan`` (pgvector 0.8) keeps scanning the index until enough rows
    pass the query's filters; IVFFlat only knows ``relaxed_order``, so any
    value other than ``off`` turns it on there.
    """

    ef_search: int | None = None
    probes: int | None = None
    iterative_scan: IterativeScan | None = None
    max_scan_tuples: int | None = None
    max_probes: int | None = None

    def gucs(self) -> dict[str, str]:
        """The settings as PostgreSQL configuration parameters."""
        out: dict[str, str] = {}
        for name, value in (
            ("hnsw.ef_search", self.ef_search),
            ("ivfflat.probes", self.probes),
            ("hnsw.max_scan_tuples", self.max_scan_tuples),
            ("ivfflat.max_probes", self.max_probes),
        ):
            if value is not None:
                if not isinstance(value, int) or value < 1:
                    raise ConfigurationError(f"{name} must be a positive integer, got {value!r}")
                out[name] = str(value)
        if self.iterative_scan is not None:
            if self.iterative_scan not in ("off", "strict_order", "relaxed_order"):
                raise ConfigurationError(
                    f"iterative_scan={self.iterative_scan!r}: "
                    "use off, strict_order or relaxed_order"
                )
            out["hnsw.iterative_scan"] = self.iterative_scan
            out["ivfflat.iterative_scan"] = (
                "off" if self.iterative_scan == "off" else "relaxed_order"
            )
        return out


def apply_search_settings(bind: Session | Connection, settings: SearchSettings) -> None:
    """``SET LOCAL`` *settings* in *bind*'s current transaction (one statement).

    :param bind: the session or connection whose transaction gets the settings.
    :param settings: the settings; nothing is executed when none is set.
    """
    gucs = settings.gucs()
    if not gucs:
        return
    calls = ", ".join(f"set_config(:n{i}, :v{i}, true)" for i in range(len(gucs)))
    params: dict[str, str] = {}
    for i, (name, value) in enumerate(gucs.items()):
        params[f"n{i}"], params[f"v{i}"] = name, value
    stmt = text(f"SELECT {calls}").bindparams(*(bindparam(k) for k in params))
    bind.execute(stmt, params)
