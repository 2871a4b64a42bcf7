"""Every KPI against the hand-built county in conftest.py; the answers were worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from familyworkbook.demo import builders
from familyworkbook.insights import selectors
from familyworkbook.insights.selectors import Scope

D = dt.date
FROM, TO = D(2025, 1, 1), D(2025, 6, 30)
Q1, Q2 = D(2025, 3, 31), D(2025, 6, 30)


@pytest.fixture
def tables(county, north, performance):
    return {
        t.slug: t for t in selectors.dashboard(performance.user, Scope("team", north), FROM, TO)
    }


def test_quarters_clip_to_the_period():
    quarters = selectors.quarters_between(D(2025, 2, 10), D(2025, 7, 5))
    assert [(q.start, q.end) for q in quarters] == [
        (D(2025, 2, 10), D(2025, 3, 31)),
        (D(2025, 4, 1), D(2025, 6, 30)),
        (D(2025, 7, 1), D(2025, 7, 5)),
    ]
    assert selectors.quarter_of(D(2025, 12, 31)).end == D(2025, 12, 31)
    assert selectors.quarter_of(D(2025, 10, 1)).start == D(2025, 10, 1)


def test_open_counts_and_shares_at_each_quarter_end(tables):
    # Q1: a1, a2 in need; a1 on CP; a2 looked after. Q2: b1 joins; CP ended 15 May; b1 in PLO.
    assert tables["open"].rows == [
        [Q1, 2, 1, 50.0, 1, 50.0, 0, 0.0],
        [Q2, 3, 0, 0.0, 1, 33.3, 1, 33.3],
    ]


def test_whole_council_adds_the_south_team(county, performance):
    (table,) = [
        t
        for t in selectors.dashboard(performance.user, Scope("council"), FROM, TO)
        if t.slug == "open"
    ]
    assert table.rows[1][:3] == [Q2, 4, 1]  # c1 in need and on a CP plan


def test_district_and_service_scopes(county, north, performance):
    cases = Scope("district", north.district).cases(performance.user)
    assert cases.count() == 2  # Adams and Brown, not Clark (City)
    assert Scope("service", north.service).cases(performance.user).count() == 3


def test_new_referrals_and_re_referrals(tables):
    assert tables["new"].rows == [[Q1, 0, 0, None], [Q2, 1, 1, 100.0]]


def test_primary_and_secondary_needs(tables):
    primary = {row[0]: row[1:] for row in tables["primary_needs"].rows}
    assert primary["Abuse or neglect"] == [2, 66.7]
    assert primary["Family in acute stress"] == [1, 33.3]
    secondary = {row[0]: row[1] for row in tables["secondary_needs"].rows}
    assert secondary["Mental health"] == 1
    assert sum(secondary.values()) == 1


def test_ages_and_average_age(tables):
    rows = {row[0]: row[1] for row in tables["ages"].rows}
    # On 30 June 2025: a1 is 9, a2 is 7, b1 is 0. Mean 16 / 3 = 5.3.
    assert rows["Under 1"] == 1
    assert rows["5–9"] == 2
    assert rows["10–15"] == 0
    assert rows["Average age (years)"] == 5.3


def test_cp_plan_duration_at_closure(tables):
    # a1's plan: 1 Nov 2024 to 15 May 2025 = 195 days, in the 6 to 12 months band.
    assert tables["cp_duration"].rows == [[Q1, 0, 0, 0, 0, 0, 0], [Q2, 1, 0, 0, 1, 0, 0]]


def test_days_in_care(tables):
    # a2 from 1 Feb: 28 + 31 = 59 days in Q1, 30 + 31 + 30 = 91 in Q2.
    assert tables["days_in_care"].rows == [[Q1, 1, 59], [Q2, 1, 91]]


def test_care_proceedings(tables):
    assert tables["proceedings"].rows == [[Q1, 0, 0, 0], [Q2, 1, 0, 1]]


def test_adult_specialist_involvement_by_discipline(tables):
    table = tables["specialists"]
    heading = table.columns
    q1 = dict(zip(heading, table.rows[0], strict=True))
    q2 = dict(zip(heading, table.rows[1], strict=True))
    assert q1["Any adult specialist"] == 1
    assert q1["Domestic abuse survivor worker"] == 1
    assert q1["Mental health practitioner"] == 0
    # Dana until 15 April (Adams) and the mental health practitioner from 1 May (Brown).
    assert q2["Any adult specialist"] == 2
    assert q2["Domestic abuse survivor worker"] == 1
    assert q2["Mental health practitioner"] == 1


def test_visits_seen_alone_and_within_timescale(tables):
    # 3 visits; 2 seen, 1 alone; 2 repeat visits, of which 17 Jan (11 days) is within 14.
    assert tables["visits"].rows == [[Q1, 3, 66.7, 33.3, 2, 50.0], [Q2, 0, None, None, 0, None]]


def test_a_worker_sees_figures_only_for_cases_they_may_see(county, north, sam):
    tables = {t.slug: t for t in selectors.dashboard(sam.user, Scope("council"), FROM, TO)}
    # Sam is in North: Adams and Brown, never Clark (South).
    assert tables["open"].rows[1][1] == 3


def test_query_count_does_not_grow_with_data(county, north, performance):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            selectors.dashboard(performance.user, Scope("team", north), FROM, D(2025, 12, 31))
        return len(ctx.captured_queries)

    count()  # the user's permissions are cached after the first call
    before = count()
    for i in range(5):
        fam = builders.family(f"Extra{i}", children=2)
        builders.case(fam, north, opened_on=D(2025, 2, 1))
    assert count() == before
    assert before <= 15


def test_a_scope_with_no_cases_gives_noughts(north, sam):
    tables = {t.slug: t for t in selectors.dashboard(sam.user, Scope("team", north), FROM, TO)}
    assert tables["visits"].rows == [[Q1, 0, None, None, 0, None], [Q2, 0, None, None, 0, None]]
    assert tables["open"].rows[0][1] == 0
