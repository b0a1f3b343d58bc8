"""``tridb worker``: embed the rows deferred embedding columns queued; ``--status`` shows the queue.

    tridb worker myapp.models:Note.embedding            # until SIGTERM / Ctrl-C
    tridb worker myapp.models:Note.embedding --drain    # until the queue is empty, with a bar
    tridb worker --status                               # depth, oldest job, failed, rate
    tridb worker --requeue-failed [attributes]          # failed jobs back to the queue

The models' module is imported first, so the providers it registers are there.
SIGTERM and SIGINT finish the batch in progress, then exit 0.
"""

from __future__ import annotations

import argparse
import signal
import threading
from typing import Any

from ..worker import EmbeddingWorker, queue_status, requeue_failed
from .graph import engine
from .models import import_object, prepend_sys_path


def _status(args: argparse.Namespace) -> int:
    eng = engine(args.url)
    try:
        with eng.connect() as conn:
            rows = queue_status(conn)
    finally:
        eng.dispose()
    if not rows:
        print("no embedding jobs queued")
        return 0
    print(f"{'column':<40} {'queued':>8} {'oldest s':>9} {'leased':>7} {'failed':>7} {'vec/s':>7}")
    for r in rows:
        name = f"{r.table}.{r.column}"
        print(
            f"{name:<40} {r.depth:>8} {r.oldest_seconds:>9.1f} {r.leased:>7} "
            f"{r.failed:>7} {r.per_second:>7.1f}"
        )
    return 0


def _requeue(args: argparse.Namespace) -> int:
    attributes = [import_object(ref) for ref in args.attributes] or [None]
    eng = engine(args.url)
    try:
        with eng.begin() as conn:
            moved = sum(requeue_failed(conn, attr) for attr in attributes)
    finally:
        eng.dispose()
    print(f"{moved} failed job(s) queued again")
    return 0


def _worker(args: argparse.Namespace) -> int:
    for path in args.path or []:
        prepend_sys_path(path)
    if args.status:
        return _status(args)
    if args.requeue_failed:
        return _requeue(args)
    if not args.attributes:
        print("tridb worker: name the deferred attributes (package.module:Class.attr) or --status")
        return 2
    attributes = [import_object(ref) for ref in args.attributes]
    eng = engine(args.url)
    worker = EmbeddingWorker(
        eng,
        *attributes,
        batch_size=args.batch_size,
        lease=args.lease,
        max_attempts=args.max_attempts,
        poll=args.poll,
    )
    stop = threading.Event()

    def _stop(signum: int, frame: Any) -> None:
        stop.set()
        worker.stop()

    previous = {s: signal.signal(s, _stop) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        if args.drain:
            worker.drain(progress=not args.quiet)
        else:
            worker.run(stop)
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        eng.dispose()
    stats = worker.stats
    print(
        f"{stats.embedded} vector(s) written, {stats.skipped} skipped (changed or busy), "
        f"{stats.failed} failed attempt(s), {stats.per_second:.1f} vec/s"
    )
    return 0


def add_worker_command(sub: Any) -> argparse.ArgumentParser:
    """Add ``tridb worker`` to the subparsers *sub*."""
    p: argparse.ArgumentParser = sub.add_parser(
        "worker", help="embed the rows deferred embedding columns queued (--status: the queue)"
    )
    p.add_argument("attributes", nargs="*", help="deferred attributes: package.module:Class.attr")
    p.add_argument("--url", help="database URL (default TRIDB_DATABASE_URL or the local server)")
    p.add_argument("--path", action="append", help="a folder to import the models from")
    p.add_argument("--status", action="store_true", help="show the queue and exit")
    p.add_argument("--drain", action="store_true", help="stop when no job is ready")
    p.add_argument(
        "--requeue-failed",
        action="store_true",
        help="move the failed jobs (of the named attributes, or all) back to the queue and exit",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar with --drain")
    p.add_argument("--batch-size", type=int, default=256, help="jobs leased per batch")
    p.add_argument("--lease", type=float, default=60.0, help="seconds a batch stays leased")
    p.add_argument("--max-attempts", type=int, default=5, help="failures before a job is set aside")
    p.add_argument("--poll", type=float, default=1.0, help="seconds to sleep when idle")
    p.set_defaults(func=_worker)
    return p
