"""The chroot backend: Debian's PostgreSQL, pgvector and AGE in a debootstrap root filesystem.

The root filesystem is made once with debootstrap, cached per user, and linked
(hard links, so it costs no space) into the project's folder, where the data
directory lives.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from ..exc import ServerError, ServerUnavailableError
from ._lock import file_lock
from .backend import Backend, has_extensions, run_checked

__all__ = ["ChrootBackend"]

_READY = ".tridb-ready"


class ChrootBackend(Backend):
    """Debian's PostgreSQL, pgvector and AGE packages in a debootstrap root filesystem."""

    name = "chroot"

    @property
    def packages(self) -> list[str]:
        """The Debian packages the root filesystem is made with."""
        m = self.config.major
        return [f"postgresql-{m}", f"postgresql-{m}-pgvector", f"postgresql-{m}-age"]

    @property
    def cached_root(self) -> Path:
        """The shared, read-mostly root filesystem in the user's cache."""
        return self.config.cache_dir / "rootfs" / f"{self.config.suite}-{self.config.major}"

    @property
    def root(self) -> Path:
        """The project's own root (hard links to `cached_root`, plus the data)."""
        return (self.config.home / "root").resolve()

    @property
    def bindir(self) -> str:  # noqa: D102
        return f"/usr/lib/postgresql/{self.config.major}/bin"

    @property
    def data_dir(self) -> str:  # noqa: D102
        return "/var/lib/tridb/data"

    def host_path(self, inner: str) -> Path:  # noqa: D102
        return self.root / inner.lstrip("/")

    def command(self, argv: Sequence[str]) -> list[str]:  # noqa: D102
        return ["chroot", str(self.root), "su", "postgres", "-s", "/bin/sh", "-c", shlex.join(argv)]

    def make_dir(self, inner: str) -> None:  # noqa: D102
        run_checked(
            [
                "chroot",
                str(self.root),
                "install",
                "-d",
                "-m",
                "0700",
                "-o",
                "postgres",
                "-g",
                "postgres",
                inner,
            ],
            what=f"creating {inner}",
        )

    @staticmethod
    def available() -> str | None:
        """Return why this backend cannot work here, or ``None`` if it can."""
        if os.name != "posix" or os.geteuid() != 0:
            return "the debootstrap backend needs root (chroot)"
        if not (shutil.which("debootstrap") or shutil.which("apt-get")):
            return "the debootstrap backend needs debootstrap or apt-get (Debian or Ubuntu)"
        return None

    def prepare(self) -> None:
        """Build the cached root filesystem once, then link it into the project."""
        self._ensure_cached_root()
        self._ensure_project_root()

    def _ensure_debootstrap(self) -> str:
        found = shutil.which("debootstrap")
        if found:
            return found
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        attempt = subprocess.run(
            ["apt-get", "install", "-y", "-q", "debootstrap"],
            capture_output=True,
            env=env,
            check=False,
        )
        if attempt.returncode != 0:
            run_checked(["apt-get", "update", "-q"], what="apt-get update")
            run_checked(
                ["apt-get", "install", "-y", "-q", "debootstrap"], what="installing debootstrap"
            )
        found = shutil.which("debootstrap")
        if not found:
            raise ServerUnavailableError("debootstrap is not on PATH after installing it")
        return found

    def _ensure_cached_root(self) -> None:
        final = self.cached_root
        if (final / _READY).is_file():
            return
        final.parent.mkdir(parents=True, exist_ok=True)
        with file_lock(final.parent / f".{final.name}.lock"):
            if (final / _READY).is_file():
                return
            debootstrap = self._ensure_debootstrap()
            partial = final.with_name(final.name + ".partial")
            # An interrupted earlier build is never used: start it again.
            for stale in (partial, final):
                if stale.exists():
                    shutil.rmtree(stale)
            run_checked(
                [
                    debootstrap,
                    "--variant=minbase",
                    "--include=" + ",".join(self.packages),
                    self.config.suite,
                    str(partial),
                    self.config.mirror,
                ],
                what=f"debootstrap of Debian {self.config.suite} with {', '.join(self.packages)}",
            )
            ext = partial / f"usr/share/postgresql/{self.config.major}/extension"
            if not (partial / self.bindir.lstrip("/") / "postgres").exists() or not has_extensions(
                ext.parent
            ):
                raise ServerError(
                    f"the root filesystem in {partial} lacks PostgreSQL or extensions"
                )
            (partial / _READY).write_text(" ".join(self.packages) + "\n")
            partial.rename(final)

    def _ensure_project_root(self) -> None:
        root = self.root
        if (root / _READY).is_file():
            return
        partial = root.with_name(root.name + ".partial")
        for stale in (partial, root):
            if stale.exists():
                shutil.rmtree(stale)
        root.parent.mkdir(parents=True, exist_ok=True)
        linked = subprocess.run(
            ["cp", "-al", str(self.cached_root), str(partial)], capture_output=True, check=False
        )
        if linked.returncode != 0:  # another filesystem: copy instead
            if partial.exists():
                shutil.rmtree(partial)
            run_checked(
                ["cp", "-a", str(self.cached_root), str(partial)], what="copying the root fs"
            )
        partial.rename(root)
