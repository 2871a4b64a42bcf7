"""The fidelity monitor: the model's thresholds against what the record shows, quarter by quarter.

Each measure has a value per quarter end, its threshold (`Thresholds`, editable), and
whether the latest value meets it, in words. Where the record cannot yet answer, the page
says so rather than guess. Every measure is a bounded number of queries per quarter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _

from familyworkbook.cases.models import Allocation
from familyworkbook.insights import workforce
from familyworkbook.insights.models import ClinicalSupervision
from familyworkbook.insights.periods import Quarter, Scope, Table, quarters_between
from familyworkbook.insights.periods import share as _share
from familyworkbook.teams.models import Role, Worker

GROUP_SUPERVISION_SLUG = "group_case_supervision"
MONTH_DAYS = 31

SOCIAL_WORK = {
    Role.SOCIAL_WORKER,
    Role.SENIOR_PRACTITIONER,
    Role.CONSULTANT_SOCIAL_WORKER,
    Role.TEAM_MANAGER,
    Role.CHILD_PRACTITIONER,
}
PRACTITIONERS = SOCIAL_WORK | Role.adult_specialists()


def profession(role: str) -> str:
    """Social work roles share a profession; each adult specialist discipline is its own."""
    return "social_work" if role in SOCIAL_WORK else role


@dataclass
class Measure:
    slug: str
    name: str
    threshold: int
    values: list[float | None]  # one per quarter
    method: str
    measurable: bool = True

    @property
    def latest(self) -> float | None:
        return self.values[-1] if self.values else None

    @property
    def meets(self) -> bool | None:
        return None if self.latest is None else self.latest >= self.threshold


def _specialist_posts_filled(scope: Scope, quarters: list[Quarter]) -> list[float | None]:
    values = []
    for q in quarters:
        r = (
            workforce.posts_in(scope, q.end)
            .filter(role__in=[r.value for r in Role.adult_specialists()])
            .aggregate(
                posts=Count("pk"),
                filled=Count("pk", filter=Q(holder__isnull=False) | Q(vacant_since__gt=q.end)),
            )
        )
        values.append(_share(r["filled"], r["posts"]))
    return values


def _group_supervision(user: Any, scope: Scope, quarters: list[Quarter]) -> list[float | None]:
    from familyworkbook.meetings.models import Meeting, MeetingStatus

    cases = scope.case_set(user)
    aggregates: dict[str, Any] = {}
    qs = cases
    for i, q in enumerate(quarters):
        specialist = Allocation.objects.filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=q.end),
            case=OuterRef("pk"),
            archived_at__isnull=True,
            started_on__lte=q.end,
            role__in=[r.value for r in Role.adult_specialists()],
        )
        supervised = Meeting.objects.filter(
            case=OuterRef("pk"),
            type__slug=GROUP_SUPERVISION_SLUG,
            status__in=[MeetingStatus.HELD, MeetingStatus.SIGNED_OFF],
            held_on__gt=q.end - dt.timedelta(days=MONTH_DAYS),
            held_on__lte=q.end,
            archived_at__isnull=True,
        )
        qs = qs.annotate(**{f"spec{i}": Exists(specialist), f"sup{i}": Exists(supervised)})
        open_then = Q(opened_on__lte=q.end) & (Q(closed_on__isnull=True) | Q(closed_on__gt=q.end))
        aggregates[f"n{i}"] = Count("pk", filter=open_then & Q(**{f"spec{i}": True}))
        aggregates[f"s{i}"] = Count(
            "pk", filter=open_then & Q(**{f"spec{i}": True, f"sup{i}": True})
        )
    r = qs.aggregate(**aggregates)
    return [_share(r[f"s{i}"], r[f"n{i}"]) for i in range(len(quarters))]


def _clinical_supervision(scope: Scope, quarters: list[Quarter]) -> list[float | None]:
    """Practitioners holding a post at the quarter end with a session from their own
    profession in each calendar month of the quarter."""
    values = []
    for q in quarters:
        people = dict(
            Worker.objects.filter(
                pk__in=workforce.posts_in(scope, q.end)
                .filter(holder__isnull=False)
                .values("holder_id"),
                role__in=[r.value for r in PRACTITIONERS],
            ).values_list("pk", "role")
        )
        months_needed = {(d.year, d.month) for d in _days(q.start, q.end)}
        seen: dict[int, set[tuple[int, int]]] = {}
        for worker_id, held_on, supervisor_role in ClinicalSupervision.objects.filter(
            worker_id__in=list(people),
            archived_at__isnull=True,
            held_on__gte=q.start,
            held_on__lte=q.end,
        ).values_list("worker_id", "held_on", "supervisor_role"):
            if profession(supervisor_role) == profession(people[worker_id]):
                seen.setdefault(worker_id, set()).add((held_on.year, held_on.month))
        met = sum(1 for w in people if months_needed <= seen.get(w, set()))
        values.append(_share(met, len(people)))
    return values


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


def _programme_use(user: Any, scope: Scope, quarters: list[Quarter]) -> list[float | None]:
    from familyworkbook.workbook.models import Entry

    aggregates: dict[str, Any] = {}
    qs = scope.case_set(user)
    for i, q in enumerate(quarters):
        used = Entry.objects.filter(
            family=OuterRef("family"),
            archived_at__isnull=True,
            module__isnull=False,
            happened_on__gte=OuterRef("opened_on"),
            happened_on__lte=q.end,
        )
        qs = qs.annotate(**{f"used{i}": Exists(used)})
        open_then = Q(opened_on__lte=q.end) & (Q(closed_on__isnull=True) | Q(closed_on__gt=q.end))
        aggregates[f"n{i}"] = Count("pk", filter=open_then)
        aggregates[f"u{i}"] = Count("pk", filter=open_then & Q(**{f"used{i}": True}))
    r = qs.aggregate(**aggregates)
    return [_share(r[f"u{i}"], r[f"n{i}"]) for i in range(len(quarters))]


def _training(scope: Scope, quarters: list[Quarter]) -> tuple[list, list]:
    trained, follow_up = [], []
    for q in quarters:
        rows = workforce.training(scope, q.end).rows
        trained.append(rows[1][2])
        follow_up.append(rows[2][2])
    return trained, follow_up


def monitor(user: Any, scope: Scope, date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    quarters = quarters_between(date_from, date_to)
    limits = workforce.thresholds()
    trained, follow_up = _training(scope, quarters)
    measures = [
        Measure(
            "specialist_posts",
            _("Adult specialist posts filled"),
            limits.specialist_posts_filled,
            _specialist_posts_filled(scope, quarters),
            _(
                "Adult specialist posts serving the scope at the quarter end (each post once) "
                "that were filled. A post's past holders are not recorded: a post counts as "
                "filled then if it has a holder now or fell vacant after that day."
            ),
        ),
        Measure(
            "group_supervision",
            _("Group case supervision monthly, in cases with an adult specialist"),
            limits.group_supervision,
            _group_supervision(user, scope, quarters),
            _(
                "Open cases with an adult specialist allocated at the quarter end that had a "
                "group case supervision held in the 31 days up to it (from Meetings)."
            ),
        ),
        Measure(
            "clinical_supervision",
            _("Monthly clinical supervision from one's own profession"),
            limits.clinical_supervision,
            _clinical_supervision(scope, quarters),
            _(
                "Practitioners holding a post at the quarter end with a session in every "
                "calendar month of the quarter from a supervisor of their own profession "
                "(social work roles together; each adult specialist discipline its own), "
                "from the clinical supervision log."
            ),
        ),
        Measure(
            "mi_trained",
            _("Trained in Motivational Interviewing"),
            limits.mi_trained,
            trained,
            _("Post holders with the two-day course in the training register by the quarter end."),
        ),
        Measure(
            "mi_follow_up",
            _("Motivational Interviewing follow-up taken up"),
            limits.mi_follow_up,
            follow_up,
            _("Of those trained, the share with the follow-up recorded by the quarter end."),
        ),
        Measure(
            "programme_use",
            _("Structured programme used"),
            limits.programme_use,
            _programme_use(user, scope, quarters),
            _(
                "Open cases at the quarter end whose family has a Workbook entry for a "
                "programme module since the case opened."
            ),
        ),
    ]
    table = Table(
        "fidelity",
        _("Fidelity to the model by quarter (%)"),
        [_("Quarter end")] + [str(m.name) for m in measures],
        [[q.end] + [m.values[i] for m in measures] for i, q in enumerate(quarters)],
        _("Each column's method is given with its measure on this page."),
        chart="lines",
        series=list(range(1, len(measures) + 1)),
    )
    return {"measures": measures, "tables": [table], "thresholds": limits}
