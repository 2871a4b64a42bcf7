"""Drill-downs from the KPI dashboard's figures to the cases behind them (hand-built county).

Q1 2025 (row 0): Adams (a1 on a CP plan, a2 looked after from 1 Feb, Dana from 1 Mar).
Q2 2025 (row 1): Brown referred 10 Apr (a re-referral), PLO from 1 May, a mental health
practitioner from 1 May; Adams still has Dana until 15 Apr.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from familyworkbook.demo import builders
from familyworkbook.insights import drill
from familyworkbook.insights.periods import Quarter, Scope
from familyworkbook.teams.models import Role

Q1 = Quarter(dt.date(2025, 1, 1), dt.date(2025, 3, 31))
Q2 = Quarter(dt.date(2025, 4, 1), dt.date(2025, 6, 30))
PERIOD = {
    "date_from_day": "1",
    "date_from_month": "1",
    "date_from_year": "2025",
    "date_to_day": "30",
    "date_to_month": "6",
    "date_to_year": "2025",
}


def _families(user, north, slug, column, q):
    _label, cases = drill.cases_behind(Scope("team", north).case_set(user), slug, column, q)
    return [c.family.name for c in cases]


@pytest.mark.parametrize(
    ("slug", "column", "quarter", "families"),
    [
        ("open", 1, Q1, ["Adams family"]),
        ("open", 2, Q1, ["Adams family"]),
        ("open", 4, Q1, ["Adams family"]),
        ("open", 6, Q1, []),
        ("open", 6, Q2, ["Brown family"]),
        ("new", 1, Q2, ["Brown family"]),
        ("new", 2, Q2, ["Brown family"]),
        ("new", 1, Q1, []),
        ("specialists", 1, Q1, ["Adams family"]),
        ("specialists", 1, Q2, ["Adams family", "Brown family"]),
    ],
)
def test_cases_behind_each_figure(county, north, performance, slug, column, quarter, families):
    assert _families(performance.user, north, slug, column, quarter) == families


def test_cases_behind_a_discipline(county, north, performance):
    column = 2 + [r for r in Role if r in Role.adult_specialists()].index(
        Role.MENTAL_HEALTH_PRACTITIONER
    )
    assert _families(performance.user, north, "specialists", column, Q2) == ["Brown family"]


def test_a_column_without_a_drill_down(county, north, performance):
    assert (
        drill.cases_behind(Scope("team", north).case_set(performance.user), "open", 3, Q1) is None
    )


def test_dashboard_links_to_the_cases_and_the_list_goes_through_the_policy(
    client, signed_in, county, north, south, performance
):
    query = {**PERIOD, "scope": f"team:{north.pk}"}
    html = signed_in(client, performance).get(reverse("insights:dashboard"), query).content.decode()
    assert (
        reverse("insights:dashboard_cases") in html and "table=new&amp;column=2&amp;row=1" in html
    )
    url = reverse("insights:dashboard_cases")
    response = client.get(url, {**query, "table": "new", "column": "2", "row": "1"})
    assert response.status_code == 200
    assert "Brown family" in response.content.decode()
    outsider = builders.worker("outsider", role=Role.SOCIAL_WORKER, teams=[south])
    response = signed_in(client, outsider).get(
        url, {**query, "table": "new", "column": "2", "row": "1"}
    )
    assert response.status_code == 200
    assert "Brown family" not in response.content.decode()


@pytest.mark.parametrize("extra", [{"row": "9"}, {"column": "x"}, {"table": "nope"}])
def test_unknown_figures_are_404(client, signed_in, county, north, performance, extra):
    query = {**PERIOD, "scope": f"team:{north.pk}", "table": "new", "column": "1", "row": "0"}
    response = signed_in(client, performance).get(
        reverse("insights:dashboard_cases"), {**query, **extra}
    )
    assert response.status_code == 404
