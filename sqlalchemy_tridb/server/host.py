"""The host backend: PostgreSQL binaries installed on this machine with both extensions."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from .backend import Backend, has_extensions
from .config import ServerConfig

__all__ = ["HostBackend", "find_host_pg_config"]


def find_host_pg_config(major: int | None = None) -> Path | None:
    """Return a host ``pg_config`` whose installation has pgvector and AGE, if any.

    :param major: only this PostgreSQL major version (default: any from 16).
    """
    candidates: list[str] = []
    on_path = shutil.which("pg_config")
    if on_path:
        candidates.append(on_path)
    for pattern in (
        "/usr/lib/postgresql/*/bin/pg_config",
        "/usr/pgsql-*/bin/pg_config",
        "/opt/homebrew/opt/postgresql@*/bin/pg_config",
        "/usr/local/opt/postgresql@*/bin/pg_config",
    ):
        candidates.extend(sorted(glob.glob(pattern), reverse=True))
    for cand in candidates:
        try:
            out = subprocess.run(
                [cand, "--sharedir", "--bindir", "--version"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split("\n")
        except (OSError, subprocess.CalledProcessError):
            continue
        sharedir, bindir, version = out[0], out[1], out[2]
        try:
            found_major = int(version.split()[1].split(".")[0])
        except (IndexError, ValueError):
            continue
        if major is not None and found_major != major:
            continue
        if found_major >= 16 and has_extensions(Path(sharedir)) and Path(bindir, "initdb").exists():
            return Path(cand)
    return None


class HostBackend(Backend):
    """PostgreSQL binaries installed on this machine."""

    name = "host"

    def __init__(self, config: ServerConfig, pg_config: Path) -> None:
        super().__init__(config)
        self._bindir = subprocess.run(
            [str(pg_config), "--bindir"], capture_output=True, text=True, check=True
        ).stdout.strip()

    @property
    def bindir(self) -> str:  # noqa: D102
        return self._bindir

    @property
    def data_dir(self) -> str:  # noqa: D102
        return str((self.config.home / "data").resolve())

    def host_path(self, inner: str) -> Path:  # noqa: D102
        return Path(inner)

    def command(self, argv: Sequence[str]) -> list[str]:  # noqa: D102
        if os.geteuid() == 0:  # initdb refuses to run as root
            return ["runuser", "-u", "postgres", "--", *argv]
        return list(argv)

    def make_dir(self, inner: str) -> None:  # noqa: D102
        path = Path(inner)
        path.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(path, "postgres", "postgres")
        path.chmod(0o700)
