"""A throwaway PostgreSQL cluster for the durability and backup drills.

The drills kill, wipe and restore PostgreSQL, so they never touch the machine's own server
(port 5432, other people's tests). Each drill gets its own cluster under `var/drills/`, made
with the machine's PostgreSQL binaries and run as the `postgres` operating-system user
(initdb refuses root; the data directory must belong to the user running the server).

Settings are the production ones that matter for durability (fsync, synchronous_commit and
full_page_writes on; data checksums; WAL archiving through ops/backup/archive_wal.sh with
archive_timeout=60s) plus small memory, so several clusters fit on a small machine.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DRILLS = ROOT / "var" / "drills"
OPS = ROOT / "ops" / "backup"
PG_BIN = Path(os.environ.get("FWB_PG_BIN", "/usr/lib/postgresql/15/bin"))
PG_USER = os.environ.get("FWB_DRILL_OS_USER", "postgres")

# The settings R19 and R22 depend on. `durability_settings()` reads them back from the server.
DURABILITY = {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on"}


def pg_available() -> str | None:
    """None if drills can run here, else why not (for a skip message)."""
    for tool in ("initdb", "pg_ctl", "postgres", "pg_basebackup"):
        if not (PG_BIN / tool).exists():
            return f"{PG_BIN / tool} is missing (set FWB_PG_BIN to PostgreSQL's bin directory)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(PG_USER)
        except KeyError:
            return f"running as root and there is no {PG_USER!r} user to run PostgreSQL as"
        if shutil.which("runuser") is None:
            return "running as root without runuser to drop to the postgres user"
    return None


def as_pg_user(args: list[str]) -> list[str]:
    """The command run as the cluster's owner (runuser when we are root)."""
    if os.geteuid() == 0:
        return ["runuser", "-u", PG_USER, "--", *args]
    return args


def chown_to_pg(path: Path) -> None:
    if os.geteuid() != 0:
        return
    entry = pwd.getpwnam(PG_USER)
    os.chown(path, entry.pw_uid, entry.pw_gid)
    for dirpath, dirnames, filenames in os.walk(path):
        for name in dirnames + filenames:
            os.chown(os.path.join(dirpath, name), entry.pw_uid, entry.pw_gid, follow_symlinks=False)


def run(args: list[str], *, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, check=check, text=True, capture_output=True, **kwargs)  # noqa: S603


class Cluster:
    """One PostgreSQL cluster: `home/data` (PGDATA), `home/sock`, `home/postgres.log`."""

    def __init__(self, home: Path, port: int, *, archive: Path | None = None) -> None:
        self.home = home
        self.port = port
        self.data = home / "data"
        self.sock = home / "sock"
        self.log = home / "postgres.log"
        self.archive = archive

    # --- life cycle --------------------------------------------------------------------
    def create(self, *, extra: dict[str, str] | None = None) -> None:
        """A new, empty cluster (anything already at `home` is removed first)."""
        self.destroy()
        self.home.mkdir(parents=True, exist_ok=True)
        self.sock.mkdir(exist_ok=True)
        if self.archive is not None:
            self.archive.mkdir(parents=True, exist_ok=True)
        chown_to_pg(self.home)
        if self.archive is not None:
            chown_to_pg(self.archive)
        run(
            as_pg_user(
                [
                    str(PG_BIN / "initdb"),
                    "-D", str(self.data),
                    "-U", "postgres",
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                    "--data-checksums",
                ]
            )
        )  # fmt: skip
        self.configure(extra or {})

    def configure(self, extra: dict[str, str]) -> None:
        """Write our settings into postgresql.auto.conf (the last word over postgresql.conf)."""
        conf = {
            "port": str(self.port),
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{self.sock}'",
            "max_connections": "120",
            "shared_buffers": "64MB",
            "wal_level": "replica",
            "max_wal_senders": "4",
            "max_wal_size": "256MB",
            "logging_collector": "off",
            **{k: v for k, v in DURABILITY.items()},
        }
        if self.archive is not None:
            conf.update(
                archive_mode="on",
                archive_command=f"'{OPS / 'archive_wal.sh'} %p %f {self.archive}'",
                archive_timeout="60",
            )
        conf.update(extra)
        lines = [f"{k} = {v}" for k, v in conf.items()]
        path = self.data / "postgresql.auto.conf"
        path.write_text("# Written by bench/durability/cluster.py\n" + "\n".join(lines) + "\n")
        chown_to_pg(path)

    def start(self, *, timeout: int = 120) -> None:
        become_subreaper()
        run(
            as_pg_user(
                [
                    str(PG_BIN / "pg_ctl"),
                    "-D", str(self.data),
                    "-l", str(self.log),
                    "-w", "-t", str(timeout),
                    "start",
                ]
            )
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        if self.postmaster_pid() is None:
            return
        run(
            as_pg_user([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"]),
            check=False,
        )

    def destroy(self) -> None:
        if self.data.exists():
            self.stop("immediate")
        shutil.rmtree(self.home, ignore_errors=True)

    def postmaster_pid(self) -> int | None:
        try:
            pid = int((self.data / "postmaster.pid").read_text().split("\n", 1)[0])
        except (FileNotFoundError, ValueError):
            return None
        return pid if _alive(pid) else None

    def children(self) -> list[int]:
        pid = self.postmaster_pid()
        return _children_of(pid) if pid else []

    def kill9(self, *, whole_server: bool) -> dict[str, int]:
        """kill -9 the postmaster (and, if `whole_server`, every backend at the same moment).

        Killing the postmaster alone leaves its backends to notice and exit by themselves
        (one in the middle of a commit finishes it); killing them all is closer to a power
        cut, but the operating system's page cache survives either way (see the report).
        Waits until no process of the old server is left, so the next start is clean.
        """
        pid = self.postmaster_pid()
        if pid is None:
            raise RuntimeError("PostgreSQL is not running")
        kids = _children_of(pid)
        os.kill(pid, signal.SIGKILL)
        if whole_server:
            for kid in kids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(kid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while not all(_reaped(p) for p in [pid, *kids]):
            if time.monotonic() > deadline:
                for p in kids:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(p, signal.SIGKILL)
            time.sleep(0.05)
        return {"postmaster": pid, "backends": len(kids)}

    # --- SQL ----------------------------------------------------------------------------
    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def psql(self, sql: str, database: str = "postgres") -> str:
        out = run(
            [
                str(PG_BIN / "psql"),
                "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                "-d", database, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql,
            ]
        )  # fmt: skip
        return out.stdout.strip()

    def durability_settings(self) -> dict[str, str]:
        return {name: self.psql(f"SHOW {name}") for name in DURABILITY}


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    # A zombie has exited; it only waits for its parent to collect it.
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def become_subreaper() -> None:
    """Orphans of ours come to us, not to PID 1, and we reap them.

    pg_ctl leaves the postmaster an orphan. Killed, it stays a zombie until its parent reaps
    it, and a new postmaster refuses to start while the old PID still answers kill(pid, 0).
    In a container whose PID 1 does not reap promptly, that blocks the restart; so the drill
    adopts its servers (PR_SET_CHILD_SUBREAPER) and reaps them itself.
    """
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


def _reaped(pid: int) -> bool:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    return not Path(f"/proc/{pid}").exists()


def _children_of(pid: int) -> list[int]:
    kids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[1]) == pid:
            kids.append(int(entry.name))
    return kids


@contextlib.contextmanager
def scratch(
    name: str, port: int, *, archive: Path | None = None, keep: bool = False
) -> Iterator[Cluster]:
    cluster = Cluster(DRILLS / name, port, archive=archive)
    cluster.create()
    cluster.start()
    try:
        yield cluster
    finally:
        if keep:
            cluster.stop()
        else:
            cluster.destroy()
