"""Who may read the graph: grants for roles that traverse or run Cypher.

The least-privilege model:

* the **owner** (the role that runs ``create_all`` or the migrations) owns the
  graph's schema, its label tables and the sync functions;
* the sync functions run as that owner (``SECURITY DEFINER`` with a fixed
  ``search_path``), so an **application role** needs DML on its own tables
  only: its writes reach the graph, and it is refused on the graph's tables;
* a role that **reads** the graph (traversal, Cypher ``MATCH``, recommendations)
  gets `GrantGraphRead`: ``USAGE`` on ``ag_catalog`` and on the graph's
  schema, ``SELECT`` on its label tables, and the same for labels the owner
  creates later (default privileges), so re-running ``create_all`` or a
  migration keeps it.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection

from ..sql import quote_ident, validate_graph_name, validate_label
from ..sql.ddl import TextDDL


def _role(name: str) -> str:
    return quote_ident(validate_label(name, what="role name"))


class GrantGraphRead(TextDDL):
    """Let *role* read graph *graph*: traversal and Cypher reads, never writes.

    :param graph: the graph's name.
    :param role: an existing role (a plain identifier).
    """

    def __init__(self, graph: str, role: str) -> None:
        self.graph = validate_graph_name(graph)
        self.role = role
        _role(role)

    def sql(self) -> str:
        """The statement's text."""
        g, r = quote_ident(self.graph), _role(self.role)
        return (
            "DO $tridb$\nBEGIN\n"
            f"    GRANT USAGE ON SCHEMA ag_catalog TO {r};\n"
            f"    GRANT USAGE ON SCHEMA {g} TO {r};\n"
            f"    GRANT SELECT ON ALL TABLES IN SCHEMA {g} TO {r};\n"
            f"    ALTER DEFAULT PRIVILEGES IN SCHEMA {g} GRANT SELECT ON TABLES TO {r};\n"
            "END\n$tridb$"
        )


class RevokeGraphRead(GrantGraphRead):
    """Undo `GrantGraphRead` (``USAGE`` on ``ag_catalog`` stays: others may need it)."""

    def sql(self) -> str:
        """The statement's text."""
        g, r = quote_ident(self.graph), _role(self.role)
        return (
            "DO $tridb$\nBEGIN\n"
            f"    ALTER DEFAULT PRIVILEGES IN SCHEMA {g} REVOKE SELECT ON TABLES FROM {r};\n"
            f"    REVOKE SELECT ON ALL TABLES IN SCHEMA {g} FROM {r};\n"
            f"    REVOKE USAGE ON SCHEMA {g} FROM {r};\n"
            "END\n$tridb$"
        )


def grant_graph_read(connection: Connection, role: str, graphs: str | Sequence[str]) -> None:
    """Let *role* read *graphs* (run as the graphs' owner, in *connection*'s transaction).

    :param connection: a connection of the role that owns the graphs.
    :param role: the role to grant to.
    :param graphs: one graph name or several.
    """
    _each(connection, GrantGraphRead, role, graphs)


def revoke_graph_read(connection: Connection, role: str, graphs: str | Sequence[str]) -> None:
    """Undo `grant_graph_read()`.

    :param connection: a connection of the role that owns the graphs.
    :param role: the role to revoke from.
    :param graphs: one graph name or several.
    """
    _each(connection, RevokeGraphRead, role, graphs)


def _each(
    connection: Connection, ddl: type[GrantGraphRead], role: str, graphs: str | Sequence[str]
) -> None:
    for graph in [graphs] if isinstance(graphs, str) else graphs:
        connection.execute(ddl(graph, role))
