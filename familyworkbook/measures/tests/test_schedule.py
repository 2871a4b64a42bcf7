"""The schedule: due from four weeks before each collection point, overdue four weeks after."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from familyworkbook.demo import builders
from familyworkbook.measures import selectors
from familyworkbook.measures.schedule import (
    DONE,
    DUE,
    OVERDUE,
    add_months,
    expected_instruments,
    points_for,
)
from familyworkbook.people.models import PersonKind

OPENED = dt.date(2025, 9, 1)  # the Smiths' case (root conftest)


def rows_at(case, today, **match):
    rows = selectors.case_schedule_rows(case, today)
    return [
        row
        for row in rows
        if all(
            getattr(row.point, key, None) == value
            if key in ("kind", "number")
            else getattr(row, key) == value
            for key, value in match.items()
        )
    ]


def test_add_months_keeps_the_day_or_takes_the_months_last():
    assert add_months(dt.date(2025, 9, 1), 6) == dt.date(2026, 3, 1)
    assert add_months(dt.date(2025, 8, 31), 6) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2023, 8, 31), 6) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2025, 3, 1), -3) == dt.date(2024, 12, 1)


def test_who_is_expected_what(smith_family):
    adult = smith_family.members.filter(kind=PersonKind.ADULT).first()
    child = smith_family.members.filter(kind=PersonKind.CHILD).order_by("date_of_birth").first()
    assert expected_instruments(adult, OPENED) == ("score-15", "ida")
    assert expected_instruments(child, OPENED) == ("sdq",)  # 9 years old
    born = child.date_of_birth
    assert expected_instruments(child, add_months(born, 12 * 4) - dt.timedelta(days=1)) == ()
    assert expected_instruments(child, add_months(born, 12 * 4)) == ("sdq",)
    assert expected_instruments(child, add_months(born, 12 * 18)) == ()


def test_reviews_every_six_months_while_open(smith_case):
    points = points_for(smith_case, dt.date(2026, 9, 1))
    assert [(p.kind, p.target_on) for p in points] == [
        ("assessment", OPENED),
        ("review", dt.date(2026, 3, 1)),
        ("review", dt.date(2026, 9, 1)),
    ]


def test_a_review_is_listed_from_four_weeks_before_it(smith_case):
    target = dt.date(2026, 3, 1)
    assert not rows_at(smith_case, target - dt.timedelta(days=29), kind="review")
    due = rows_at(smith_case, target - dt.timedelta(days=28), kind="review")
    assert due and all(row.status == DUE for row in due)


def test_overdue_only_after_four_weeks_past_the_date(smith_case):
    target = dt.date(2026, 3, 1)
    on_edge = rows_at(smith_case, target + dt.timedelta(days=28), kind="review")
    assert {row.status for row in on_edge} == {DUE}
    late = rows_at(smith_case, target + dt.timedelta(days=29), kind="review")
    assert {row.status for row in late} == {OVERDUE}


def test_each_household_member_is_expected_their_measures(smith_case):
    rows = rows_at(smith_case, OPENED, kind="assessment")
    assert sorted((row.person.first_name, row.instrument) for row in rows) == [
        ("Alex", "ida"),
        ("Alex", "score-15"),
        ("Ava", "sdq"),
        ("Jo", "ida"),
        ("Jo", "score-15"),
        ("Leo", "sdq"),
    ]


def test_a_recorded_measure_marks_its_point_done(smith_case, record_sdq, ava):
    record_sdq(on=dt.date(2025, 9, 20), point="assessment")
    rows = rows_at(smith_case, dt.date(2025, 10, 30), kind="assessment", person=ava)
    assert [(row.status, row.record is not None) for row in rows] == [(DONE, True)]


def test_a_review_counts_only_within_three_months_of_its_date(smith_case, record_sdq, ava):
    record_sdq(on=dt.date(2025, 12, 1), point="review")  # exactly three months before review 1
    record_sdq(on=dt.date(2026, 6, 1), point="review")  # the first day of review 2's window
    today = dt.date(2026, 10, 1)
    reviews = {
        row.point.number: row.status
        for row in rows_at(smith_case, today, kind="review", person=ava)
    }
    assert reviews == {1: DONE, 2: DONE}


def test_a_review_just_outside_the_window_does_not_count(smith_case, record_sdq, ava):
    record_sdq(on=dt.date(2025, 11, 30), point="review")
    reviews = rows_at(smith_case, dt.date(2026, 5, 1), kind="review", person=ava)
    assert [row.status for row in reviews] == [OVERDUE]


def test_a_superseded_record_does_not_count_but_its_correction_does(smith_case, record_sdq, ava):
    old = record_sdq(on=dt.date(2025, 9, 20))
    rows = rows_at(smith_case, dt.date(2025, 10, 1), kind="assessment", person=ava)
    assert rows[0].record == old
    new = record_sdq(2, on=dt.date(2025, 9, 20), supersedes=old, correction_reason="Typo")
    rows = rows_at(smith_case, dt.date(2025, 10, 1), kind="assessment", person=ava)
    assert rows[0].record == new


def test_closure_and_follow_up_after_the_case_closes(smith_case):
    smith_case.closed_on = dt.date(2026, 1, 15)
    smith_case.closure_reason = "outcomes_met"
    points = points_for(smith_case, dt.date(2026, 7, 15))
    assert [(p.kind, p.target_on) for p in points] == [
        ("assessment", OPENED),
        ("closure", dt.date(2026, 1, 15)),
        ("follow_up", dt.date(2026, 7, 15)),
    ]
    # A review that would fall on or after closure is not expected.
    smith_case.closed_on = dt.date(2026, 3, 1)
    kinds = [p.kind for p in points_for(smith_case, dt.date(2026, 3, 2))]
    assert kinds == ["assessment", "closure"]


def test_someone_who_left_the_household_is_not_expected_after(smith_case, smith_family):
    leo = smith_family.members.filter(first_name="Leo").get()
    smith_family.memberships.filter(person=leo).update(ended_on=dt.date(2025, 12, 1))
    rows = rows_at(smith_case, dt.date(2026, 3, 1), kind="review", person=leo)
    assert rows == []
    assert rows_at(smith_case, dt.date(2026, 3, 1), kind="assessment", person=leo)


def test_the_case_page_lists_the_schedule(sam_client, smith_case, record_sdq):
    record_sdq(on=dt.date(2025, 9, 20))
    html = sam_client.get(reverse("measures:case", args=[smith_case.pk])).content.decode()
    assert "Measures schedule" in html
    assert "Recorded" in html and "Overdue" in html  # today is after the assessment's grace
    assert "collection_point=assessment" in html


@pytest.fixture
def more_cases(north, sam):
    def make(count):
        for i in range(count):
            fam = builders.family(f"Extra{i}", children=2, adults=1)
            builders.case(fam, north, lead=sam)

    return make


def test_the_team_page_counts_and_lists_outstanding_measures(
    sam_client, north, smith_case, record_sdq
):
    record_sdq(on=dt.date(2025, 9, 20))
    response = sam_client.get(reverse("measures:team", args=[north.pk]))
    schedule = response.context["schedule"]
    assert schedule.cases == 1
    assert schedule.done == 1
    assert schedule.overdue + schedule.due == len(schedule.outstanding)
    assert all(row.status != DONE for row in schedule.outstanding)
    statuses = [row.status for row in schedule.outstanding]
    assert statuses == sorted(statuses, key=lambda s: s != OVERDUE)  # overdue first


def test_team_page_queries_do_not_grow_with_cases(
    sam_client, north, smith_case, more_cases, django_assert_max_num_queries
):
    url = reverse("measures:team", args=[north.pk])
    with django_assert_max_num_queries(30) as few:
        sam_client.get(url)
    more_cases(4)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = sam_client.get(url)
    assert response.context["schedule"].cases == 5


def test_case_page_queries_do_not_grow_with_records(
    sam_client, smith_case, record_sdq, django_assert_max_num_queries
):
    url = reverse("measures:case", args=[smith_case.pk])
    with django_assert_max_num_queries(30) as few:
        sam_client.get(url)
    for month in range(6):
        record_sdq(on=add_months(OPENED, month), point="review")
    with django_assert_max_num_queries(len(few.captured_queries)):
        sam_client.get(url)


def test_latest_sdq_totals_for_the_returns(record_sdq, ava, django_assert_num_queries):
    record_sdq(1, on=dt.date(2025, 9, 10))
    record_sdq(0, on=dt.date(2026, 3, 1), point="review")
    # Unscorable (too many blanks): skipped, so the earlier scored total stands.
    blanks = {str(n): None for n in range(1, 26)} | {"1": 1}
    record_sdq(responses=blanks, on=dt.date(2026, 3, 2), point="other")
    record_sdq(2, on=dt.date(2026, 3, 3), point="other", informant="teacher")
    with django_assert_num_queries(1):
        totals = selectors.latest_sdq_totals([ava.pk], on_or_before=dt.date(2026, 3, 31))
    assert totals == {ava.pk: (10, dt.date(2026, 3, 1))}  # all "Not true": 0 + 2 + 4 + 4
    early = selectors.latest_sdq_totals([ava.pk], on_or_before=dt.date(2025, 9, 30))
    assert early == {ava.pk: (20, dt.date(2025, 9, 10))}
    assert selectors.latest_sdq_totals([ava.pk], on_or_before=dt.date(2025, 9, 1)) == {}
