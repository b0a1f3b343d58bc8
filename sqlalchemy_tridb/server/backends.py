"""Where the PostgreSQL binaries come from: the host, or a Debian root filesystem.

A backend knows how to run a PostgreSQL program as the ``postgres`` user and
where the data directory lives as the server sees it.  Two exist:

* :class:`HostBackend` runs binaries installed on this machine (for example
  PGDG packages) whose installation has both the ``vector`` and ``age``
  extensions;
* :class:`ChrootBackend` runs Debian's ``postgresql-NN``, ``postgresql-NN-pgvector``
  and ``postgresql-NN-age`` from a root filesystem made once with debootstrap,
  cached per user, and linked (hard links, so it costs no space) into the
  project's folder, where the data directory lives.
"""

from __future__ import annotations

import glob
import os
import shlex
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from ..exc import ServerError, ServerUnavailableError
from ._lock import file_lock
from .config import ServerConfig

_READY = ".tridb-ready"

HOW_TO_GET_ONE = (
    "sqlalchemy-tridb needs PostgreSQL (16-18) with the pgvector and Apache AGE "
    "extensions. Either point it at a server you run (TRIDB_DATABASE_URL="
    "postgresql+psycopg://user:password@host:port/dbname), install both extensions "
    "for your local PostgreSQL (PGDG packages: postgresql-17-pgvector and "
    "postgresql-17-age), use the Docker files in docker/ (docker compose up -d), "
    "or run as root on Debian/Ubuntu so that the library can build a Debian "
    "root filesystem with debootstrap."
)


def _run(argv: Sequence[str], *, what: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(list(argv), capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip()[-2000:]
        raise ServerError(f"{what} failed (exit {proc.returncode}): {tail}")
    return proc


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
        """Map a path as the server sees it to a path on this host."""
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
        """Run a PostgreSQL program as ``postgres``; raise :class:`ServerError` on failure."""
        return _run(self.command(argv), what=what)

    def run_status(self, argv: Sequence[str]) -> int:
        """Run a program and return its exit code, ignoring its output."""
        return subprocess.run(self.command(argv), capture_output=True, check=False).returncode

    def program(self, name: str) -> str:
        """Path of a PostgreSQL program as the server sees it."""
        return f"{self.bindir}/{name}"


def _has_extensions(sharedir: Path) -> bool:
    ext = sharedir / "extension"
    return (ext / "vector.control").is_file() and (ext / "age.control").is_file()


def find_host_pg_config(major: int | None = None) -> Path | None:
    """Return a host ``pg_config`` whose installation has pgvector and AGE, if any."""
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
        if (
            found_major >= 16
            and _has_extensions(Path(sharedir))
            and Path(bindir, "initdb").exists()
        ):
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
        """The project's own root (hard links to :attr:`cached_root`, plus the data)."""
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
        _run(
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
            _run(["apt-get", "update", "-q"], what="apt-get update")
            _run(["apt-get", "install", "-y", "-q", "debootstrap"], what="installing debootstrap")
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
            _run(
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
            if not (partial / self.bindir.lstrip("/") / "postgres").exists() or not _has_extensions(
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
            _run(["cp", "-a", str(self.cached_root), str(partial)], what="copying the root fs")
        partial.rename(root)


def choose_backend(config: ServerConfig, *, previous: str | None = None) -> Backend:
    """Pick the backend: the one that made the existing data, else host, else chroot."""
    wanted = previous or config.backend
    if wanted in ("auto", "host"):
        pg_config = find_host_pg_config(config.pg_major)
        if pg_config is not None:
            return HostBackend(config, pg_config)
        if wanted == "host":
            raise ServerUnavailableError(
                "no local PostgreSQL installation has both pgvector and AGE. " + HOW_TO_GET_ONE
            )
    if wanted in ("auto", "chroot"):
        why_not = ChrootBackend.available()
        if why_not is None:
            return ChrootBackend(config)
        raise ServerUnavailableError(f"{why_not}. {HOW_TO_GET_ONE}")
    raise ServerUnavailableError(f"unknown backend {wanted!r}: use auto, host or chroot")
