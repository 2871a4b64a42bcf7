"""The end-of-intervention report for Leo's Supporting Change intervention (March-June 2025)."""

from __future__ import annotations

from familyworkbook.documents.facts import FILLERS, Fact
from familyworkbook.documents.fillers import intervention
from familyworkbook.documents.tests import test_fillers_world as w
from familyworkbook.documents.tests.test_fillers_world import (
    SAFE_LINE,
    assert_traceable,
    text_of,
)

world = w.world  # the shared fixture

REPORT = [
    "intervention.referral",
    "intervention.work",
    "intervention.goals",
    "intervention.measures",
    "intervention.motivation",
    "intervention.risk",
    "intervention.views",
    "intervention.outcome",
]


def test_every_filled_fact_points_at_the_record_it_came_from(world):
    ctx = world.ctx(subject=world.intervention)
    checked = sum(assert_traceable(FILLERS[name](ctx)) for name in REPORT)
    assert checked > 20
    for name in REPORT:
        assert SAFE_LINE not in text_of(FILLERS[name](ctx))


def test_referral_gives_the_reason_readiness_and_baseline_worries(world):
    text = text_of(intervention.referral(world.ctx(subject=world.intervention)))
    assert "Leo Smith was referred to Supporting Change" in text
    assert "Readiness for change at intake: 11 (Ambivalent)" in text
    assert "Jo's drinking leaves the children" in text
    assert "Jo missed three sessions" not in text  # recorded after the baseline weeks


def test_work_counts_sessions_attendance_and_weeks_without_a_session(world):
    filled = intervention.work(world.ctx(subject=world.intervention))
    modules = filled.tables[0]
    programme = {m.title for m in world.intervention.programme.modules.all()}
    assert sum(int(r[1]) for r in modules.rows if r[0] in programme) == 8
    # A Family Safeguarding session in the same weeks is shown on its own row.
    assert [r[0] for r in modules.rows if r[0] not in programme] == [
        "Support network, safety plan and sustaining change"
    ]
    attendance = {r[0]: (r[1], r[2]) for r in filled.tables[1].rows}
    assert attendance["Alex Smith"] == ("9", "9")
    assert attendance["Jo Smith"] == ("6", "9")
    assert attendance["Ava Smith"] == ("0", "9")
    assert filled.notes == ["No session is recorded in week(s) 4, 7, 8, 10, 12, 14 of 14."], (
        filled.notes
    )


def test_goals_compare_the_start_with_the_end_for_worker_and_family(world):
    table = intervention.goals(world.ctx(subject=world.intervention)).tables[0]
    rows = {r[1]: r for r in table.rows}
    bedtime = rows["Keep a bedtime routine for Leo"]
    assert bedtime[2].text.startswith("7/10") and bedtime[3].text.startswith("8/10")
    assert bedtime[6] == "+1 / +1"


def test_measures_before_and_after(world):
    table = intervention.measures(world.ctx(subject=world.intervention)).tables[0]
    people = {r[0] for r in table.rows}
    assert people == {"Ava Smith", "Jo Smith"}
    for row in table.rows:
        assert isinstance(row[3], Fact) and "2023" in row[3].text
        assert isinstance(row[4], Fact) and "2025" in row[4].text


def test_motivation_and_risk_then_and_now(world):
    ctx = world.ctx(subject=world.intervention)
    stages = intervention.motivation(ctx).tables[0].rows[0]
    assert stages[2].text.startswith("Contemplation")
    assert stages[3].text.startswith("Preparation")
    risk = intervention.risk(ctx)
    then, now = risk.tables[0].rows
    assert then[1].text.startswith("Red") and now[1].text.startswith("Amber")
    assert "Child protection plan; at the end: Child in need" in text_of(risk)


def test_views_and_outcome(world):
    ctx = world.ctx(subject=world.intervention)
    assert "“I like it when mum reads to me.”" in text_of(intervention.views(ctx))
    assert "child remained safely at home" in text_of(intervention.outcome(ctx))


def test_a_worker_who_may_not_see_the_family_gets_no_report(world, priya):
    ctx = world.ctx(user=priya.user, subject=world.intervention)
    for name in REPORT:
        assert not FILLERS[name](ctx).facts
