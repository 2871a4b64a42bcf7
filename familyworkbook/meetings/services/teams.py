"""Team meetings (the weekly unit meeting, huddles): whole-team invitations and minutes."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from familyworkbook import audit
from familyworkbook.cases.models import Case
from familyworkbook.core import clock
from familyworkbook.meetings.models import (
    Attendance,
    CaseDiscussion,
    Meeting,
    MeetingStatus,
    MeetingType,
)
from familyworkbook.meetings.services.meetings import _require_open
from familyworkbook.teams.models import Team, User, Worker

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
    for worker in [*(w for w in workers if mtype.invites(w.role)), chair]:
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
    if held_on > clock.today():
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
