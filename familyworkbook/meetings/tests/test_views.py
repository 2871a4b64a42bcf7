"""Meeting pages: sign-in, 404 for families a worker may not see, errors in the summary with
nothing saved, the short record form, sign-off, amendments, printing, .ics, query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from familyworkbook.access.tests.disclosing import disclose_and_fetch, is_disclosure_step
from familyworkbook.audit.models import AuditEvent
from familyworkbook.meetings import services
from familyworkbook.meetings.models import Action, Meeting, MeetingStatus, Rag
from familyworkbook.workbook.models import Chapter, Entry

from .conftest import assert_error, on


def record_data(meeting, **extra):
    """What the form posts when the chair changes nothing but the RAG and the child's voice."""
    data = {"version": meeting.version, **on("held_on", timezone.localdate())}
    for a in meeting.attendances.all():
        data[f"attendance_{a.pk}"] = "present"
    for a in meeting.actions.filter(carried_from__isnull=False):
        data[f"carried_{a.pk}"] = a.status
    data.update(extra)
    return data


@pytest.mark.parametrize("name", ["due", "family", "meeting", "record", "ics", "print"])
def test_every_page_needs_sign_in(client, plan, name):
    m = plan()
    args = {"due": [], "family": [m.family_id]}.get(name, [m.pk])
    response = client.get(reverse(f"meetings:{name}", args=args))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", ["meeting", "record", "ics", "print", "contribute", "amend"])
def test_other_teams_worker_gets_404(client, signed_in, plan, priya, name):
    m = plan()
    signed_in(client, priya)
    assert client.get(reverse(f"meetings:{name}", args=[m.pk])).status_code == 404
    assert client.get(reverse("meetings:plan", args=[m.family_id])).status_code == 404


def test_plan_a_meeting(client, signed_in, mo, gcs, supervised_case):
    signed_in(client, mo)
    url = reverse("meetings:plan", args=[supervised_case.family_id])
    day = timezone.localdate() + dt.timedelta(days=7)
    response = client.post(
        url,
        {
            "mtype": gcs.pk,
            "case": supervised_case.pk,
            **on("date", day),
            "time": "14:30",
            "duration_minutes": "60",
            "video_link": "https://video.example/x",
        },
    )
    m = Meeting.objects.get()
    assert response.status_code == 302 and response.url == m.get_absolute_url()
    assert timezone.localtime(m.starts_at).time() == dt.time(14, 30)
    assert m.attendances.count() == 3


def test_plan_errors_show_in_the_summary_and_save_nothing(
    client, signed_in, mo, gcs, supervised_case
):
    signed_in(client, mo)
    url = reverse("meetings:plan", args=[supervised_case.family_id])
    response = client.post(
        url, {"mtype": gcs.pk, "case": supervised_case.pk, "time": "2pm", "duration_minutes": "5"}
    )
    assert_error(response, "Enter date of the meeting")
    assert_error(response, "Enter the time as hours and minutes, like 14:30")
    assert_error(response, "Length must be at least 15 minutes")
    assert not Meeting.objects.exists()


def test_nothing_changed_supervision_needs_two_fields(client, signed_in, mo, plan):
    """Attendance, the date and carried actions arrive filled in: the chair picks the RAG
    rating and writes the child's voice."""
    m = plan()
    signed_in(client, mo)
    url = reverse("meetings:record", args=[m.pk])
    page = client.get(url).content.decode()
    assert 'value="present" checked' in page
    response = client.post(url, record_data(m, rag=Rag.GREEN, childs_voice="Happy at school"))
    assert response.status_code == 302, response.content.decode()[:2000]
    m.refresh_from_db()
    assert (m.status, m.rag, m.held_on) == (MeetingStatus.HELD, Rag.GREEN, timezone.localdate())


def test_record_errors_show_in_the_summary_and_save_nothing(client, signed_in, mo, sam, plan):
    m = plan()
    signed_in(client, mo)
    url = reverse("meetings:record", args=[m.pk])
    response = client.post(
        url, record_data(m, action_1_text="Visit school", decisions="Continue plan")
    )
    assert_error(response, "Select the RAG rating agreed")
    assert_error(response, "Enter the child&#x27;s voice")
    assert_error(response, "Select who owns action 1")
    assert_error(response, "Enter the date action 1 is due by")
    m.refresh_from_db()
    assert m.status == MeetingStatus.PLANNED
    assert not m.decisions.exists() and not Action.objects.exists()


def test_a_stale_record_answers_409_with_the_diff_and_merges_on_the_latest(
    client, signed_in, mo, plan
):
    """R20: someone saved the record after the chair opened the form."""
    m = plan()
    signed_in(client, mo)
    url = reverse("meetings:record", args=[m.pk])
    opened = record_data(m, rag=Rag.GREEN, childs_voice="Happy at school")
    Meeting.objects.filter(pk=m.pk).update(version=m.version + 1, childs_voice="Said elsewhere")
    response = client.post(url, opened)
    assert_error(response, "Nothing has been saved", status=409)
    assert {
        "label": "The child's voice",
        "theirs": "Said elsewhere",
        "mine": "Happy at school",
    } in response.context["stale_differences"] or any(
        row["theirs"] == "Said elsewhere" and row["mine"] == "Happy at school"
        for row in response.context["stale_differences"]
    )
    m.refresh_from_db()
    assert (m.status, m.childs_voice) == (MeetingStatus.PLANNED, "Said elsewhere")
    # The form is re-filled on the latest version: saving again merges on top.
    again = client.post(url, {**opened, "version": m.version})
    assert again.status_code == 302
    m.refresh_from_db()
    assert m.childs_voice == "Happy at school"


def test_record_with_two_actions_and_previous_rag_shown(client, signed_in, mo, sam, dana, plan):
    today = timezone.localdate()
    first = plan(today - dt.timedelta(days=30))
    services.record_meeting(
        meeting=first,
        by=mo.user,
        expected_version=first.version,
        held_on=today - dt.timedelta(days=30),
        attendance={},
        rag=Rag.RED,
        childs_voice="x",
    )
    services.sign_off(meeting=first, by=mo.user)  # only a signed-off meeting is followed
    m = plan()
    signed_in(client, mo)
    url = reverse("meetings:record", args=[m.pk])
    assert "Last time the RAG rating was Red" in client.get(url).content.decode()
    due = today + dt.timedelta(days=14)
    response = client.post(
        url,
        record_data(
            m,
            rag=Rag.AMBER,
            childs_voice="ok",
            decisions="Keep CP plan\nRefer to FGC",
            action_1_text="Visit school",
            action_1_owner=sam.pk,
            **on("action_1_due", due),
            action_2_text="Start Freedom",
            action_2_owner=dana.pk,
            **on("action_2_due", due),
        ),
    )
    assert response.status_code == 302
    assert list(m.actions.values_list("text", flat=True).order_by("pk")) == [
        "Visit school",
        "Start Freedom",
    ]
    assert m.decisions.count() == 2
    page = client.get(m.get_absolute_url()).content.decode()
    assert "Previous RAG rating" in page and "Red: significant concern" in page


def test_contribution_starts_from_the_latest_chapter_entry(
    client, signed_in, dana, plan, smith_family
):
    m = plan()
    Entry.objects.create(
        family=smith_family,
        author=dana,
        chapter=Chapter.DA_SURVIVOR,
        happened_on=timezone.localdate(),
        kind="home_visit",
        what_happened="w",
        meaning_for_child="m",
        what_happens_next="n",
        shared_summary="Mum completed module 2 of Freedom",
    )
    signed_in(client, dana)
    url = reverse("meetings:contribute", args=[m.pk])
    assert "Mum completed module 2 of Freedom" in client.get(url).content.decode()
    assert_error(client.post(url, {"text": ""}), "Enter your contribution")
    assert not m.contributions.exists()
    assert client.post(url, {"text": "Mum completed module 2"}).status_code == 302
    c = m.contributions.get()
    assert c.drawn_from is not None and c.chapter == Chapter.DA_SURVIVOR


def test_sign_off_then_read_only_and_amendments(client, signed_in, mo, sam, plan):
    m = plan()
    services.record_meeting(
        meeting=m,
        by=mo.user,
        expected_version=m.version,
        held_on=timezone.localdate(),
        attendance={},
        rag=Rag.GREEN,
        childs_voice="x",
    )
    signed_in(client, sam)
    client.post(reverse("meetings:sign_off", args=[m.pk]))
    m.refresh_from_db()
    assert m.status == MeetingStatus.HELD  # sam is not the chair
    signed_in(client, mo)
    client.post(reverse("meetings:sign_off", args=[m.pk]))
    m.refresh_from_db()
    assert m.is_signed_off
    response = client.get(reverse("meetings:record", args=[m.pk]))
    assert response.status_code == 302
    response = client.post(
        reverse("meetings:record", args=[m.pk]), record_data(m, rag=Rag.RED, childs_voice="y")
    )
    m.refresh_from_db()
    assert m.rag == Rag.GREEN
    amend = reverse("meetings:amend", args=[m.pk])
    assert_error(client.post(amend, {"text": "Dad attended"}), "Say why the record is amended")
    assert client.post(amend, {"text": "Dad attended", "reason": "Left off"}).status_code == 302
    assert "Dad attended" in client.get(m.get_absolute_url()).content.decode()


def test_print_and_ics_are_audited(client, signed_in, mo, plan):
    m = plan()
    signed_in(client, mo)
    # Both hand the record over, so each asks for a disclosure record first (access R6).
    asked = client.get(reverse("meetings:ics", args=[m.pk]))
    assert is_disclosure_step(asked)
    _form, response = disclose_and_fetch(client, asked)
    assert response["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VCALENDAR" in response.content
    asked = client.get(reverse("meetings:print", args=[m.pk]))
    assert is_disclosure_step(asked)
    assert disclose_and_fetch(client, asked)[1].status_code == 200
    verbs = set(AuditEvent.objects.filter(target_id=str(m.pk)).values_list("verb", flat=True))
    assert {"printed", "downloaded", "viewed"} <= verbs


def test_due_page_lists_team_and_mine(client, signed_in, dana, supervised_case):
    signed_in(client, dana)
    page = client.get(reverse("meetings:due")).content.decode()
    assert supervised_case.family.reference in page
    assert "Overdue by" in page


def test_meeting_page_queries_do_not_grow(client, signed_in, mo, sam, plan):
    m = plan()
    signed_in(client, mo)
    url = m.get_absolute_url()

    def add(n):
        for i in range(n):
            services.contribute(meeting=m, by=sam.user, text=f"c{i}")
            a = Action(meeting=m, text=f"a{i}", owner=sam, due_on=timezone.localdate())
            a.save()

    add(1)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    add(8)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)


def test_family_meetings_list(client, signed_in, mo, plan):
    m = plan()
    signed_in(client, mo)
    page = client.get(reverse("meetings:family", args=[m.family_id])).content.decode()
    assert "Group case supervision" in page and m.get_absolute_url() in page


def test_ratings_since_last_meeting_come_from_the_workbook(
    client, signed_in, mo, plan, smith_family
):
    from familyworkbook.workbook.models import Goal, GoalRating

    today = timezone.localdate()
    first = plan(today - dt.timedelta(days=30))
    services.record_meeting(
        meeting=first,
        by=mo.user,
        expected_version=first.version,
        held_on=today - dt.timedelta(days=30),
        attendance={},
        rag=Rag.AMBER,
        childs_voice="x",
    )
    services.sign_off(meeting=first, by=mo.user)  # only a signed-off meeting is followed
    goal = Goal.objects.create(
        family=smith_family,
        person=smith_family.members.first(),
        title="Mornings on time",
        set_on=today - dt.timedelta(days=60),
    )
    for days, score in ((40, 3), (10, 6)):
        GoalRating.objects.create(
            goal=goal,
            rated_on=today - dt.timedelta(days=days),
            rated_by="worker",
            score=score,
            recorded_by=mo.user,
        )
    m = plan()
    signed_in(client, mo)
    page = client.get(reverse("meetings:record", args=[m.pk])).content.decode()
    assert "Mornings on time: 6/10" in page
    assert "3/10" not in page  # before the last meeting


def test_due_page_queries_do_not_grow(client, signed_in, dana, north, supervised_case):
    from familyworkbook.cases.models import Allocation
    from familyworkbook.demo import builders
    from familyworkbook.teams.models import Role

    def add(n):
        for i in range(n):
            c = builders.case(
                builders.family(f"Due{n}x{i}", children=1, adults=1), north, with_episodes=False
            )
            Allocation.objects.create(
                case=c, worker=dana, role=Role.DA_SURVIVOR_WORKER, started_on=dt.date(2025, 9, 1)
            )

    signed_in(client, dana)
    url = reverse("meetings:due")
    add(1)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    add(8)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).content.decode().count("Overdue by") == 2 * 10
    assert len(large) == len(small)
