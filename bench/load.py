"""A council's working day on the production server: `make bench-load` (issue 15, part 6).

    .venv/bin/python bench/load.py --families 20000 --duration 10m --spike-duration 1m
    make bench-load LOAD_FAMILIES=300 DURATION=1m SPIKE_DURATION=20s   # a quick try

1. A scratch PostgreSQL database (`--database`, default fwb_bench_load, dropped and created
   again): `migrate`, then `seed_demo --families N --seed 1`, then ANALYZE, each timed.
2. bench/locust/prepare.py: as many practitioners as the spike has users (demo password, TOTP
   device, a draft court chronology each), and `collectstatic` into var/bench/load/static.
3. Two production servers, each `gunicorn -c config/gunicorn.conf.py` on its own port
   (--ports), sharing nothing but PostgreSQL (sessions and the cache are tables in it), plus one
   `manage.py db_worker` for the task queue, as a deployment runs them. The two processes share
   this machine's cores, so each gets cores / 2 workers (--workers) and the pair has one worker
   per core, which is what config/gunicorn.conf.py gives one server on its own machine.
   FWB_SERVER_TIMING=true makes every response carry the request's own SQL time.
4. locust (bench/locust/locustfile.py), headless, in four phases measured apart: "sign-in"
   (--users practitioners arrive at 5 a second and sign in), "steady" (they work for
   --duration), "spike sign-in" (more arrive at 20 a second until --spike-users have signed
   in, while the first carry on) and "spike" (all of them work for --spike-duration). Each
   user sends each request to the other server than its last, so the load is split evenly and
   a session made by one process is used by the other.
5. The servers are stopped, and ONE table is printed: per phase and page, requests, requests a
   second, p50/p95/p99 (ms), errors, the page's own SQL (median ms, from Server-Timing), page
   time over SQL time, the serving thread's CPU (median ms), and per phase the servers' CPU per
   request (their processes' CPU time, from /proc through psutil, over the requests served).
   Sign-in (four requests: form, password, code form, code) has its own phases and rows: the
   password hash costs about 250-310 ms of CPU on purpose (PBKDF2, not weakened here).

Everything goes to bench/results/load.json (replaced each run) with the machine: cores, CPU,
memory, load average at the start and the end (the machine may be shared). The database is
dropped at the end unless --keep-database; --reuse-database skips step 1 when the database
already holds a county. Requires locust (`pip install -e '.[bench]'`; `make bench-load` does it).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import re
import secrets
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = Path(sys.executable)
BIN = PYTHON.parent
WORK = ROOT / "var" / "bench" / "load"
RESULTS = ROOT / "bench" / "results" / "load.json"
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
SIGN_IN = ("sign in (form)", "sign in (password)", "sign in (code form)", "sign in (code)")
PAGES = (
    "caseload",
    "family page",
    "workbook",
    "workbook entry (form)",
    "workbook entry (save)",
    "search",
    "team dashboard",
    "meeting",
    "document",
)


def seconds(text: str) -> float:
    """'10m', '90s', '1h', '45' → seconds."""
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([smh]?)", text.strip())
    if not m:
        raise argparse.ArgumentTypeError(f"not a duration: {text!r} (e.g. 10m, 90s)")
    return float(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[m.group(2)]


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def machine() -> dict:
    info = {"cores": cores(), "platform": platform.platform(), "python": platform.python_version()}
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    with contextlib.suppress(OSError):
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        info["memory_gb"] = round(kb / 1024 / 1024, 1)
    return info


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def psql(sql: str, database: str = "postgres") -> str:
    return subprocess.run(  # noqa: S603
        ["psql", f"{POSTGRES}/{database}", "-v", "ON_ERROR_STOP=1", "-Atqc", sql],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def exists(database: str) -> bool:
    # The name is checked against [a-z0-9_]+ in main().
    return psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}'") == "1"  # noqa: S608


def drop(database: str) -> None:
    psql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def timed(cmd: list[str], env: dict, log: Path) -> float:
    start = time.perf_counter()
    with log.open("a") as out:
        out.write(f"\n$ {' '.join(cmd)}\n")
        out.flush()
        subprocess.run(cmd, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, check=True)  # noqa: S603
    return round(time.perf_counter() - start, 1)


def app_env(database: str, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FWB_", "DJANGO_"))}
    env.update(
        DATABASE_URL=f"{POSTGRES}/{database}",
        DJANGO_SETTINGS_MODULE="config.settings",
        # The demo's fixed field-encryption keys, so the servers read what seed_demo wrote.
        FWB_ALLOW_INSECURE_KEY="true",
        FWB_SECURE_COOKIES="false",  # plain HTTP on 127.0.0.1
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(extra)
    return env


class Server:
    """One production app process: gunicorn with config/gunicorn.conf.py on its own port."""

    def __init__(self, port: int, env: dict, log: Path) -> None:
        self.port, self.env, self.log = port, env, log
        self.proc: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.proc = subprocess.Popen(  # noqa: S603
            [str(BIN / "gunicorn"), "-c", str(ROOT / "config" / "gunicorn.conf.py"),
             "--bind", f"127.0.0.1:{self.port}"],
            cwd=ROOT, env=self.env, stdout=self.log.open("w"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def wait(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc and self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn on {self.port} exited; see {self.log}")
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{self.base}/sign-in/", timeout=10) as r,  # noqa: S310
            ):
                if r.status == 200:
                    return
            time.sleep(0.5)
        raise RuntimeError(f"gunicorn on {self.port} did not answer in {timeout:.0f} s")

    def stop(self) -> None:
        stop_group(self.proc)


def stop_group(proc: subprocess.Popen | None) -> None:
    """SIGTERM the process group we started (graceful), then SIGKILL what is left."""
    if proc is None or proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(40)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)


def static_check(base: str) -> dict:
    """A page's stylesheet link: hashed by the manifest, served compressed, cached long."""
    with urllib.request.urlopen(f"{base}/sign-in/", timeout=30) as r:  # noqa: S310
        html = r.read().decode()
    href = re.search(r'href="(/static/govuk/govuk-frontend\.min\.[0-9a-f]{12}\.css)"', html)
    if not href:
        return {"hashed_name": False}
    request = urllib.request.Request(base + href.group(1), headers={"Accept-Encoding": "br, gzip"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as r:  # noqa: S310
        return {
            "hashed_name": True,
            "url": href.group(1),
            "content_encoding": r.headers.get("Content-Encoding"),
            "cache_control": r.headers.get("Cache-Control"),
        }


# --- the table --------------------------------------------------------------------------


def pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))  # nearest rank
    return ordered[int(rank) - 1]


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


PHASES = ("sign-in", "steady", "spike sign-in", "spike")


def summarise(data: dict) -> dict:
    """Per phase: latency of the requests that started in it; throughput and the servers' CPU
    over the requests that ended in it (the CPU was read at the phase's start and end)."""
    fields = data["fields"]
    rows = [dict(zip(fields, s, strict=True)) for s in data["samples"]]
    for r in rows:
        r["started"] = r["at"] - r["ms"] / 1000
    phases: dict[str, dict] = {}
    for phase in PHASES:
        window = data["phases"].get(phase)
        if not window or "end" not in window:
            continue
        start, end = window["start"], window["end"]
        span = max(end - start, 0.001)
        mine = [r for r in rows if start <= r["started"] < end]
        ended = [r for r in rows if start <= r["at"] < end]
        if not mine:
            continue
        by_name: dict[str, dict] = {}
        names = [n for n in (*SIGN_IN, *PAGES) if any(r["name"] == n for r in mine)]
        names += sorted({r["name"] for r in mine} - {*SIGN_IN, *PAGES})
        groups = [(n, lambda r, n=n: r["name"] == n) for n in names]
        if any(r["name"] in SIGN_IN for r in mine) and any(r["name"] not in SIGN_IN for r in mine):
            groups.append(("all pages (no sign-in)", lambda r: r["name"] not in SIGN_IN))
        groups.append(("everything", lambda r: True))
        for name, belongs in groups:
            group = [r for r in mine if belongs(r)]
            ms = [r["ms"] for r in group]
            db = [r["db_ms"] for r in group if r["db_ms"] is not None]
            thread_cpu = [r["cpu_ms"] for r in group if r["cpu_ms"] is not None]
            p50, db50 = pct(ms, 50), median(db)
            by_name[name] = {
                "requests": len(group),
                "per_second": round(sum(1 for r in ended if belongs(r)) / span, 2),
                "p50_ms": p50,
                "p95_ms": pct(ms, 95),
                "p99_ms": pct(ms, 99),
                "errors": sum(1 for r in group if r["error"]),
                "sql_p50_ms": None if db50 is None else round(db50, 1),
                "page_over_sql": None if not db50 else round(p50 / db50, 1),
                "thread_cpu_p50_ms": None if not thread_cpu else round(median(thread_cpu), 1),
            }
        cpu_s = (
            window["cpu_end"] - window["cpu_start"]
            if window.get("cpu_end") is not None and window.get("cpu_start") is not None
            else None
        )
        errors = sum(1 for r in mine if r["error"])
        sign_in_cpu = sum(r["cpu_ms"] or 0 for r in ended if r["name"] in SIGN_IN) / 1000
        pages_ended = sum(1 for r in ended if r["name"] not in SIGN_IN)
        phases[phase] = {
            "seconds": round(span, 1),
            "requests": len(mine),
            "requests_ended": len(ended),
            "per_second": round(len(ended) / span, 2),
            "errors": errors,
            "error_rate": round(errors / len(mine), 5),
            "server_cpu_seconds": None if cpu_s is None else round(cpu_s, 1),
            "server_cpu_ms_per_request": (
                None if cpu_s is None or not ended else round(cpu_s * 1000 / len(ended), 1)
            ),
            # The servers' CPU less what the threads serving sign-in steps used, over the pages.
            "server_cpu_ms_per_page_without_sign_in": (
                None
                if cpu_s is None or not pages_ended
                else round(max(cpu_s - sign_in_cpu, 0) * 1000 / pages_ended, 1)
            ),
            "load_generator_cpu_seconds": (
                round(window["client_cpu_end"] - window["client_cpu_start"], 1)
                if "client_cpu_end" in window and "client_cpu_start" in window
                else None
            ),
            "pages": by_name,
            "first_errors": sorted({f"{r['name']}: {r['error']}" for r in mine if r["error"]})[:10],
        }
    return phases


def fmt(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def table(phases: dict) -> str:
    head = ("Phase", "Page", "Requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "Errors",
            "SQL p50 ms", "page/SQL", "thread CPU p50 ms")  # fmt: skip
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for phase, p in phases.items():
        for name, r in p["pages"].items():
            lines.append(
                "| "
                + " | ".join(
                    [
                        phase,
                        name,
                        fmt(r["requests"]),
                        fmt(r["per_second"], 2),
                        fmt(r["p50_ms"]),
                        fmt(r["p95_ms"]),
                        fmt(r["p99_ms"]),
                        fmt(r["errors"]),
                        fmt(r["sql_p50_ms"], 1),
                        fmt(r["page_over_sql"], 1),
                        fmt(r["thread_cpu_p50_ms"], 1),
                    ]  # fmt: skip
                )
                + " |"
            )
    lines.append("")
    for phase, p in phases.items():
        lines.append(
            f"{phase}: {p['seconds']:.0f} s, {p['requests']:,} requests started, "
            f"{p['per_second']:.1f} ended a second, {p['errors']} errors "
            f"({p['error_rate'] * 100:.2f} %); servers' CPU {fmt(p['server_cpu_seconds'], 1)} s = "
            f"{fmt(p['server_cpu_ms_per_request'], 1)} ms a request ended "
            f"({fmt(p['server_cpu_ms_per_page_without_sign_in'], 1)} ms a page, sign-in's "
            f"threads taken out); locust itself {fmt(p['load_generator_cpu_seconds'], 1)} s CPU"
        )
        for e in p["first_errors"]:
            lines.append(f"  error: {e}")
    return "\n".join(lines)


# --- the run ----------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--families", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", default="fwb_bench_load")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=seconds, default=seconds("10m"))
    parser.add_argument("--spike-users", type=int, default=200)
    parser.add_argument("--spike-duration", type=seconds, default=seconds("1m"))
    parser.add_argument("--ports", default="8101,8102", help="one port per app process")
    parser.add_argument("--workers", type=int, default=max(1, cores() // 2),
                        help="gunicorn workers per process (default: cores / 2)")  # fmt: skip
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument("--reuse-database", action="store_true")
    parser.add_argument("--out", default=str(RESULTS))
    args = parser.parse_args()
    if not re.fullmatch(r"[a-z0-9_]+", args.database) or args.database in {"postgres"}:
        parser.error("--database must be a scratch database name such as fwb_bench_load")

    WORK.mkdir(parents=True, exist_ok=True)
    log = WORK / "setup.log"
    log.write_text("")
    started_at = dt.datetime.now(dt.UTC)
    result: dict = {
        "at": started_at.isoformat(timespec="seconds"),
        "commit": subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short=10", "HEAD"],  # noqa: S603, S607
            capture_output=True,
            text=True,
        ).stdout.strip(),  # fmt: skip
        "machine": machine() | {"load_average_start": load_average()},
        "families": args.families,
        "seed": args.seed,
        "database": args.database,
        "users": args.users,
        "duration_s": args.duration,
        "spike_users": args.spike_users,
        "spike_duration_s": args.spike_duration,
        "servers": {
            "processes": len(args.ports.split(",")),
            "workers_each": args.workers,
            "threads_each": args.threads,
            "command": "gunicorn -c config/gunicorn.conf.py --bind 127.0.0.1:<port>",
        },
    }
    print(f"Load test: {args.families:,} families in {args.database}; load average "
          f"{result['machine']['load_average_start']} on {result['machine']['cores']} cores",
          flush=True)  # fmt: skip
    setup_env = app_env(args.database)
    made_database = False
    processes: list = []
    try:
        # 1. The county.
        reuse = args.reuse_database and exists(args.database)
        if reuse:
            result["reused_database"] = True
            print("  reusing the database as it is", flush=True)
        else:
            drop(args.database)
            psql(f'CREATE DATABASE "{args.database}"')
            made_database = True
            manage = [str(PYTHON), "manage.py"]
            result["migrate_s"] = timed(
                [*manage, "migrate", "--no-input", "-v", "0"], setup_env, log
            )
            print(f"  migrate {result['migrate_s']} s", flush=True)
            result["seed_s"] = timed(
                [*manage, "seed_demo", "--families", str(args.families), "--seed", str(args.seed),
                 "--quiet", "--no-dashboards"], setup_env, log,
            )  # fmt: skip
            print(f"  seed_demo --families {args.families} {result['seed_s']} s", flush=True)
            start = time.perf_counter()
            psql("ANALYZE", args.database)
            result["analyze_s"] = round(time.perf_counter() - start, 1)
            # The dashboards read precomputed figures (insights.DashboardSummary): a council
            # refreshes them on a schedule, so the load test starts from a refreshed table.
            result["refresh_insights_s"] = timed(
                [*manage, "refresh_insights", "-v", "0"], setup_env, log
            )
            print(f"  refresh_insights {result['refresh_insights_s']} s", flush=True)

        # 2. The practitioners and the static files.
        users_file = WORK / "users.json"
        timed([str(PYTHON), "bench/locust/prepare.py", "--users",
               str(max(args.users, args.spike_users)), "--out", str(users_file)],
              setup_env, log)  # fmt: skip
        result["practitioners"] = len(json.loads(users_file.read_text())["users"])
        static_root = WORK / "static"
        serve_env = app_env(
            args.database,
            # One secret for both processes: a session signed by one is read by the other.
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            FWB_STATIC_COLLECTED="true",
            FWB_STATIC_ROOT=str(static_root),
            FWB_SERVER_TIMING="true",
            FWB_WEB_WORKERS=str(args.workers),
            FWB_WEB_THREADS=str(args.threads),
            FWB_ACCESS_LOG="",
        )
        timed([str(PYTHON), "manage.py", "collectstatic", "--no-input", "--clear", "-v", "0"],
              serve_env, log)  # fmt: skip

        # 3. Two app processes and the task worker.
        servers = [
            Server(int(p), serve_env, WORK / f"gunicorn-{p}.log") for p in args.ports.split(",")
        ]
        for s in servers:
            s.start()
            processes.append(s)
        worker = subprocess.Popen(  # noqa: S603
            [str(PYTHON), "manage.py", "db_worker", "--interval", "1"],
            cwd=ROOT, env=serve_env, stdout=(WORK / "db_worker.log").open("w"),
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        processes.append(worker)
        for s in servers:
            s.wait()
        result["static"] = static_check(servers[0].base)
        print(f"  servers up on {', '.join(s.base for s in servers)}; static: {result['static']}",
              flush=True)  # fmt: skip

        # 4. locust.
        samples = WORK / "samples.json"
        samples.unlink(missing_ok=True)
        locust_env = dict(os.environ) | {
            "LOAD_USERS_FILE": str(users_file),
            "LOAD_HOSTS": ",".join(s.base for s in servers),
            "LOAD_SERVER_PIDS": ",".join(str(s.proc.pid) for s in servers),
            "LOAD_STEADY_USERS": str(args.users),
            "LOAD_STEADY_SECONDS": str(args.duration),
            "LOAD_SPIKE_USERS": str(args.spike_users),
            "LOAD_SPIKE_SECONDS": str(args.spike_duration),
            "LOAD_SAMPLES": str(samples),
        }
        print(f"  locust: {args.users} users for {args.duration:.0f} s, then {args.spike_users} "
              f"for {args.spike_duration:.0f} s", flush=True)  # fmt: skip
        with (WORK / "locust.log").open("w") as out:
            subprocess.run(  # noqa: S603
                [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locust" / "locustfile.py"),
                 "--headless", "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "30"],
                cwd=ROOT, env=locust_env, stdout=out, stderr=subprocess.STDOUT,
                timeout=args.duration + args.spike_duration + 600,
            )  # fmt: skip
        data = json.loads(samples.read_text())
    finally:
        for p in processes:
            stop_group(p if isinstance(p, subprocess.Popen) else p.proc)
        if made_database and not args.keep_database:
            drop(args.database)

    phases = summarise(data)
    result["machine"]["load_average_end"] = load_average()
    result["phases"] = phases
    Path(args.out).write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    print()
    print(table(phases))
    print(f"\nLoad average {result['machine']['load_average_start']} at the start, "
          f"{result['machine']['load_average_end']} at the end. Written to {args.out}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
