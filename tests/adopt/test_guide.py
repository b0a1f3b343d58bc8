"""docs/adopt.md runs as written: every file written, every command run, in order.

Each ```bash line runs in the project's folder (no ``PYTHONPATH``: the commands
find ``myapp`` there), with the exit code the page gives it
(``<!-- exit: N -->``, default 0); a ```text block after a command holds lines
its output must contain.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

PAGE = Path(__file__).resolve().parents[2] / "docs" / "adopt.md"
FENCE = re.compile(r"^```(\w*)(.*)$")
EXIT = re.compile(r"^<!--\s*exit:\s*(\d+)\s*-->$")
TITLE = re.compile(r'title="([^"]+)"')


@dataclass
class Step:
    kind: str  #: "file", "bash" or "text"
    body: str
    title: str = ""
    exit: int = 0


def steps(page: Path = PAGE) -> list[Step]:
    out: list[Step] = []
    lines = page.read_text().splitlines()
    i, exit_code = 0, 0
    while i < len(lines):
        m = EXIT.match(lines[i].strip())
        if m:
            exit_code = int(m[1])
        fence = FENCE.match(lines[i])
        if not fence or not fence[1]:
            i += 1
            continue
        end = i + 1
        while lines[end] != "```":
            end += 1
        body = "\n".join(lines[i + 1 : end]) + "\n"
        title = TITLE.search(fence[2])
        if title:
            out.append(Step("file", body, title[1]))
        elif fence[1] in ("bash", "text"):
            out.append(Step(fence[1], body, exit=exit_code if fence[1] == "bash" else 0))
            exit_code = 0
        i = end + 1
    return out


def _words(line: str) -> str:
    return " ".join(line.split())


def test_the_page_has_commands_files_and_outputs() -> None:
    kinds = [s.kind for s in steps()]
    assert kinds.count("bash") >= 6 and kinds.count("file") >= 4 and kinds.count("text") >= 4


def test_the_guide_runs_in_order(tridb_url: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["TRIDB_DATABASE_URL"] = tridb_url
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    last = ""
    for step in steps():
        if step.kind == "file":
            path = tmp_path / step.title
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(step.body)
            for stale in path.parent.glob("__pycache__"):  # a rewritten module is read again
                for f in stale.iterdir():
                    f.unlink()
        elif step.kind == "bash":
            last = ""
            for command in filter(None, (c.strip() for c in step.body.splitlines())):
                done = subprocess.run(
                    command,
                    shell=True,
                    cwd=tmp_path,
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=240,
                )
                assert done.returncode == step.exit, (command, done.stdout, done.stderr)
                last += done.stdout
        else:
            printed = {_words(line) for line in last.splitlines()}
            for line in filter(None, (_words(x) for x in step.body.splitlines())):
                assert line in printed, f"{line!r} not in what the command printed:\n{last}"
