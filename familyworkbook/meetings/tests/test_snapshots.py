"""A signed-off meeting record shows what the meeting saw, forever after (issue 22, "One truth").

The record page, the printable record and the PDF fillers render from the snapshot taken at
sign-off (`meetings.snapshots`); amendments stay beside it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from familyworkbook.documents.facts import FILLERS, FillContext
from familyworkbook.meetings import selectors, services, snapshots
from familyworkbook.meetings.models import (
    GROUP_SUPERVISION,
    Action,
    ActionStatus,
    Meeting,
    MeetingSnapshot,
    MeetingStatus,
    Rag,
)
from familyworkbook.meetings.services import NewAction
from familyworkbook.workbook.models import Goal, GoalRating

RECORD = "meetings/includes/record.html"
START = '<div class="fwb-meeting-record" id="meeting-record">'
END = "<!-- /meeting-record -->"
PDF_SECTIONS = [
    "meeting.details",
    "meeting.attendance",
    "meeting.contributions",
    "meeting.discussion",
    "meeting.ratings",
    "meeting.rag",
    "meeting.cycle_of_change",
    "meeting.decisions",
    "meeting.actions",
]


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def hold(meeting, by, *, held_on, rag=Rag.AMBER, **kw):
    meeting.refresh_from_db()
    return services.record_meeting(
        meeting=meeting,
        by=by,
        expected_version=meeting.version,
        held_on=held_on,
        attendance=kw.pop("attendance", {}),
        rag=rag,
        childs_voice="Says home is calmer.",
        **kw,
    )


def sign(meeting, by):
    meeting.refresh_from_db()
    return services.sign_off(meeting=meeting, by=by)


def held_and_signed(plan, by, day: dt.date, rag=Rag.AMBER, **kw) -> Meeting:
    m = plan(day)
    hold(m, by, held_on=day, rag=rag, **kw)
    sign(m, by)
    return Meeting.objects.get(pk=m.pk)


def signed_off_part(html: str) -> str:
    assert START in html and END in html
    return html[html.index(START) : html.index(END)]


def page_of(client, meeting) -> str:
    response = client.get(reverse("meetings:meeting", args=[meeting.pk]))
    assert response.status_code == 200
    return response.content.decode()


def pdf_sections(meeting, user) -> str:
    ctx = FillContext(user=user, family=meeting.family, subject=meeting)
    return repr([FILLERS[name](ctx) for name in PDF_SECTIONS])


def rate(goal, on, score, by):
    return GoalRating.objects.create(
        goal=goal, rated_on=on, rated_by="worker", score=score, recorded_by=by
    )


@pytest.fixture
def goal(smith_family):
    return Goal.objects.create(
        family=smith_family,
        person=smith_family.members.first(),
        title="Mornings on time",
        set_on=days_ago(200),
    )


def test_a_signed_off_record_is_byte_identical_after_the_family_moves_on(
    client, signed_in, plan, mo, sam, dana, goal
):
    held_and_signed(
        plan,
        mo.user,
        days_ago(60),
        rag=Rag.RED,
        new_actions=[
            NewAction(text="Refer to the Freedom programme", owner=dana, due_on=days_ago(40))
        ],
    )
    rate(goal, days_ago(70), 2, mo.user)  # before the first meeting: not "since" it
    rate(goal, days_ago(45), 5, mo.user)
    second = plan(days_ago(30))
    carried = second.actions.get()
    hold(
        second,
        mo.user,
        held_on=days_ago(30),
        new_actions=[NewAction(text="Visit school", owner=sam, due_on=days_ago(10))],
    )
    sign(second, mo.user)
    signed_in(client, mo)
    before_page = signed_off_part(page_of(client, second))
    before_pdf = pdf_sections(second, mo.user)
    assert "Red: significant concern" in before_page  # the previous RAG
    assert "5/10" in before_page and "2/10" not in before_page
    assert "Refer to the Freedom programme" in before_page

    # The family's record moves on: a rating backdated to before the meeting and one after
    # it, the goal renamed, a new meeting that completes the carried action and closes the
    # new one, and an amendment (which stays beside the record, not in it).
    rate(goal, days_ago(35), 9, mo.user)
    rate(goal, days_ago(5), 10, mo.user)
    Goal.objects.filter(pk=goal.pk).update(title="Renamed goal")
    third = plan(days_ago(2))
    assert third.previous_id == second.pk
    hold(
        third,
        mo.user,
        held_on=days_ago(2),
        carried={a.pk: (ActionStatus.DONE, "Done at last") for a in third.actions.all()},
    )
    sign(third, mo.user)
    services.amend(meeting=second, by=mo.user, text="Dana was there by phone.", reason="Typo")
    Action.objects.filter(pk=carried.carried_from_id).update(outcome="Changed later")

    after = page_of(client, second)
    assert signed_off_part(after) == before_page
    assert pdf_sections(Meeting.objects.get(pk=second.pk), mo.user) == before_pdf
    assert "Dana was there by phone." in after  # the amendment, beside the record
    # And the live data did move on, so the check above could have failed.
    live = snapshots.build(Meeting.objects.get(pk=second.pk))
    assert live["ratings"] != MeetingSnapshot.objects.get(meeting=second).data["ratings"]
    assert {a["status"] for a in live["actions"]} == {ActionStatus.CARRIED}


def test_the_previous_meeting_is_the_latest_signed_off_one_held_before(
    client, signed_in, plan, mo, gcs, supervised_case
):
    # Entered out of order, as the demo seeder and late recording do.
    sep = held_and_signed(plan, mo.user, days_ago(90), rag=Rag.GREEN)
    jun = held_and_signed(plan, mo.user, days_ago(180), rag=Rag.RED)
    jul = held_and_signed(plan, mo.user, days_ago(150), rag=Rag.AMBER)
    held_and_signed(plan, mo.user, days_ago(360), rag=Rag.RED)
    draft = plan(days_ago(70))  # held, never signed off: not followed
    hold(draft, mo.user, held_on=days_ago(70), rag=Rag.RED)
    october = plan(days_ago(60))
    assert october.previous_id == sep.pk
    hold(october, mo.user, held_on=days_ago(60), rag=Rag.AMBER)
    planned_later = plan(days_ago(1))  # planned ahead: never anyone's previous meeting
    sign(october, mo.user)

    data = MeetingSnapshot.objects.get(meeting=october).data
    assert data["previous"]["id"] == sep.pk
    assert data["previous"]["rag"] == Rag.GREEN
    # As of its own sign-off: July (recorded late) follows June, signed off before it; September
    # was signed off before any earlier meeting was, and its record still says so.
    assert MeetingSnapshot.objects.get(meeting=jul).data["previous"]["id"] == jun.pk
    assert MeetingSnapshot.objects.get(meeting=sep).data["previous"] is None
    assert snapshots.previous_signed_off(planned_later).pk == october.pk
    signed_in(client, mo)
    part = signed_off_part(page_of(client, october))
    assert "None: first meeting" not in part
    assert "Green: progressing well" in part
    assert sep.held_on.strftime("%-d %B %Y") in part


def test_actions_not_done_at_the_previous_meeting_carry_forward(plan, mo, sam, dana):
    first = held_and_signed(
        plan,
        mo.user,
        days_ago(60),
        new_actions=[
            NewAction(text="Refer to the Freedom programme", owner=dana, due_on=days_ago(40)),
            NewAction(text="Visit school", owner=sam, due_on=days_ago(40)),
        ],
    )
    second = plan(days_ago(30))
    assert second.previous_id == first.pk
    by_text = {a.text: a for a in second.actions.all()}
    # Planned before the second is signed off: it follows the first, whose actions went on.
    third = plan(days_ago(1))
    assert third.previous_id == first.pk and not third.actions.exists()
    hold(
        second,
        mo.user,
        held_on=days_ago(30),
        carried={
            by_text["Visit school"].pk: (ActionStatus.DONE, "Visited on Monday"),
            by_text["Refer to the Freedom programme"].pk: (ActionStatus.OPEN, ""),
        },
    )
    sign(second, mo.user)
    kept = {a["text"]: a for a in MeetingSnapshot.objects.get(meeting=second).data["actions"]}
    assert kept["Visit school"]["status"] == ActionStatus.DONE
    assert kept["Visit school"]["outcome"] == "Visited on Monday"
    assert kept["Refer to the Freedom programme"]["status"] == ActionStatus.OPEN

    # Signing off the third settles what it follows (the second, signed off since it was
    # planned) and carries forward what was not done there.
    hold(third, mo.user, held_on=days_ago(1))
    sign(third, mo.user)
    third.refresh_from_db()
    assert third.previous_id == second.pk
    record = snapshots.record_of(third)
    assert [a["text"] for a in record["carried"]] == ["Refer to the Freedom programme"]
    assert record["previous"]["id"] == second.pk


def test_sign_off_stores_one_snapshot_that_never_changes(plan, mo):
    m = held_and_signed(plan, mo.user, days_ago(3))
    snap = MeetingSnapshot.objects.get(meeting=m)
    assert snap.as_of == days_ago(3)
    with pytest.raises(TypeError):
        snap.save()


def _first_meeting_claims() -> tuple[int, int]:
    """(signed-off supervisions that had an earlier signed-off one, of those how many call
    themselves the first meeting), reading what each record shows."""
    had_earlier = claims_first = 0
    meetings = list(
        Meeting.objects.filter(type__slug=GROUP_SUPERVISION, status=MeetingStatus.SIGNED_OFF)
    )
    by_family: dict[int, list[Meeting]] = {}
    for m in meetings:
        by_family.setdefault(m.family_id, []).append(m)
    for rows in by_family.values():
        for m in rows:
            earlier = [
                o for o in rows if snapshots.held_before_key(o) < snapshots.held_before_key(m)
            ]
            if not earlier:
                continue
            had_earlier += 1
            record = snapshots.record_of(m)
            if record["previous"] is None:
                claims_first += 1
                continue
            latest = max(earlier, key=snapshots.held_before_key)
            assert record["previous"]["id"] == latest.pk
            since, until = latest.held_on, m.held_on
            assert all(since < r["rated_on"] <= until for r in record["ratings"])
    return had_earlier, claims_first


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
@pytest.mark.parametrize("seed", [7, 2026])
def test_no_seeded_supervision_with_an_earlier_one_calls_itself_the_first(db, seed):
    from familyworkbook.access import policy
    from familyworkbook.demo.seeding import seed_county
    from familyworkbook.teams.models import Worker

    seed_county(families=30, seed=seed, anchor=dt.date(2026, 11, 1))
    assert (
        MeetingSnapshot.objects.count()
        == Meeting.objects.filter(status=MeetingStatus.SIGNED_OFF).count()
    )
    had_earlier, claims_first = _first_meeting_claims()
    assert had_earlier > 20
    assert claims_first == 0

    # The latest signed-off supervisions do not change when a rating is added afterwards.
    latest = (
        Meeting.objects.filter(type__slug=GROUP_SUPERVISION, status=MeetingStatus.SIGNED_OFF)
        .exclude(previous=None)
        .order_by("-held_on", "-pk")[:5]
    )
    chair = Worker.objects.get(pk=latest[0].chair_id)
    policy.forget(chair.user)
    before = {}
    for m in latest:
        before[m.pk] = render_to_string(RECORD, {"page": selectors.meeting_page(m)})
        goal = Goal.objects.filter(family=m.family).first() or Goal.objects.create(
            family=m.family, person=m.family.members.first(), title="New", set_on=m.held_on
        )
        rate(goal, m.held_on, 7, chair.user)  # dated the day of the meeting, entered later
    for m in latest:
        assert render_to_string(RECORD, {"page": selectors.meeting_page(m)}) == before[m.pk]
