"""``tridb graph sync | check | repair`` (and the read grants): the graph over rows that exist.

Each calls the library function of its name
(`sync_graph()`, `check_graph()`,
`repair_graph()`); ``check`` exits with 1 on drift.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, create_engine, make_url

from ..graph.sync import SyncReport, check_graph, repair_graph, sync_graph
from ..server import resolve_database_url
from .models import load_models, prepend_sys_path


def engine(url: str | None) -> Engine:
    """An engine on *url* (default ``TRIDB_DATABASE_URL`` or the local server), psycopg 3."""
    parsed = make_url(resolve_database_url(url))
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed, plugins=["tridb"])


class Bar:
    """A tqdm progress bar per label and step, on stderr (nothing without tqdm)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.key: tuple[str, str] | None = None
        self.bar: Any = None

    def __call__(self, label: str, step: str, done: int, total: int) -> None:
        """Move the bar (a new one for a new label or step)."""
        if not self.enabled:
            return
        if (label, step) != self.key:
            self.close()
            try:
                from tqdm import tqdm
            except ImportError:  # the cli extra is not installed: no bar
                self.enabled = False
                return
            unit = "row" if step == "rows" else "id"
            self.bar = tqdm(total=total, desc=f"{label} {step}", unit=unit, file=sys.stderr)
            self.key = (label, step)
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        """Close the current bar."""
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _models(args: argparse.Namespace) -> list[object]:
    for path in args.path or []:
        prepend_sys_path(path)
    return [load_models(ref) for ref in args.models]


def _sync_table(report: SyncReport) -> str:
    verb = "would " if report.dry_run else ""
    lines = []
    for s in report.labels:
        lines.append(
            f"{s.graph}.{s.label} ({s.kind}): {verb}add {s.added}, {verb}update {s.updated}, "
            f"{verb}remove {s.removed}"
        )
    lines.append(f"key-map ids {verb}released: {report.keys_released}")
    return "\n".join(lines)


def _sync(args: argparse.Namespace) -> int:
    models = _models(args)
    eng = engine(args.url)
    bar = Bar(not args.no_progress and not args.dry_run)
    try:
        report = sync_graph(
            eng,
            *models,
            labels=args.label or None,
            batch_size=args.batch_size,
            dry_run=args.dry_run,
            resume=not args.restart,
            progress=bar,
        )
    finally:
        bar.close()
        eng.dispose()
    print(_sync_table(report))
    return 0


def _check(args: argparse.Namespace) -> int:
    models = _models(args)
    eng = engine(args.url)
    try:
        report = check_graph(eng, *models, labels=args.label or None)
    finally:
        eng.dispose()
    print(json.dumps(report.as_dict(), indent=2) if args.json else report.table())
    if not args.json:
        print("graph == rows" if not report.drift else f"drift: {report.drift}")
    return 1 if report.drift else 0


def _repair(args: argparse.Namespace) -> int:
    models = _models(args)
    eng = engine(args.url)
    bar = Bar(not args.no_progress)
    try:
        found, done = repair_graph(
            eng, *models, labels=args.label or None, batch_size=args.batch_size, progress=bar
        )
        bar.close()
        after = check_graph(eng, *models, labels=args.label or None)
    finally:
        bar.close()
        eng.dispose()
    if not found.drift:
        print("graph == rows: nothing to repair")
        return 0
    print(found.table())
    print(_sync_table(done))
    print("graph == rows" if not after.drift else f"still drifting: {after.drift}")
    return 1 if after.drift else 0


def _common(p: argparse.ArgumentParser, *, batches: bool) -> None:
    p.add_argument(
        "models", nargs="+", help="the models: package.module:Base (or :metadata, or a class)"
    )
    p.add_argument("--url", help="database URL (default TRIDB_DATABASE_URL or the local server)")
    p.add_argument("--label", action="append", help="only this label (repeatable)")
    p.add_argument(
        "--path", action="append", help="a folder to import the models from (default: .)"
    )
    if batches:
        p.add_argument("--batch-size", type=int, default=20_000, help="rows per transaction")
        p.add_argument("--no-progress", action="store_true", help="no progress bar")


def add_graph_commands(
    sub: Any, grant: Callable[[argparse.Namespace], int]
) -> argparse.ArgumentParser:
    """Add ``tridb graph ...`` to the subparsers *sub*; *grant* runs the read grants."""
    graph: argparse.ArgumentParser = sub.add_parser(
        "graph", help="the graph: sync, check, repair; who may read it"
    )
    actions = graph.add_subparsers(dest="action", required=True)
    for name, what in (("grant-read", "may read"), ("revoke-read", "may no longer read")):
        p = actions.add_parser(name, help=f"a role {what} graphs (run as the graph's owner)")
        p.add_argument("role", help="an existing role")
        p.add_argument("--graph", action="append", required=True, help="a graph (repeatable)")
        p.add_argument("--url", help="database URL (default TRIDB_DATABASE_URL or local server)")
        p.set_defaults(func=grant)
    sync = actions.add_parser("sync", help="vertices and edges for the rows that exist")
    _common(sync, batches=True)
    sync.add_argument("--dry-run", action="store_true", help="write nothing; say what would change")
    sync.add_argument("--restart", action="store_true", help="ignore an interrupted sync's place")
    sync.set_defaults(func=_sync)
    check = actions.add_parser("check", help="compare the graph with the rows (exit 1 on drift)")
    _common(check, batches=False)
    check.add_argument("--json", action="store_true", help="the report as JSON")
    check.set_defaults(func=_check)
    repair = actions.add_parser("repair", help="fix what check finds, and only that")
    _common(repair, batches=True)
    repair.set_defaults(func=_repair)
    return graph
