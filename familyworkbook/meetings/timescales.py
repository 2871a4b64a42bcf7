"""Statutory timescales for child protection meetings (Working Together to Safeguard
Children 2023) and the working-day arithmetic they need.

- Initial child protection conference: within 15 working days of the strategy discussion at
  which the section 47 enquiry was started (the enquiry's start date stands for it: the record
  holds no separate strategy discussion date).
- First core group: within 10 working days of the initial conference.
- First review conference: within 3 months of the initial conference (the plan's start); then
  at intervals of no more than 6 months.
- Legal planning (PLO) meetings have no statutory timescale: none is checked.

Working days leave out weekends and the bank holidays of England and Wales (computed, including
Easter and substitute days; one-off holidays such as a coronation are not known).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from functools import cache

from django.utils.translation import gettext as _

from familyworkbook.cases.models import Case, CpPlan, CpReview, Section47

ONE_DAY = dt.timedelta(days=1)


def _easter(year: int) -> dt.date:
    """Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _first_monday(year: int, month: int) -> dt.date:
    day = dt.date(year, month, 1)
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def _last_monday(year: int, month: int) -> dt.date:
    day = dt.date(year, month, calendar.monthrange(year, month)[1])
    return day - dt.timedelta(days=day.weekday())


@cache
def bank_holidays(year: int) -> frozenset[dt.date]:
    """England and Wales bank holidays in a year, with substitute days for weekends."""
    easter = _easter(year)
    days = {
        easter - 2 * ONE_DAY,
        easter + ONE_DAY,
        _first_monday(year, 5),
        _last_monday(year, 5),
        _last_monday(year, 8),
    }
    new_year = dt.date(year, 1, 1)
    while new_year.weekday() >= 5:
        new_year += ONE_DAY
    days.add(new_year)
    christmas, boxing = dt.date(year, 12, 25), dt.date(year, 12, 26)
    if christmas.weekday() == 5:  # Saturday: Monday and Tuesday
        christmas, boxing = dt.date(year, 12, 27), dt.date(year, 12, 28)
    elif christmas.weekday() == 6:  # Sunday: Boxing Day Monday, Christmas Tuesday
        christmas = dt.date(year, 12, 27)
    elif boxing.weekday() == 5:  # Friday Christmas: Boxing Day moves to Monday
        boxing = dt.date(year, 12, 28)
    days |= {christmas, boxing}
    return frozenset(days)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The working day `n` working days after `day` (n >= 0)."""
    while n > 0:
        day += ONE_DAY
        if is_working_day(day):
            n -= 1
    return day


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Deadline:
    """The latest date a meeting of this kind should be held, and why."""

    latest: dt.date
    reason: str


def deadline(slug: str, case: Case | None) -> Deadline | None:
    """The statutory deadline for the next meeting of this kind on this case, if one applies."""
    if case is None:
        return None
    if slug == "icpc":
        s47 = (
            Section47.objects.filter(
                episode__case=case,
                icpc_on__isnull=True,
                icpc_not_required=False,
                archived_at__isnull=True,
            )
            .order_by("-started_on", "-pk")
            .first()
        )
        if s47 is None:
            return None
        return Deadline(
            add_working_days(s47.started_on, 15),
            _(
                "An initial child protection conference must be held within 15 working days of "
                "the strategy discussion (section 47 enquiry started %(day)s)"
            )
            % {"day": f"{s47.started_on:%d/%m/%Y}"},
        )
    plan = (
        CpPlan.objects.filter(episode__case=case, ended_on__isnull=True, archived_at__isnull=True)
        .order_by("-started_on", "-pk")
        .first()
    )
    if plan is None:
        return None
    if slug == "rcpc":
        last = (
            CpReview.objects.filter(plan=plan, archived_at__isnull=True)
            .order_by("-held_on")
            .first()
        )
        if last is None:
            return Deadline(
                add_months(plan.started_on, 3),
                _(
                    "The first review conference must be within 3 months of the initial "
                    "conference (%(day)s)"
                )
                % {"day": f"{plan.started_on:%d/%m/%Y}"},
            )
        return Deadline(
            add_months(last.held_on, 6),
            _("Review conferences must be no more than 6 months apart (last review %(day)s)")
            % {"day": f"{last.held_on:%d/%m/%Y}"},
        )
    if slug == "core_group":
        from familyworkbook.meetings.models import Meeting

        already = Meeting.objects.filter(
            case=case,
            type__slug="core_group",
            starts_at__date__gte=plan.started_on,
            archived_at__isnull=True,
        ).exists()
        if already:
            return None
        return Deadline(
            add_working_days(plan.started_on, 10),
            _(
                "The first core group must meet within 10 working days of the initial "
                "conference (%(day)s)"
            )
            % {"day": f"{plan.started_on:%d/%m/%Y}"},
        )
    return None


CONFERENCES = {"icpc", "rcpc"}
