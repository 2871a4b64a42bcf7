"""Writes for meetings: plan (invite, carry actions forward), contribute, record, sign off,
amend, and Family Group Conference invitations.

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
from familyworkbook.meetings.models import (
    FGC,
    Action,
    ActionStatus,
    Amendment,
    Attendance,
    AttendanceStatus,
    CaseDiscussion,
    Contribution,
    Decision,
    FamilyGroupConference,
    Meeting,
    MeetingStatus,
    MeetingType,
)
from familyworkbook.people.models import Family, Person
from familyworkbook.teams.models import Team, User, Worker
from familyworkbook.workbook.models import Chapter
from familyworkbook.workbook.services import plans as workbook_plans


def worker_of(user: User) -> Worker | None:
    return Worker.objects.filter(user=user).first()


def _require_open(meeting: Meeting) -> None:
    if meeting.is_signed_off:
        raise ValidationError(_("This record has been signed off. Add an amendment to correct it."))


def previous_meeting(
    family: Family, mtype: MeetingType, before: Meeting | None = None
) -> Meeting | None:
    """The latest meeting of this kind about this family, before `before` if given."""
    qs = Meeting.objects.filter(family=family, type=mtype, archived_at__isnull=True)
    if before is not None:
        qs = qs.exclude(pk=before.pk).filter(starts_at__lt=before.starts_at)
    return qs.order_by("-starts_at", "-pk").first()


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
) -> Meeting:
    """Plan a meeting: invite every professional allocated to the family's open cases and bring
    forward the open actions of the previous meeting of the same kind."""
    if case is not None and case.family_id != family.pk:
        raise ValidationError({"case": _("Select a case of this family")})
    previous = previous_meeting(family, mtype)
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
        },
    )
    return meeting


def invite_involved(meeting: Meeting, *, by: User) -> int:
    """Invite every worker currently allocated to the family's open cases, and the chair."""
    allocations = (
        Allocation.objects.current()
        .filter(case__family=meeting.family, case__closed_on__isnull=True)
        .select_related("worker")
        .order_by("pk")
    )
    seen = set(meeting.attendances.values_list("worker_id", flat=True))
    rows = []
    for worker, role in [(a.worker, a.role) for a in allocations] + [
        (meeting.chair, meeting.chair.role)
    ]:
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
    if held_on > timezone.localdate():
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
    worker = worker_of(by)
    if worker is None or worker.pk != meeting.chair_id:
        raise ValidationError(_("Only the chair can sign off the record"))
    if meeting.status != MeetingStatus.HELD:
        raise ValidationError(_("Record the meeting before signing it off"))
    meeting.status = MeetingStatus.SIGNED_OFF
    meeting.signed_off_at = timezone.now()
    meeting.signed_off_by = worker
    meeting.save_checked(by=by, expected_version=meeting.version)
    audit.record(
        actor=by, verb=audit.Verb.APPROVED, target=meeting, label="Meeting record signed off"
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


# --- Family Group Conferences ---------------------------------------------------------------


@transaction.atomic
def refer_fgc(
    *,
    by: User,
    family: Family,
    referred_on: dt.date,
    starts_at: dt.datetime,
    coordinator: Worker,
    da_victim: Person | None = None,
    alleged_perpetrator: Person | None = None,
) -> FamilyGroupConference:
    """Any professional refers; the conference is planned 6–8 weeks on (preparation time)."""
    referrer = worker_of(by)
    if referrer is None:
        raise ValidationError(_("Only a professional can refer to a Family Group Conference"))
    weeks = (starts_at.date() - referred_on).days / 7
    if weeks < 6 or weeks > 8:
        raise ValidationError(
            {"starts_at": _("Plan the conference 6 to 8 weeks after the referral")}
        )
    if (da_victim is None) != (alleged_perpetrator is None):
        raise ValidationError(
            {
                "alleged_perpetrator": _(
                    "Name both the victim and the alleged perpetrator, or neither"
                )
            }
        )
    mtype = MeetingType.objects.get(slug=FGC)
    meeting = Meeting(type=mtype, family=family, starts_at=starts_at, chair=coordinator)
    meeting.stamp(by)
    meeting.save()
    fgc = FamilyGroupConference(
        meeting=meeting,
        referred_by=referrer,
        referred_on=referred_on,
        coordinator=coordinator,
        da_victim=da_victim,
        alleged_perpetrator=alleged_perpetrator,
    )
    fgc.stamp(by)
    fgc.save()
    audit.record(
        actor=by,
        verb=audit.Verb.CREATED,
        target=fgc,
        label="Family Group Conference referral",
        data={"family": family.pk},
    )
    return fgc


@transaction.atomic
def record_victim_request(*, fgc: FamilyGroupConference, by: User, requested: bool) -> None:
    """The victim's own decision about the alleged perpetrator, as the coordinator heard it."""
    _require_open(fgc.meeting)
    if fgc.da_victim_id is None:
        raise ValidationError(_("No domestic abuse victim is named for this conference"))
    fgc.victim_requests_perpetrator = requested
    fgc.save_checked(by=by, expected_version=fgc.version)
    audit.record(
        actor=by,
        verb=audit.Verb.CHANGED,
        target=fgc,
        label="FGC: victim's decision on the alleged perpetrator",
        data={"requested": requested},
    )


@transaction.atomic
def invite_family_member(*, fgc: FamilyGroupConference, by: User, person: Person) -> Attendance:
    """Invite a family member. The alleged perpetrator only at the victim's request."""
    meeting = fgc.meeting
    _require_open(meeting)
    if not meeting.family.memberships.filter(person=person, ended_on__isnull=True).exists():
        raise ValidationError({"person": _("Select a member of this family")})
    if person.pk == fgc.alleged_perpetrator_id and not fgc.victim_requests_perpetrator:
        raise ValidationError(
            {
                "person": _(
                    "The alleged perpetrator can be invited only if the victim asks for them "
                    "to attend"
                )
            }
        )
    row, _created = Attendance.objects.get_or_create(
        meeting=meeting, person=person, defaults={"created_by": by, "modified_by": by}
    )
    audit.record(
        actor=by,
        verb=audit.Verb.CREATED,
        target=row,
        label="FGC invitation",
        data={"meeting": meeting.pk, "person": person.pk},
    )
    return row


@transaction.atomic
def record_fgc(
    *,
    fgc: FamilyGroupConference,
    by: User,
    childrens_views: str,
    private_time_held: bool,
    family_plan: str,
) -> FamilyGroupConference:
    _require_open(fgc.meeting)
    if not family_plan.strip():
        raise ValidationError({"family_plan": _("Enter the family's plan, in their words")})
    fgc.childrens_views = childrens_views
    fgc.private_time_held = private_time_held
    fgc.family_plan = family_plan
    fgc.save_checked(by=by, expected_version=fgc.version)
    meeting = fgc.meeting
    if meeting.status == MeetingStatus.PLANNED:
        meeting.status = MeetingStatus.HELD
        meeting.held_on = min(timezone.localdate(meeting.starts_at), timezone.localdate())
        meeting.save_checked(by=by, expected_version=meeting.version)
    audit.record(actor=by, verb=audit.Verb.CHANGED, target=fgc, label="FGC record")
    return fgc


@transaction.atomic
def plan_fgc_review(
    *, fgc: FamilyGroupConference, by: User, starts_at: dt.datetime
) -> FamilyGroupConference:
    if not fgc.family_plan:
        raise ValidationError(_("Record the family's plan before planning its review"))
    meeting = Meeting(
        type=fgc.meeting.type,
        family=fgc.meeting.family,
        starts_at=starts_at,
        chair=fgc.coordinator or fgc.meeting.chair,
        previous=fgc.meeting,
    )
    meeting.stamp(by)
    meeting.save()
    review = FamilyGroupConference(
        meeting=meeting,
        referred_by=fgc.referred_by,
        referred_on=fgc.referred_on,
        coordinator=fgc.coordinator,
        da_victim=fgc.da_victim,
        alleged_perpetrator=fgc.alleged_perpetrator,
        victim_requests_perpetrator=fgc.victim_requests_perpetrator,
        review_of=fgc,
    )
    review.stamp(by)
    review.save()
    audit.record(actor=by, verb=audit.Verb.CREATED, target=review, label="FGC review")
    return review


# --- Unit meetings ---------------------------------------------------------------------------


@transaction.atomic
def plan_team_meeting(
    *, by: User, mtype: MeetingType, team: Team, starts_at: dt.datetime, chair: Worker
) -> Meeting:
    """A meeting of a whole team or unit (unit meeting, huddle): everyone holding a post in it
    is invited."""
    if mtype.per_family:
        raise ValidationError({"mtype": _("Select a team meeting")})
    meeting = Meeting(type=mtype, team=team, starts_at=starts_at, chair=chair)
    meeting.stamp(by)
    meeting.save()
    workers = (
        Worker.objects.filter(posts__teams=team, posts__disestablished_on__isnull=True)
        .distinct()
        .order_by("pk")
    )
    rows = []
    for worker in [*workers, chair]:
        if worker.pk in {r.worker_id for r in rows}:
            continue
        row = Attendance(meeting=meeting, worker=worker, discipline=worker.role)
        row.stamp(by)
        rows.append(row)
    Attendance.objects.bulk_create(rows)
    audit.record(
        actor=by,
        verb=audit.Verb.CREATED,
        target=meeting,
        label="Team meeting",
        data={"team": team.pk, "type": mtype.slug, "invited": len(rows)},
    )
    return meeting


@transaction.atomic
def record_team_meeting(
    *,
    meeting: Meeting,
    by: User,
    expected_version: int | None,
    held_on: dt.date,
    notes: dict[int, str],
) -> Meeting:
    """The minutes: a note for each case discussed (cases of the meeting's team only)."""
    _require_open(meeting)
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("The date held must be today or in the past")})
    notes = {pk: text.strip() for pk, text in notes.items() if text.strip()}
    if not notes:
        raise ValidationError(_("Enter a note for at least one case discussed"))
    allowed = set(
        Case.objects.open().filter(team=meeting.team, pk__in=notes).values_list("pk", flat=True)
    )
    if set(notes) - allowed:
        raise ValidationError(_("Only cases of this team can be discussed here"))
    meeting.held_on = held_on
    meeting.status = MeetingStatus.HELD
    meeting.save_checked(by=by, expected_version=expected_version)
    rows = []
    for case_id, text in notes.items():
        row = CaseDiscussion(meeting=meeting, case_id=case_id, note=text)
        row.stamp(by)
        rows.append(row)
    CaseDiscussion.objects.bulk_create(rows)
    audit.record(
        actor=by,
        verb=audit.Verb.CHANGED,
        target=meeting,
        label="Team meeting minutes",
        data={"cases": sorted(notes)},
    )
    return meeting
