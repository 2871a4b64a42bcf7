"""Writes for meetings about a family: plan (invite, carry actions forward), contribute,
record, sign off, amend.

Every write is one transaction and audited in it. A signed-off record is never changed:
corrections are amendments beside it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from familyworkbook import audit
from familyworkbook.cases.models import Allocation, Case
from familyworkbook.core import clock
from familyworkbook.core.workingdays import is_working_day
from familyworkbook.meetings import snapshots, timescales
from familyworkbook.meetings.models import (
    Action,
    ActionStatus,
    Amendment,
    Attendance,
    AttendanceStatus,
    Contribution,
    Decision,
    Meeting,
    MeetingStatus,
    MeetingType,
)
from familyworkbook.people.models import Family, Person
from familyworkbook.teams.models import User, Worker
from familyworkbook.workbook.models import Chapter
from familyworkbook.workbook.services import plans as workbook_plans


def worker_of(user: User) -> Worker | None:
    return Worker.objects.filter(user=user).first()


def _require_open(meeting: Meeting) -> None:
    if meeting.is_signed_off:
        raise ValidationError(_("This record has been signed off. Add an amendment to correct it."))


def previous_meeting(
    family: Family,
    mtype: MeetingType,
    before: Meeting | None = None,
    *,
    on: dt.date | None = None,
) -> Meeting | None:
    """The meeting a new one follows: the family's latest signed-off meeting of this kind
    (held before `before`, or on or before the day `on`, if given; see
    `snapshots.previous_signed_off`).

    Only a signed-off record counts: a draft can still change, and its actions are not
    settled until it is signed off. (This used to take the latest meeting of any status by
    start time, so a meeting planned ahead became "the previous meeting" of the one before.)"""
    if before is not None:
        return snapshots.previous_signed_off(before)
    qs = Meeting.objects.filter(
        family=family, type=mtype, status=MeetingStatus.SIGNED_OFF, archived_at__isnull=True
    )
    if on is not None:
        qs = qs.filter(held_on__lte=on)
    return qs.order_by("-held_on", "-starts_at", "-pk").first()


@transaction.atomic
def plan_meeting(
    *,
    by: User,
    mtype: MeetingType,
    family: Family,
    starts_at: dt.datetime,
    chair: Worker,
    case: Case | None = None,
    duration_minutes: int = 60,
    location: str = "",
    video_link: str = "",
    late_reason: str = "",
) -> Meeting:
    """Plan a meeting: invite every professional allocated to the family's open cases and bring
    forward the open actions of the previous meeting of the same kind.

    Conferences are on working days; a date later than a statutory timescale (see
    `timescales`) needs a reason, kept on the meeting and in the audit."""
    if case is not None and case.family_id != family.pk:
        raise ValidationError({"case": _("Select a case of this family")})
    day = timezone.localtime(starts_at).date()
    if mtype.slug in timescales.CONFERENCES and not is_working_day(day):
        raise ValidationError({"date": _("A child protection conference must be on a working day")})
    due = timescales.deadline(mtype.slug, case)
    late_reason = late_reason.strip()
    if due is not None and day > due.latest and not late_reason:
        raise ValidationError(
            {
                "late_reason": _(
                    "%(reason)s: by %(latest)s. Choose an earlier date, or say why the meeting "
                    "cannot be held by then"
                )
                % {"reason": due.reason, "latest": f"{due.latest:%d/%m/%Y}"}
            }
        )
    if due is None or day <= due.latest:
        late_reason = ""
    previous = previous_meeting(family, mtype, on=day)
    meeting = Meeting(
        type=mtype,
        family=family,
        case=case,
        team=case.team if case else None,
        previous=previous,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        location=location,
        video_link=video_link,
        late_reason=late_reason,
        chair=chair,
    )
    meeting.stamp(by)
    meeting.full_clean()
    meeting.save()
    invited = invite_involved(meeting, by=by)
    carried = carry_forward(meeting, by=by)
    audit.record(
        actor=by,
        verb=audit.Verb.CREATED,
        target=meeting,
        label="Meeting",
        data={
            "family": family.pk,
            "type": mtype.slug,
            "invited": invited,
            "carried_forward": carried,
            "statutory_deadline": due.latest if due else None,
            "late_reason": late_reason,
        },
    )
    return meeting


def invite_involved(meeting: Meeting, *, by: User) -> int:
    """Invite every worker currently allocated to the family's open cases (of the disciplines
    the meeting type invites, if it names any), and the chair."""
    allocations = (
        Allocation.objects.current()
        .filter(case__family=meeting.family, case__closed_on__isnull=True)
        .select_related("worker")
        .order_by("pk")
    )
    seen = set(meeting.attendances.values_list("worker_id", flat=True))
    rows = []
    mtype = meeting.type
    involved = [(a.worker, a.role) for a in allocations if mtype.invites(a.role)]
    for worker, role in [*involved, (meeting.chair, meeting.chair.role)]:
        if worker.pk in seen:
            continue
        seen.add(worker.pk)
        row = Attendance(meeting=meeting, worker=worker, discipline=role)
        row.stamp(by)
        rows.append(row)
    Attendance.objects.bulk_create(rows)
    return len(rows)


def carry_forward(meeting: Meeting, *, by: User) -> int:
    """Open actions of the previous meeting arrive on this one; the old rows say where they went."""
    if meeting.previous is None:
        return 0
    open_actions = list(meeting.previous.actions.filter(status=ActionStatus.OPEN))
    rows = []
    for old in open_actions:
        row = Action(
            meeting=meeting,
            text=old.text,
            owner_id=old.owner_id,
            due_on=old.due_on,
            carried_from=old,
        )
        row.stamp(by)
        rows.append(row)
    Action.objects.bulk_create(rows)
    Action.objects.filter(pk__in=[a.pk for a in open_actions]).update(
        status=ActionStatus.CARRIED, modified_at=timezone.now(), modified_by=by
    )
    return len(rows)


@dataclass
class Suggestion:
    chapter: str
    entry: Any
    text: str


def suggested_contribution(meeting: Meeting, worker: Worker) -> Suggestion:
    """What to start a contribution from: the worker's chapter's latest entry since last time."""
    from familyworkbook.workbook.models import Entry

    chapter = Chapter.for_role(worker.role)
    entries = Entry.objects.filter(
        family=meeting.family, chapter=chapter, archived_at__isnull=True
    ).order_by("-happened_on", "-pk")
    if meeting.previous and meeting.previous.held_on:
        entries = entries.filter(happened_on__gt=meeting.previous.held_on)
    entry = entries.first()
    text = ""
    if entry is not None:
        text = entry.shared_summary or entry.what_happened
    return Suggestion(chapter=chapter, entry=entry, text=text)


@transaction.atomic
def contribute(*, meeting: Meeting, by: User, text: str, drawn_from: Any = None) -> Contribution:
    _require_open(meeting)
    worker = worker_of(by)
    if worker is None:
        raise ValidationError(_("Only a professional can add a contribution"))
    if not text.strip():
        raise ValidationError({"text": _("Enter your contribution")})
    row = Contribution(
        meeting=meeting,
        author=worker,
        chapter=Chapter.for_role(worker.role),
        drawn_from=drawn_from,
        text=text.strip(),
    )
    row.stamp(by)
    row.full_clean()
    row.save()
    audit.record(
        actor=by,
        verb=audit.Verb.CREATED,
        target=row,
        label="Meeting contribution",
        data={"meeting": meeting.pk, "chapter": row.chapter},
    )
    return row


@dataclass
class NewAction:
    text: str
    owner: Worker
    due_on: dt.date


@dataclass
class CycleStage:
    person: Person
    issue: str
    stage: str
    rationale: str


@transaction.atomic
def record_meeting(
    *,
    meeting: Meeting,
    by: User,
    expected_version: int | None,
    held_on: dt.date,
    attendance: dict[int, str],
    rag: str = "",
    rag_reason: str = "",
    working_well: str = "",
    worries: str = "",
    childs_voice: str = "",
    decisions: list[str] | None = None,
    new_actions: list[NewAction] | None = None,
    carried: dict[int, tuple[str, str]] | None = None,
    cycle_of_change: list[CycleStage] | None = None,
) -> Meeting:
    """Save what the meeting agreed, all at once. Cycle of Change goes to the Workbook."""
    _require_open(meeting)
    mtype = meeting.type
    if mtype.records_rag and not rag:
        raise ValidationError({"rag": _("Select the RAG rating agreed")})
    if held_on > clock.today():
        raise ValidationError({"held_on": _("The date held must be today or in the past")})
    for status in attendance.values():
        if status not in AttendanceStatus.values:
            raise ValidationError(_("Select whether each person attended"))
    carried = carried or {}
    for status, outcome in carried.values():
        if status == ActionStatus.NOT_DONE and not outcome.strip():
            raise ValidationError(
                {"carried": _("Say why an action carried forward will not be done")}
            )
    old = {"rag": meeting.rag, "status": meeting.status}
    meeting.held_on = held_on
    meeting.rag = rag
    meeting.rag_reason = rag_reason
    meeting.working_well = working_well
    meeting.worries = worries
    meeting.childs_voice = childs_voice
    meeting.status = MeetingStatus.HELD
    meeting.save_checked(by=by, expected_version=expected_version)

    rows = {a.pk: a for a in meeting.attendances.all()}
    for pk, status in attendance.items():
        row = rows.get(pk)
        if row is not None and row.status != status:
            row.status = status
            row.stamp(by)
            row.save(update_fields=["status", "modified_at", "modified_by"])
    actions = {a.pk: a for a in meeting.actions.all()}
    for pk, (status, outcome) in carried.items():
        action = actions.get(pk)
        if action is not None:
            action.status = status
            action.outcome = outcome
            action.stamp(by)
            action.save(update_fields=["status", "outcome", "modified_at", "modified_by"])
    for text in decisions or []:
        decision = Decision(meeting=meeting, text=text)
        decision.stamp(by)
        decision.save()
    for new in new_actions or []:
        action = Action(meeting=meeting, text=new.text, owner=new.owner, due_on=new.due_on)
        action.stamp(by)
        action.full_clean()
        action.save()
    for stage in cycle_of_change or []:
        workbook_plans.record_change_stage(
            family=meeting.family,
            by=by,
            person=stage.person,
            issue=stage.issue,
            stage=stage.stage,
            assessed_on=held_on,
            rationale=stage.rationale,
        )
    audit.record(
        actor=by,
        verb=audit.Verb.CHANGED,
        target=meeting,
        label="Meeting record",
        data={
            "old": old,
            "new": {"rag": rag, "status": meeting.status},
            "decisions": len(decisions or []),
            "actions": len(new_actions or []),
            "cycle_of_change": len(cycle_of_change or []),
        },
    )
    return meeting


@transaction.atomic
def sign_off(*, meeting: Meeting, by: User) -> Meeting:
    """Sign off the record and keep what it shows (`snapshots`): from now on the record,
    its print and its PDF show exactly that, whatever is added to the family later.

    The meeting it follows is settled here: the family's latest signed-off meeting of the
    same kind held before it. If that is not the one found when it was planned (an earlier
    meeting was signed off since), its open actions are carried forward now."""
    worker = worker_of(by)
    if worker is None or worker.pk != meeting.chair_id:
        raise ValidationError(_("Only the chair can sign off the record"))
    if meeting.status != MeetingStatus.HELD:
        raise ValidationError(_("Record the meeting before signing it off"))
    meeting.status = MeetingStatus.SIGNED_OFF
    meeting.signed_off_at = timezone.now()
    meeting.signed_off_by = worker
    previous = snapshots.previous_signed_off(meeting)
    carried = 0
    # A link set on purpose (an FGC review names the conference it reviews) is kept when no
    # signed-off meeting is found; the record itself says what the snapshot found.
    if previous is not None and previous.pk != meeting.previous_id:
        meeting.previous = previous
        carried = carry_forward(meeting, by=by)
    meeting.save_checked(by=by, expected_version=meeting.version)
    snapshot = snapshots.take(meeting)
    audit.record(
        actor=by,
        verb=audit.Verb.APPROVED,
        target=meeting,
        label="Meeting record signed off",
        data={
            "previous": meeting.previous_id,
            "snapshot": snapshot.pk,
            "carried_forward_at_sign_off": carried,
        },
    )
    return meeting


@transaction.atomic
def amend(*, meeting: Meeting, by: User, text: str, reason: str) -> Amendment:
    if not meeting.is_signed_off:
        raise ValidationError(_("Change the record itself until it is signed off"))
    if not text.strip():
        raise ValidationError({"text": _("Enter the amendment")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the record is amended")})
    row = Amendment(meeting=meeting, text=text.strip(), reason=reason.strip())
    row.stamp(by)
    row.save()
    audit.record(
        actor=by,
        verb=audit.Verb.CHANGED,
        target=meeting,
        label="Meeting record amended",
        data={"amendment": row.pk, "reason": row.reason},
    )
    return row
