"""R18: time to build the subject access draft pack for a ten-year case (target < 10 minutes).

Usage (from the repository root, after `make setup`):

    .venv/bin/python bench/subject_access.py                       # SQLite, var/bench/subject_access.sqlite3
    .venv/bin/python bench/subject_access.py --database postgres   # fwb_subject_access on the local server

Seeds, in a fresh database, one family (two parents, three children) with ten years of
records, built with the demo builders and bulk inserts: weekly Workbook entries tagging one
or more members, fortnightly statutory visits to each child, goals with monthly ratings,
risk and need items, Cycle of Change stages, meetings every six weeks with contributions and
decisions, documents with written sections, quarterly measures for everyone, sharing
decisions, and audited reads of each member's record by 30 workers. Then times, REPEAT
times, for a parent and for a child: collecting every item (`selectors.collect`), and the
first build of a request's pack (`services.build_pack`, which writes the items), and a
rebuild with nothing changed. Prints the item counts and the median seconds; appends the
figures to bench/results/subject_access.json. A benchmark, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from harness import database_url  # noqa: E402

YEARS = 10
START = dt.date(2015, 11, 2)


def seed():  # type: ignore[no-untyped-def]
    import random

    from django.contrib.auth.models import Group
    from django.utils import timezone

    from familyworkbook import audit
    from familyworkbook.access.models import SharingRecord
    from familyworkbook.cases.models import Visit
    from familyworkbook.demo import builders
    from familyworkbook.documents.models import Document, WrittenSection
    from familyworkbook.measures.models import MeasureResponse
    from familyworkbook.meetings.models import Contribution, Decision, Meeting, MeetingType
    from familyworkbook.meetings.seed import seed_meeting_types
    from familyworkbook.people.models import PersonKind
    from familyworkbook.teams.models import Role
    from familyworkbook.workbook.models.change import ChangeStage
    from familyworkbook.workbook.models.entries import Chapter, Entry
    from familyworkbook.workbook.models.goals import Goal, GoalRating
    from familyworkbook.workbook.models.risk import RiskNeedItem

    rng = random.Random(18)
    north = builders.team("North Family Safeguarding Team", district="Fenland")
    workers = [builders.worker(f"w{i}", role=Role.SOCIAL_WORKER, teams=[north]) for i in range(30)]
    sam = workers[0]
    ig = builders.worker("iggy", role=Role.PERFORMANCE)
    ig.user.groups.add(Group.objects.get(name="Information governance"))
    family = builders.family("Ward", children=3, adults=2, born=dt.date(2012, 5, 1))
    case = builders.case(family, north, lead=sam, opened_on=START)
    people = list(family.members.all())
    adults = [p for p in people if p.kind == PersonKind.ADULT]
    children = [p for p in people if p.kind == PersonKind.CHILD]
    days = [START + dt.timedelta(days=d) for d in range(0, 365 * YEARS)]
    weeks = days[::7]
    now = timezone.now()

    entries = Entry.objects.bulk_create(
        [
            Entry(
                family=family,
                author=rng.choice(workers),
                chapter=Chapter.SOCIAL_WORK,
                happened_on=day,
                kind="home_visit",
                what_happened=f"Visit {n}: {rng.choice(people).first_name} talked about the "
                "week at home and at school. " * 4,
                meaning_for_child="The children were settled and had eaten. " * 3,
                what_happens_next="Visit again next week.",
                created_at=now,
                modified_at=now,
            )
            for n, day in enumerate(weeks)
        ],
        batch_size=500,
    )
    through = Entry.tagged.through
    through.objects.bulk_create(
        [
            through(entry_id=e.pk, person_id=p.pk)
            for e in entries
            for p in rng.sample(people, rng.randint(0, 2))
        ],
        batch_size=2000,
    )
    Visit.objects.bulk_create(
        [
            Visit(child=c, case=case, visited_on=day, kind="cin", seen=True, by=sam)
            for c in children
            for day in days[::14]
        ],
        batch_size=1000,
    )
    goals = [
        Goal.objects.create(
            family=family,
            person=p,
            title=f"Goal {n} for {p.first_name}",
            set_on=START + dt.timedelta(days=365 * n),
        )
        for n in range(YEARS)
        for p in people
    ]
    GoalRating.objects.bulk_create(
        [
            GoalRating(
                goal=g,
                rated_on=g.set_on + dt.timedelta(days=30 * m),
                rated_by="worker",
                score=rng.randint(0, 10),
                recorded_by=sam.user,
            )
            for g in goals
            for m in range(12)
        ],
        batch_size=1000,
    )
    RiskNeedItem.objects.bulk_create(
        [
            RiskNeedItem(
                family=family,
                about=rng.choice([None, *people]),
                kind="worry",
                text=f"Worry {n}",
                identified_on=weeks[n * 5],
            )
            for n in range(100)
        ]
    )
    ChangeStage.objects.bulk_create(
        [
            ChangeStage(
                family=family,
                person=p,
                issue="alcohol",
                stage="contemplation",
                assessed_on=day,
                rationale="Says he wants to change",
                recorded_by=sam.user,
            )
            for p in adults
            for day in days[::90]
        ]
    )
    seed_meeting_types(MeetingType)
    meeting_type = MeetingType.objects.first()
    meetings = Meeting.objects.bulk_create(
        [
            Meeting(
                type=meeting_type,
                family=family,
                case=case,
                chair=sam,
                starts_at=timezone.make_aware(dt.datetime.combine(day, dt.time(10))),
                worries="Worries about home. " * 5,
                working_well="School is going well.",
            )
            for day in days[::42]
        ]
    )
    Contribution.objects.bulk_create(
        [
            Contribution(
                meeting=m, author=w, chapter=Chapter.SOCIAL_WORK, text="Contribution. " * 10
            )
            for m in meetings
            for w in workers[:3]
        ]
    )
    Decision.objects.bulk_create([Decision(meeting=m, text="Carry on") for m in meetings])
    documents = Document.objects.bulk_create(
        [
            Document(
                family=family,
                case=case,
                child=rng.choice([None, *children]),
                type_key="child_in_need_plan",
                schema_version=1,
                title=f"Plan {n}",
                author=sam.user,
            )
            for n in range(40)
        ]
    )
    WrittenSection.objects.bulk_create(
        [
            WrittenSection(document=d, key=k, text="Analysis. " * 30)
            for d in documents
            for k in ("analysis", "plan")
        ]
    )
    MeasureResponse.objects.bulk_create(
        [
            MeasureResponse(
                person=p,
                case=case,
                instrument="swemwbs",
                informant="self",
                completed_on=day,
                collection_point="review",
                responses={str(i): 3 for i in range(1, 8)},
                scores={"total": 21},
                scorer_version="bench",
            )
            for p in people
            for day in days[::91]
        ]
    )
    SharingRecord.objects.bulk_create(
        [
            SharingRecord(
                family=family,
                person=rng.choice([None, *people]),
                decision="shared",
                what="Update",
                recipient="School",
                purpose="Safeguarding",
                lawful_basis="public_task",
                decided_on=day,
                override_reason="Task",
            )
            for day in days[::30]
        ]
    )
    for w in workers:
        for p in people:
            audit.record(actor=w.user, verb=audit.Verb.VIEWED, target=p, label=p.full_name)
    return ig, adults[0], children[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = database_url(args.database, "subject_access", fresh=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("FWB_ALLOW_INSECURE_KEY", "true")
    os.environ.setdefault("FWB_SECURE_COOKIES", "false")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from familyworkbook.subject_access import selectors, services

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    ig, parent, child = seed()
    print(
        f"database: {connection.vendor}; seeded ten years in {time.perf_counter() - started:.1f} s"
    )
    rows = []
    for who in (parent, child):
        collect, build, rebuild = [], [], []
        counts: dict = {}
        for _ in range(args.repeat):
            t = time.perf_counter()
            items = selectors.collect(who)
            collect.append(time.perf_counter() - t)
            sar = services.open_request(
                subject=who,
                requester_kind="subject",
                requester_name=who.full_name,
                received_on=timezone.localdate(),
                identity_verified_on=timezone.localdate(),
                by=ig.user,
            )
            t = time.perf_counter()
            counts = services.build_pack(sar, by=ig.user)
            build.append(time.perf_counter() - t)
            t = time.perf_counter()
            services.build_pack(sar, by=ig.user)
            rebuild.append(time.perf_counter() - t)
        flagged = sum(1 for i in items if i.third_party)
        row = {
            "subject": "parent" if who == parent else "child",
            "items": counts["items"],
            "flagged": flagged,
            "collect_s": round(statistics.median(collect), 2),
            "first_build_s": round(statistics.median(build), 2),
            "rebuild_s": round(statistics.median(rebuild), 2),
        }
        rows.append(row)
        print(
            f"{row['subject']:>6}: {row['items']:,} items ({flagged:,} flagged); collect "
            f"{row['collect_s']} s, first build {row['first_build_s']} s, rebuild "
            f"{row['rebuild_s']} s (median of {args.repeat}; target < 600 s)"
        )
    out = ROOT / "bench" / "results" / "subject_access.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    history = json.loads(out.read_text()) if out.exists() else []
    history.append(
        {
            "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "database": connection.vendor,
            "machine": f"{platform.machine()} {os.cpu_count()} cpu",
            "load_average_1m": round(os.getloadavg()[0], 1),
            "rows": rows,
        }
    )
    out.write_text(json.dumps(history, indent=2) + "\n")


if __name__ == "__main__":
    main()
