"""Statutory timescales: working days (weekends and England and Wales bank holidays), the
initial conference within 15 working days of the strategy discussion, the first core group
within 10 working days of it, reviews at 3 then 6 months; dates past them need a reason.
Agendas drawn from the record."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from familyworkbook.audit.models import AuditEvent
from familyworkbook.cases.models import CinEpisode, CpPlan, CpReview, Section47
from familyworkbook.core.workingdays import add_working_days, bank_holidays
from familyworkbook.meetings import agenda, services, timescales
from familyworkbook.meetings.models import Meeting

from .conftest import assert_error, at, on

D = dt.date


@pytest.mark.parametrize(
    "year, expected",
    [
        (
            2026,
            {
                D(2026, 1, 1),
                D(2026, 4, 3),
                D(2026, 4, 6),
                D(2026, 5, 4),
                D(2026, 5, 25),
                D(2026, 8, 31),
                D(2026, 12, 25),
                D(2026, 12, 28),  # Boxing Day is a Saturday: Monday instead
            },
        ),
        (
            2022,
            {
                D(2022, 1, 3),  # New Year's Day a Saturday
                D(2022, 4, 15),
                D(2022, 4, 18),
                D(2022, 5, 2),
                D(2022, 6, 2),  # spring bank holiday moved for the Platinum Jubilee
                D(2022, 6, 3),  # Platinum Jubilee
                D(2022, 8, 29),
                D(2022, 9, 19),  # state funeral of Queen Elizabeth II
                D(2022, 12, 26),
                D(2022, 12, 27),  # Christmas a Sunday: Tuesday
            },
        ),
    ],
)
def test_bank_holidays(year, expected):
    # The days off in the week (a Saturday's holiday is listed too, with its weekday substitute).
    assert {day for day in bank_holidays(year) if day.weekday() < 5} == expected


def test_working_days_skip_weekends_and_christmas():
    assert add_working_days(D(2026, 12, 18), 5) == D(2026, 12, 29)
    assert add_working_days(D(2026, 11, 20), 1) == D(2026, 11, 23)  # Fri -> Mon
    assert add_working_days(D(2026, 11, 23), 15) == D(2026, 12, 14)


def test_add_months_keeps_the_end_of_the_month():
    assert timescales.add_months(D(2026, 11, 30), 3) == D(2027, 2, 28)
    assert timescales.add_months(D(2026, 5, 31), 6) == D(2026, 11, 30)


@pytest.fixture
def s47(smith_case):
    episode = CinEpisode.objects.filter(case=smith_case).first()
    return Section47.objects.create(episode=episode, started_on=D(2026, 11, 2))


@pytest.fixture
def cp_plan(smith_case):
    episode = CinEpisode.objects.filter(case=smith_case).first()
    return CpPlan.objects.create(
        episode=episode, started_on=D(2026, 10, 1), initial_category="NEG", latest_category="NEG"
    )


def plan_on(types, slug, case, mo, day, **kw):
    return services.plan_meeting(
        by=mo.user,
        mtype=types[slug],
        family=case.family,
        case=case,
        starts_at=at(day),
        chair=mo,
        **kw,
    )


def test_initial_conference_within_15_working_days_of_the_strategy_discussion(
    types, smith_case, mo, s47
):
    due = timescales.deadline("icpc", smith_case)
    assert due.latest == D(2026, 11, 23)  # 2 Nov + 15 working days
    with pytest.raises(ValidationError) as exc:
        plan_on(types, "icpc", smith_case, mo, D(2026, 11, 24))
    assert "within 15 working days" in str(exc.value.message_dict["late_reason"])
    assert not Meeting.objects.exists()
    m = plan_on(types, "icpc", smith_case, mo, D(2026, 11, 23))
    assert m.late_reason == ""


def test_a_later_date_with_a_reason_is_kept_and_audited(types, smith_case, mo, s47):
    m = plan_on(
        types, "icpc", smith_case, mo, D(2026, 11, 25), late_reason="  The child's school  "
    )
    assert m.late_reason == "The child's school"
    event = AuditEvent.objects.get(target_type="meetings.meeting", verb="created")
    assert event.data["late_reason"] == "The child's school"
    assert event.data["statutory_deadline"] == "2026-11-23"


def test_a_reason_is_not_kept_when_the_date_is_in_time(types, smith_case, mo, s47):
    m = plan_on(types, "icpc", smith_case, mo, D(2026, 11, 20), late_reason="Just in case")
    assert m.late_reason == ""


def test_a_conference_is_on_a_working_day(types, smith_case, mo, s47):
    with pytest.raises(ValidationError) as exc:
        plan_on(types, "icpc", smith_case, mo, D(2026, 11, 21))  # a Saturday
    assert "working day" in str(exc.value.message_dict["date"])


def test_no_deadline_once_the_conference_is_held(types, smith_case, s47):
    s47.icpc_on = D(2026, 11, 16)
    s47.save()
    assert timescales.deadline("icpc", smith_case) is None


def test_first_core_group_within_10_working_days_then_no_limit(types, smith_case, mo, cp_plan):
    assert timescales.deadline("core_group", smith_case).latest == D(2026, 10, 15)
    with pytest.raises(ValidationError):
        plan_on(types, "core_group", smith_case, mo, D(2026, 10, 16))
    plan_on(types, "core_group", smith_case, mo, D(2026, 10, 15))
    assert timescales.deadline("core_group", smith_case) is None


def test_reviews_at_three_months_then_six_monthly(types, smith_case, cp_plan):
    assert timescales.deadline("rcpc", smith_case).latest == D(2027, 1, 1)
    CpReview.objects.create(plan=cp_plan, held_on=D(2026, 12, 15))
    assert timescales.deadline("rcpc", smith_case).latest == D(2027, 6, 15)


def test_legal_meetings_have_no_statutory_deadline(types, smith_case, cp_plan, s47):
    assert timescales.deadline("legal_plo", smith_case) is None


def test_plan_page_shows_deadlines_and_the_error(client, signed_in, mo, types, smith_case, s47):
    signed_in(client, mo)
    url = reverse("meetings:plan", args=[smith_case.family_id])
    html = client.get(url).content.decode()
    assert "Statutory timescales for this family" in html and "23 November 2026" in html
    response = client.post(
        url,
        {
            "mtype": types["icpc"].pk,
            "case": smith_case.pk,
            **on("date", D(2026, 11, 26)),
            "time": "10:00",
            "duration_minutes": "90",
        },
    )
    assert_error(response, "Choose an earlier date, or say why the meeting cannot be held by then")
    assert not Meeting.objects.exists()


def test_agendas_are_drawn_from_the_record(client, signed_in, types, smith_case, mo, cp_plan):
    m = plan_on(types, "rcpc", smith_case, mo, D(2026, 12, 14))
    titles = [i.title for i in agenda.agenda_for(m)]
    assert "Progress against the child protection plan" in titles
    assert "Decision: continue or end the child protection plan" in titles
    details = " ".join(d for i in agenda.agenda_for(m) for d in i.details)
    assert "Plan since 01/10/2026, category: Neglect" in details
    assert "0 core groups held since the last conference" in details
    signed_in(client, mo)
    html = client.get(m.get_absolute_url()).content.decode()
    assert "Agenda, drawn from the record" in html
    legal = plan_on(types, "legal_plo", smith_case, mo, D(2026, 12, 15))
    titles = [i.title for i in agenda.agenda_for(legal)]
    assert "Is the threshold for care proceedings met? Legal advice" in titles
