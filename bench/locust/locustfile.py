"""Load test: practitioners signing in (password and TOTP) and working their caseloads.

Prepare the users first (bench/locust/prepare.py), start the server, then for example:

    .venv/bin/locust -f bench/locust/locustfile.py --host http://127.0.0.1:8000 \
        --headless --users 50 --spawn-rate 5 --run-time 4m --csv var/bench/locust

Each simulated practitioner signs in once (password, then the 6-digit code computed from the
secret the demo derives from the username), then repeats, with 2-6 s of think time: their
caseload, a family page from it, that family's Workbook, a search by the family's name, and
their team's insights dashboard. Only pages are fetched (no static files).
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

from locust import HttpUser, between, task

USERS_FILE = Path(
    os.environ.get(
        "LOCUST_USERS",
        Path(__file__).resolve().parents[2] / "var" / "bench" / "locust_users.json",
    )
)
_USERS = json.loads(USERS_FILE.read_text())
_NEXT = itertools.cycle(_USERS)
FAMILY = re.compile(r'href="/record/family/(\d+)/">([^<]+)</a>')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PASSWORD = "family-workbook-demo"  # noqa: S105 - the documented demo password, bench databases only


def demo_totp(username: str, at: float | None = None) -> str:
    """RFC 6238 code (SHA-1, 30 s, 6 digits) for the demo key of `username`."""
    key = hashlib.sha256(f"family-workbook-demo-totp:{username}".encode()).digest()[:20]
    counter = int((at or time.time()) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


class Practitioner(HttpUser):
    wait_time = between(2, 6)

    def on_start(self) -> None:
        me = next(_NEXT)
        self.username, self.team = me["username"], me["team"]
        self.families: list[tuple[str, str]] = []
        page = self.client.get("/sign-in/", name="sign in (form)")
        self.client.post(
            "/sign-in/",
            {
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": CSRF.search(page.text).group(1),
            },
            name="sign in (password)",
            allow_redirects=False,
        )
        code_page = self.client.get("/sign-in/code/", name="sign in (code form)")
        with self.client.post(
            "/sign-in/code/",
            {
                "token": demo_totp(self.username),
                "csrfmiddlewaretoken": CSRF.search(code_page.text).group(1),
            },
            name="sign in (code)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"second factor refused for {self.username}")

    def _family(self) -> tuple[str, str] | None:
        if not self.families:
            self.caseload()
        return random.choice(self.families) if self.families else None

    @task(3)
    def caseload(self) -> None:
        response = self.client.get("/record/mine/", name="caseload")
        found = FAMILY.findall(response.text)
        if found:
            self.families = found

    @task(3)
    def family_page(self) -> None:
        family = self._family()
        if family:
            self.client.get(f"/record/family/{family[0]}/", name="family page")

    @task(2)
    def workbook(self) -> None:
        family = self._family()
        if family:
            self.client.get(f"/workbook/family/{family[0]}/", name="workbook")

    @task(1)
    def search(self) -> None:
        family = self._family()
        if family:
            surname = family[1].split()[0]
            self.client.get("/people/", params={"q": surname}, name="search")

    @task(1)
    def dashboard(self) -> None:
        params = {"scope": f"team:{self.team}"} if self.team else {}
        self.client.get("/insights/", params=params, name="team dashboard")
