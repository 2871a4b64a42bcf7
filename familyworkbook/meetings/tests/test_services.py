"""Meeting services and selectors: types as data, invitations, carried-forward actions, the
record, sign-off and amendments, due and overdue edges, the .ics file, FGC invitations."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from familyworkbook.audit.models import AuditEvent
from familyworkbook.cases.models import Allocation, Case
from familyworkbook.demo import builders
from familyworkbook.meetings import selectors, services
from familyworkbook.meetings.models import (
    Action,
    ActionStatus,
    AttendanceStatus,
    Meeting,
    MeetingStatus,
    MeetingType,
    Rag,
)
from familyworkbook.meetings.services import CycleStage, NewAction
from familyworkbook.people.models import PersonKind
from familyworkbook.teams.models import Role
from familyworkbook.workbook.models import ChangeStage

from .conftest import at


def record(meeting, by, **kw):
    defaults = dict(
        expected_version=meeting.version,
        held_on=timezone.localdate(),
        attendance={},
        rag=Rag.AMBER,
        childs_voice="Said school is better.",
    )
    defaults.update(kw)
    return services.record_meeting(meeting=meeting, by=by, **defaults)


def test_meeting_types_are_seeded_rows(types):
    assert set(types) == {
        "group_case_supervision",
        "unit_meeting",
        "core_group",
        "icpc",
        "rcpc",
        "cin_review",
        "family_group_conference",
        "daily_huddle",
        "legal_plo",
    }
    gcs = types["group_case_supervision"]
    assert (gcs.due_every_days, gcs.needs_adult_specialist, gcs.records_rag) == (30, True, True)
    assert types["unit_meeting"].minutes_due_hours == 24


def test_plan_invites_every_allocated_professional_and_the_chair(plan, sam, dana, mo):
    meeting = plan()
    rows = {a.worker_id: a for a in meeting.attendances.all()}
    assert set(rows) == {sam.pk, dana.pk, mo.pk}
    assert rows[dana.pk].discipline == Role.DA_SURVIVOR_WORKER
    assert all(a.status == AttendanceStatus.INVITED for a in rows.values())
    event = AuditEvent.objects.filter(target_id=str(meeting.pk), verb="created").get()
    assert event.data["invited"] == 3


def test_plan_refuses_a_case_of_another_family(gcs, supervised_case, mo, north):
    other = builders.case(builders.family("Jones", children=1, adults=1), north)
    with pytest.raises(ValidationError):
        services.plan_meeting(
            by=mo.user,
            mtype=gcs,
            family=supervised_case.family,
            case=other,
            starts_at=at(timezone.localdate()),
            chair=mo,
        )
    assert not Meeting.objects.exists()


def test_open_actions_are_carried_forward_to_the_next_meeting(plan, mo, sam, dana):
    today = timezone.localdate()
    first = plan(today - dt.timedelta(days=30))
    record(
        first,
        mo.user,
        held_on=today - dt.timedelta(days=30),
        new_actions=[
            NewAction(text="Refer to Freedom programme", owner=dana, due_on=today),
            NewAction(text="Visit school", owner=sam, due_on=today),
            NewAction(text="Book health visit", owner=sam, due_on=today),
        ],
    )
    done = Action.objects.get(text="Book health visit")
    done.status = ActionStatus.DONE
    done.save()
    services.sign_off(meeting=first, by=mo.user)  # only a signed-off meeting is followed
    second = plan(today)
    assert second.previous == first
    carried = list(second.actions.order_by("pk"))
    assert [a.text for a in carried] == ["Refer to Freedom programme", "Visit school"]
    assert all(a.carried_from.meeting == first for a in carried)
    assert {a.status for a in first.actions.exclude(pk=done.pk)} == {ActionStatus.CARRIED}
    # Closing a carried action at the second meeting does not touch the first record.
    record(second, mo.user, carried={carried[0].pk: (ActionStatus.DONE, "Started 3 March")})
    carried[0].refresh_from_db()
    assert carried[0].status == ActionStatus.DONE
    assert carried[0].carried_from.status == ActionStatus.CARRIED
    services.sign_off(meeting=second, by=mo.user)
    third = plan(today + dt.timedelta(days=1))
    assert [a.text for a in third.actions.all()] == ["Visit school"]


def test_record_requires_rag_and_saves_nothing_without_it(plan, mo):
    meeting = plan()
    with pytest.raises(ValidationError):
        record(meeting, mo.user, rag="", decisions=["Step down"])
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED
    assert not meeting.decisions.exists()


def test_record_writes_cycle_of_change_to_the_workbook(plan, mo, smith_family):
    meeting = plan()
    adult = smith_family.members.filter(kind=PersonKind.ADULT).first()
    record(
        meeting,
        mo.user,
        cycle_of_change=[
            CycleStage(person=adult, issue="da", stage="contemplation", rationale="Talks of change")
        ],
    )
    row = ChangeStage.objects.get()
    assert (row.family, row.person, row.stage) == (smith_family, adult, "contemplation")
    assert row.assessed_on == timezone.localdate()


def test_attendance_recorded_including_virtual(plan, mo, dana):
    meeting = plan()
    dana_row = meeting.attendances.get(worker=dana)
    record(meeting, mo.user, attendance={dana_row.pk: AttendanceStatus.VIRTUAL})
    dana_row.refresh_from_db()
    assert dana_row.status == AttendanceStatus.VIRTUAL and dana_row.attended


def test_contribution_from_an_absentee_stays_in_the_record(plan, mo, dana):
    meeting = plan()
    services.contribute(meeting=meeting, by=dana.user, text="Mum engaging in sessions")
    row = meeting.attendances.get(worker=dana)
    record(meeting, mo.user, attendance={row.pk: AttendanceStatus.APOLOGY})
    page = selectors.meeting_page(Meeting.objects.get(pk=meeting.pk))
    assert page.apologies_with_contribution == {dana.pk}
    assert meeting.contributions.get().chapter == "da_survivor"


def test_contribution_must_have_text(plan, dana):
    with pytest.raises(ValidationError):
        services.contribute(meeting=plan(), by=dana.user, text="  ")


def test_only_the_chair_signs_off_and_then_only_amendments(plan, mo, sam):
    meeting = plan()
    with pytest.raises(ValidationError):
        services.sign_off(meeting=meeting, by=mo.user)  # not yet recorded
    record(meeting, mo.user)
    meeting.refresh_from_db()
    with pytest.raises(ValidationError):
        services.sign_off(meeting=meeting, by=sam.user)
    with pytest.raises(ValidationError):
        services.amend(meeting=meeting, by=mo.user, text="x", reason="y")
    services.sign_off(meeting=meeting, by=mo.user)
    meeting.refresh_from_db()
    assert meeting.is_signed_off and meeting.signed_off_by == mo
    with pytest.raises(ValidationError):
        record(meeting, mo.user, rag=Rag.RED)
    meeting.refresh_from_db()
    assert meeting.rag == Rag.AMBER
    with pytest.raises(ValidationError):
        services.amend(meeting=meeting, by=sam.user, text="Dad was present", reason="")
    services.amend(meeting=meeting, by=sam.user, text="Dad was present", reason="Omitted")
    assert meeting.amendments.count() == 1
    assert AuditEvent.objects.filter(target_label="Meeting record amended", actor=sam.user).exists()


def test_stale_record_is_refused(plan, mo):
    from familyworkbook.core.models import StaleEditError

    meeting = plan()
    stale = meeting.version
    record(meeting, mo.user)
    fresh = Meeting.objects.get(pk=meeting.pk)
    with pytest.raises(StaleEditError):
        record(fresh, mo.user, expected_version=stale, rag=Rag.RED)


# --- Due and overdue ------------------------------------------------------------------------


def test_due_never_held_counts_from_the_specialist_allocation(supervised_case, gcs):
    start = dt.date(2025, 9, 1)
    rows = selectors.due_supervisions(Case.objects.all(), today=start + dt.timedelta(days=23))
    assert [r.due_on for r in rows] == [start + dt.timedelta(days=30)]
    assert not rows[0].overdue
    assert selectors.due_supervisions(Case.objects.all(), today=start + dt.timedelta(days=22)) == []


@pytest.mark.parametrize(
    ("days_since", "listed", "overdue"),
    [(22, False, False), (23, True, False), (30, True, False), (31, True, True)],
)
def test_due_edges_after_a_held_meeting(plan, mo, days_since, listed, overdue):
    today = timezone.localdate()
    held = today - dt.timedelta(days=days_since)
    record(plan(held), mo.user, held_on=held)
    rows = selectors.due_supervisions(Case.objects.all(), today=today)
    assert bool(rows) == listed
    if listed:
        assert rows[0].overdue == overdue
        assert rows[0].last_held == held


def test_interval_is_data(supervised_case, gcs):
    MeetingType.objects.filter(pk=gcs.pk).update(due_every_days=14)
    rows = selectors.due_supervisions(Case.objects.all(), today=dt.date(2025, 9, 15))
    assert rows[0].due_on == dt.date(2025, 9, 15)


def test_no_specialist_or_closed_case_is_not_due(smith_case, gcs, supervised_case):
    Allocation.objects.filter(role=Role.DA_SURVIVOR_WORKER).update(ended_on=dt.date(2025, 10, 1))
    assert selectors.due_supervisions(Case.objects.all(), today=dt.date(2026, 6, 1)) == []


def test_due_list_queries_do_not_grow(gcs, north, dana):
    def add(n):
        for i in range(n):
            fam = builders.family(f"F{Case.objects.count()}x{i}", children=1, adults=1)
            c = builders.case(fam, north, with_episodes=False)
            Allocation.objects.create(
                case=c, worker=dana, role=Role.DA_SURVIVOR_WORKER, started_on=dt.date(2025, 9, 1)
            )

    add(2)
    with CaptureQueriesContext(connection) as small:
        assert len(selectors.due_supervisions(Case.objects.all(), today=dt.date(2026, 1, 1))) == 2
    add(10)
    with CaptureQueriesContext(connection) as large:
        assert len(selectors.due_supervisions(Case.objects.all(), today=dt.date(2026, 1, 1))) == 12
    assert len(large) == len(small) <= 2


def test_ics_has_the_event_and_no_names(plan, smith_family):
    meeting = plan(dt.date(2026, 3, 2), video_link="https://video.example/abc")
    text = selectors.ics(meeting, host="fwb.test")
    assert "BEGIN:VEVENT" in text and "DTSTART:" in text
    assert "Group case supervision" in text and smith_family.reference in text
    assert "LOCATION:https://video.example/abc" in text
    for person in smith_family.members.all():
        assert person.last_name not in text.replace(smith_family.reference, "")


# --- Family Group Conferences ---------------------------------------------------------------


@pytest.fixture
def fgc(types, supervised_case, sam, smith_family):
    adults = list(smith_family.members.filter(kind=PersonKind.ADULT).order_by("pk"))
    return services.refer_fgc(
        by=sam.user,
        family=smith_family,
        referred_on=dt.date(2026, 1, 5),
        starts_at=at(dt.date(2026, 2, 23)),
        coordinator=sam,
        da_victim=adults[0],
        alleged_perpetrator=adults[1],
    )


def test_alleged_perpetrator_cannot_be_invited_without_the_victims_request(fgc, sam):
    with pytest.raises(ValidationError) as exc:
        services.invite_family_member(fgc=fgc, by=sam.user, person=fgc.alleged_perpetrator)
    assert "only if the victim asks" in str(exc.value)
    assert not fgc.meeting.attendances.filter(person=fgc.alleged_perpetrator).exists()
    services.invite_family_member(fgc=fgc, by=sam.user, person=fgc.da_victim)
    services.record_victim_request(fgc=fgc, by=sam.user, requested=True)
    services.invite_family_member(fgc=fgc, by=sam.user, person=fgc.alleged_perpetrator)
    assert fgc.meeting.attendances.filter(person=fgc.alleged_perpetrator).exists()


def test_fgc_preparation_window_and_review(types, supervised_case, sam, smith_family, fgc):
    with pytest.raises(ValidationError):
        services.refer_fgc(
            by=sam.user,
            family=smith_family,
            referred_on=dt.date(2026, 1, 5),
            starts_at=at(dt.date(2026, 1, 19)),
            coordinator=sam,
        )
    with pytest.raises(ValidationError):
        services.plan_fgc_review(fgc=fgc, by=sam.user, starts_at=at(dt.date(2026, 5, 1)))
    with pytest.raises(ValidationError):
        services.record_fgc(
            fgc=fgc, by=sam.user, childrens_views="", private_time_held=True, family_plan=" "
        )
    services.record_fgc(
        fgc=fgc,
        by=sam.user,
        childrens_views="Wants to see Nan",
        private_time_held=True,
        family_plan="Nan will have the children on Fridays",
    )
    review = services.plan_fgc_review(fgc=fgc, by=sam.user, starts_at=at(dt.date(2026, 5, 1)))
    assert review.review_of == fgc and review.meeting.previous == fgc.meeting
    assert review.victim_requests_perpetrator is False


def test_supervision_frequency_per_case_and_discipline(plan, mo, dana, sam, supervised_case):
    today = timezone.localdate()
    for days in (60, 30, 0):
        m = plan(today - dt.timedelta(days=days))
        rows = {a.worker_id: a.pk for a in m.attendances.all()}
        status = AttendanceStatus.APOLOGY if days == 30 else AttendanceStatus.VIRTUAL
        record(
            m,
            mo.user,
            held_on=today - dt.timedelta(days=days),
            attendance={
                rows[dana.pk]: status,
                rows[sam.pk]: AttendanceStatus.PRESENT,
                rows[mo.pk]: AttendanceStatus.PRESENT,
            },
        )
    plan(today + dt.timedelta(days=30))  # planned, not held: not counted
    with CaptureQueriesContext(connection) as queries:
        freq = selectors.supervision_frequency(
            Case.objects.all(), since=today - dt.timedelta(days=45), until=today
        )
    assert len(queries) == 2
    row = freq[supervised_case.pk]
    assert row.held == 2
    assert row.attended_by_discipline == {
        Role.DA_SURVIVOR_WORKER: 1,
        Role.SOCIAL_WORKER: 2,
        Role.TEAM_MANAGER: 2,
    }
