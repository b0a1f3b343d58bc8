"""The ``alembic`` command with sqlalchemy-tridb's entry points hidden (as if not installed).

python -m tridb_alembic_cases.hidden -c alembic.ini revision --autogenerate
"""

from __future__ import annotations

import importlib.metadata
import sys
from collections.abc import Iterator
from typing import Any

_original = importlib.metadata.distributions


def _distributions(**kw: Any) -> Iterator[importlib.metadata.Distribution]:
    # entry_points() reads them: sqlalchemy-tridb's are gone with its distribution
    return (d for d in _original(**kw) if d.metadata["Name"] != "sqlalchemy-tridb")


if __name__ == "__main__":
    importlib.metadata.distributions = _distributions  # type: ignore[assignment]
    from alembic.config import main

    main(argv=sys.argv[1:], prog="alembic")
    assert "alembic_ext" not in sys.modules, "the package was loaded"
