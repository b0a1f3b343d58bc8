"""``tridb server``: start, stop, status and URL of the local server and its replicas.

``--replica [NAME]`` makes an action about a streaming standby of the local
server (``replica`` by default); ``status`` lists the replicas with their lag.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..server import LocalServer, ReplicaStatus, ServerConfig

__all__ = ["add_server_command", "describe_replica"]


def describe_replica(status: ReplicaStatus) -> str:
    """One line about a replica: running or not, port, lag in bytes and seconds.

    :param status: the replica's status.
    """
    if not status.running:
        return f"replica {status.name}: not running"
    lag = "lag unknown"
    if status.lag_bytes is not None:
        seconds = "?" if status.lag_seconds is None else f"{status.lag_seconds:.3f}"
        lag = f"lag {status.lag_bytes} bytes, {seconds} s"
    streaming = "streaming" if status.streaming else "not streaming"
    return f"replica {status.name}: running on 127.0.0.1:{status.port}; {streaming}; {lag}"


def _server(args: argparse.Namespace) -> int:
    config = ServerConfig.from_env(
        home=Path(args.home) if args.home else None,
        port=None if args.replica else args.port,
        suite=args.suite,
        pg_major=args.pg_major,
    )
    server = LocalServer(config)
    if args.replica:
        return _replica(server, args)
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
            for replica in server.replicas():
                print(describe_replica(replica))
            return 0
        print("not running" + ("" if status.initialised else " (never started here)"))
        return 3
    print(server.url())
    return 0


def _replica(server: LocalServer, args: argparse.Namespace) -> int:
    name = str(args.replica)
    if args.action == "start":
        print(describe_replica(server.start_replica(name, port=args.port)))
        return 0
    if args.action == "stop":
        stopped = server.stop_replica(name, remove=args.remove)
        print(("stopped" if stopped else "not running") + (", removed" if args.remove else ""))
        return 0
    status = server.replica(name)
    if args.action == "status":
        print(describe_replica(status))
        return 0 if status.running else 3
    if status.url is None:
        print(f"no replica {name!r}: run `tridb server start --replica {name}`", file=sys.stderr)
        return 3
    print(status.url)
    return 0


def add_server_command(sub: Any) -> None:
    """Add ``tridb server`` to the subcommands *sub*.

    :param sub: the subparsers object of ``tridb``'s parser.
    """
    server = sub.add_parser("server", help="the local PostgreSQL + pgvector + AGE server")
    server.add_argument("action", choices=["start", "stop", "status", "url"])
    server.add_argument("--home", help="folder of the server's files (default .tridb)")
    server.add_argument("--port", type=int, help="port on 127.0.0.1 (default 54329 or free)")
    server.add_argument("--suite", help="Debian suite for the chroot backend (trixie, sid)")
    server.add_argument("--pg-major", type=int, help="PostgreSQL major version")
    server.add_argument(
        "--replica",
        nargs="?",
        const="replica",
        metavar="NAME",
        help="act on a streaming standby of the server (default name: replica)",
    )
    server.add_argument(
        "--remove", action="store_true", help="with stop --replica: delete its data too"
    )
    server.set_defaults(func=_server)
