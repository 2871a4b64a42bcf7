"""Response times of the family page and the caseload pages on a seeded county.

Usage (from the repository root, after `make setup`):

    .venv/bin/python bench/pages.py --families 20000 --database sqlite
    .venv/bin/python bench/pages.py --families 20000 --database postgres

It seeds a benchmark database with `seed_demo --families N --seed 1` if that database is
empty (SQLite: var/bench/pages_<N>.sqlite3; PostgreSQL: database fwb_pages_<N> on the
local server, created if missing), then requests each page REPEAT times in-process through
Django's test client as the `social_worker` demo user (whole request/response cycle:
middleware, session, queries, template rendering; no network or WSGI server), and prints
the median, p95 and query counts. Results are appended to bench/results/pages.json.

This is a benchmark, not a test: it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import random
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
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    open_county(args.database, f"pages_{args.families}", families=args.families, seed=args.seed)
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from familyworkbook.cases.models import Case
    from familyworkbook.people.models import Family
    from familyworkbook.teams.models import Team, User

    families = Family.objects.count()
    user = User.objects.get(username="social_worker")
    from conftest import sign_in  # the tests' sign-in: password session plus a verified TOTP device

    client = sign_in(Client(), user)
    rng = random.Random(args.seed)

    visible = list(Case.objects.visible_to(user).open().values_list("family_id", flat=True)[:5000])
    team = Team.objects.of_user(user).first()
    targets = {
        "family page": lambda: reverse("cases:family", args=[rng.choice(visible)]),
        "my caseload": lambda: reverse("cases:my_caseload"),
        "team caseload": lambda: reverse("cases:team_caseload", args=[team.pk]),
    }
    results = []
    for name, make_url in targets.items():
        client.get(make_url())  # warm caches and connections
        timings: list[float] = []
        query_counts: list[int] = []
        for _ in range(args.repeat):
            url = make_url()
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
            f"{name:14} median {row['median_ms']:7.1f} ms   p95 {row['p95_ms']:7.1f} ms   "
            f"queries ≤ {row['max_queries']}"
        )
    out = ROOT / "bench" / "results" / "pages.json"
    history = json.loads(out.read_text()) if out.exists() else []
    history.append({"at": time.strftime("%Y-%m-%dT%H:%M:%S"), "results": results})
    out.write_text(json.dumps(history, indent=2) + "\n")
    print(f"written to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
