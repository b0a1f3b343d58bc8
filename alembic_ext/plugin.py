"""The Alembic plugin: ``setup(plugin)`` registers the comparators, per level.

Published under the ``alembic.plugins`` entry point as ``tridb``; enable it in
``env.py`` next to Alembic's own comparators:

    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        autogenerate_plugins=["alembic.autogenerate.*", "tridb"],
    )

Without the entry point (an older install, a vendored copy), call
`register()` in ``env.py`` first.  `configure_options()` returns the
``configure()`` keywords that work either way.

Levels used:

``autogenerate`` (first, PostgreSQL only)
    decides whether the plugin acts in this run (`alembic_ext.scope`: an
    extension in the database or needed by the models); if it does, hides
    AGE's schemas and tables and renders pgvector types with their import, in
    front of the user's hooks.  Every comparator below returns at once when
    the plugin does not act;
``schema`` (last, after Alembic's tables)
    graphs and labels, then sync triggers, then extensions -- each placing its
    operations where dependencies need them;
``table`` (last)
    vector index changes, vector dimension changes and embedding backfills.

Alembic imports this module (through the entry point) while it is itself being
imported, so it imports nothing from Alembic at module level: ``setup()``
registers the operations and the comparators import their modules when called.
Those function-level imports are deliberate (the entry point is loaded by every
Alembic project, tridb's or not); nothing else in alembic_ext imports lazily.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.metadata
import sys
from typing import TYPE_CHECKING, Any

from .filters import include_name, include_object
from .inspect import graph_schemas, partitions
from .render import chain_render_item

if TYPE_CHECKING:
    from alembic.autogenerate.api import AutogenContext
    from alembic.operations.ops import ModifyTableOps, UpgradeOps
    from alembic.runtime.plugins import Plugin
    from alembic.util import PriorityDispatchResult
    from sqlalchemy import Table

__all__ = ["PLUGIN_NAME", "configure_options", "register", "setup"]

#: The plugin's name in ``autogenerate_plugins`` (and of its entry point).
PLUGIN_NAME = "tridb"


def prepare(autogen_context: AutogenContext, upgrade_ops: UpgradeOps) -> PriorityDispatchResult:
    """Autogenerate-level: decide whether the plugin acts; if so, install its filters.

    It acts on PostgreSQL only, and only when the database has ``vector`` or
    ``age`` or the models need one (`alembic_ext.scope`); otherwise the run is
    left exactly as Alembic makes it.  Its filters go *in front of* the user's
    ``include_name`` / ``include_object``, so those never see AGE's internals;
    pgvector's type renderer goes in front of the user's ``render_item``.

    :param autogen_context: the run's context.
    :param upgrade_ops: the upgrade's operations (untouched).
    """
    # lazy, as every import in this module's functions: see the module's docstring
    from alembic.util import PriorityDispatchResult

    from .scope import decide

    if not decide(autogen_context):
        return PriorityDispatchResult.CONTINUE
    import pgvector.sqlalchemy  # noqa: F401  (vector columns reflect as their real types)

    from . import operations  # noqa: F401  (renderers)
    from ._compat import add_filters

    conn = autogen_context.connection
    schemas = frozenset() if conn is None else graph_schemas(conn)
    parts = frozenset() if conn is None else partitions(conn)
    add_filters(
        autogen_context,
        name_filter=functools.partial(include_name, graph_schemas=schemas),
        object_filter=functools.partial(include_object, graph_schemas=schemas, partitions=parts),
    )
    opts = autogen_context.opts
    opts["render_item"] = chain_render_item(opts.get("render_item"))
    return PriorityDispatchResult.CONTINUE


def compare_graphs(
    autogen_context: AutogenContext, upgrade_ops: UpgradeOps, schemas: set[str | None]
) -> PriorityDispatchResult:
    """Schema level: graphs and labels (`alembic_ext.compare.graphs`).

    :param autogen_context: the run's context.
    :param upgrade_ops: the upgrade's operations.
    :param schemas: the schemas compared (``None``: the default one).
    """
    from alembic.util import PriorityDispatchResult

    from .compare.graphs import compare_graphs as compare
    from .scope import active

    if not active(autogen_context):
        return PriorityDispatchResult.CONTINUE
    return compare(autogen_context, upgrade_ops, schemas)


def compare_syncs(
    autogen_context: AutogenContext, upgrade_ops: UpgradeOps, schemas: set[str | None]
) -> PriorityDispatchResult:
    """Schema level: sync triggers (`alembic_ext.compare.sync`).

    :param autogen_context: the run's context.
    :param upgrade_ops: the upgrade's operations.
    :param schemas: the schemas compared (``None``: the default one).
    """
    from alembic.util import PriorityDispatchResult

    from .compare.sync import compare_syncs as compare
    from .scope import active

    if not active(autogen_context):
        return PriorityDispatchResult.CONTINUE
    return compare(autogen_context, upgrade_ops, schemas)


def compare_extensions(
    autogen_context: AutogenContext, upgrade_ops: UpgradeOps, schemas: set[str | None]
) -> PriorityDispatchResult:
    """Schema level: extensions (`alembic_ext.compare.extensions`).

    :param autogen_context: the run's context.
    :param upgrade_ops: the upgrade's operations.
    :param schemas: the schemas compared (``None``: the default one).
    """
    from alembic.util import PriorityDispatchResult

    from .compare.extensions import compare_extensions as compare
    from .scope import active

    if not active(autogen_context):
        return PriorityDispatchResult.CONTINUE
    return compare(autogen_context, upgrade_ops, schemas)


def compare_outbox(
    autogen_context: AutogenContext, upgrade_ops: UpgradeOps, schemas: set[str | None]
) -> PriorityDispatchResult:
    """Schema level: the embedding outbox (`alembic_ext.compare.outbox`).

    :param autogen_context: the run's context.
    :param upgrade_ops: the upgrade's operations.
    :param schemas: the schemas compared (``None``: the default one).
    """
    from alembic.util import PriorityDispatchResult

    from .compare.outbox import compare_outbox as compare
    from .scope import active

    if not active(autogen_context):
        return PriorityDispatchResult.CONTINUE
    return compare(autogen_context, upgrade_ops, schemas)


def compare_vector_table(
    autogen_context: AutogenContext,
    modify_ops: ModifyTableOps,
    schema: str | None,
    tname: str,
    conn_table: Table | None,
    metadata_table: Table | None,
) -> PriorityDispatchResult:
    """Table level: vector indexes and columns (`alembic_ext.compare.vector`).

    :param autogen_context: the run's context.
    :param modify_ops: the table's operations.
    :param schema: the table's schema (``None``: the default one).
    :param tname: the table's name.
    :param conn_table: the table as reflected (``None``: a new table).
    :param metadata_table: the table in the models (``None``: a dropped table).
    """
    from alembic.util import PriorityDispatchResult

    from .compare.vector import compare_vector_table as compare
    from .scope import active

    if not active(autogen_context):
        return PriorityDispatchResult.CONTINUE
    return compare(autogen_context, modify_ops, schema, tname, conn_table, metadata_table)


def setup(plugin: Plugin) -> None:
    """Register the operations and the comparators (Alembic calls this for the entry point).

    :param plugin: the ``alembic.runtime.plugins.Plugin`` to register them with.
    """
    from alembic.util import DispatchPriority

    from . import operations  # noqa: F401  (op.create_graph & co., for the migration files)

    plugin.add_autogenerate_comparator(
        prepare, "autogenerate", qualifier="postgresql", priority=DispatchPriority.FIRST
    )
    for fn, element in (
        (compare_graphs, "graphs"),
        (compare_syncs, "graph_syncs"),
        (compare_extensions, "extensions"),
        (compare_outbox, "embedding_outbox"),
    ):
        plugin.add_autogenerate_comparator(
            fn, "schema", element, qualifier="postgresql", priority=DispatchPriority.LAST
        )
    plugin.add_autogenerate_comparator(
        compare_vector_table,
        "table",
        "vector_indexes",
        qualifier="postgresql",
        priority=DispatchPriority.LAST,
    )


def _entry_point_installed(name: str) -> bool:
    """Whether this module is published as Alembic plugin *name* (Alembic set it up at import)."""
    return any(
        ep.value == __name__
        for ep in importlib.metadata.entry_points(group="alembic.plugins", name=name)
    )


def register(name: str = PLUGIN_NAME) -> None:
    """Register the plugin by hand (the entry point does it when installed); idempotent.

    With the entry point installed (the package is), Alembic registered the
    plugin when it was imported, and this does nothing: in particular it does
    not make Alembic log ``setup plugin tridb`` again.

    :param name: the plugin's name in ``autogenerate_plugins``.
    """
    from . import operations  # noqa: F401

    if name == PLUGIN_NAME and _entry_point_installed(name):
        return
    from alembic.runtime.plugins import Plugin

    # ValueError: already registered (by an earlier call)
    with contextlib.suppress(ValueError):
        Plugin.setup_plugin_from_module(sys.modules[__name__], name)


def configure_options(**user: Any) -> dict[str, Any]:
    """``context.configure()`` keywords enabling the plugin, merged with the user's.

    Registers the plugin if needed and adds ``"tridb"`` to
    ``autogenerate_plugins``.  Everything else (AGE's internals hidden in front
    of the user's ``include_name`` / ``include_object``, pgvector's types
    rendered in front of the user's ``render_item``) the plugin does itself, in
    each autogenerate run where it acts (`prepare()`): on PostgreSQL, with an
    extension in use.  The user's keywords are returned unchanged otherwise.

    :param user: the user's ``context.configure()`` keywords.
    """
    register()
    opts = dict(user)
    plugins = list(opts.get("autogenerate_plugins") or ["alembic.autogenerate.*"])
    if PLUGIN_NAME not in plugins:
        plugins.append(PLUGIN_NAME)
    opts["autogenerate_plugins"] = plugins
    return opts
