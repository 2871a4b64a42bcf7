"""Workforce figures for a scope on a day: posts and vacancies, caseloads, agency share, training.

A post serving several teams is one post: posts are selected by `pk__in` a subquery of the
teams they serve, never by joining through the teams (which would count it once per team).
Each figure is one grouped query, whatever the number of posts or workers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from familyworkbook.cases.models import Allocation
from familyworkbook.insights.models import Course, Thresholds, TrainingRecord
from familyworkbook.insights.periods import Scope, Table
from familyworkbook.insights.periods import share as _share
from familyworkbook.teams.models import (
    EmploymentType,
    Organisation,
    OrganisationKind,
    Post,
    Role,
    Worker,
)

DEFAULT_CASELOAD_CAP = 15
# Above this many workers (a district or the council) the page lists only those over the cap.
WORKER_LIST_LIMIT = 200


def thresholds() -> Thresholds:
    """The council's thresholds, or the model's defaults (unsaved) if none were set."""
    council = Organisation.objects.filter(kind=OrganisationKind.COUNCIL).order_by("pk").first()
    found = Thresholds.objects.filter(council=council).first() if council else None
    return found or Thresholds(council=council)


def posts_in(scope: Scope, day: dt.date) -> QuerySet[Post]:
    """Posts established on `day` that serve at least one team in the scope, each once."""
    serving = Post.teams.through.objects.filter(team__in=scope.teams()).values("post_id")
    return Post.objects.filter(
        Q(disestablished_on__isnull=True) | Q(disestablished_on__gt=day),
        pk__in=serving,
        established_on__lte=day,
    )


def posts_by_role(scope: Scope, day: dt.date) -> Table:
    rows_by_role = {
        r["role"]: r
        for r in posts_in(scope, day)
        .values("role")
        .annotate(
            posts=Count("pk"),
            fte=Sum("fte"),
            vacant=Count("pk", filter=Q(holder__isnull=True)),
            agency=Count("pk", filter=Q(holder__employment_type=EmploymentType.AGENCY)),
        )
        .order_by()
    }
    rows = []
    totals = [0, 0, 0]
    for role, label in Role.choices:
        r = rows_by_role.get(role)
        if not r:
            continue
        filled = r["posts"] - r["vacant"]
        rows.append(
            [
                str(label),
                r["posts"],
                float(r["fte"] or 0),
                r["vacant"],
                _share(r["vacant"], r["posts"]),
                _share(r["agency"], filled),
            ]
        )
        totals[0] += r["posts"]
        totals[1] += r["vacant"]
        totals[2] += r["agency"]
    rows.append(
        [
            _("All roles"),
            totals[0],
            round(sum(row[2] for row in rows), 2),
            totals[1],
            _share(totals[1], totals[0]),
            _share(totals[2], totals[0] - totals[1]),
        ]
    )
    return Table(
        "posts",
        _("Posts and vacancies by role"),
        [
            _("Role"),
            _("Posts"),
            _("Full-time equivalent"),
            _("Vacant"),
            _("Vacancy rate (%)"),
            _("Agency share of filled posts (%)"),
        ],
        rows,
        _(
            "Posts established on %(day)s serving any team in the scope. A post serving "
            "several teams is counted once. Agency share: filled posts whose holder is "
            "employed through an agency."
        )
        % {"day": day.strftime("%d/%m/%Y")},
        series=[1, 3],
    )


@dataclass
class Caseload:
    worker: Worker
    open_cases: int
    over_cap: bool
    role_label: str = ""
    employment_label: str = ""


def caseloads(scope: Scope, day: dt.date, cap: int) -> tuple[list[Caseload], Table]:
    """Open cases per case-holding worker in the scope (two queries), and averages by role."""
    holders = (
        Worker.objects.filter(
            pk__in=posts_in(scope, day).filter(holder__isnull=False).values("holder_id"),
            role__in=[r.value for r in Role.case_holders()]
            + [Role.CHILD_PRACTITIONER.value]
            + [r.value for r in Role.adult_specialists()],
        )
        .select_related("user")
        .order_by("role", "user__last_name", "user__first_name")
    )
    counts = dict(
        Allocation.objects.filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=day),
            Q(case__closed_on__isnull=True) | Q(case__closed_on__gt=day),
            worker__in=holders,
            archived_at__isnull=True,
            started_on__lte=day,
            case__archived_at__isnull=True,
        )
        .values_list("worker_id")
        .annotate(n=Count("case", distinct=True))
        .order_by()
    )
    # Labels translated once per page, not once per row (get_FOO_display hashes every choice).
    roles = {value: str(label) for value, label in Role.choices}
    employment = {value: str(label) for value, label in EmploymentType.choices}
    people = [
        Caseload(
            w,
            counts.get(w.pk, 0),
            counts.get(w.pk, 0) > cap,
            roles[w.role],
            employment[w.employment_type],
        )
        for w in holders
    ]
    by_role: dict[str, list[int]] = {}
    for c in people:
        by_role.setdefault(c.worker.role, []).append(c.open_cases)
    rows = [
        [
            roles[role],
            len(loads),
            round(sum(loads) / len(loads), 1),
            max(loads),
            sum(1 for n in loads if n > cap),
        ]
        for role, loads in by_role.items()
    ]
    table = Table(
        "caseloads",
        _("Caseloads by role"),
        [_("Role"), _("Workers"), _("Average open cases"), _("Highest"), _("Over the cap")],
        rows,
        _(
            "Open cases allocated to each worker holding a post in the scope on %(day)s "
            "(lead or not), against a cap of %(cap)s."
        )
        % {"day": day.strftime("%d/%m/%Y"), "cap": cap},
        series=[2],
    )
    return people, table


def training(scope: Scope, day: dt.date) -> Table:
    """Share of post holders trained in Motivational Interviewing, and follow-up taken up."""
    holder_ids = posts_in(scope, day).filter(holder__isnull=False).values("holder_id")
    workers = Worker.objects.filter(pk__in=holder_ids)
    done = TrainingRecord.objects.filter(archived_at__isnull=True, completed_on__lte=day)
    result = workers.aggregate(
        staff=Count("pk", distinct=True),
        trained=Count(
            "pk",
            distinct=True,
            filter=Q(pk__in=done.filter(course=Course.MI_CORE).values("worker_id")),
        ),
        follow_up=Count(
            "pk",
            distinct=True,
            filter=Q(pk__in=done.filter(course=Course.MI_CORE).values("worker_id"))
            & Q(pk__in=done.filter(course=Course.MI_FOLLOW_UP).values("worker_id")),
        ),
    )
    rows = [
        [_("Post holders"), result["staff"], None],
        [
            _("Trained in Motivational Interviewing"),
            result["trained"],
            _share(result["trained"], result["staff"]),
        ],
        [
            _("Of those trained, took up the follow-up"),
            result["follow_up"],
            _share(result["follow_up"], result["trained"]),
        ],
    ]
    return Table(
        "training",
        _("Motivational Interviewing training"),
        [_("Measure"), _("People"), _("Share (%)")],
        rows,
        _(
            "From the training register: people holding a post in the scope on %(day)s with "
            "the two-day course recorded on or before that day; follow-up share is of those "
            "trained."
        )
        % {"day": day.strftime("%d/%m/%Y")},
        series=[1],
    )


def turnover(scope: Scope, date_from: dt.date, date_to: dt.date) -> Table:
    """Leavers over the period against the average headcount, by role; agency share at the end.

    One grouped query. Headcount on a day: workers started by then (or with no start date)
    who had not left. At the start a worker leaving on the first day is counted; at the end a
    worker leaving on the last day is not.
    """
    workers = Worker.objects.filter(archived_at__isnull=True)
    if scope.kind != "council":
        serving = Post.teams.through.objects.filter(team__in=scope.teams()).values("post_id")
        workers = workers.filter(
            pk__in=Post.objects.filter(pk__in=serving, holder__isnull=False).values("holder_id")
        )
    started = lambda day: Q(started_on__isnull=True) | Q(started_on__lte=day)  # noqa: E731
    at_start = started(date_from) & (Q(left_on__isnull=True) | Q(left_on__gte=date_from))
    at_end = started(date_to) & (Q(left_on__isnull=True) | Q(left_on__gt=date_to))
    by_role = {
        r["role"]: r
        for r in workers.values("role")
        .annotate(
            start=Count("pk", filter=at_start),
            end=Count("pk", filter=at_end),
            leavers=Count("pk", filter=Q(left_on__gte=date_from, left_on__lte=date_to)),
            agency=Count("pk", filter=at_end & Q(employment_type=EmploymentType.AGENCY)),
        )
        .order_by()
    }
    rows: list[list[Any]] = []
    totals = {"start": 0, "end": 0, "leavers": 0, "agency": 0}

    def row(label: str, r: dict[str, int]) -> list[Any]:
        average = (r["start"] + r["end"]) / 2
        return [
            label,
            r["start"],
            r["end"],
            r["leavers"],
            round(100 * r["leavers"] / average, 1) if average else None,
            _share(r["agency"], r["end"]),
        ]

    for role, label in Role.choices:
        r = by_role.get(role)
        if not r or not (r["start"] or r["end"] or r["leavers"]):
            continue
        rows.append(row(str(label), r))
        for k in totals:
            totals[k] += r[k]
    rows.append(row(_("All roles"), totals))
    return Table(
        "turnover",
        _("Turnover and agency share by role"),
        [
            _("Role"),
            _("Headcount at the start"),
            _("Headcount at the end"),
            _("Leavers"),
            _("Turnover (%)"),
            _("Agency share at the end (%)"),
        ],
        rows,
        _(
            "Workers with a leaving date from %(start)s to %(end)s, as a percentage of the "
            "average of the headcounts on those two days (people, not full-time equivalents). "
            "For a team, district or service, a worker counts if a post serving it names them "
            "(a leaver whose post no longer names them counts only for the whole council). "
            "Agency share: workers employed through an agency among those in post at the end."
        )
        % {"start": date_from.strftime("%d/%m/%Y"), "end": date_to.strftime("%d/%m/%Y")},
        series=[4],
    )


def workforce(scope: Scope, day: dt.date, date_from: dt.date | None = None) -> dict[str, Any]:
    limits = thresholds()
    people, caseload_table = caseloads(scope, day, limits.caseload_cap)
    over = [c for c in people if c.over_cap]
    listed = people if len(people) <= WORKER_LIST_LIMIT else over
    period_start = date_from or day.replace(year=day.year - 1) + dt.timedelta(days=1)
    return {
        "thresholds": limits,
        "tables": [
            posts_by_role(scope, day),
            caseload_table,
            turnover(scope, period_start, day),
            training(scope, day),
        ],
        "caseloads": listed,
        "workers_counted": len(people),
        "workers_over_cap": len(over),
        "only_over_cap_listed": listed is over,
    }
