"""Response times of the meetings pages on a seeded county: the group supervision due/overdue
list and the supervision frequency report (page and CSV), for a team manager (their team) and
for someone who may see the whole council.

Usage (from the repository root, after `make setup`):

    .venv/bin/python bench/meetings.py --families 20000 --database sqlite
    .venv/bin/python bench/meetings.py --families 20000 --database postgres

It seeds a benchmark database with `seed_demo --families N --seed 1` if that database is
empty (SQLite: var/bench/meetings_<N>.sqlite3; PostgreSQL: database fwb_meetings_<N> on the
local server, created if missing). The `performance` demo user is given the whole-council
permission (`access.view_all_records`) in that database. Each page is requested REPEAT times
in-process through Django's test client; median, p95 and query counts are printed and
appended to bench/results/meetings.json. A benchmark, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from harness import open_county, percentile  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--families", type=int, default=20000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    open_county(args.database, f"meetings_{args.families}", families=args.families, seed=args.seed)
    from django.contrib.auth.models import Permission
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from conftest import sign_in  # the tests' sign-in: password session plus a verified TOTP
    from familyworkbook.cases.models import Case
    from familyworkbook.meetings.models import Meeting
    from familyworkbook.people.models import Family
    from familyworkbook.teams.models import User

    manager = User.objects.get(username="team_manager")
    council = User.objects.get(username="performance")
    council.user_permissions.add(Permission.objects.get(codename="view_all_records"))
    families = Family.objects.count()
    print(
        f"families {families:,}; open cases {Case.objects.open().count():,}; "
        f"meetings {Meeting.objects.count():,}"
    )
    period = "?scope=all&date_from_day=1&date_from_month=12&date_from_year=2025"
    period += "&date_to_day=30&date_to_month=11&date_to_year=2026"
    targets = [
        ("due list: team manager", manager, reverse("meetings:due")),
        ("due list: whole council", council, reverse("meetings:due")),
        ("frequency: team manager", manager, reverse("meetings:supervision") + period),
        ("frequency: whole council", council, reverse("meetings:supervision") + period),
        ("frequency CSV: whole council", council, reverse("meetings:supervision_csv") + period),
    ]
    results = []
    for name, user, url in targets:
        client = sign_in(Client(), user)
        first = client.get(url)  # warm caches and connections
        if first.status_code == 302 and "/disclose/" in first["Location"]:
            # A download asks for a disclosure record first (access R6): make one, then time
            # the file itself (the record is good for this page for 15 minutes).
            from urllib.parse import parse_qs, urlparse

            token = parse_qs(urlparse(first["Location"]).query)["t"][0]
            done = client.post(
                reverse("access:disclose"),
                {
                    "t": token,
                    "recipient": "Performance team",
                    "purpose": "Benchmark",
                    "lawful_basis": "safeguarding",
                    "override_reason": "Internal management information",
                },
            )
            url = done["Location"]
        timings: list[float] = []
        query_counts: list[int] = []
        for _ in range(args.repeat):
            reset_queries()
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                print(f"{name}: {url} answered {response.status_code}", file=sys.stderr)
                return 1
            query_counts.append(len(ctx.captured_queries))
        row = {
            "page": name,
            "database": args.database,
            "families": families,
            "requests": args.repeat,
            "median_ms": round(statistics.median(timings), 1),
            "p95_ms": round(percentile(timings, 95), 1),
            "max_queries": max(query_counts),
        }
        results.append(row)
        print(
            f"{name:30} median {row['median_ms']:8.1f} ms   p95 {row['p95_ms']:8.1f} ms   "
            f"queries ≤ {row['max_queries']}"
        )
    out = ROOT / "bench" / "results" / "meetings.json"
    history = json.loads(out.read_text()) if out.exists() else []
    history.append({"at": time.strftime("%Y-%m-%dT%H:%M:%S"), "results": results})
    out.write_text(json.dumps(history, indent=2) + "\n")
    print(f"written to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
