"""Supervision frequency: per case and per discipline over a period, gaps longer than the
frequency, scoped by the access policy, audited, with a CSV download."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from familyworkbook.access.tests.disclosing import disclose_and_fetch, is_disclosure_step
from familyworkbook.audit.models import AuditEvent
from familyworkbook.cases.models import Allocation, Case
from familyworkbook.demo import builders
from familyworkbook.meetings import frequency
from familyworkbook.meetings.models import AttendanceStatus, Meeting, MeetingStatus
from familyworkbook.teams.models import Role

from .conftest import at

SINCE = dt.date(2025, 9, 1)
UNTIL = dt.date(2025, 12, 31)
TODAY = dt.date(2026, 1, 15)


def held(gcs, case, chair, day, present=(), apologies=()):
    m = Meeting.objects.create(
        type=gcs,
        family=case.family,
        case=case,
        team=case.team,
        starts_at=at(day),
        chair=chair,
        status=MeetingStatus.HELD,
        held_on=day,
    )
    for w in present:
        m.attendances.create(worker=w, discipline=w.role, status=AttendanceStatus.PRESENT)
    for w in apologies:
        m.attendances.create(worker=w, discipline=w.role, status=AttendanceStatus.APOLOGY)
    return m


@pytest.fixture
def world(gcs, supervised_case, mo, sam, dana, south, priya):
    # Smiths (North): supervised 10 Sep, 8 Oct, 20 Dec: a 73-day gap between October and December.
    held(gcs, supervised_case, mo, dt.date(2025, 9, 10), present=[mo, sam, dana])
    held(gcs, supervised_case, mo, dt.date(2025, 10, 8), present=[mo, dana], apologies=[sam])
    held(gcs, supervised_case, mo, dt.date(2025, 12, 20), present=[mo, sam])
    # Before the period: not counted.
    held(gcs, supervised_case, mo, dt.date(2025, 8, 1), present=[mo, sam, dana])
    # Jones (South): a specialist, never supervised.
    jones = builders.case(builders.family("Jones"), south, lead=priya)
    Allocation.objects.create(
        case=jones, worker=dana, role=Role.DA_SURVIVOR_WORKER, started_on=dt.date(2025, 11, 1)
    )
    # Browns (North): no specialist, so not in the report.
    builders.case(builders.family("Brown"), supervised_case.team, lead=sam)
    return {"smith": supervised_case, "jones": jones}


def test_report_counts_cases_disciplines_and_gaps(world):
    report = frequency.supervision_report(Case.objects.all(), since=SINCE, until=UNTIL, today=TODAY)
    rows = {c.case_id: c for c in report.cases}
    assert set(rows) == {world["smith"].pk, world["jones"].pk}
    smith = rows[world["smith"].pk]
    assert smith.held == 3 and smith.last_held == dt.date(2025, 12, 20)
    assert smith.longest_gap_days == (dt.date(2025, 12, 20) - dt.date(2025, 10, 8)).days
    assert smith.gap_too_long
    assert smith.attended_by_discipline == {
        Role.TEAM_MANAGER: 3,
        Role.SOCIAL_WORKER: 2,
        Role.DA_SURVIVOR_WORKER: 2,
    }
    jones = rows[world["jones"].pk]
    # From the specialist's allocation (1 Nov) to the period's end: 60 days, never held.
    assert jones.held == 0 and jones.longest_gap_days == 60 and jones.gap_too_long
    assert report.never_held == 1 and report.with_gaps == 2 and report.meetings_held == 3
    by = {d.discipline: (d.attendances, d.cases) for d in report.disciplines}
    assert by == {
        Role.TEAM_MANAGER: (3, 1),
        Role.SOCIAL_WORKER: (2, 1),
        Role.DA_SURVIVOR_WORKER: (2, 1),
    }


def test_a_monthly_case_has_no_gap_flag(gcs, supervised_case, mo):
    for day in [dt.date(2025, 9, 20), dt.date(2025, 10, 15), dt.date(2025, 11, 12)]:
        held(gcs, supervised_case, mo, day, present=[mo])
    report = frequency.supervision_report(
        Case.objects.all(), since=dt.date(2025, 9, 1), until=dt.date(2025, 11, 30), today=TODAY
    )
    (row,) = report.cases
    assert row.longest_gap_days == 28 and not row.gap_too_long  # 15 Oct to 12 Nov


def test_report_runs_in_few_queries_whatever_the_number_of_cases(
    world, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        frequency.supervision_report(Case.objects.all(), since=SINCE, until=UNTIL, today=TODAY)


def period(**extra):
    data = {
        "scope": "all",
        "date_from_day": "1",
        "date_from_month": "9",
        "date_from_year": "2025",
        "date_to_day": "31",
        "date_to_month": "12",
        "date_to_year": "2025",
    }
    data.update(extra)
    return data


def test_page_shows_only_cases_the_user_may_see(client, signed_in, world, mo):
    signed_in(client, mo)  # North's manager: the Smiths, not South's Joneses
    response = client.get(reverse("meetings:supervision"), period())
    html = response.content.decode()
    assert response.status_code == 200
    assert world["smith"].family.reference in html
    assert world["jones"].family.reference not in html
    assert "Domestic abuse survivor worker" in html and "<svg" in html
    event = AuditEvent.objects.get(target_label="Group supervision frequency report")
    assert event.verb == "viewed" and event.data["cases"] == [world["smith"].pk]


def test_dana_sees_both_teams_and_can_pick_one(client, signed_in, world, dana, north):
    signed_in(client, dana)
    html = client.get(reverse("meetings:supervision"), period()).content.decode()
    assert world["smith"].family.reference in html and world["jones"].family.reference in html
    html = client.get(reverse("meetings:supervision"), period(scope=north.pk)).content.decode()
    assert world["smith"].family.reference in html
    assert world["jones"].family.reference not in html


def test_a_team_the_user_cannot_see_is_refused(client, signed_in, world, mo, south):
    signed_in(client, mo)
    response = client.get(reverse("meetings:supervision"), period(scope=south.pk))
    html = response.content.decode()
    assert "govuk-error-summary" in html and "Select the cases to include" in html
    assert world["jones"].family.reference not in html


def test_bad_period_shows_an_error(client, signed_in, world, mo):
    signed_in(client, mo)
    response = client.get(reverse("meetings:supervision"), period(date_to_year="2024"))
    html = response.content.decode()
    assert "The end of the period must be after its start" in html
    assert "govuk-error-summary" in html
    assert not AuditEvent.objects.filter(target_label="Group supervision frequency report")


def test_opens_with_the_last_six_months(client, signed_in, mo, gcs):
    signed_in(client, mo)
    response = client.get(reverse("meetings:supervision"))
    assert response.status_code == 200 and response.context["report"] is not None


def test_csv_download_is_audited_and_has_references_not_names(client, signed_in, world, mo):
    signed_in(client, mo)
    asked = client.get(reverse("meetings:supervision_csv"), period())
    assert is_disclosure_step(asked)  # an internal disclosure record first (access R6)
    _form, response = disclose_and_fetch(client, asked)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = response.content.decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:7] == [
        "family_reference",
        "team",
        "supervisions_held",
        "dates_held",
        "last_held",
        "longest_gap_days",
        "gap_over_30_days",
    ]
    assert rows[1][0] == world["smith"].family.reference and rows[1][2] == "3"
    assert rows[1][6] == "yes" and len(rows) == 2
    assert "Smith" not in body
    # The probe before the disclosure form is rolled back: one export, once the file is sent.
    assert AuditEvent.objects.get(target_label="Group supervision frequency report").verb == (
        "exported"
    )


def test_pages_need_sign_in(client, gcs):
    for name in ["supervision", "supervision_csv"]:
        response = client.get(reverse(f"meetings:{name}"))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_page_lists_the_longest_gaps_first_and_at_most_page_rows(
    client, signed_in, world, dana, monkeypatch
):
    from familyworkbook.meetings import views

    monkeypatch.setattr(views, "PAGE_ROWS", 1)
    signed_in(client, dana)
    response = client.get(reverse("meetings:supervision"), period())
    shown = response.context["shown"]
    # Jones: never supervised, 60 days; Smiths: 73 days between October and December.
    assert [c.case_id for c in shown] == [world["smith"].pk]
    assert "The 1 cases with the longest gaps of 2" in response.content.decode()
