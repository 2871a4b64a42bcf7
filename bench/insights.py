"""Response times of the insights pages (KPI dashboards, workforce) on a seeded county.

Usage (from the repository root, after `make setup`):

    .venv/bin/python bench/insights.py --families 2000 --database sqlite
    .venv/bin/python bench/insights.py --families 20000 --database postgres

Uses the same benchmark databases as bench/pages.py (SQLite: var/bench/pages_<N>.sqlite3;
PostgreSQL: fwb_pages_<N> on the local server), seeding with `seed_demo --families N --seed 1`
if empty. Each page is requested REPEAT times in-process through Django's test client
(middleware, session, queries and templates; no network), for the last four whole quarters:

- team dashboard: the `social_worker` demo user, their team;
- whole-council dashboard and workforce: the `performance` demo user, who is given the
  "view all records" permission in the benchmark database if they do not have it.

Prints median and p95 of the whole request, the median of its SQL time alone (the sum of
the queries' own times) and the query count. Results are appended to bench/results/insights.json.
This is a benchmark, not a test: it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from harness import database_url, percentile  # noqa: E402


def _signed_in(client, user):  # type: ignore[no-untyped-def]
    """Sign in as the tests do: password session and a verified second factor."""
    from conftest import sign_in

    return sign_in(client, user)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--families", type=int, default=2000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--name",
        default=None,
        help="benchmark database name without the fwb_ prefix (default pages_<families>)",
    )
    parser.add_argument(
        "--jit",
        choices=["server", "off"],
        default="server",
        help="PostgreSQL only: keep the server's JIT setting, or turn JIT off on each connection",
    )
    parser.add_argument(
        "--summaries",
        choices=["refresh", "none"],
        default="refresh",
        help="refresh the precomputed dashboards first (refresh_insights), or measure them "
        "live with the summary table emptied",
    )
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = database_url(args.database, args.name or f"pages_{args.families}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("FWB_ALLOW_INSECURE_KEY", "true")
    os.environ.setdefault("FWB_SECURE_COOKIES", "false")
    import django

    django.setup()
    from django.contrib.auth.models import Permission
    from django.core.management import call_command
    from django.db import connection
    from django.db.backends.signals import connection_created
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from familyworkbook.insights.forms import initial_data
    from familyworkbook.people.models import Family
    from familyworkbook.teams.models import Team, User

    if args.jit == "off" and args.database == "postgres":

        def _no_jit(sender, connection, **kwargs):  # type: ignore[no-untyped-def]
            with connection.cursor() as cursor:
                cursor.execute("SET jit = off")

        connection_created.connect(_no_jit, weak=False)

    print(f"database: {args.database} ({connection.vendor}); families wanted: {args.families:,}")
    call_command("migrate", verbosity=0)
    if not Family.objects.exists():
        started = time.perf_counter()
        call_command("seed_demo", families=args.families, seed=args.seed)
        print(f"seeded in {time.perf_counter() - started:.1f} s")
    if connection.vendor == "postgresql":
        # Planner statistics, as autovacuum would gather after a bulk load: without them a
        # freshly seeded table looks empty and the planner picks sequential scans.
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"analysed in {time.perf_counter() - started:.1f} s")
    from familyworkbook.insights.models import DashboardSummary

    started = time.perf_counter()
    if args.summaries == "refresh":
        call_command("refresh_insights", verbosity=0)
        print(
            f"refresh_insights: {DashboardSummary.objects.count()} dashboards in "
            f"{time.perf_counter() - started:.1f} s"
        )
    else:
        DashboardSummary.objects.all().delete()
        print("summary table emptied: the dashboards are calculated live")
    families = Family.objects.count()
    worker_user = User.objects.get(username="social_worker")
    analyst = User.objects.get(username="performance")
    if not analyst.has_perm("access.view_all_records"):
        analyst.user_permissions.add(Permission.objects.get(codename="view_all_records"))
        analyst = User.objects.get(pk=analyst.pk)
        print("gave the performance demo user 'view all records' (benchmark database only)")
    team = Team.objects.of_user(worker_user).order_by("name").first()
    today = timezone.localdate()
    targets = [
        (
            "team dashboard",
            worker_user,
            "insights:dashboard",
            initial_data(today, f"team:{team.pk}"),
        ),
        ("council dashboard", analyst, "insights:dashboard", initial_data(today, "council")),
        ("council workforce", analyst, "insights:workforce", initial_data(today, "council")),
    ]
    period = initial_data(today, "")
    print(
        f"families: {families:,}; team: {team.name}; period "
        f"{period['date_from_day']}/{period['date_from_month']}/{period['date_from_year']} to "
        f"{period['date_to_day']}/{period['date_to_month']}/{period['date_to_year']}"
    )
    results = []
    for name, user, url_name, query in targets:
        client = _signed_in(Client(), user)
        url = reverse(url_name)
        response = client.get(url, query)  # warm caches and connections
        if response.status_code != 200 or b"<svg" not in response.content:
            print(f"{name}: answered {response.status_code} with no tables", file=sys.stderr)
            return 1
        timings: list[float] = []
        sql: list[float] = []
        query_counts: list[int] = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(url, query)
                timings.append((time.perf_counter() - started) * 1000)
            sql.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
            query_counts.append(len(ctx.captured_queries))
        row = {
            "page": name,
            "database": args.database,
            "jit": args.jit if args.database == "postgres" else None,
            "summaries": args.summaries,
            "families": families,
            "requests": args.repeat,
            "median_ms": round(statistics.median(timings), 1),
            "p95_ms": round(percentile(timings, 95), 1),
            "sql_median_ms": round(statistics.median(sql), 1),
            "max_queries": max(query_counts),
        }
        results.append(row)
        print(
            f"{name:18} median {row['median_ms']:7.1f} ms   p95 {row['p95_ms']:7.1f} ms   "
            f"SQL alone {row['sql_median_ms']:7.1f} ms   queries ≤ {row['max_queries']}"
        )
    out = ROOT / "bench" / "results" / "insights.json"
    history = json.loads(out.read_text()) if out.exists() else []
    history.append({"at": time.strftime("%Y-%m-%dT%H:%M:%S"), "results": results})
    out.write_text(json.dumps(history, indent=2) + "\n")
    print(f"written to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
