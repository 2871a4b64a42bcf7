"""Response times of a family's Workbook page and chronology in a 20,000-family county.

Usage (from the repository root, after `make setup`):

    .venv/bin/python bench/workbook.py --database sqlite
    .venv/bin/python bench/workbook.py --database postgres

It uses its own database (SQLite: var/bench/workbook_<N>.sqlite3; PostgreSQL: fwb_workbook_<N>
on the local server, created if missing; it may be a copy of another benchmark's county) and
seeds it with `seed_demo --families N --seed 1` if it is empty: the demo county now has Workbooks (familyworkbook/demo/workbooks.py), about
18 months of entries per family. The issue asks for a family with three years of entries
(500 or more), which the demo does not make, so the script then gives HEAVY families from
the `social_worker` demo user's caseload three years of Workbook each (about 550 entries,
one in eight significant, with goals rated monthly), unless it has already done so.

Then it requests, REPEAT times each, in-process through Django's test client as the
`social_worker` demo user (middleware, session, access checks, audit, queries, template):
the Workbook page and the chronology of a heavy family, and of an ordinary family on the
caseload; and prints the median, p95 and query counts. Results are appended to
bench/results/workbook.json. A benchmark, not a test: it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import datetime as dt
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

from harness import database_url, percentile  # noqa: E402

HEAVY_MARK = "Bench: three years of Workbook"


def add_three_years(family_ids: list[int], anchor: dt.date, rng: random.Random) -> int:
    """About 550 entries over three years for each family, by the workers on its case."""
    from familyworkbook.cases.models import Allocation
    from familyworkbook.demo import workbook_text as text
    from familyworkbook.people.models import Person, PersonKind
    from familyworkbook.workbook.models import (
        DEFAULT_PROGRAMME,
        Chapter,
        Entry,
        EntryKind,
        Goal,
        GoalRating,
        Programme,
        RatedBy,
    )

    programme = Programme.objects.latest_of(DEFAULT_PROGRAMME)
    modules = list(programme.modules.order_by("number"))
    made = 0
    for family_id in family_ids:
        workers = [
            a.worker
            for a in Allocation.objects.filter(case__family_id=family_id)
            .select_related("worker")
            .order_by("started_on", "pk")
        ]
        people = list(Person.objects.filter(memberships__family_id=family_id).distinct())
        kids = [p for p in people if p.kind == PersonKind.CHILD] or people
        names = {"adult": people[0].first_name, "child": kids[0].first_name, "child_list": ""}
        entries, present = [], []
        day = anchor - dt.timedelta(days=3 * 365)
        while day <= anchor:
            author = rng.choice(workers)
            chapter = Chapter.for_role(author.role)
            module = rng.choice(modules) if rng.random() < 0.3 else None
            what, meaning, nxt = rng.choice(text.VISIT_TEXT)
            stamp = dt.datetime(day.year, day.month, day.day, 16, tzinfo=dt.UTC)
            significant = rng.random() < 0.125
            entry = Entry(
                family_id=family_id,
                author=author,
                chapter=chapter,
                happened_on=day,
                kind=EntryKind.SESSION if module else EntryKind.HOME_VISIT,
                programme=programme,
                programme_version=programme.version,
                module=module,
                what_happened=what.format(**names),
                meaning_for_child=meaning.format(**names),
                what_happens_next=nxt.format(**names),
                child_words=rng.choice(text.CHILD_WORDS) if rng.random() < 0.3 else "",
                is_significant=significant,
                headline=f"{HEAVY_MARK}: event {made + len(entries)}" if significant else "",
                created_at=stamp,
                modified_at=stamp,
                created_by_id=author.user_id,
                modified_by_id=author.user_id,
            )
            entries.append(entry)
            present.append((entry, rng.sample(people, min(2, len(people)))))
            day += dt.timedelta(days=rng.choice([1, 2, 2, 3]))
        Entry.objects.bulk_create(entries, batch_size=1000)
        Entry.present.through.objects.bulk_create(
            [Entry.present.through(entry_id=e.pk, person_id=p.pk) for e, ps in present for p in ps],
            batch_size=2000,
        )
        goals = [
            Goal(
                family_id=family_id,
                person=person,
                title=f"Goal for {person.first_name}",
                set_on=anchor - dt.timedelta(days=3 * 365),
                created_by_id=workers[0].user_id,
                modified_by_id=workers[0].user_id,
            )
            for person in people[:4]
        ]
        Goal.objects.bulk_create(goals)
        ratings = []
        for goal in goals:
            rated = goal.set_on
            while rated <= anchor:
                for by in (RatedBy.WORKER, RatedBy.FAMILY_MEMBER):
                    ratings.append(
                        GoalRating(
                            goal=goal,
                            rated_on=rated,
                            rated_by=by,
                            score=rng.randint(0, 10),
                            recorded_by_id=workers[0].user_id,
                        )
                    )
                rated += dt.timedelta(days=30)
        GoalRating.objects.bulk_create(ratings, batch_size=2000)
        made += len(entries)
    return made


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--families", type=int, default=20000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--heavy", type=int, default=10, help="families given three years")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--prepare-only", action="store_true", help="seed, then stop")
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = database_url(args.database, f"workbook_{args.families}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("FWB_ALLOW_INSECURE_KEY", "true")
    os.environ.setdefault("FWB_SECURE_COOKIES", "false")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from familyworkbook.cases.models import Case
    from familyworkbook.demo.seeding import DEFAULT_ANCHOR
    from familyworkbook.people.models import Family
    from familyworkbook.teams.models import User
    from familyworkbook.workbook.models import Entry

    print(f"database: {args.database} ({connection.vendor}); families wanted: {args.families:,}")
    call_command("migrate", verbosity=0)
    if not Family.objects.exists():
        started = time.perf_counter()
        call_command("seed_demo", families=args.families, seed=args.seed)
        print(f"seeded in {time.perf_counter() - started:.1f} s")
    user = User.objects.get(username="social_worker")
    rng = random.Random(args.seed)
    caseload = sorted(set(Case.objects.visible_to(user).open().values_list("family_id", flat=True)))
    heavy = list(
        Entry.objects.filter(headline__startswith=HEAVY_MARK)
        .values_list("family_id", flat=True)
        .distinct()
    )
    if not heavy:
        heavy = caseload[: args.heavy]
        started = time.perf_counter()
        made = add_three_years(heavy, DEFAULT_ANCHOR, rng)
        print(
            f"{made:,} entries of three years added to {len(heavy)} families "
            f"in {time.perf_counter() - started:.1f} s"
        )
    if args.prepare_only:
        return 0
    families = Family.objects.count()
    entries = Entry.objects.count()
    sizes = dict(
        Entry.objects.filter(family_id__in=caseload)
        .values("family_id")
        .annotate(n=Count("pk"))
        .values_list("family_id", "n")
    )
    # Ordinary families: the rest of the caseload, with the demo's Workbooks when the county
    # was seeded with them; a county seeded before demo Workbooks existed has none (said so).
    ordinary = [f for f in caseload if f not in heavy and sizes.get(f)] or [
        f for f in caseload if f not in heavy
    ]
    print(
        f"{families:,} families, {entries:,} entries; heavy families have "
        f"{min(sizes[f] for f in heavy):,}–{max(sizes[f] for f in heavy):,} entries; "
        f"ordinary caseload families {min(sizes.get(f, 0) for f in ordinary)}–"
        f"{max(sizes.get(f, 0) for f in ordinary)}"
    )
    from conftest import sign_in  # the tests' sign-in: password session plus a verified TOTP device

    client = sign_in(Client(), user)
    targets = {
        "workbook page (3 years)": lambda: reverse("workbook:home", args=[rng.choice(heavy)]),
        "chronology (3 years)": lambda: reverse("workbook:chronology", args=[rng.choice(heavy)]),
        "workbook page (demo)": lambda: reverse("workbook:home", args=[rng.choice(ordinary)]),
        "chronology (demo)": lambda: reverse("workbook:chronology", args=[rng.choice(ordinary)]),
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
            "entries": entries,
            "ordinary_family_entries": [
                min(sizes.get(f, 0) for f in ordinary),
                max(sizes.get(f, 0) for f in ordinary),
            ],
            "requests": args.repeat,
            "median_ms": round(statistics.median(timings), 1),
            "p95_ms": round(percentile(timings, 95), 1),
            "max_queries": max(query_counts),
        }
        results.append(row)
        print(
            f"{name:24} median {row['median_ms']:7.1f} ms   p95 {row['p95_ms']:7.1f} ms   "
            f"queries ≤ {row['max_queries']}"
        )
    out = ROOT / "bench" / "results" / "workbook.json"
    history = json.loads(out.read_text()) if out.exists() else []
    history.append(
        {
            "at": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "load_average": os.getloadavg(),
            "results": results,
        }
    )
    out.write_text(json.dumps(history, indent=2) + "\n")
    print(f"written to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
