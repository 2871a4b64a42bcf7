"""Agendas drawn from the record, and the statutory dates a planner needs to see.

Nothing here is typed twice: the agenda is built from what the Workbook and the case already
hold (carried actions, goals, the section 47 enquiry, the child protection plan and its reviews,
pre-proceedings). It counts children rather than naming them, so it is safe on any page that
shows the meeting.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from familyworkbook.cases.models import CareProceedings, Case, CpPlan, CpReview, PreProceedings
from familyworkbook.core.workingdays import add_working_days
from familyworkbook.meetings import timescales
from familyworkbook.meetings.models import Meeting, MeetingType
from familyworkbook.workbook.models import Goal
from familyworkbook.workbook.models.goals import GoalStatus


@dataclass
class Item:
    title: str
    details: list[str] = field(default_factory=list)


@dataclass
class PlannedDeadline:
    case: Case
    type_name: str
    deadline: timescales.Deadline


def deadlines_for(cases: QuerySet[Case]) -> list[PlannedDeadline]:
    """The statutory deadlines that apply now to these cases (shown on the planning form)."""
    names = dict(
        MeetingType.objects.filter(slug__in=["icpc", "rcpc", "core_group"]).values_list(
            "slug", "name"
        )
    )
    out = []
    for case in cases:
        for slug, name in names.items():
            due = timescales.deadline(slug, case)
            if due is not None:
                out.append(PlannedDeadline(case=case, type_name=name, deadline=due))
    out.sort(key=lambda d: d.deadline.latest)
    return out


def _date(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def _open_plan(case: Case | None) -> CpPlan | None:
    if case is None:
        return None
    return (
        CpPlan.objects.filter(episode__case=case, ended_on__isnull=True, archived_at__isnull=True)
        .order_by("-started_on", "-pk")
        .first()
    )


def agenda_for(meeting: Meeting) -> list[Item]:
    """The agenda for a meeting about a family, in the order it is usually taken."""
    if meeting.family_id is None:
        return []
    slug = meeting.type.slug
    case = meeting.case
    day = timezone.localtime(meeting.starts_at).date()
    items = [
        Item(
            _("Introductions, attendance and apologies"),
            [
                ngettext(
                    "%(n)s written contribution received",
                    "%(n)s written contributions received",
                    meeting.contributions.count(),
                )
                % {"n": meeting.contributions.count()}
            ],
        )
    ]
    carried = list(meeting.actions.filter(carried_from__isnull=False).select_related("owner__user"))
    if meeting.previous_id:
        items.append(
            Item(
                _("Actions from the last meeting (%(day)s)")
                % {"day": _date(timezone.localtime(meeting.previous.starts_at).date())},
                [f"{a.text} ({a.owner.name}, {_date(a.due_on)})" for a in carried]
                or [_("No actions were left open")],
            )
        )
    goals = Goal.objects.filter(
        family=meeting.family, status=GoalStatus.OPEN, archived_at__isnull=True
    ).order_by("set_on", "pk")
    items.append(
        Item(
            _("The family's goals and ratings since last time"),
            [g.title for g in goals] or [_("No open goals recorded")],
        )
    )
    plan = _open_plan(case)
    if slug == "icpc":
        items += [
            Item(
                _("The section 47 enquiry and what it found"),
                [d.reason for d in [timescales.deadline("icpc", case)] if d],
            ),
            Item(_("Each child's lived experience and the child's voice")),
            Item(
                _("Decision: is a child protection plan needed, and the category of abuse"),
                [
                    _("If so, the first core group by %(d)s and the first review by %(r)s")
                    % {
                        "d": _date(add_working_days(day, 10)),
                        "r": _date(timescales.add_months(day, 3)),
                    }
                ],
            ),
            Item(_("Core group membership and the outline plan")),
        ]
    elif slug == "rcpc":
        details = []
        if plan:
            details.append(
                _("Plan since %(day)s, category: %(cat)s")
                % {"day": _date(plan.started_on), "cat": plan.get_latest_category_display()}
            )
            last = CpReview.objects.filter(plan=plan).order_by("-held_on").first()
            since = last.held_on if last else plan.started_on
            core_groups = Meeting.objects.held().filter(
                case=case, type__slug="core_group", held_on__gte=since, archived_at__isnull=True
            )
            details.append(
                ngettext(
                    "%(n)s core group held since the last conference",
                    "%(n)s core groups held since the last conference",
                    core_groups.count(),
                )
                % {"n": core_groups.count()}
            )
        items += [
            Item(_("Progress against the child protection plan"), details),
            Item(_("Each child's lived experience and the child's voice")),
            Item(
                _("Decision: continue or end the child protection plan"),
                [
                    _("If it continues, the next review by %(d)s")
                    % {"d": _date(timescales.add_months(day, 6))}
                ],
            ),
        ]
    elif slug == "core_group":
        details = []
        if plan:
            details.append(
                _("Plan since %(day)s, category: %(cat)s")
                % {"day": _date(plan.started_on), "cat": plan.get_latest_category_display()}
            )
            review = timescales.deadline("rcpc", case)
            if review:
                details.append(_("Next review conference by %(d)s") % {"d": _date(review.latest)})
        items += [
            Item(_("The child protection plan: what has been done, what has changed"), details),
            Item(_("Updating the plan: actions, owners and dates")),
        ]
    elif slug == "legal_plo":
        details = []
        plo = (
            PreProceedings.objects.filter(case=case, ended_on__isnull=True)
            .order_by("-started_on")
            .first()
            if case
            else None
        )
        if plo:
            details.append(_("Pre-proceedings since %(d)s") % {"d": _date(plo.started_on)})
        proceedings = (
            CareProceedings.objects.filter(case=case, concluded_on__isnull=True).count()
            if case
            else 0
        )
        if proceedings:
            details.append(
                ngettext(
                    "%(n)s set of care proceedings in progress",
                    "%(n)s sets of care proceedings in progress",
                    proceedings,
                )
                % {"n": proceedings}
            )
        if plan:
            details.append(_("Child protection plan since %(d)s") % {"d": _date(plan.started_on)})
        items += [
            Item(
                _("Where the case is: plans and legal status"),
                details or [_("No pre-proceedings or care proceedings recorded")],
            ),
            Item(_("Is the threshold for care proceedings met? Legal advice")),
            Item(_("Decision: pre-proceedings (PLO), issue proceedings, or continue the plan")),
        ]
    items.append(Item(_("Decisions and actions: owner and date for each")))
    return items
