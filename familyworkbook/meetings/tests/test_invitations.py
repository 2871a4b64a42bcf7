"""Invitations by email: one message per invited professional with the .ics attached, nothing
protected or identifying in it, who was emailed when recorded and audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from familyworkbook.audit.models import AuditEvent
from familyworkbook.cases.models import Allocation
from familyworkbook.demo import builders
from familyworkbook.meetings.models import Meeting
from familyworkbook.meetings.services import invitations
from familyworkbook.people.models import Address
from familyworkbook.teams.models import Role

from .conftest import on

CANARY_SURNAME = "Quetzalcanary"
CANARY_ADDRESS = "12 Canary Refuge Close"
CANARY_POSTCODE = "ZZ1 9QQ"
CANARY_VENUE = "Canary Lodge refuge meeting room"
CANARY_VIDEO = "https://video.example/canary-room"


@pytest.fixture
def canary_case(north, sam, dana, types):
    family = builders.family(CANARY_SURNAME, children=2, adults=2)
    survivor = family.members.get(first_name="Jo")
    Address.objects.create(
        person=survivor,
        kind="safe",
        line_1=CANARY_ADDRESS,
        town="Canarytown",
        postcode=CANARY_POSTCODE,
        from_date=dt.date(2025, 6, 1),
        protected=True,
    )
    case = builders.case(family, north, lead=sam)
    Allocation.objects.create(
        case=case, worker=dana, role=Role.DA_SURVIVOR_WORKER, started_on=dt.date(2025, 9, 1)
    )
    return case


def _everything_sent() -> str:
    parts = []
    for message in mail.outbox:
        parts += [message.subject, message.body, *message.to]
        parts += [str(content) for _name, content, _mime in message.attachments]
    return "\n".join(parts)


def test_planning_emails_every_involved_professional_with_the_ics(
    client, signed_in, mo, gcs, canary_case
):
    signed_in(client, mo)
    day = timezone.localdate() + dt.timedelta(days=7)
    response = client.post(
        reverse("meetings:plan", args=[canary_case.family_id]),
        {
            "mtype": gcs.pk,
            "case": canary_case.pk,
            **on("date", day),
            "time": "14:30",
            "duration_minutes": "60",
            "location": CANARY_VENUE,
            "video_link": CANARY_VIDEO,
        },
    )
    m = Meeting.objects.get()
    assert response.status_code == 302
    # Sam (lead), Dana (specialist) and Mo (chair): one message each, nobody sees the others.
    assert sorted(tuple(e.to) for e in mail.outbox) == [
        ("dana@example.org",),
        ("mo@example.org",),
        ("sam@example.org",),
    ]
    message = mail.outbox[0]
    assert canary_case.family.reference in message.subject
    assert m.get_absolute_url() in message.body
    (name, ics, mime) = message.attachments[0]
    assert name == f"meeting-{m.pk}.ics" and mime.startswith("text/calendar")
    assert "BEGIN:VEVENT" in ics and "DTSTART:" in ics and "LOCATION" not in ics
    rows = {a.worker.user.email: a for a in m.attendances.select_related("worker__user")}
    assert all(a.invited_at is not None for a in rows.values())
    assert rows["dana@example.org"].invited_to == "dana@example.org"
    event = AuditEvent.objects.get(target_label="Meeting invitations emailed")
    assert event.actor_id == mo.user_id
    assert sorted(event.data["emailed_workers"]) == sorted(a.worker_id for a in rows.values())
    page = client.get(m.get_absolute_url()).content.decode()
    assert "Invitation emailed" in page and "Email the invitations" not in page


def test_emails_carry_no_names_addresses_location_or_video_link(mo, plan_canary):
    plan_canary()
    sent = _everything_sent()
    assert len(mail.outbox) == 3
    leaked = [c for c in _canaries_for_outbox() if c in sent]
    assert not leaked, leaked


@pytest.fixture
def plan_canary(gcs, canary_case, mo):
    from familyworkbook.meetings import services

    def make():
        m = services.plan_meeting(
            by=mo.user,
            mtype=gcs,
            family=canary_case.family,
            case=canary_case,
            starts_at=timezone.now() + dt.timedelta(days=3),
            chair=mo,
            location=CANARY_VENUE,
            video_link=CANARY_VIDEO,
        )
        invitations.send_invitations(meeting=m, by=mo.user, base_url="https://fwb.example/")
        return m

    return make


def _canaries_for_outbox() -> list[str]:
    from familyworkbook.people.models import Person

    names = {p.first_name for p in Person.objects.filter(last_name=CANARY_SURNAME)}
    assert names, "the canary family has members"
    return [
        CANARY_SURNAME,
        CANARY_ADDRESS,
        CANARY_POSTCODE,
        "Canarytown",
        CANARY_VENUE,
        "canary-room",
        *sorted(names),
    ]


def test_only_those_not_yet_emailed_are_emailed_again(client, signed_in, mo, priya, plan_canary):
    m = plan_canary()
    assert len(mail.outbox) == 3
    # Priya is allocated after the meeting was planned; she is invited and emailed alone.
    from familyworkbook.meetings.services import invite_involved

    Allocation.objects.create(
        case=m.case, worker=priya, role=Role.SOCIAL_WORKER, started_on=timezone.localdate()
    )
    assert invite_involved(m, by=mo.user) == 1
    signed_in(client, mo)
    page = client.get(m.get_absolute_url()).content.decode()
    assert "1 invited professional has not been emailed" in page
    response = client.post(reverse("meetings:send_invitations", args=[m.pk]))
    assert response.status_code == 302
    assert [e.to for e in mail.outbox[3:]] == [["priya@example.org"]]


def test_a_worker_without_an_email_address_is_named_and_not_marked(client, signed_in, mo, plan):
    mo.user.email = ""
    mo.user.save()
    m = plan()
    result = invitations.send_invitations(meeting=m, by=mo.user, base_url="http://x/")
    assert result.sent == 2 and result.without_email == ["Mo Reid"]
    chair = m.attendances.get(worker=mo)
    assert chair.invited_at is None and chair.invited_to == ""


def test_a_mail_failure_records_nothing_as_sent(monkeypatch, mo, plan):
    m = plan()

    def refuse(self, messages):
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    with pytest.raises(OSError):
        invitations.send_invitations(meeting=m, by=mo.user, base_url="http://x/")
    assert not m.attendances.filter(invited_at__isnull=False).exists()
    assert not AuditEvent.objects.filter(target_label="Meeting invitations emailed").exists()


def test_other_teams_worker_cannot_send_invitations(client, signed_in, priya, plan):
    m = plan()
    signed_in(client, priya)
    assert client.post(reverse("meetings:send_invitations", args=[m.pk])).status_code == 404
    assert not mail.outbox


def test_planning_a_team_meeting_emails_the_team(client, signed_in, mo, sam, dana, types, north):
    signed_in(client, mo)
    day = timezone.localdate() + dt.timedelta(days=2)
    response = client.post(
        reverse("meetings:plan_team", args=[north.pk]),
        {"mtype": types["unit_meeting"].pk, **on("date", day), "time": "09:30"},
    )
    m = Meeting.objects.get()
    assert response.url == m.get_absolute_url()
    assert sorted(e.to[0] for e in mail.outbox) == [
        "dana@example.org",
        "mo@example.org",
        "sam@example.org",
    ]
    assert north.name in mail.outbox[0].body
    assert m.attendances.filter(invited_at__isnull=True).count() == 0
