"""Response times of the family page and the caseload pages on a seeded county.

Usage (from the repository root, after `make setup`):

    .venv/bin/python bench/pages.py --families 20000 --database sqlite
    .venv/bin/python bench/pages.py --families 20000 --database postgres

It seeds a benchmark database with `seed_demo --families N --seed 1` if that database is
empty (SQLite: var/bench/pages_<N>.sqlite3; PostgreSQL: database fwb_pages_<N> on the
local server, created if missing), then requests each page REPEAT times in-process through
Django's test client as the `social_worker` demo user (whole request/response cycle:
middleware, session, queries, template rendering; no network or WSGI server), and prints
the median, p95 and query counts. Results are appended to bench/results/pages.json with the
load average (the machine is shared: read every timing beside it).

The pages are those of the load test's task mix (bench/locust/): the caseloads, a family
page, that family's Workbook and a people search by a family's surname. To see where a
page's time goes rather than how long it takes (far less sensitive to a busy machine):

    .venv/bin/python bench/pages.py --families 20000 --database postgres --profile "people search"
    .venv/bin/python bench/pages.py --families 20000 --database postgres --explain "people search"

`--profile` prints the cProfile functions with the most cumulative time over REPEAT requests;
`--explain` prints each query of one request with its time, and on PostgreSQL the
EXPLAIN ANALYZE of the slowest three.

This is a benchmark, not a test: it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import os
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
    parser.add_argument("--only", action="append", help="benchmark only this page (repeatable)")
    parser.add_argument("--profile", metavar="PAGE", help="cProfile REPEAT requests of PAGE")
    parser.add_argument("--explain", metavar="PAGE", help="queries of one request of PAGE")
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
    surnames = sorted(
        {
            name.split()[0]
            for name in Family.objects.filter(pk__in=visible).values_list("name", flat=True)
        }
    )
    team = Team.objects.of_user(user).first()
    targets = {
        "family page": lambda: reverse("cases:family", args=[rng.choice(visible)]),
        "my caseload": lambda: reverse("cases:my_caseload"),
        "team caseload": lambda: reverse("cases:team_caseload", args=[team.pk]),
        "workbook": lambda: reverse("workbook:home", args=[rng.choice(visible)]),
        "people search": lambda: f"{reverse('people:search')}?q={rng.choice(surnames)}",
    }
    if args.profile:
        return profile(client, targets[args.profile], args.repeat)
    if args.explain:
        return explain(client, targets[args.explain])
    if args.only:
        targets = {name: targets[name] for name in args.only}
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
    load = [round(x, 2) for x in os.getloadavg()]
    print(f"load average {load[0]}, {load[1]}, {load[2]} (1, 5, 15 min)")
    history.append(
        {"at": time.strftime("%Y-%m-%dT%H:%M:%S"), "load_average": load, "results": results}
    )
    out.write_text(json.dumps(history, indent=2) + "\n")
    print(f"written to {out.relative_to(ROOT)}")
    return 0


def profile(client, make_url, repeat: int) -> int:  # type: ignore[no-untyped-def]
    """Where the time of REPEAT requests goes, by function (cumulative)."""
    import cProfile
    import pstats

    client.get(make_url())
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        client.get(make_url())
    profiler.disable()
    stats = pstats.Stats(profiler).sort_stats("cumulative")
    stats.print_stats(40)
    print(f"load average {os.getloadavg()[0]:.2f}")
    return 0


def explain(client, make_url) -> int:  # type: ignore[no-untyped-def]
    """Each query of one request with its time; EXPLAIN ANALYZE of the slowest on PostgreSQL."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = make_url()
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    print(url)
    queries = ctx.captured_queries
    for number, query in enumerate(queries, 1):
        print(f"{number:3} {float(query['time']) * 1000:8.1f} ms  {query['sql'][:160]}")
    total = sum(float(q["time"]) for q in queries) * 1000
    print(f"{len(queries)} queries, {total:.1f} ms in the database")
    if connection.vendor == "postgresql":
        slowest = sorted(queries, key=lambda q: float(q["time"]), reverse=True)[:3]
        with connection.cursor() as cursor:
            for query in slowest:
                if not query["sql"].lstrip().upper().startswith("SELECT"):
                    continue
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
                print("\n" + query["sql"][:2000])
                print("\n".join(row[0] for row in cursor.fetchall()))
    print(f"load average {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
