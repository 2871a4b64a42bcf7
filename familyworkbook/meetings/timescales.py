"""Statutory timescales for child protection meetings (Working Together to Safeguard
Children 2023) and the working-day arithmetic they need.

- Initial child protection conference: within 15 working days of the strategy discussion at
  which the section 47 enquiry was started (the enquiry's start date stands for it: the record
  holds no separate strategy discussion date).
- First core group: within 10 working days of the initial conference.
- First review conference: within 3 months of the initial conference (the plan's start); then
  at intervals of no more than 6 months.
- Legal planning (PLO) meetings have no statutory timescale: none is checked.

Working days leave out weekends and England's bank holidays (familyworkbook/core/workingdays.py).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from familyworkbook.cases.models import Case, CpPlan, CpReview, Section47
from familyworkbook.core.workingdays import add_working_days


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
