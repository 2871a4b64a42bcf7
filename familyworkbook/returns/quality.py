"""Data quality during the year: our own checks of the record against the DfE return rules.

The same rule checks the exporters run (not the external validators, which need another
Python and minutes per run) applied to the collection year in progress, so a child's record
is fixed while the worker still knows the family, not in April. Each problem is attributed
to the team whose open case holds the child, and to that case's lead worker.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, QuerySet

from familyworkbook.cases.models import Allocation, Case
from familyworkbook.core import clock
from familyworkbook.people.models import FamilyMembership, Person
from familyworkbook.returns.cin import build_cin_census
from familyworkbook.returns.models import QualityIssue, QualitySnapshot
from familyworkbook.returns.periods import CollectionYear
from familyworkbook.returns.problems import Problem
from familyworkbook.returns.ssda903 import build_ssda903

KEEP_SNAPSHOTS = 3


# Recorded at the year end, about the year: not missing while the year is still running.
YEAR_END_RULES = {"191", "186"}


def problems_today(
    year: CollectionYear | None = None, today: dt.date | None = None
) -> list[Problem]:
    """Every problem either return would have if it were made today."""
    today = today or clock.today()
    year = year or CollectionYear.current(today)
    during = today <= year.end
    problems = build_cin_census(year, during_year=during).problems + build_ssda903(year).problems
    if during:
        problems = [p for p in problems if p.rule not in YEAR_END_RULES]
    unique: dict[tuple, Problem] = {}
    for p in problems:
        unique.setdefault((p.return_name, p.rule, p.person_id, p.field, p.message), p)
    return list(unique.values())


def _open_case_of(person_ids: set[int]) -> dict[int, tuple[int, int, int | None]]:
    """child -> (case, team, lead worker) of the most recently opened open case holding them."""
    families: dict[int, list[int]] = defaultdict(list)
    for person_id, family_id in FamilyMembership.objects.filter(
        person_id__in=person_ids, archived_at__isnull=True
    ).values_list("person_id", "family_id"):
        families[family_id].append(person_id)
    latest: dict[int, tuple] = {}
    for case_id, family_id, team_id, opened_on in (
        Case.objects.open()
        .filter(family_id__in=list(families))
        .values_list("pk", "family_id", "team_id", "opened_on")
    ):
        for person_id in families[family_id]:
            if person_id not in latest or opened_on > latest[person_id][3]:
                latest[person_id] = (case_id, team_id, None, opened_on)
    leads = dict(
        Allocation.objects.current()
        .filter(is_lead=True, case_id__in=[v[0] for v in latest.values()])
        .values_list("case_id", "worker_id")
    )
    return {p: (c, t, leads.get(c)) for p, (c, t, _, _) in latest.items()}


@transaction.atomic
def refresh(year: CollectionYear | None = None) -> QualitySnapshot:
    """Compute a new snapshot and keep only the latest few."""
    started = time.monotonic()
    year = year or CollectionYear.current()
    problems = [p for p in problems_today(year) if p.person_id]
    where = _open_case_of({p.person_id for p in problems})  # type: ignore[misc]
    snapshot = QualitySnapshot.objects.create(year=year.year)
    QualityIssue.objects.bulk_create(
        [
            QualityIssue(
                snapshot=snapshot,
                child_id=p.person_id,
                case_id=where.get(p.person_id, (None, None, None))[0],  # type: ignore[arg-type]
                team_id=where.get(p.person_id, (None, None, None))[1],  # type: ignore[arg-type]
                worker_id=where.get(p.person_id, (None, None, None))[2],  # type: ignore[arg-type]
                return_name=p.return_name,
                rule=p.rule[:12],
                field=p.field[:100],
                message=p.message[:300],
            )
            for p in problems
        ],
        batch_size=1000,
    )
    snapshot.children_checked = len({p.person_id for p in problems})
    snapshot.seconds = round(time.monotonic() - started, 3)
    snapshot.save(update_fields=["children_checked", "seconds"])
    stale = QualitySnapshot.objects.order_by("-taken_at", "-pk").values_list("pk", flat=True)[
        KEEP_SNAPSHOTS:
    ]
    QualitySnapshot.objects.filter(pk__in=list(stale)).delete()
    return snapshot


def latest_snapshot() -> QualitySnapshot | None:
    return QualitySnapshot.objects.order_by("-taken_at", "-pk").first()


def issues_for(user, snapshot: QualitySnapshot) -> QuerySet[QualityIssue]:  # type: ignore[no-untyped-def]
    """The issues about children this user may see."""
    return (
        snapshot.issues.filter(child__in=Person.objects.visible_to(user))
        .select_related("child", "team", "worker__user")
        .order_by("team__name", "worker_id", "child__last_name", "child_id", "rule", "pk")
    )


@dataclass(frozen=True)
class TeamCount:
    children: int
    issues: int


def team_count(user, team_id: int) -> TeamCount | None:  # type: ignore[no-untyped-def]
    """How many children in a team have records that would fail a return (two queries)."""
    snapshot = latest_snapshot()
    if snapshot is None:
        return None
    counts = (
        issues_for(user, snapshot)
        .filter(team_id=team_id)
        .order_by()
        .aggregate(issues=Count("pk"), children=Count("child_id", distinct=True))
    )
    return TeamCount(children=counts["children"], issues=counts["issues"])
