"""How often each case with specialist involvement had group case supervision in a period, who
attended by discipline, and gaps longer than the meeting type's frequency.

`supervision_report(cases, since=, until=)` is the selector the insights app may reuse: it takes
a Case queryset the caller reached through `visible_to(user)` and runs four queries whatever
the number of cases. Definitions (also shown on the page):

- In scope: a case open at some time in the period with an adult specialist allocated at some
  time in the period.
- Held: a group case supervision about that case, held (recorded) on a day in the period.
- Gap: the longest stretch without one, counted from the later of the period's start and the
  day the first specialist was allocated in the period, to each meeting held, and from the last
  meeting held to the earlier of the period's end, the case's closure and today. A gap longer
  than the type's "due every" days is flagged.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Min, Q, QuerySet

from familyworkbook.cases.models import Allocation, Case
from familyworkbook.core import clock
from familyworkbook.meetings.models import (
    ATTENDED,
    GROUP_SUPERVISION,
    Attendance,
    Meeting,
    MeetingType,
)
from familyworkbook.teams.models import Role

DEFAULT_EVERY_DAYS = 30


@dataclass
class CaseFrequency:
    case_id: int
    family_reference: str
    team: str
    from_day: dt.date
    to_day: dt.date
    held_on: list[dt.date] = field(default_factory=list)
    attended_by_discipline: dict[str, int] = field(default_factory=dict)
    every_days: int = DEFAULT_EVERY_DAYS

    @property
    def held(self) -> int:
        return len(self.held_on)

    @property
    def last_held(self) -> dt.date | None:
        return self.held_on[-1] if self.held_on else None

    @property
    def longest_gap_days(self) -> int:
        points = [self.from_day, *self.held_on, self.to_day]
        return max((b - a).days for a, b in zip(points, points[1:], strict=False))

    @property
    def attended_labels(self) -> list[tuple[str, int]]:
        labels = dict(Role.choices)
        return [
            (str(labels.get(d, d or "Family")), n)
            for d, n in sorted(self.attended_by_discipline.items())
        ]

    @property
    def gap_too_long(self) -> bool:
        return self.longest_gap_days > self.every_days


@dataclass
class DisciplineRow:
    discipline: str
    label: str
    attendances: int
    cases: int


@dataclass
class SupervisionReport:
    since: dt.date
    until: dt.date
    every_days: int
    cases: list[CaseFrequency]
    disciplines: list[DisciplineRow]

    @property
    def with_gaps(self) -> int:
        return sum(1 for c in self.cases if c.gap_too_long)

    @property
    def never_held(self) -> int:
        return sum(1 for c in self.cases if not c.held)

    def longest_gaps(self, limit: int) -> list[CaseFrequency]:
        """The cases with the longest gaps first (the page shows these; the CSV has all)."""
        ordered = sorted(self.cases, key=lambda c: (-c.longest_gap_days, c.family_reference))
        return ordered[:limit]

    @property
    def meetings_held(self) -> int:
        return sum(c.held for c in self.cases)


def supervision_report(
    cases: QuerySet[Case],
    *,
    since: dt.date,
    until: dt.date,
    slug: str = GROUP_SUPERVISION,
    today: dt.date | None = None,
) -> SupervisionReport:
    today = today or clock.today()
    mtype = MeetingType.objects.filter(slug=slug).first()
    every = (mtype.due_every_days if mtype else None) or DEFAULT_EVERY_DAYS
    specialist_in_period = Allocation.objects.filter(
        role__in=Role.adult_specialists(), started_on__lte=until, archived_at__isnull=True
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=since))
    rows = (
        cases.filter(opened_on__lte=until, archived_at__isnull=True)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=since))
        .filter(pk__in=specialist_in_period.values("case"))
        .annotate(
            specialist_from=Min(
                "allocations__started_on",
                filter=Q(allocations__in=specialist_in_period),
            )
        )
        .values("pk", "family__reference", "team__name", "closed_on", "specialist_from")
        .order_by("team__name", "family__reference", "pk")
    )
    out: dict[int, CaseFrequency] = {}
    end = min(until, today)
    for r in rows:
        to_day = min(end, r["closed_on"]) if r["closed_on"] else end
        out[r["pk"]] = CaseFrequency(
            case_id=r["pk"],
            family_reference=r["family__reference"],
            team=r["team__name"] or "",
            from_day=max(since, r["specialist_from"] or since),
            to_day=max(to_day, since),
            every_days=every,
        )
    held = Meeting.objects.held().filter(
        case__in=list(out),
        type=mtype,
        held_on__gte=since,
        held_on__lte=until,
        archived_at__isnull=True,
    )
    for case_id, day in held.order_by("held_on", "pk").values_list("case", "held_on"):
        out[case_id].held_on.append(day)
    by_discipline: dict[str, int] = defaultdict(int)
    cases_by_discipline: dict[str, set[int]] = defaultdict(set)
    for case_id, discipline, n in (
        Attendance.objects.filter(meeting__in=held, status__in=ATTENDED, archived_at__isnull=True)
        .values("meeting__case", "discipline")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("meeting__case", "discipline", "n")
    ):
        out[case_id].attended_by_discipline[discipline] = n
        by_discipline[discipline] += n
        cases_by_discipline[discipline].add(case_id)
    labels = dict(Role.choices)
    disciplines = [
        DisciplineRow(
            discipline=d,
            label=str(labels.get(d, d or "Family")),
            attendances=n,
            cases=len(cases_by_discipline[d]),
        )
        for d, n in sorted(by_discipline.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return SupervisionReport(
        since=since,
        until=until,
        every_days=every,
        cases=list(out.values()),
        disciplines=disciplines,
    )


def write_csv(report: SupervisionReport, out: Any) -> None:
    """One row per case: the family reference (no names), team, count, dates, longest gap,
    whether it is longer than the frequency, and attendances by discipline."""
    labels = dict(Role.choices)
    disciplines = [d.discipline for d in report.disciplines]
    writer = csv.writer(out)
    writer.writerow(
        [
            "family_reference",
            "team",
            "supervisions_held",
            "dates_held",
            "last_held",
            "longest_gap_days",
            f"gap_over_{report.every_days}_days",
            *[f"attended_{labels.get(d, d or 'family')}" for d in disciplines],
        ]
    )
    for c in report.cases:
        writer.writerow(
            [
                _safe(c.family_reference),
                _safe(c.team),
                c.held,
                " ".join(f"{d:%Y-%m-%d}" for d in c.held_on),
                f"{c.last_held:%Y-%m-%d}" if c.last_held else "",
                c.longest_gap_days,
                "yes" if c.gap_too_long else "no",
                *[c.attended_by_discipline.get(d, 0) for d in disciplines],
            ]
        )


def _safe(text: str) -> str:
    """Defuse spreadsheet formulas (CSV injection): a cell starting =, +, - or @ is quoted."""
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text
