"""The ``alembic`` command with sqlalchemy-tridb's entry points hidden (as if not installed).

python -m tridb_alembic_cases.hidden -c alembic.ini revision --autogenerate
"""

from __future__ import annotations

import importlib.metadata
import sys
from typing import Any

_original = importlib.metadata.entry_points


def _entry_points(**params: Any) -> importlib.metadata.EntryPoints:
    found = _original(**params)
    return importlib.metadata.EntryPoints(
        [ep for ep in found if getattr(ep.dist, "name", None) != "sqlalchemy-tridb"]
    )


if __name__ == "__main__":
    importlib.metadata.entry_points = _entry_points  # type: ignore[assignment]
    from alembic.config import main

    main(argv=sys.argv[1:], prog="alembic")
    assert "alembic_ext" not in sys.modules, "the package was loaded"
