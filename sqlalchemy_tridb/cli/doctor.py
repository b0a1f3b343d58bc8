"""``tridb doctor``: the live database against the models, with the fix for each problem."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ..doctor import doctor
from .graph import engine
from .models import load_models, prepend_sys_path


def _doctor(args: argparse.Namespace) -> int:
    for path in args.path or []:
        prepend_sys_path(path)
    models = [load_models(ref) for ref in args.models]
    eng = engine(args.url)
    try:
        report = doctor(eng, *models, command=" ".join(args.models))
    finally:
        eng.dispose()
    print(json.dumps(report.as_dict(), indent=2) if args.json else report.text())
    return 0 if report.ok else 1


def add_doctor_command(sub: Any) -> argparse.ArgumentParser:
    """Add ``tridb doctor`` to the subparsers *sub*."""
    p: argparse.ArgumentParser = sub.add_parser(
        "doctor", help="compare the database with the models; say how to fix it"
    )
    p.add_argument("models", nargs="+", help="the models: package.module:Base")
    p.add_argument("--url", help="database URL (default TRIDB_DATABASE_URL or the local server)")
    p.add_argument("--path", action="append", help="a folder to import the models from")
    p.add_argument("--json", action="store_true", help="the report as JSON")
    p.set_defaults(func=_doctor)
    return p
