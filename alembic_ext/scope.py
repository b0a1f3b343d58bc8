"""Whether the plugin acts in one autogenerate run: PostgreSQL, and an extension in use.

The plugin is loaded by every Alembic project of the environment.  It acts only
on PostgreSQL, and only when the database has ``vector`` or ``age`` or the
models need one of them; otherwise each of its comparators returns at once and
the run is exactly what Alembic makes without the package.  `prepare()` decides
once per run (one catalog query); the comparators read the decision.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from .declared import metadatas, needed_extensions
from .inspect import extensions

if TYPE_CHECKING:
    from alembic.autogenerate.api import AutogenContext

__all__ = ["MANAGED", "active", "decide"]

#: The extensions this package manages, in creation order.
MANAGED = ("vector", "age")

# one entry per live autogenerate run (weak: the run's context owns it)
_ACTIVE: WeakKeyDictionary[AutogenContext, bool] = WeakKeyDictionary()


def decide(autogen_context: AutogenContext) -> bool:
    """Decide (and remember) whether the plugin acts in this run.

    :param autogen_context: the run's context.
    """
    ok = False
    if autogen_context.dialect is not None and autogen_context.dialect.name == "postgresql":
        conn = autogen_context.connection
        present = set() if conn is None else extensions(conn)
        needed = needed_extensions(metadatas(autogen_context.metadata))
        ok = bool((present | set(needed)) & set(MANAGED))
    _ACTIVE[autogen_context] = ok
    return ok


def active(autogen_context: AutogenContext) -> bool:
    """Whether the plugin acts in this run (`decide()` ran first, else it decides now).

    :param autogen_context: the run's context.
    """
    found = _ACTIVE.get(autogen_context)
    return decide(autogen_context) if found is None else found
