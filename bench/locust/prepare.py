"""Prepare the load test: practitioners who can sign in, written to var/bench/locust_users.json.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fwb_bench_load \
        .venv/bin/python bench/locust/prepare.py --users 200

Picks practitioners holding a post with open cases allocated to them: social workers first (the
most cases first, so every simulated practitioner has a caseload to open), then senior, consultant
and child practitioners with cases when a small county has fewer social workers than --users
(the adult specialists are left out: they see only the adults they work with, not the family
page). When --users is more than the county has, the locustfile shares accounts. Gives each the demo password and an authenticator device
whose secret is derived from the username as the demo users' are (familyworkbook.demo.
access_seed.ensure_device), so the locustfile can compute the code. For up to --families of each
one's allocated families it notes a meeting of the family, if it has one, and creates a draft
court chronology (documents.services.create_document, as that practitioner) for the locustfile's
"document" page. For a benchmark database only: it changes passwords and adds documents.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--families", type=int, default=2, help="documents per practitioner")
    parser.add_argument("--out", default=str(ROOT / "var" / "bench" / "locust_users.json"))
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("FWB_ALLOW_INSECURE_KEY", "true")
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.db.models import Case, Count, IntegerField, Q, Value, When

    from familyworkbook.cases.models import Allocation
    from familyworkbook.core.clock import today as record_today
    from familyworkbook.demo.access_seed import ensure_device
    from familyworkbook.demo.builders import DEMO_PASSWORD
    from familyworkbook.documents.services import create_document
    from familyworkbook.meetings.models import Meeting
    from familyworkbook.teams.models import Role, Team, User, Worker

    # The roles that open a family's whole record from their caseload. The adult specialists
    # hold cases too, but see only the adults they work with, so a family page is not theirs.
    CASE_HOLDERS = [  # noqa: N806
        Role.SOCIAL_WORKER,
        Role.SENIOR_PRACTITIONER,
        Role.CONSULTANT_SOCIAL_WORKER,
        Role.CHILD_PRACTITIONER,
    ]
    open_cases = Q(allocations__ended_on__isnull=True, allocations__case__closed_on__isnull=True)
    workers = (
        Worker.objects.filter(
            posts__isnull=False, left_on__isnull=True, user__isnull=False, role__in=CASE_HOLDERS
        )
        .annotate(
            n=Count("allocations", filter=open_cases),
            first=Case(
                When(role=Role.SOCIAL_WORKER, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
        )
        .filter(n__gt=0)
        .order_by("first", "-n", "pk")
        .select_related("user")
        .distinct()[: args.users]
    )
    password = make_password(DEMO_PASSWORD)  # one hash, shared: 200 hashes would take a minute
    users = []
    for w in workers:
        User.objects.filter(pk=w.user_id).update(password=password)
        ensure_device(w.user)
        team = Team.objects.of_user(w.user).order_by("name").first()
        family_ids = list(
            Allocation.objects.current()
            .filter(worker=w, case__closed_on__isnull=True)
            .order_by("case__family_id")
            .values_list("case__family_id", flat=True)
            .distinct()[: args.families]
        )
        families = []
        for family_id in family_ids:
            meeting = (
                Meeting.objects.filter(family_id=family_id)
                .order_by("-starts_at")
                .values_list("pk", flat=True)
                .first()
            )
            document = create_document(
                family=_family(family_id), type_key="court_chronology", by=w.user
            )
            families.append({"id": family_id, "meeting": meeting, "document": document.pk})
        users.append(
            {"username": w.user.username, "team": team.pk if team else None, "families": families}
        )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    # The record's today (a demo county is seen from its anchor date): Workbook entries are
    # dated on it, never in the record's future.
    prepared = {"today": record_today().isoformat(), "users": users}
    out.write_text(json.dumps(prepared, indent=1) + "\n")
    print(f"{len(users)} practitioners written to {out}")
    return 0 if users else 1


def _family(family_id: int):  # noqa: ANN202 - a Family, imported after django.setup()
    from familyworkbook.people.models import Family

    return Family.objects.get(pk=family_id)


if __name__ == "__main__":
    sys.exit(main())
