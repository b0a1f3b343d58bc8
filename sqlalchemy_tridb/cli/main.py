"""``tridb``: the local server, databases with both extensions, embedding backfill, graph grants.

Every subcommand calls a public library function; errors map to exit codes:
0 success, 1 a `TriDBError`, 2 bad usage, 3 ``status``
of a server that is not running.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from sqlalchemy import Engine, create_engine, make_url
from sqlalchemy.orm import Session

from ..exc import ConfigurationError, TriDBError
from ..graph import grant_graph_read, revoke_graph_read
from ..server import (
    create_database,
    drop_database,
    resolve_database_url,
)
from ..vector import backfill
from .doctor import add_doctor_command
from .graph import add_graph_commands
from .models import prepend_sys_path
from .server import add_server_command
from .tune import add_tune_command
from .worker import add_worker_command


def _engine(url: str, **kwargs: object) -> Engine:
    """An engine on *url*, with psycopg 3 where the URL names no driver."""
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed, **kwargs)


def _import_attribute(path: str) -> object:
    """``package.module:Class.attribute`` -> the object."""
    prepend_sys_path()  # the project's folder, as alembic's prepend_sys_path = .
    module_name, _, attr_path = path.partition(":")
    if not module_name or not attr_path:
        raise ConfigurationError(f"{path!r}: write it as package.module:Class.attribute")
    try:
        obj: object = importlib.import_module(module_name)
    except ImportError as err:
        raise ConfigurationError(f"cannot import {module_name!r}: {err}") from err
    for part in attr_path.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError as err:
            raise ConfigurationError(f"{path!r}: {module_name} has no {attr_path!r}") from err
    return obj


def _backfill(args: argparse.Namespace) -> int:
    attribute = _import_attribute(args.attribute)
    engine = _engine(resolve_database_url(args.url), plugins=["tridb"])
    try:
        with Session(engine) as session:
            fixed = backfill(session, attribute, batch_size=args.batch_size)
            session.commit()
    finally:
        engine.dispose()
    print(f"{fixed} vector(s) computed for {args.attribute}")
    return 0


def _db(args: argparse.Namespace) -> int:
    server = resolve_database_url(args.url)
    if args.action == "create":
        print(create_database(server, args.name, replace=args.replace))
    else:
        drop_database(server, args.name)
        print(f"dropped {args.name}")
    return 0


def _grant(args: argparse.Namespace) -> int:
    engine = _engine(resolve_database_url(args.url))
    try:
        with engine.begin() as conn:
            change = revoke_graph_read if args.action == "revoke-read" else grant_graph_read
            change(conn, args.role, args.graph)
    finally:
        engine.dispose()
    verb = "may no longer read" if args.action == "revoke-read" else "may read"
    print(f"{args.role} {verb} {', '.join(args.graph)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``tridb``."""
    parser = argparse.ArgumentParser(prog="tridb", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    add_server_command(sub)  # start, stop, status, url; --replica

    db = sub.add_parser("db", help="create or drop a database with vector and age")
    db.add_argument("action", choices=["create", "drop"])
    db.add_argument("name")
    db.add_argument("--url", help="server URL (default TRIDB_DATABASE_URL or the local server)")
    db.add_argument("--replace", action="store_true", help="drop an existing one first")
    db.set_defaults(func=_db)

    fill = sub.add_parser("backfill", help="compute the embeddings that statements left NULL")
    fill.add_argument("attribute", help="the embedding attribute, as package.module:Class.attr")
    fill.add_argument("--url", help="database URL (default TRIDB_DATABASE_URL or the local server)")
    fill.add_argument("--batch-size", type=int, default=256)
    fill.set_defaults(func=_backfill)

    add_graph_commands(sub, _grant)  # grant-read, revoke-read, sync, check, repair
    add_doctor_command(sub)
    add_worker_command(sub)
    add_tune_command(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``tridb`` command; returns the exit code.

    :param argv: the command's arguments without the program name (default
        ``sys.argv[1:]``).
    """
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except TriDBError as err:
        print(f"tridb: error: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
