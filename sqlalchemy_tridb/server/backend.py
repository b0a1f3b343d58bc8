"""The common shape of a backend: how to run PostgreSQL's programs, and where its files are.

The two backends are `HostBackend` and `ChrootBackend`;
`choose_backend()` picks one.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

from ..exc import ServerError
from .config import ServerConfig

__all__ = ["Backend", "has_extensions", "run_checked"]


def run_checked(argv: Sequence[str], *, what: str) -> subprocess.CompletedProcess[str]:
    """Run *argv*; raise `ServerError` with the end of its output if it fails.

    :param argv: the program and its arguments.
    :param what: names the step in the error message.
    """
    proc = subprocess.run(list(argv), capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip()[-2000:]
        raise ServerError(f"{what} failed (exit {proc.returncode}): {tail}")
    return proc


def has_extensions(sharedir: Path) -> bool:
    """Whether the PostgreSQL *sharedir* holds both the ``vector`` and ``age`` extensions."""
    ext = sharedir / "extension"
    return (ext / "vector.control").is_file() and (ext / "age.control").is_file()


class Backend:
    """Common shape of the backends."""

    name = "abstract"

    def __init__(self, config: ServerConfig) -> None:
        self.config = config

    # -- to be provided ---------------------------------------------------
    @property
    def bindir(self) -> str:
        """Directory of ``initdb``/``pg_ctl`` as the server sees it."""
        raise NotImplementedError

    @property
    def data_dir(self) -> str:
        """The data directory as the server sees it."""
        raise NotImplementedError

    def host_path(self, inner: str) -> Path:
        """Map *inner*, a path as the server sees it, to a path on this host."""
        raise NotImplementedError

    def command(self, argv: Sequence[str]) -> list[str]:
        """Wrap *argv* so that it runs as the ``postgres`` user."""
        raise NotImplementedError

    def prepare(self) -> None:
        """Make the binaries available (may take a while the first time)."""

    def make_dir(self, inner: str) -> None:
        """Create *inner* owned by the ``postgres`` user."""
        raise NotImplementedError

    # -- shared -------------------------------------------------------------
    @property
    def socket_dir(self) -> str:
        """The Unix socket directory (as the server sees it)."""
        return str(Path(self.data_dir).parent / "run")

    @property
    def log_file(self) -> str:
        """The server log (as the server sees it)."""
        return str(Path(self.data_dir).parent / "server.log")

    def run(self, argv: Sequence[str], *, what: str) -> subprocess.CompletedProcess[str]:
        """Run *argv* as ``postgres``; raise `ServerError` naming *what* on failure."""
        return run_checked(self.command(argv), what=what)

    def run_status(self, argv: Sequence[str]) -> int:
        """Run *argv* as ``postgres`` and return its exit code, ignoring its output."""
        return subprocess.run(self.command(argv), capture_output=True, check=False).returncode

    def program(self, name: str) -> str:
        """Path of the PostgreSQL program *name* as the server sees it."""
        return f"{self.bindir}/{name}"
