"""``tridb tune``: the lowest ``ef_search`` / ``probes`` meeting a recall, stored on the index.

It calls `tune_search()`; exits with 0 when a setting met the target, 1 when
none did (or on a `TriDBError`).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from ..vector.tune import tune_search
from .graph import engine
from .models import import_object, prepend_sys_path


def _tune(args: argparse.Namespace) -> int:
    for path in args.path or []:
        prepend_sys_path(path)
    attribute = import_object(args.attribute)
    eng = engine(args.url)
    try:
        report = tune_search(
            attribute,
            eng,
            recall=args.recall,
            k=args.k,
            queries=args.queries,
            store=not args.dry_run,
        )
    finally:
        eng.dispose()
    print(json.dumps(report.to_dict(), indent=2) if args.json else report)
    return 0 if report.chosen is not None else 1


def add_tune_command(sub: Any) -> argparse.ArgumentParser:
    """Add ``tridb tune`` to the subparsers *sub*.

    :param sub: the ``add_subparsers()`` object of ``tridb``'s parser.
    """
    p: argparse.ArgumentParser = sub.add_parser(
        "tune", help="pick the lowest ef_search/probes meeting a recall; store it on the index"
    )
    p.add_argument("attribute", help="the embedding attribute, as package.module:Class.attr")
    p.add_argument("--recall", type=float, default=0.99, help="mean recall@k to reach")
    p.add_argument("--k", type=int, default=10, help="neighbours per query")
    p.add_argument("--queries", type=int, default=100, help="stored vectors sampled as queries")
    p.add_argument("--url", help="database URL (default TRIDB_DATABASE_URL or the local server)")
    p.add_argument("--path", action="append", help="a folder to import the models from")
    p.add_argument("--dry-run", action="store_true", help="report only; store nothing")
    p.add_argument("--json", action="store_true", help="the report as JSON")
    p.set_defaults(func=_tune)
    return p
