"""Run a docs page's program: ``python run_blocks.py steps.json results.json``.

*steps.json* holds ``[{"file": ..., "line": ..., "code": ...} | {"expect": ...}]``.
The code steps run in order in one ``__main__`` namespace, compiled under the
markdown file's name and line numbers, so a traceback points into the page.
*results.json* gets, for each output step, what the code steps since the
previous one printed, and the traceback of a failure.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import traceback
import types


def main(steps_path: str, results_path: str) -> int:
    with open(steps_path) as f:
        steps = json.load(f)
    page = types.ModuleType("__main__")  # the blocks' module: SQLAlchemy resolves annotations in it
    sys.modules["__main__"] = page
    namespace = page.__dict__
    printed = io.StringIO()
    results: dict[str, object] = {"outputs": [], "error": None, "ran": 0}
    try:
        for step in steps:
            if "expect" in step:
                results["outputs"].append(printed.getvalue())  # type: ignore[attr-defined]
                printed = io.StringIO()
                continue
            code = compile("\n" * (step["line"] - 1) + step["code"], step["file"], "exec")
            with contextlib.redirect_stdout(printed):
                exec(code, namespace)
            results["ran"] += 1  # type: ignore[operator]
    except BaseException:
        results["error"] = traceback.format_exc()
        results["printed"] = printed.getvalue()
    with open(results_path, "w") as out:
        json.dump(results, out)
    return 1 if results["error"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
