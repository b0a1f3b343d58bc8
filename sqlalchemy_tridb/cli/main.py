"""``tridb``: manage the local server.

Every subcommand calls a public library function; errors map to exit codes:
0 success, 1 a :class:`~sqlalchemy_tridb.exc.TriDBError`, 2 bad usage, 3 ``status``
of a server that is not running.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ..exc import TriDBError


def _server(args: argparse.Namespace) -> int:
    from ..server import LocalServer, ServerConfig

    config = ServerConfig.from_env(
        home=Path(args.home) if args.home else None,
        port=args.port,
        suite=args.suite,
        pg_major=args.pg_major,
    )
    server = LocalServer(config)
    if args.action == "start":
        if not server.status().initialised:
            print(
                "making the local server (the first time builds a Debian root "
                "filesystem: about a minute)...",
                file=sys.stderr,
            )
        status = server.start()
        print(f"running ({status.backend}) on 127.0.0.1:{status.port}; data in {status.home}")
        return 0
    if args.action == "stop":
        print("stopped" if server.stop() else "not running")
        return 0
    if args.action == "status":
        status = server.status()
        if status.running:
            print(f"running ({status.backend}) on 127.0.0.1:{status.port}; data in {status.home}")
            return 0
        print("not running" + ("" if status.initialised else " (never started here)"))
        return 3
    print(server.url())
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``tridb``."""
    parser = argparse.ArgumentParser(prog="tridb", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    server = sub.add_parser("server", help="the local PostgreSQL + pgvector + AGE server")
    server.add_argument("action", choices=["start", "stop", "status", "url"])
    server.add_argument("--home", help="folder of the server's files (default .tridb)")
    server.add_argument("--port", type=int, help="port on 127.0.0.1 (default 54329 or free)")
    server.add_argument("--suite", help="Debian suite for the chroot backend (trixie, sid)")
    server.add_argument("--pg-major", type=int, help="PostgreSQL major version")
    server.set_defaults(func=_server)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``tridb`` command."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except TriDBError as err:
        print(f"tridb: error: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
