"""Family Group Conferences: referral in the preparation window, the victim's decision,
invitations (the alleged perpetrator only at the victim's request), the record, the review."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from familyworkbook import audit
from familyworkbook.core import clock
from familyworkbook.meetings.models import (
    FGC,
    Attendance,
    FamilyGroupConference,
    Meeting,
    MeetingStatus,
    MeetingType,
)
from familyworkbook.meetings.services.meetings import _require_open, worker_of
from familyworkbook.people.models import Family, Person
from familyworkbook.teams.models import User, Worker

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
        meeting.held_on = min(timezone.localdate(meeting.starts_at), clock.today())
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
