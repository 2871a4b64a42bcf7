"""The fidelity monitor: the model's thresholds against what the record shows, quarter by quarter.

Each measure has a value per quarter end, its threshold (`Thresholds`, editable), and
whether the latest value meets it, in words. Where the record cannot yet answer, the page
says so rather than guess. Every measure is a bounded number of queries per quarter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    Min,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils.translation import gettext as _

from familyworkbook.cases.models import Allocation, Case
from familyworkbook.insights import workforce
from familyworkbook.insights.models import ClinicalSupervision, Course, TrainingRecord
from familyworkbook.insights.periods import Quarter, Scope, Table, quarter_of, quarters_between
from familyworkbook.insights.periods import share as _share
from familyworkbook.teams.models import Post, Role, Worker

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


def _specialist_posts(scope: Scope, q: Quarter) -> QuerySet[Post]:
    """Adult specialist posts serving the scope at the quarter end, annotated `counted`
    (filled then)."""
    filled = Q(holder__isnull=False) | Q(vacant_since__gt=q.end)
    return (
        workforce.posts_in(scope, q.end)
        .filter(role__in=[r.value for r in Role.adult_specialists()])
        .annotate(counted=ExpressionWrapper(filled, output_field=BooleanField()))
    )


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


def _open_at(day: dt.date) -> Q:
    return Q(opened_on__lte=day) & (Q(closed_on__isnull=True) | Q(closed_on__gt=day))


def _specialist_exists(q: Quarter) -> Exists:
    return Exists(
        Allocation.objects.filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=q.end),
            case=OuterRef("pk"),
            archived_at__isnull=True,
            started_on__lte=q.end,
            role__in=[r.value for r in Role.adult_specialists()],
        )
    )


def _supervised_exists(q: Quarter) -> Exists:
    from familyworkbook.meetings.models import Meeting, MeetingStatus

    return Exists(
        Meeting.objects.filter(
            case=OuterRef("pk"),
            type__slug=GROUP_SUPERVISION_SLUG,
            status__in=[MeetingStatus.HELD, MeetingStatus.SIGNED_OFF],
            held_on__gt=q.end - dt.timedelta(days=MONTH_DAYS),
            held_on__lte=q.end,
            archived_at__isnull=True,
        )
    )


def _programme_exists(q: Quarter) -> Exists:
    """The family has started at least one module of the programme by the quarter end: the
    rule of the Workbook overview's "N of 8 modules started" (`workbook.selectors`), as SQL,
    so the council-wide figure and every family's overview agree."""
    from familyworkbook.workbook import selectors as workbook
    from familyworkbook.workbook.models import DEFAULT_PROGRAMME, Entry, Programme

    programme = Programme.objects.latest_of(DEFAULT_PROGRAMME)
    if programme is None:
        return Exists(Entry.objects.none())
    return Exists(
        workbook.programme_sessions(programme, until=q.end).filter(family=OuterRef("family"))
    )


def _group_supervision(user: Any, scope: Scope, quarters: list[Quarter]) -> list[float | None]:
    cases = scope.case_set(user)
    aggregates: dict[str, Any] = {}
    qs = cases
    for i, q in enumerate(quarters):
        qs = qs.annotate(**{f"spec{i}": _specialist_exists(q), f"sup{i}": _supervised_exists(q)})
        open_then = _open_at(q.end)
        aggregates[f"n{i}"] = Count("pk", filter=open_then & Q(**{f"spec{i}": True}))
        aggregates[f"s{i}"] = Count(
            "pk", filter=open_then & Q(**{f"spec{i}": True, f"sup{i}": True})
        )
    r = qs.aggregate(**aggregates)
    return [_share(r[f"s{i}"], r[f"n{i}"]) for i in range(len(quarters))]


def _clinical_people(scope: Scope, q: Quarter) -> list[tuple[Worker, bool, int]]:
    """Practitioners holding a post at the quarter end: (worker, met, months covered)."""
    people = {
        w.pk: w
        for w in Worker.objects.filter(
            pk__in=workforce.posts_in(scope, q.end)
            .filter(holder__isnull=False)
            .values("holder_id"),
            role__in=[r.value for r in PRACTITIONERS],
        ).select_related("user")
    }
    months_needed = {(d.year, d.month) for d in _days(q.start, q.end)}
    seen: dict[int, set[tuple[int, int]]] = {}
    for worker_id, held_on, supervisor_role in ClinicalSupervision.objects.filter(
        worker_id__in=list(people),
        archived_at__isnull=True,
        held_on__gte=q.start,
        held_on__lte=q.end,
    ).values_list("worker_id", "held_on", "supervisor_role"):
        if profession(supervisor_role) == profession(people[worker_id].role):
            seen.setdefault(worker_id, set()).add((held_on.year, held_on.month))
    return [
        (w, months_needed <= seen.get(pk, set()), len(months_needed & seen.get(pk, set())))
        for pk, w in people.items()
    ]


def _clinical_supervision(scope: Scope, quarters: list[Quarter]) -> list[float | None]:
    """Practitioners holding a post at the quarter end with a session from their own
    profession in each calendar month of the quarter."""
    values = []
    for q in quarters:
        people = _clinical_people(scope, q)
        values.append(_share(sum(1 for _w, met, _n in people if met), len(people)))
    return values


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


def _programme_use(user: Any, scope: Scope, quarters: list[Quarter]) -> list[float | None]:
    aggregates: dict[str, Any] = {}
    qs = scope.case_set(user)
    for i, q in enumerate(quarters):
        qs = qs.annotate(**{f"used{i}": _programme_exists(q)})
        open_then = _open_at(q.end)
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


def _training_people(scope: Scope, q: Quarter, follow_up: bool) -> list[tuple[Worker, bool, str]]:
    done = TrainingRecord.objects.filter(archived_at__isnull=True, completed_on__lte=q.end)
    core = dict(
        done.filter(course=Course.MI_CORE)
        .values_list("worker_id")
        .annotate(first=Min("completed_on"))
        .order_by()
    )
    later = dict(
        done.filter(course=Course.MI_FOLLOW_UP)
        .values_list("worker_id")
        .annotate(first=Min("completed_on"))
        .order_by()
    )
    workers = Worker.objects.filter(
        pk__in=workforce.posts_in(scope, q.end).filter(holder__isnull=False).values("holder_id")
    ).select_related("user")
    rows = []
    for w in workers:
        if follow_up:
            if w.pk not in core:
                continue
            day = later.get(w.pk)
        else:
            day = core.get(w.pk)
        rows.append((w, day is not None, day.strftime("%d/%m/%Y") if day else ""))
    return rows


# --- Drill-down: the cases, people or posts behind a measure at one quarter end ----------------


@dataclass
class Behind:
    slug: str
    name: str
    method: str
    kind: str  # "cases", "people" or "posts"
    quarter: Quarter
    counted: int
    total: int
    cases: QuerySet[Case] | None = None  # annotated `counted`, counted last
    people: list[tuple[Worker, bool, str]] | None = None
    posts: QuerySet[Post] | None = None

    @property
    def value(self) -> float | None:
        return _share(self.counted, self.total)


def behind(user: Any, scope: Scope, slug: str, day: dt.date) -> Behind | None:
    """What the measure `slug` counted at the quarter ending on or before `day` (clipped to it):
    the denominator's cases (through the access policy), people or posts, each marked counted
    or not. None for an unknown measure."""
    q = Quarter(quarter_of(day).start, day)
    names = {m.slug: m for m in _definitions()}
    if slug not in names:
        return None
    name, method = names[slug].name, names[slug].method
    if slug in {"group_supervision", "programme_use"}:
        qs = scope.case_set(user).filter(_open_at(q.end))
        if slug == "group_supervision":
            qs = qs.filter(_specialist_exists(q)).annotate(counted=_supervised_exists(q))
        else:
            qs = qs.annotate(counted=_programme_exists(q))
        r = qs.aggregate(n_total=Count("pk"), n_counted=Count("pk", filter=Q(counted=True)))
        cases = qs.select_related("family", "team").order_by("counted", "family__name", "pk")
        return Behind(slug, name, method, "cases", q, r["n_counted"], r["n_total"], cases=cases)
    if slug == "specialist_posts":
        posts = _specialist_posts(scope, q).select_related("holder__user").order_by("role", "pk")
        rows = list(posts)
        return Behind(
            slug, name, method, "posts", q, sum(p.counted for p in rows), len(rows), posts=posts
        )
    if slug == "clinical_supervision":
        people = [
            (
                w,
                met,
                _("%(n)s of %(m)s months")
                % {"n": n, "m": len({(d.year, d.month) for d in _days(q.start, q.end)})},
            )
            for w, met, n in _clinical_people(scope, q)
        ]
    else:
        people = _training_people(scope, q, follow_up=slug == "mi_follow_up")
    people.sort(key=lambda row: (row[1], row[0].name))
    return Behind(
        slug, name, method, "people", q, sum(1 for r in people if r[1]), len(people), people=people
    )


@dataclass
class Definition:
    slug: str
    name: str
    method: str


def _definitions() -> list[Definition]:
    return [
        Definition(
            "specialist_posts",
            _("Adult specialist posts filled"),
            _(
                "Adult specialist posts serving the scope at the quarter end (each post once) "
                "that were filled. A post's past holders are not recorded: a post counts as "
                "filled then if it has a holder now or fell vacant after that day."
            ),
        ),
        Definition(
            "group_supervision",
            _("Group case supervision monthly, in cases with an adult specialist"),
            _(
                "Open cases with an adult specialist allocated at the quarter end that had a "
                "group case supervision held in the 31 days up to it (from Meetings)."
            ),
        ),
        Definition(
            "clinical_supervision",
            _("Monthly clinical supervision from one's own profession"),
            _(
                "Practitioners holding a post at the quarter end with a session in every "
                "calendar month of the quarter from a supervisor of their own profession "
                "(social work roles together; each adult specialist discipline its own), "
                "from the clinical supervision log."
            ),
        ),
        Definition(
            "mi_trained",
            _("Trained in Motivational Interviewing"),
            _("Post holders with the two-day course in the training register by the quarter end."),
        ),
        Definition(
            "mi_follow_up",
            _("Motivational Interviewing follow-up taken up"),
            _("Of those trained, the share with the follow-up recorded by the quarter end."),
        ),
        Definition(
            "programme_use",
            _("Structured programme used"),
            _(
                "Open cases at the quarter end whose family had started at least one module "
                "of the programme by then: the progress the family's Workbook overview shows. "
                "Sessions recorded without a module are not counted; the cases behind this "
                "figure show how many each family has."
            ),
        ),
    ]


def monitor(user: Any, scope: Scope, date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    quarters = quarters_between(date_from, date_to)
    limits = workforce.thresholds()
    trained, follow_up = _training(scope, quarters)
    values = {
        "specialist_posts": _specialist_posts_filled(scope, quarters),
        "group_supervision": _group_supervision(user, scope, quarters),
        "clinical_supervision": _clinical_supervision(scope, quarters),
        "mi_trained": trained,
        "mi_follow_up": follow_up,
        "programme_use": _programme_use(user, scope, quarters),
    }
    limit = {
        "specialist_posts": limits.specialist_posts_filled,
        "group_supervision": limits.group_supervision,
        "clinical_supervision": limits.clinical_supervision,
        "mi_trained": limits.mi_trained,
        "mi_follow_up": limits.mi_follow_up,
        "programme_use": limits.programme_use,
    }
    measures = [
        Measure(d.slug, d.name, limit[d.slug], values[d.slug], d.method) for d in _definitions()
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
