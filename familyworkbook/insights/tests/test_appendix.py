"""The pilot evaluation's appendix tables for the hand-built county, North team, Q1 and Q2 2025.

Volumes: at 31 Mar a1 (8) and a2 (7) open: average 7.5; no referrals, no plan ended. At
30 Jun a1 (9), a2 (7), b1 (0): 5.3; Brown's referral, a re-referral: 1, 1, 100%; a1's plan
ended after 195 days: 27.9 weeks. Needs: Q2 one new case, primary N4, secondary MH.
Posts serving North: Dana's DA survivor post and the mental health post, both filled.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from familyworkbook.insights import appendix
from familyworkbook.insights.periods import Scope
from familyworkbook.insights.tests.conftest import download

FROM, TO = dt.date(2025, 1, 1), dt.date(2025, 6, 30)


def _tables(user, north):
    return {t.slug: t for t in appendix.appendix(user, Scope("team", north), FROM, TO)}


def _rows(table):
    return {row[0]: row[1:] for row in table.rows}


def test_volumes(county, north, performance):
    rows = _tables(performance.user, north)["appendix_volumes"].rows
    assert rows[0][1:] == [7.5, 0, 0, None, None]
    assert rows[1][1:] == [5.3, 1, 1, 100.0, 27.9]


def test_needs_of_new_cases(county, north, performance):
    tables = _tables(performance.user, north)
    primary = _rows(tables["appendix_primary"])
    assert [row for row in primary.values() if any(row)] == [[0, None, 1, 100.0]]
    assert sum(row[2] for row in primary.values()) == 1
    secondary = _rows(tables["appendix_secondary"])
    assert [row for row in secondary.values() if row[2]] == [[0, None, 1, 100.0]]


def test_posts_by_role(county, north, performance):
    posts = _rows(_tables(performance.user, north)["appendix_posts"])
    assert posts["Domestic abuse survivor worker"] == [1.0, 0.0, 1.0, 0.0]
    assert posts["Mental health practitioner"] == [1.0, 0.0, 1.0, 0.0]
    assert posts["Social worker"] == [0.0, 0.0, 0.0, 0.0]


def test_appendix_page_has_a_chart_beside_each_table_and_downloads(
    client, signed_in, county, north, performance
):
    query = {
        "scope": f"team:{north.pk}",
        "date_from_day": "1",
        "date_from_month": "1",
        "date_from_year": "2025",
        "date_to_day": "30",
        "date_to_month": "6",
        "date_to_year": "2025",
    }
    c = signed_in(client, performance)
    response = c.get(reverse("insights:appendix"), query)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<svg") == 6 and html.count('<table class="govuk-table') == 6
    fetched = download(
        c, reverse("insights:download", args=["appendix", "appendix_primary", "csv"]), query
    )
    assert fetched.status_code == 200
    assert "Primary category of need (new cases)" in fetched.content.decode("utf-8-sig")
