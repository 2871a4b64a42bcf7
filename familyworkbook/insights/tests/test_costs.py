"""The cost-avoidance calculator against hand-worked figures.

Period 1 January – 30 June 2025. With no assumptions entered the defaults apply (£774 any
placement, £2,428 residential, £489 foster a week).

- x: judged at risk 1 Jan 2025 (any placement), still at home: 90 days in Q1, 91 in Q2.
- y: judged at risk 15 Feb 2025 (residential), looked after from 1 Mar 2025: 14 days in Q1.
Q1: 90 × 774 / 7 + 14 × 2428 / 7 = 9,951.4286 + 4,856 = £14,807.43.
Q2: 91 × 774 / 7 = £10,062.00. Cumulative £24,869.43.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from familyworkbook.cases.models import LookedAfterEpisode
from familyworkbook.demo import builders
from familyworkbook.insights import costs
from familyworkbook.insights.models import (
    AtRiskOfCare,
    CostAssumptions,
    PartnerSaving,
    RealisedSaving,
)

D = dt.date
FROM, TO = D(2025, 1, 1), D(2025, 6, 30)


@pytest.fixture
def at_risk(db, north):
    fam = builders.family("Evans", children=2)
    x, y = fam.members.filter(kind="child").order_by("date_of_birth")
    AtRiskOfCare.objects.create(child=x, judged_on=D(2025, 1, 1), judged_by="Edge of care panel")
    AtRiskOfCare.objects.create(
        child=y, judged_on=D(2025, 2, 15), judged_by="Panel", placement_kind="residential"
    )
    LookedAfterEpisode.objects.create(
        child=y,
        started_on=D(2025, 3, 1),
        reason_new_episode="S",
        legal_status="C1",
        need="N1",
        placement_type="K2",
    )
    return fam


def test_avoided_cost_with_default_assumptions(at_risk, performance):
    result = costs.calculator(performance.user, FROM, TO)
    table = result["tables"][0]
    assert table.rows == [
        [D(2025, 3, 31), 2, 104, Decimal("14807.43"), Decimal("14807.43"), Decimal("0.00"), 0],
        [D(2025, 6, 30), 1, 91, Decimal("10062.00"), Decimal("24869.43"), Decimal("0.00"), 0],
    ]
    assert result["went_into_care"] == 1
    assert "£774" in table.method and "£2428" in table.method


def test_entered_assumptions_apply_from_their_date(at_risk, performance):
    CostAssumptions.objects.create(
        council=builders.council(), effective_from=D(2025, 4, 1), weekly_all=Decimal("700")
    )
    table = costs.calculator(performance.user, FROM, TO)["tables"][0]
    assert table.rows[0][3] == Decimal("14807.43")  # Q1 still at the defaults
    assert table.rows[1][3] == Decimal("9100.00")  # 91 × 700 / 7
    assert "£700" in table.method


def test_realised_and_partner_savings_kept_apart(at_risk, performance):
    org = builders.council()
    RealisedSaving.objects.create(council=org, on=D(2025, 5, 1), amount=5000, description="Bed")
    PartnerSaving.objects.create(
        council=org,
        partner="police",
        period_start=D(2025, 1, 1),
        period_end=D(2025, 12, 31),
        amount=Decimal("107000"),
        method="Call-outs avoided × unit cost",
    )
    result = costs.calculator(performance.user, FROM, TO)
    rows = result["tables"][0].rows
    assert rows[1][4] == Decimal("24869.43")  # avoided, unchanged by the realised saving
    assert rows[1][5:] == [Decimal("5000.00"), Decimal("5000.00")]
    assert result["tables"][1].rows == [["Police", Decimal("107000.00"), 1]]


def test_children_the_user_cannot_see_are_not_counted(at_risk, priya):
    table = costs.calculator(priya.user, FROM, TO)["tables"][0]
    assert [row[1] for row in table.rows] == [0, 0]
