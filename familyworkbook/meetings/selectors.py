"""Reads for the meeting pages: what is due (computed, never stored), a meeting's record with
everything it shows loaded up front, goals and ratings since last time, and the .ics file.

Each read takes a record or a queryset the view reached through `visible_to(user)`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, Min, OuterRef, QuerySet, Subquery
from django.utils import timezone

from familyworkbook.cases.models import Allocation, Case
from familyworkbook.core import clock
from familyworkbook.meetings.models import (
    GROUP_SUPERVISION,
    Action,
    Attendance,
    Meeting,
    MeetingType,
)
from familyworkbook.teams.models import Role, Worker

DUE_SOON_DAYS = 7


@dataclass
class DueRow:
    case: Case
    last_held: dt.date | None
    due_on: dt.date
    today: dt.date

    @property
    def overdue(self) -> bool:
        return self.due_on < self.today

    @property
    def days_overdue(self) -> int:
        return (self.today - self.due_on).days


def due_supervisions(
    cases: QuerySet[Case], *, today: dt.date | None = None, within_days: int = DUE_SOON_DAYS
) -> list[DueRow]:
    """Open cases with an adult specialist allocated whose group supervision is due within
    `within_days` or overdue; in two queries whatever the number of cases.

    Due = last held + the type's interval; never held = from the day the first current
    specialist was allocated."""
    today = today or clock.today()
    mtype = MeetingType.objects.get(slug=GROUP_SUPERVISION)
    interval = dt.timedelta(days=mtype.due_every_days or 30)
    specialists = Allocation.objects.current().filter(
        case=OuterRef("pk"), role__in=Role.adult_specialists()
    )
    last = (
        Meeting.objects.held()
        .filter(family=OuterRef("family"), type=mtype, archived_at__isnull=True)
        .order_by("-held_on")
        .values("held_on")[:1]
    )
    first_specialist = (
        Allocation.objects.current()
        .filter(case=OuterRef("pk"), role__in=Role.adult_specialists())
        .values("case")
        .annotate(first=Min("started_on"))
        .values("first")[:1]
    )
    rows = (
        cases.open()
        .filter(Exists(specialists))
        .annotate(last_held=Subquery(last), specialist_since=Subquery(first_specialist))
        .select_related("family", "team")
        .only("pk", "reason", "family__name", "family__reference", "team__name")
        .order_by("pk")
    )
    out = []
    for case in rows:
        start = case.last_held or case.specialist_since
        due_on = start + interval
        if due_on <= today + dt.timedelta(days=within_days):
            out.append(DueRow(case=case, last_held=case.last_held, due_on=due_on, today=today))
    out.sort(key=lambda r: (r.due_on, r.case.pk))
    return out


@dataclass
class MeetingPage:
    """The meeting page: `record` is what the record shows (the snapshot kept at sign-off, or
    computed now for a draft; `snapshots.record_of`); `attendances` and `actions` are the
    live rows the record form edits until sign-off."""

    meeting: Meeting
    attendances: list[Attendance]
    actions: list[Action]
    record: dict[str, Any]

    @property
    def previous(self) -> dict[str, Any] | None:
        return self.record["previous"]

    @property
    def previous_rag(self) -> str:
        return self.previous["rag"] if self.previous else ""

    @property
    def previous_rag_label(self) -> str:
        return self.previous["rag_label"] if self.previous else ""

    @property
    def ratings_since(self) -> list[dict[str, Any]]:
        return self.record["ratings"]

    @property
    def carried(self) -> list[Action]:
        return [a for a in self.actions if a.carried_from_id]

    @property
    def new_actions(self) -> list[Action]:
        return [a for a in self.actions if not a.carried_from_id]

    @property
    def not_yet_emailed(self) -> int:
        return sum(1 for a in self.attendances if a.worker_id and a.invited_at is None)

    @property
    def apologies_with_contribution(self) -> set[int]:
        authors = {c["author_id"] for c in self.record["contributions"]}
        return {a.worker_id for a in self.attendances if not a.attended and a.worker_id in authors}


def meeting_queryset(qs: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return qs.select_related(
        "type",
        "family",
        "case",
        "chair__user",
        "signed_off_by__user",
        "previous",
        "fgc__da_victim",
        "fgc__alleged_perpetrator",
        "fgc__referred_by__user",
        "fgc__coordinator__user",
    ).prefetch_related(
        "contributions__author__user",
        "decisions",
        "amendments",
    )


def meeting_page(meeting: Meeting) -> MeetingPage:
    from familyworkbook.meetings import snapshots

    attendances = list(
        meeting.attendances.select_related("worker__user", "person").order_by("discipline", "pk")
    )
    actions = list(meeting.actions.select_related("owner__user").order_by("due_on", "pk"))
    return MeetingPage(
        meeting=meeting,
        attendances=attendances,
        actions=actions,
        record=snapshots.record_of(meeting),
    )


def _ics_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def ics(meeting: Meeting, *, host: str, with_location: bool = True) -> str:
    """An iCalendar event for diaries. It names the meeting type and family reference only:
    no names of family members leave the system in a calendar. Emailed copies leave out the
    location too (`with_location=False`): see docs/decisions/meeting-invitation-emails.md."""
    start = meeting.starts_at.astimezone(dt.UTC)
    end = start + dt.timedelta(minutes=meeting.duration_minutes)
    fmt = "%Y%m%dT%H%M%SZ"
    summary = (
        f"{meeting.type.name} – {meeting.family.reference}" if meeting.family else str(meeting.type)
    )
    where = (meeting.video_link or meeting.location) if with_location else ""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Family Workbook//Meetings//EN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:meeting-{meeting.pk}@{host}",
        f"DTSTAMP:{timezone.now().astimezone(dt.UTC):{fmt}}",
        f"DTSTART:{start:{fmt}}",
        f"DTEND:{end:{fmt}}",
        f"SUMMARY:{_ics_escape(summary)}",
    ]
    if where:
        lines.append(f"LOCATION:{_ics_escape(where)}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(lines) + "\r\n"


def workers_of_family(meeting: Meeting) -> list[Worker]:
    """Who can own an action: the invited professionals."""
    return [a.worker for a in meeting.attendances.select_related("worker__user") if a.worker_id]


def involved_adults(meeting: Meeting) -> list[Any]:
    from familyworkbook.people.models import Person, PersonKind

    return list(
        Person.objects.filter(
            memberships__family=meeting.family,
            memberships__ended_on__isnull=True,
            kind=PersonKind.ADULT,
            archived_at__isnull=True,
        ).order_by("pk")
    )


@dataclass
class Frequency:
    case_id: int
    held: int
    attended_by_discipline: dict[str, int]


def supervision_frequency(
    cases: QuerySet[Case], *, since: dt.date, until: dt.date, slug: str = GROUP_SUPERVISION
) -> dict[int, Frequency]:
    """How often each case was discussed at meetings of one kind in a period, and how many
    times each discipline was there (in person or virtually): two queries, for reporting."""
    from django.db.models import Count

    from familyworkbook.meetings.models import ATTENDED

    held = (
        Meeting.objects.held()
        .filter(case__in=cases, type__slug=slug, held_on__gte=since, held_on__lte=until)
        .filter(archived_at__isnull=True)
    )
    out = {
        row["case"]: Frequency(case_id=row["case"], held=row["n"], attended_by_discipline={})
        for row in held.values("case").annotate(n=Count("pk")).order_by("case")
    }
    for row in (
        Attendance.objects.filter(meeting__in=held, status__in=ATTENDED)
        .values("meeting__case", "discipline")
        .annotate(n=Count("pk"))
        .order_by("meeting__case", "discipline")
    ):
        out[row["meeting__case"]].attended_by_discipline[row["discipline"]] = row["n"]
    return out


UNIT_DISCUSSION_DAYS = 14


@dataclass
class AgendaRow:
    case: Case
    last_discussed: dt.date | None
    today: dt.date

    @property
    def is_cp(self) -> bool:
        return self.case.reason == "cp"

    @property
    def due_for_discussion(self) -> bool:
        if self.last_discussed is None:
            return True
        return (self.today - self.last_discussed).days >= UNIT_DISCUSSION_DAYS


def unit_agenda(team: Any, *, today: dt.date | None = None) -> list[AgendaRow]:
    """Every open case of the team in priority order: child protection first, then those
    not discussed for longest (never first). One query whatever the team's size."""
    from familyworkbook.meetings.models import CaseDiscussion

    today = today or clock.today()
    last = (
        CaseDiscussion.objects.filter(case=OuterRef("pk"), archived_at__isnull=True)
        .order_by("-meeting__held_on")
        .values("meeting__held_on")[:1]
    )
    rows = [
        AgendaRow(case=c, last_discussed=c.last_discussed, today=today)
        for c in Case.objects.open()
        .filter(team=team)
        .annotate(last_discussed=Subquery(last))
        .select_related("family")
        .order_by("pk")
    ]
    rows.sort(
        key=lambda r: (
            not r.is_cp,
            r.last_discussed is not None,
            r.last_discussed or dt.date.min,
            r.case.pk,
        )
    )
    return rows


def overdue_minutes(
    meetings: QuerySet[Meeting], *, now: dt.datetime | None = None
) -> list[Meeting]:
    """Meetings whose minutes were due (the type's hours after the start) and are not written."""
    from familyworkbook.meetings.models import MeetingStatus

    now = now or clock.now()
    candidates = (
        meetings.filter(
            status=MeetingStatus.PLANNED,
            type__minutes_due_hours__isnull=False,
            starts_at__lt=now,
        )
        .select_related("type", "team")
        .order_by("starts_at", "pk")
    )
    return [m for m in candidates if m.minutes_overdue(now)]


def latest_signed_off_supervision(family: Any) -> Meeting | None:
    """The family's latest signed-off group case supervision: where the Workbook overview reads
    the RAG rating, so the overview and Meetings show the same one.

    Only a signed-off record counts: a draft (held, not signed off) can still change, and the
    RAG is what the group agreed, not what someone has typed so far. Latest by the day it was
    held, then by sign-off, so a newer meeting signed off replaces an older one."""
    from familyworkbook.meetings.models import MeetingStatus

    return (
        Meeting.objects.filter(
            family=family,
            type__slug=GROUP_SUPERVISION,
            status=MeetingStatus.SIGNED_OFF,
            archived_at__isnull=True,
        )
        .select_related("type")
        .order_by("-held_on", "-signed_off_at", "-pk")
        .first()
    )
