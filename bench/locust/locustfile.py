"""Load test: practitioners signing in (password and TOTP) and working their caseloads.

`make bench-load` runs it through bench/load.py (two gunicorn processes, a steady phase and a
spike). By hand: prepare the users (bench/locust/prepare.py), start the server, then e.g.

    .venv/bin/locust -f bench/locust/locustfile.py --host http://127.0.0.1:8000 \
        --headless --users 50 --spawn-rate 5 --run-time 4m --csv var/bench/locust

Each simulated practitioner signs in once (password, then the 6-digit code computed from the
secret the demo derives from the username), then repeats, with 2-6 s of think time: their
caseload, a family page from it, that family's Workbook, a Workbook entry written (the add-entry
form fetched and a home visit posted, as a practitioner records one), a search by the family's
name, their team's insights dashboard, a meeting of one of their families and a draft document
(a court chronology, which prepare.py created). Only pages are fetched (no static files).

Environment (set by bench/load.py; all optional; not LOCUST_*, which locust reads as its flags):

- LOAD_USERS_FILE: the prepared users (default var/bench/locust_users.json).
- LOAD_HOSTS: comma-separated base addresses of the app processes; each user sends each
  request to the next one in turn (sign-in form from one, password to the other, ...), so
  the load is split evenly and every session crosses processes.
- LOAD_STEADY_USERS, LOAD_STEADY_SECONDS, LOAD_SPIKE_USERS, LOAD_SPIKE_SECONDS: the shape
  below (the steady users sign in, work for the steady seconds, then as many more sign in as
  make the spike, and all work for the spike seconds) instead of --users/--run-time.
- LOAD_SAMPLES: a JSON file to write every request to at the end (name, phase, milliseconds, the
  Server-Timing `db`/`cpu`/`app` figures when the server sends them, failure), with the CPU time
  of the processes in LOAD_SERVER_PIDS (and their children) at each phase's start and end.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import os
import random
import re
import struct
import time
from pathlib import Path

import gevent
from locust import HttpUser, LoadTestShape, between, events, task

USERS_FILE = Path(
    os.environ.get(
        "LOAD_USERS_FILE",
        Path(__file__).resolve().parents[2] / "var" / "bench" / "locust_users.json",
    )
)
_PREPARED = json.loads(USERS_FILE.read_text())
# prepare.py writes {"today": ..., "users": [...]}; an older file is the bare list.
_USERS = _PREPARED["users"] if isinstance(_PREPARED, dict) else _PREPARED
RECORD_TODAY = (_PREPARED.get("today") if isinstance(_PREPARED, dict) else None) or time.strftime(
    "%Y-%m-%d"
)
_NEXT = itertools.cycle(_USERS)
_HOSTS = [h.strip().rstrip("/") for h in os.environ.get("LOAD_HOSTS", "").split(",") if h.strip()]
_NEXT_HOST = itertools.cycle(range(len(_HOSTS))) if _HOSTS else None
FAMILY = re.compile(r'href="/record/family/(\d+)/">([^<]+)</a>')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
INPUT = re.compile(r"<input\b[^>]*>")
ATTR = re.compile(r'(\w+)="([^"]*)"')
SAVED = re.compile(r"/workbook/family/\d+/entries/\d+/$")
TIMING = re.compile(r"(\w+);dur=([\d.]+)")
PASSWORD = "family-workbook-demo"  # noqa: S105 - the documented demo password, bench databases only


def demo_totp(username: str, at: float | None = None) -> str:
    """RFC 6238 code (SHA-1, 30 s, 6 digits) for the demo key of `username`."""
    key = hashlib.sha256(f"family-workbook-demo-totp:{username}".encode()).digest()[:20]
    counter = int((at or time.time()) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


# A code is accepted once per account (django-otp remembers the last step used). When there
# are more simulated users than prepared accounts, two users of one account wait for the next
# 30-second step rather than fail: the time each waited is not a request, so it is not counted.
_LAST_STEP: dict[str, int] = {}


def _code_for(username: str) -> str:
    while True:
        step = int(time.time() // 30)
        if _LAST_STEP.get(username, -1) < step:
            _LAST_STEP[username] = step
            return demo_totp(username)
        gevent.sleep((step + 1) * 30 - time.time() + 0.2)


class Practitioner(HttpUser):
    wait_time = between(2, 6)
    host = _HOSTS[0] if _HOSTS else None

    def at(self, path: str) -> str:
        """The path on the next server in turn: every request of a user goes to the other one
        than the last, so a session, a CSRF token or a one-time code made by one app process
        must be honoured by the other (they share nothing but PostgreSQL)."""
        return f"{next(self.hosts)}{path}" if self.hosts else path

    def on_start(self) -> None:
        # Users start on alternate servers, then alternate request by request.
        self.hosts = None
        if _HOSTS:
            start = next(_NEXT_HOST)
            self.hosts = itertools.cycle(_HOSTS[start:] + _HOSTS[:start])
        me = next(_NEXT)
        self.username, self.team = me["username"], me["team"]
        self.prepared = me.get("families", [])
        self.families: list[tuple[str, str]] = []
        page = self.client.get(self.at("/sign-in/"), name="sign in (form)")
        self.client.post(
            self.at("/sign-in/"),
            {
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": CSRF.search(page.text).group(1),
            },
            name="sign in (password)",
            allow_redirects=False,
        )
        code_page = self.client.get(self.at("/sign-in/code/"), name="sign in (code form)")
        token = _code_for(self.username)
        with self.client.post(
            self.at("/sign-in/code/"),
            {"token": token, "csrfmiddlewaretoken": CSRF.search(code_page.text).group(1)},
            name="sign in (code)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"second factor refused for {self.username}")
        _SIGNED_IN["n"] += 1

    def _family(self) -> tuple[str, str] | None:
        if not self.families:
            self.caseload()
        return random.choice(self.families) if self.families else None

    @task(3)
    def caseload(self) -> None:
        response = self.client.get(self.at("/record/mine/"), name="caseload")
        found = FAMILY.findall(response.text)
        if found:
            self.families = found

    @task(3)
    def family_page(self) -> None:
        family = self._family()
        if family:
            self.client.get(self.at(f"/record/family/{family[0]}/"), name="family page")

    @task(2)
    def workbook(self) -> None:
        family = self._family()
        if family:
            self.client.get(self.at(f"/workbook/family/{family[0]}/"), name="workbook")

    @task(1)
    def write_entry(self) -> None:
        family = self._family()
        if not family:
            return
        url = f"/workbook/family/{family[0]}/entries/new/"
        page = self.client.get(self.at(url), name="workbook entry (form)")
        if page.status_code != 200:
            return
        present, alone = [], []
        for tag in INPUT.findall(page.text):
            attrs = dict(ATTR.findall(tag))
            if attrs.get("name") == "present":
                present.append(attrs["value"])
            elif attrs.get("name") == "seen_alone":
                alone.append(attrs["value"])
        year, month, day = RECORD_TODAY.split("-")
        with self.client.post(
            self.at(url),
            {
                "csrfmiddlewaretoken": CSRF.search(page.text).group(1),
                "present": present,
                "seen_alone": alone[:1],
                "happened_on_day": str(int(day)),
                "happened_on_month": str(int(month)),
                "happened_on_year": year,
                "kind": "home_visit",
                "what_happened": "Load test: a home visit. The children showed me their rooms.",
                "meaning_for_child": "The children were safe and well during the visit.",
                "what_happens_next": "Next visit in ten working days.",
            },
            name="workbook entry (save)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or not SAVED.search(
                response.headers.get("Location", "")
            ):
                errors = re.findall(r'govuk-error-message">(?:\s*<span[^>]*>[^<]*</span>)?([^<]+)',
                                    response.text)  # fmt: skip
                response.failure(f"entry not saved: {response.status_code} {errors[:2]}")

    @task(1)
    def search(self) -> None:
        family = self._family()
        if family:
            surname = family[1].split()[0]
            self.client.get(self.at("/people/"), params={"q": surname}, name="search")

    @task(1)
    def dashboard(self) -> None:
        params = {"scope": f"team:{self.team}"} if self.team else {}
        self.client.get(self.at("/insights/"), params=params, name="team dashboard")

    @task(1)
    def meeting(self) -> None:
        meetings = [f["meeting"] for f in self.prepared if f.get("meeting")]
        if meetings:
            self.client.get(self.at(f"/meetings/{random.choice(meetings)}/"), name="meeting")

    @task(1)
    def document(self) -> None:
        documents = [f for f in self.prepared if f.get("document")]
        if documents:
            f = random.choice(documents)
            self.client.get(
                self.at(f"/documents/family/{f['id']}/{f['document']}/"), name="document"
            )


# --- the shape and the samples (bench/load.py) ------------------------------------------------

_SIGNED_IN = {"n": 0}
_PHASE = {"name": "sign-in", "since": time.time()}
_SAMPLES: list[list] = []
# Per phase: its start and end (epoch seconds) and the servers' CPU seconds at each.
_WINDOWS: dict[str, dict[str, float]] = {}
_SERVER_PIDS = [int(p) for p in os.environ.get("LOAD_SERVER_PIDS", "").split(",") if p.strip()]


def server_cpu_seconds() -> float:
    """CPU time (user + system) of the server processes, their live children and reaped ones."""
    import psutil

    total = 0.0
    for pid in _SERVER_PIDS:
        try:
            master = psutil.Process(pid)
            t = master.cpu_times()
            # children_* covers workers that exited (max_requests recycling) and were reaped.
            total += t.user + t.system + t.children_user + t.children_system
            for child in master.children(recursive=True):
                try:
                    c = child.cpu_times()
                except psutil.NoSuchProcess:  # a worker that has just exited
                    continue
                total += c.user + c.system
        except psutil.NoSuchProcess:
            continue
    return total


def client_cpu_seconds() -> float:
    """This locust process's own CPU time: the load generator shares the machine."""
    t = os.times()
    return t.user + t.system


def _enter(phase: str | None) -> None:
    """End the current phase (noting the time and the servers' CPU) and start `phase`."""
    now, cpu = time.time(), server_cpu_seconds() if _SERVER_PIDS else None
    client = client_cpu_seconds()
    current = _WINDOWS.setdefault(_PHASE["name"], {"start": _PHASE["since"]})
    current.update(end=now, cpu_end=cpu, client_cpu_end=client)
    if phase is not None:
        _WINDOWS[phase] = {"start": now, "cpu_start": cpu, "client_cpu_start": client}
        _PHASE.update(name=phase, since=now)


@events.test_start.add_listener
def _started(**_kw) -> None:
    _PHASE.update(name="sign-in", since=time.time())
    _WINDOWS["sign-in"] = {
        "start": _PHASE["since"],
        "cpu_start": server_cpu_seconds() if _SERVER_PIDS else None,
        "client_cpu_start": client_cpu_seconds(),
    }


@events.request.add_listener
def _sample(request_type, name, response_time, response_length, response=None, exception=None,
            **_kw) -> None:  # fmt: skip
    timing = {}
    if response is not None:
        timing = {k: float(v) for k, v in TIMING.findall(response.headers.get("Server-Timing", ""))}
    _SAMPLES.append([
        name, round(response_time, 1), timing.get("db"), timing.get("cpu"), timing.get("app"),
        None if exception is None else str(exception)[:200],
        getattr(response, "status_code", None), round(time.time(), 3),
    ])  # fmt: skip


@events.test_stop.add_listener
def _write_samples(**_kw) -> None:
    if "end" not in _WINDOWS.get(_PHASE["name"], {}):
        _enter(None)
    out = os.environ.get("LOAD_SAMPLES")
    if out:
        fields = ["name", "ms", "db_ms", "cpu_ms", "app_ms", "error", "status", "at"]
        Path(out).write_text(
            json.dumps({"fields": fields, "samples": _SAMPLES, "phases": _WINDOWS})
        )


if os.environ.get("LOAD_STEADY_SECONDS"):

    class SteadyThenSpike(LoadTestShape):
        """Four phases, each measured apart (bench/load.py prints one block of rows each).

        "sign-in": LOAD_STEADY_USERS arrive at LOAD_STEADY_RATE a second and sign in (the
        password hash is slow on purpose, so this is its own phase); "steady": they work for
        LOAD_STEADY_SECONDS; "spike sign-in": more arrive at LOAD_SPIKE_RATE a second, as a
        team at nine does, until LOAD_SPIKE_USERS have signed in, while the others carry on;
        "spike": all of them work for LOAD_SPIKE_SECONDS. A sign-in phase ends when every user
        has signed in, or after 5 minutes.
        """

        steady_users = int(os.environ.get("LOAD_STEADY_USERS", "50"))
        steady_rate = float(os.environ.get("LOAD_STEADY_RATE", "5"))
        steady_seconds = float(os.environ["LOAD_STEADY_SECONDS"])
        spike_users = int(os.environ.get("LOAD_SPIKE_USERS", "200"))
        spike_rate = float(os.environ.get("LOAD_SPIKE_RATE", "20"))
        spike_seconds = float(os.environ.get("LOAD_SPIKE_SECONDS", "60"))
        sign_in_limit = 300.0

        def tick(self) -> tuple[int, float] | None:
            phase, elapsed = _PHASE["name"], time.time() - _PHASE["since"]
            if phase == "sign-in":
                if _SIGNED_IN["n"] >= self.steady_users or elapsed > self.sign_in_limit:
                    _enter("steady")
                return self.steady_users, self.steady_rate
            if phase == "steady":
                if elapsed < self.steady_seconds:
                    return self.steady_users, self.steady_rate
                if self.spike_seconds <= 0 or self.spike_users <= self.steady_users:
                    _enter(None)
                    return None
                _enter("spike sign-in")
                return self.spike_users, self.spike_rate
            if phase == "spike sign-in":
                if _SIGNED_IN["n"] >= self.spike_users or elapsed > self.sign_in_limit:
                    _enter("spike")
                return self.spike_users, self.spike_rate
            if elapsed < self.spike_seconds:
                return self.spike_users, self.spike_rate
            _enter(None)
            return None
