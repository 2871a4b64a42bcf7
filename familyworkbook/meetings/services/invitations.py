"""Invitations by email: every invited professional gets one message with the .ics attached.

What an invitation may say is decided in docs/decisions/meeting-invitation-emails.md: the kind
of meeting, when, how long, the family *reference* and a link to sign in. Never a family
member's name, never the location or video link (a survivor's meeting place is as protected as
her address), never anything from the record. The sender signs in to see the rest.

Each message goes to one person (no shared recipient lists). Who was emailed, at which address
and when is kept on their Attendance row and in the audit trail, in the same transaction as the
sending: if the mail server refuses, nothing is recorded as sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from familyworkbook import audit
from familyworkbook.meetings import selectors
from familyworkbook.meetings.models import Attendance, Meeting
from familyworkbook.teams.models import User


@dataclass
class InvitationResult:
    sent: int
    without_email: list[str]


def invitation_subject(meeting: Meeting) -> str:
    when = timezone.localtime(meeting.starts_at)
    subject = _("Invitation: %(type)s on %(when)s") % {
        "type": meeting.type.name,
        "when": f"{when:%d/%m/%Y %H:%M}",
    }
    if meeting.family_id:
        subject += " " + _("(family %(ref)s)") % {"ref": meeting.family.reference}
    return subject


def build_invitation(meeting: Meeting, attendance: Attendance, *, base_url: str) -> EmailMessage:
    """One invitation message; the caller sends it. Nothing here reads protected fields."""
    context = {
        "meeting": meeting,
        "recipient": attendance.worker.name,
        "when": timezone.localtime(meeting.starts_at),
        "reference": meeting.family.reference if meeting.family_id else "",
        "team": meeting.team.name if meeting.team_id and not meeting.family_id else "",
        "url": base_url.rstrip("/") + meeting.get_absolute_url(),
    }
    message = EmailMessage(
        subject=invitation_subject(meeting),
        body=render_to_string("meetings/email/invitation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[attendance.worker.user.email],
    )
    host = base_url.split("://", 1)[-1].split("/", 1)[0] or "familyworkbook"
    message.attach(
        f"meeting-{meeting.pk}.ics",
        selectors.ics(meeting, host=host, with_location=False),
        "text/calendar; charset=utf-8; method=PUBLISH",
    )
    return message


@transaction.atomic
def send_invitations(*, meeting: Meeting, by: User, base_url: str) -> InvitationResult:
    """Email every invited professional who has not been emailed yet (so a worker allocated
    after planning can be sent theirs later without resending to everyone)."""
    if meeting.is_signed_off:
        raise ValidationError(_("This meeting has been signed off: there is nobody to invite"))
    pending = list(
        meeting.attendances.select_for_update()
        .filter(worker__isnull=False, invited_at__isnull=True)
        .select_related("worker__user")
        .order_by("pk")
    )
    with_email = [a for a in pending if a.worker.user.email]
    without = [a.worker.name for a in pending if not a.worker.user.email]
    messages = [build_invitation(meeting, a, base_url=base_url) for a in with_email]
    if messages:
        with get_connection() as connection:
            connection.send_messages(messages)
    now = timezone.now()
    for row in with_email:
        row.invited_at = now
        row.invited_to = row.worker.user.email
        row.stamp(by)
        row.save(update_fields=["invited_at", "invited_to", "modified_at", "modified_by"])
    audit.record(
        actor=by,
        verb=audit.Verb.SHARED,
        target=meeting,
        label="Meeting invitations emailed",
        data={
            "emailed_workers": [a.worker_id for a in with_email],
            "without_email": [a.worker_id for a in pending if not a.worker.user.email],
        },
    )
    return InvitationResult(sent=len(with_email), without_email=without)
