"""R19 crash drill: kill -9 PostgreSQL (or gunicorn) under 50 writers; lose nothing acknowledged.

    .venv/bin/python bench/durability/crash.py                       # both drills, 100 kills each
    .venv/bin/python bench/durability/crash.py --target postgres --cycles 20 --writers 50
    .venv/bin/python bench/durability/crash.py --target gunicorn --cycles 100

What it does:

1. Makes a throwaway PostgreSQL cluster under var/drills/ on its own port (never the
   machine's server), with fsync, synchronous_commit and full_page_writes on and WAL
   archiving as in production, and reads the settings back (`SHOW ...`).
2. Migrates a snapshot of the committed code into it and seeds a demo county.
3. Serves the app with gunicorn (gthread workers) against it.
4. Signs in social workers with their password and authenticator code (the demo's TOTP
   secrets are derived from usernames) and starts `--writers` threads, each writing
   Workbook home-visit entries for one family on the worker's caseload through the real
   form (`POST /workbook/family/<id>/entries/new/`). A write is acknowledged when the app
   answers with the redirect to the new entry; its marker and id are logged then.
5. `--cycles` times: waits a random 0.5-3 s, kill -9s the target, restarts it and checks
   every write acknowledged so far (bench/durability/verify.py: exists, whole, audited).
   PostgreSQL: odd cycles kill the postmaster alone, even cycles every server process at
   once. gunicorn: in turn one worker (the master starts another), the master alone, and the
   master with all its workers (then gunicorn is started again).
6. Stops the writers, checks everything once more, runs `manage.py verify_audit` (the hash
   chain survived the crashes) and prints the report; figures go to
   bench/results/durability_crash.json.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import random
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

import requests  # noqa: E402
from app import GUNICORN, app_env, build_county, in_process, manage, snapshot  # noqa: E402
from cluster import DRILLS, ROOT, Cluster, _children_of, _reaped, pg_available  # noqa: E402
from verify import Ack, check, committed_markers, marker_text  # noqa: E402

LONDON = ZoneInfo("Europe/London")  # the app's time zone: an entry dated tomorrow is refused
RESULTS = ROOT / "bench" / "results" / "durability_crash.json"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
INPUT = re.compile(r"<input\b[^>]*>")
ATTR = re.compile(r'(\w+)="([^"]*)"')
CREATED = re.compile(r"/workbook/family/(\d+)/entries/(\d+)/$")
PASSWORD = "family-workbook-demo"  # noqa: S105 - the documented demo password, drill databases only


@dataclass
class Writer:
    username: str
    family_id: int
    visits: int  # children on the family's open case: one statutory visit each


# --- preparing the county -----------------------------------------------------------------
def prepare_writers(count: int) -> list[Writer]:
    """`count` (social worker, family) pairs: the worker's open allocation, a child on the case.

    Pairs, not workers: there are fewer social workers than writers in a small county, and a
    worker's draft is kept per family, so two writers never share a (worker, family).
    """
    from types import SimpleNamespace

    from django.contrib.auth.hashers import make_password

    from familyworkbook.cases.models import Allocation
    from familyworkbook.demo.access_seed import ensure_device
    from familyworkbook.teams.models import Role, User
    from familyworkbook.workbook.services.visits import children_on_case

    pairs = (
        Allocation.objects.filter(
            ended_on__isnull=True,
            case__closed_on__isnull=True,
            worker__role=Role.SOCIAL_WORKER,
            worker__left_on__isnull=True,
        )
        .values_list("worker__user__username", "case__family_id")
        .order_by("case__family_id", "worker__user__username")
        .distinct()
    )
    writers: list[Writer] = []
    used_families: set[int] = set()
    for username, family_id in pairs:
        if family_id in used_families:
            continue
        children = len(children_on_case(SimpleNamespace(family_id=family_id)))
        if children == 0:
            continue
        used_families.add(family_id)
        writers.append(Writer(username, family_id, children))
        if len(writers) == count:
            break
    password = make_password(PASSWORD)
    for user in User.objects.filter(username__in={w.username for w in writers}):
        User.objects.filter(pk=user.pk).update(password=password)
        ensure_device(user)
    return writers


def totp_now(username: str) -> str:
    from django_otp.oath import totp

    from familyworkbook.demo.access_seed import demo_key

    return f"{totp(demo_key(username), step=30, t0=0, digits=6):06d}"


# --- the app under gunicorn -----------------------------------------------------------------
class Gunicorn:
    def __init__(self, app: Path, database_url: str, port: int, log: Path) -> None:
        self.app, self.database_url, self.port, self.log = app, database_url, port, log
        self.proc: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.proc = subprocess.Popen(  # noqa: S603
            [
                str(GUNICORN), "config.wsgi:application",
                "--chdir", str(self.app),
                "--bind", f"127.0.0.1:{self.port}",
                "--worker-class", "gthread", "--workers", "3", "--threads", "6",
                "--timeout", "60", "--graceful-timeout", "5",
            ],
            cwd=self.app,
            env=app_env(self.app, self.database_url),
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{self.base}/sign-in/", timeout=5).status_code == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within 120 s (see {self.log})")

    def workers(self) -> list[int]:
        return _children_of(self.proc.pid) if self.proc else []

    def kill9(self, mode: str) -> None:
        master = self.proc.pid
        workers = self.workers()
        if mode == "worker":
            os.kill(random.choice(workers), signal.SIGKILL)
            return
        os.kill(master, signal.SIGKILL)
        if mode == "all":
            for pid in workers:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        self.proc.wait()
        # Workers whose master died notice within a second or so and exit; wait for them.
        deadline = time.monotonic() + 20
        while not all(_reaped(p) for p in workers):
            if time.monotonic() > deadline:
                for pid in workers:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
            time.sleep(0.05)
        self.start()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


# --- writers ---------------------------------------------------------------------------------
def sign_in(base: str, username: str) -> requests.Session:
    for attempt in range(3):
        s = requests.Session()
        page = s.get(f"{base}/sign-in/", timeout=30)
        s.post(
            f"{base}/sign-in/",
            {"username": username, "password": PASSWORD,
             "csrfmiddlewaretoken": CSRF.search(page.text).group(1)},
            allow_redirects=False, timeout=30,
        )  # fmt: skip
        code = s.get(f"{base}/sign-in/code/", timeout=30)
        if attempt:
            time.sleep(31)  # a code is accepted once: wait for the next one
        done = s.post(
            f"{base}/sign-in/code/",
            {"token": totp_now(username), "csrfmiddlewaretoken": CSRF.search(code.text).group(1)},
            allow_redirects=False, timeout=30,
        )  # fmt: skip
        if done.status_code == 302 and "/sign-in" not in done.headers.get("Location", ""):
            return s
    raise RuntimeError(f"could not sign in as {username}")


class Log:
    """Everything the writers saw, shared between threads."""

    def __init__(self, path: Path) -> None:
        self.lock = threading.Lock()
        self.acks: list[Ack] = []
        self.attempted: list[str] = []
        self.counts = {"acknowledged": 0, "refused": 0, "server_error": 0, "no_answer": 0}
        self.refusals: list[str] = []
        self.file = path.open("w")

    def ack(self, ack: Ack) -> None:
        with self.lock:
            self.acks.append(ack)
            self.counts["acknowledged"] += 1
            self.file.write(json.dumps(asdict(ack)) + "\n")
            self.file.flush()

    def count(self, what: str, detail: str = "") -> None:
        with self.lock:
            self.counts[what] += 1
            if what == "refused" and detail and len(self.refusals) < 20:
                self.refusals.append(detail)


def write_loop(
    base: str, cookies: dict, writer: Writer, number: int, log: Log, stop: threading.Event
) -> None:
    s = requests.Session()
    s.cookies.update(cookies)
    url = f"{base}/workbook/family/{writer.family_id}/entries/new/"
    form: dict[str, object] | None = None
    n = 0
    while not stop.is_set():
        try:
            if form is None:
                page = s.get(url, timeout=60)
                if page.status_code != 200:
                    log.count("server_error" if page.status_code >= 500 else "refused",
                              f"GET form {page.status_code}")  # fmt: skip
                    time.sleep(0.5)
                    continue
                form = _form_data(page.text)
            n += 1
            marker = f"w{number:02d}-{n:05d}-{random.getrandbits(32):08x}"
            today = dt.datetime.now(LONDON).date()
            data = {
                **form,
                "happened_on_day": str(today.day),
                "happened_on_month": str(today.month),
                "happened_on_year": str(today.year),
                "kind": "home_visit",
                "what_happened": marker_text(marker),
                "meaning_for_child": "The children were safe and well during the visit.",
                "what_happens_next": "Next visit in ten working days.",
            }
            with log.lock:
                log.attempted.append(marker)
            response = s.post(url, data, allow_redirects=False, timeout=90)
        except requests.RequestException:
            log.count("no_answer")
            time.sleep(0.2)
            continue
        created = CREATED.search(response.headers.get("Location", ""))
        if response.status_code == 302 and created:
            log.ack(
                Ack(
                    marker,
                    int(created.group(2)),
                    writer.family_id,
                    len(form["present"]),
                    writer.visits,
                )  # fmt: skip
            )
        elif response.status_code >= 500:
            log.count("server_error")  # the database is down or recovering: not acknowledged
            time.sleep(0.5)
        else:
            errors = re.findall(
                r'govuk-error-message">\s*(?:<span[^>]*>[^<]*</span>)?([^<]+)', response.text
            )
            log.count("refused", f"{response.status_code} {errors[:2]}")
            form = None
        time.sleep(random.uniform(0, 0.2))


def _form_data(html: str) -> dict[str, object]:
    """The CSRF token, every family member as present, the first child as seen alone."""
    present, alone = [], []
    for tag in INPUT.findall(html):
        attrs = dict(ATTR.findall(tag))
        if attrs.get("name") == "present":
            present.append(attrs["value"])
        elif attrs.get("name") == "seen_alone":
            alone.append(attrs["value"])
    return {
        "csrfmiddlewaretoken": CSRF.search(html).group(1),
        "present": present,
        "seen_alone": alone[:1],
    }


# --- the drill ------------------------------------------------------------------------------
def verify_now(log: Log) -> dict:
    from django.db import connections

    with log.lock:
        acks = list(log.acks)
    for attempt in range(20):
        try:
            connections.close_all()
            return check(acks).as_dict()
        except Exception:  # noqa: BLE001 - the server may still be recovering
            if attempt == 19:
                raise
            time.sleep(1)
    raise AssertionError("unreachable")


def drill(args: argparse.Namespace, target: str) -> dict:
    app = snapshot(args.source)
    commit = app.name.removeprefix("app-")
    home = DRILLS / f"crash-{target}"
    cluster = Cluster(home, args.port, archive=home / "wal-archive")
    print(f"[{target}] cluster on port {args.port}, code {commit}", flush=True)
    cluster.create()
    cluster.start()
    gunicorn = None
    stop = threading.Event()
    threads: list[threading.Thread] = []
    try:
        settings = cluster.durability_settings()
        print(f"[{target}] server settings: {settings}", flush=True)
        started = time.monotonic()
        url = build_county(cluster, app, families=args.families)
        in_process(app, url)
        writers = prepare_writers(args.writers)
        print(f"[{target}] county seeded in {time.monotonic() - started:.0f} s; "
              f"{len(writers)} writers over {len({w.username for w in writers})} social workers",
              flush=True)  # fmt: skip
        gunicorn = Gunicorn(app, url, args.http_port, home / "gunicorn.log")
        gunicorn.start()
        sessions = {
            u: sign_in(gunicorn.base, u).cookies.get_dict() for u in {w.username for w in writers}
        }
        log = Log(home / "acknowledged.jsonl")
        for i, w in enumerate(writers):
            t = threading.Thread(
                target=write_loop,
                args=(gunicorn.base, sessions[w.username], w, i, log, stop),
                daemon=True,
            )
            t.start()
            threads.append(t)
        time.sleep(3)
        cycles = []
        progress = DRILLS / "logs" / f"crash-{target}-progress.json"
        worst = {"lost": 0, "partial": 0, "audit_missing": 0}
        for cycle in range(1, args.cycles + 1):
            # Kill while writes are going through: wait for one acknowledged since the last
            # restart (up to 90 s), then a random 0.5-3 s more.
            seen = log.counts["acknowledged"]
            deadline = time.monotonic() + 90
            while log.counts["acknowledged"] == seen and time.monotonic() < deadline:
                time.sleep(0.1)
            time.sleep(random.uniform(0.5, 3.0))
            t0 = time.monotonic()
            if target == "postgres":
                mode = "postmaster" if cycle % 2 else "all processes"
                cluster.kill9(whole_server=mode != "postmaster")
                cluster.start()
            else:
                mode = ("worker", "master", "all")[(cycle - 1) % 3]
                gunicorn.kill9(mode)
            back = time.monotonic() - t0
            found = verify_now(log)
            for key in worst:
                worst[key] = max(worst[key], found[key])
            cycles.append({"cycle": cycle, "killed": mode, "back_after_s": round(back, 2), **found})
            progress.write_text(json.dumps({"target": target, "code": commit, "writers": len(writers),
                                            "requests": dict(log.counts), "per_cycle": cycles}))  # fmt: skip
            print(
                f"[{target}] cycle {cycle}/{args.cycles}: kill -9 {mode}, back in {back:.1f} s; "
                f"{found['checked']} acknowledged, {found['lost']} lost, "
                f"{found['partial']} partial, {found['audit_missing']} without audit; "
                f"{log.counts}",
                flush=True,
            )
        time.sleep(2)
        stop.set()
        for t in threads:
            t.join(120)
        final = verify_now(log)
        unacked = [m for m in log.attempted if m not in {a.marker for a in log.acks}]
        from django.db import connections

        connections.close_all()
        committed_unacked = len(committed_markers(unacked))
        chain = manage(app, url, "verify_audit").strip().splitlines()[-1:]
        report = {
            "target": target,
            "code": commit,
            "cycles": args.cycles,
            "writers": len(writers),
            "server_settings": settings,
            "requests": dict(log.counts),
            "acknowledged": final["checked"],
            "lost": final["lost"],
            "partial": final["partial"],
            "audit_missing": final["audit_missing"],
            "worst_after_any_restart": worst,
            "unacknowledged_attempts": len(unacked),
            "unacknowledged_but_committed": committed_unacked,
            "verify_audit": chain,
            "refusal_examples": log.refusals[:5],
            "examples": final["examples"],
            "minutes": round((time.monotonic() - started) / 60, 1),
            "per_cycle": cycles,
        }
        return report
    finally:
        stop.set()
        if gunicorn:
            gunicorn.stop()
        if args.keep:
            cluster.stop()
        else:
            cluster.destroy()


def save(args: argparse.Namespace, reports: list[dict]) -> None:
    if args.no_save:
        return
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
    for r in reports:
        previous.append(
            {**r, "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
             "machine": platform.node(), "load": os.getloadavg()[0]}
        )  # fmt: skip
    RESULTS.write_text(json.dumps(previous, indent=1) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", choices=["postgres", "gunicorn", "both"], default="both")
    parser.add_argument("--cycles", type=int, default=100)
    parser.add_argument("--writers", type=int, default=50)
    parser.add_argument("--families", type=int, default=300)
    parser.add_argument("--port", type=int, default=55432, help="the scratch cluster's port")
    parser.add_argument("--http-port", type=int, default=58000)
    parser.add_argument(
        "--source", default="HEAD", help="commit to run, or '.' for the working tree"
    )
    parser.add_argument("--keep", action="store_true", help="keep the cluster's files afterwards")
    parser.add_argument("--no-save", action="store_true", help="do not write bench/results")
    args = parser.parse_args()
    reason = pg_available()
    if reason:
        print(f"SKIPPED: {reason}")
        return 0
    reports = []
    if args.target == "both":
        # One Django per process: the gunicorn drill runs in a process of its own afterwards.
        reports.append(drill(args, "postgres"))
        save(args, reports)
        argv = [a for a in sys.argv[1:] if not a.startswith("--target")]
        done = subprocess.run([sys.executable, __file__, *argv, "--target", "gunicorn"])  # noqa: S603
        if done.returncode:
            return done.returncode
    else:
        reports.append(drill(args, args.target))
        save(args, reports)
    for r in reports:
        print(
            f"\n{r['target']}: {r['cycles']} kill -9 cycles, {r['writers']} writers, "
            f"{r['acknowledged']} acknowledged writes: {r['lost']} lost, {r['partial']} partial, "
            f"{r['audit_missing']} without audit rows (worst after any restart: "
            f"{r['worst_after_any_restart']}); {r['unacknowledged_but_committed']} of "
            f"{r['unacknowledged_attempts']} unacknowledged attempts had committed; "
            f"requests {r['requests']}; verify_audit: {r['verify_audit']}; "
            f"settings {r['server_settings']}; {r['minutes']} min"
        )
    bad = any(r["lost"] or r["partial"] or r["audit_missing"] for r in reports)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
