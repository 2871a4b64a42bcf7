"""Team meetings (the weekly unit meeting): whole-team invitations, the agenda in priority
order with the fortnightly flag, minutes with a note per case, minutes due within 24 hours."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from familyworkbook.demo import builders
from familyworkbook.meetings import selectors, services
from familyworkbook.meetings.models import CaseDiscussion, Meeting, MeetingStatus

from .conftest import assert_error, at, on


@pytest.fixture
def unit_type(types):
    return types["unit_meeting"]


@pytest.fixture
def plan_unit(unit_type, north, mo):
    def make(when: dt.datetime | None = None) -> Meeting:
        return services.plan_team_meeting(
            by=mo.user, mtype=unit_type, team=north, starts_at=when or timezone.now(), chair=mo
        )

    return make


def test_everyone_in_the_team_is_invited(plan_unit, mo, sam, dana, priya):
    m = plan_unit()
    assert set(m.attendances.values_list("worker_id", flat=True)) == {mo.pk, sam.pk, dana.pk}


def test_a_family_meeting_type_cannot_be_a_team_meeting(gcs, north, mo):
    with pytest.raises(ValidationError):
        services.plan_team_meeting(
            by=mo.user, mtype=gcs, team=north, starts_at=timezone.now(), chair=mo
        )


def test_agenda_priority_and_fortnightly_flag(plan_unit, mo, north, smith_case):
    cp = builders.case(builders.family("Jones", children=1, adults=1), north, reason="cp")
    cin = builders.case(builders.family("Brown", children=1, adults=1), north)
    today = timezone.localdate()
    m = plan_unit(at(today - dt.timedelta(days=3)))
    services.record_team_meeting(
        meeting=m,
        by=mo.user,
        expected_version=m.version,
        held_on=today - dt.timedelta(days=3),
        notes={smith_case.pk: "Plan on track", cin.pk: ""},
    )
    rows = selectors.unit_agenda(north, today=today)
    assert [r.case for r in rows] == [cp, cin, smith_case]  # CP first, then never discussed
    assert [r.due_for_discussion for r in rows] == [True, True, False]
    later = selectors.unit_agenda(north, today=today + dt.timedelta(days=11))
    assert later[-1].due_for_discussion is True


def test_minutes_must_discuss_a_case_of_this_team(plan_unit, mo, north, south):
    other = builders.case(builders.family("Jones", children=1, adults=1), south)
    m = plan_unit()
    with pytest.raises(ValidationError):
        services.record_team_meeting(
            meeting=m,
            by=mo.user,
            expected_version=m.version,
            held_on=timezone.localdate(),
            notes={},
        )
    with pytest.raises(ValidationError):
        services.record_team_meeting(
            meeting=m,
            by=mo.user,
            expected_version=m.version,
            held_on=timezone.localdate(),
            notes={other.pk: "x"},
        )
    assert not CaseDiscussion.objects.exists()
    m.refresh_from_db()
    assert m.status == MeetingStatus.PLANNED


def test_minutes_overdue_after_24_hours(plan_unit, north, mo, smith_case):
    now = timezone.now()
    late = plan_unit(now - dt.timedelta(hours=25))
    plan_unit(now - dt.timedelta(hours=23))
    written = plan_unit(now - dt.timedelta(hours=30))
    services.record_team_meeting(
        meeting=written,
        by=mo.user,
        expected_version=written.version,
        held_on=timezone.localdate(written.starts_at),
        notes={smith_case.pk: "ok"},
    )
    assert selectors.overdue_minutes(Meeting.objects.all(), now=now) == [late]


def test_minutes_page_and_due_page(client, signed_in, plan_unit, mo, priya, smith_case):
    m = plan_unit(timezone.now() - dt.timedelta(hours=30))
    signed_in(client, mo)
    due = client.get(reverse("meetings:due")).content.decode()
    assert "Minutes were due by" in due
    assert "Minutes overdue" in client.get(m.get_absolute_url()).content.decode()
    url = reverse("meetings:minutes", args=[m.pk])
    data = {"version": m.version, **on("held_on", timezone.localdate())}
    assert_error(client.post(url, data), "Enter a note for at least one case discussed")
    assert client.post(url, {**data, f"case_{smith_case.pk}": "Plan on track"}).status_code == 302
    assert "Plan on track" in client.get(m.get_absolute_url()).content.decode()
    assert "Minutes were due by" not in client.get(reverse("meetings:due")).content.decode()
    signed_in(client, priya)  # South: not her team's meeting
    assert client.get(m.get_absolute_url()).status_code == 404
    assert client.get(reverse("meetings:plan_team", args=[m.team_id])).status_code == 404


def test_plan_a_team_meeting_page(client, signed_in, mo, north, unit_type):
    signed_in(client, mo)
    url = reverse("meetings:plan_team", args=[north.pk])
    assert_error(
        client.post(url, {"mtype": unit_type.pk, "time": "9"}), "Enter date of the meeting"
    )
    assert not Meeting.objects.exists()
    day = timezone.localdate() + dt.timedelta(days=2)
    response = client.post(url, {"mtype": unit_type.pk, **on("date", day), "time": "09:30"})
    m = Meeting.objects.get()
    assert response.url == m.get_absolute_url() and m.team == north


def test_agenda_queries_do_not_grow(unit_type, north):
    def add(n):
        for i in range(n):
            builders.case(
                builders.family(f"Agenda{i}x{n}", children=1, adults=1), north, with_episodes=False
            )

    add(2)
    with CaptureQueriesContext(connection) as small:
        selectors.unit_agenda(north)
    add(10)
    with CaptureQueriesContext(connection) as large:
        assert len(selectors.unit_agenda(north)) == 12
    assert len(large) == len(small) == 2  # the agenda, and the record clock's date
