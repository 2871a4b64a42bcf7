"""Risk and need, goals with ratings and chart, Cycle of Change, interventions: through the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from familyworkbook.cases.models import CpPlan, Visit
from familyworkbook.core.models import StaleEditError
from familyworkbook.workbook import services
from familyworkbook.workbook.models import (
    ChangeStage,
    Goal,
    GoalAction,
    GoalRating,
    Intervention,
    PriorityIssue,
    RiskNeedItem,
    ToxicTrioFlag,
)
from familyworkbook.workbook.tests.conftest import assert_error, entry_fields, post_data

pytestmark = pytest.mark.django_db

D = dt.date(2025, 10, 1)


def url(name, family, *args):
    return reverse(f"workbook:{name}", args=[family.pk, *args])


# --- Risk and need -------------------------------------------------------------------------


def test_risk_and_need_for_the_family_and_a_child(sam_client, smith_family, ava):
    r = sam_client.post(
        url("add_risk_item", smith_family),
        post_data(kind="worry", text="Drinking at night", identified_on=D),
    )
    assert r.status_code == 302
    sam_client.post(
        url("add_risk_item", smith_family),
        post_data(
            kind="strength", about=ava.pk, text="Ava is doing well at school", identified_on=D
        ),
    )
    page = sam_client.get(url("risk", smith_family)).content.decode()
    assert "The whole family" in page and "Drinking at night" in page
    assert "Ava Smith" in page and "Ava is doing well at school" in page


def test_risk_item_about_an_adult_is_refused(sam_client, smith_family, alex):
    response = sam_client.post(
        url("add_risk_item", smith_family),
        post_data(kind="worry", about=alex.pk, text="x", identified_on=D),
    )
    assert_error(response, "Select the whole family or one child")
    assert RiskNeedItem.objects.count() == 0


def test_risk_item_stale_edit_is_refused(sam_client, sam, smith_family):
    item = services.add_risk_need_item(
        family=smith_family, by=sam.user, kind="worry", text="A", identified_on=D
    )
    services.edit_risk_need_item(item, by=sam.user, expected_version=1, text="B")
    response = sam_client.post(
        url("edit_risk_item", smith_family, item.pk),
        post_data(kind="worry", text="C", identified_on=D, version=1),
    )
    assert_error(response, "Nothing has been saved", status=409)
    assert response.context["stale_differences"] == [
        {"label": "Description", "theirs": "B", "mine": "C"}
    ]
    item.refresh_from_db()
    assert item.text == "B"


def test_priority_issue_added_and_resolved(sam_client, smith_family):
    sam_client.post(
        url("add_priority", smith_family), post_data(title="Jo's drinking", rank=1, identified_on=D)
    )
    issue = PriorityIssue.objects.get()
    r = sam_client.post(
        url("resolve_priority", smith_family, issue.pk), post_data(resolved_on=D, version=1)
    )
    assert r.status_code == 302
    issue.refresh_from_db()
    assert issue.resolved_on == D


def test_priority_issue_needs_a_title(sam_client, smith_family):
    assert_error(
        sam_client.post(url("add_priority", smith_family), post_data(rank=1, identified_on=D)),
        "Enter the priority issue",
    )
    assert PriorityIssue.objects.count() == 0


def test_toxic_trio_flag_with_specialist_and_no_duplicate(sam_client, smith_family, alex, ray):
    data = post_data(person=alex.pk, issue="substance", specialist=ray.pk, flagged_on=D)
    assert sam_client.post(url("add_flag", smith_family), data).status_code == 302
    assert_error(
        sam_client.post(url("add_flag", smith_family), data), "This adult already has this flag"
    )
    flag = ToxicTrioFlag.objects.get()
    assert flag.specialist == ray
    assert "Ray Lewis" in sam_client.get(url("home", smith_family)).content.decode()


def test_toxic_trio_flag_refuses_a_child(sam_client, smith_family, ava):
    response = sam_client.post(
        url("add_flag", smith_family), post_data(person=ava.pk, issue="da", flagged_on=D)
    )
    assert_error(response, "Select the adult")


# --- Goals ---------------------------------------------------------------------------------


def _goal(sam, family, person):
    return services.set_goal(
        family=family, by=sam.user, person=person, title="Stay sober at night", set_on=D
    )


def test_a_parents_goal_is_rated_by_the_worker_and_by_the_parent_and_the_chart_shows_both(
    sam_client, sam, smith_family, alex
):
    sam_client.post(
        url("add_goal", smith_family),
        post_data(person=alex.pk, title="Stay sober at night", set_by_family="on", set_on=D),
    )
    goal = Goal.objects.get()
    assert goal.set_by_family
    sam_client.post(
        url("rate_goal", smith_family, goal.pk), post_data(rated_by="worker", score="3", rated_on=D)
    )
    sam_client.post(
        url("rate_goal", smith_family, goal.pk), post_data(rated_by="family", score="5", rated_on=D)
    )
    sam_client.post(
        url("rate_goal", smith_family, goal.pk),
        post_data(rated_by="worker", score="6", rated_on=D + dt.timedelta(days=28)),
    )
    assert list(GoalRating.objects.values_list("rated_by", "score")) == [
        ("worker", 3),
        ("family", 5),
        ("worker", 6),
    ]
    page = sam_client.get(goal.get_absolute_url()).content.decode()
    assert "<svg" in page and "fwb-line-worker" in page and "fwb-line-family" in page
    assert "Ratings (the data in the chart)" in page
    assert page.count("<circle") == 2 and page.count("<rect") == 1
    home = sam_client.get(url("home", smith_family)).content.decode()
    assert "6/10" in home and "5/10" in home


def test_a_rating_out_of_range_is_refused(sam_client, sam, smith_family, alex):
    goal = _goal(sam, smith_family, alex)
    response = sam_client.post(
        url("rate_goal", smith_family, goal.pk),
        post_data(rated_by="worker", score="11", rated_on=D),
    )
    assert_error(response, "Select a valid choice")
    assert GoalRating.objects.count() == 0


def test_ratings_are_history_and_cannot_be_changed(sam, smith_family, alex):
    goal = _goal(sam, smith_family, alex)
    rating = services.rate_goal(goal=goal, by=sam.user, rated_by="worker", score=4, rated_on=D)
    rating.score = 9
    with pytest.raises(TypeError):
        rating.save()
    with pytest.raises(TypeError):
        rating.delete()


def test_action_not_done_needs_a_reason_and_stale_updates_are_refused(
    sam_client, sam, smith_family, alex
):
    goal = _goal(sam, smith_family, alex)
    sam_client.post(
        url("add_action", smith_family, goal.pk),
        post_data(description="Attend recovery group", owner="Alex", due_on=D),
    )
    action = GoalAction.objects.get()
    assert_error(
        sam_client.post(
            url("update_action", smith_family, goal.pk, action.pk),
            post_data(status="not_done", version=1),
        ),
        "Say why the action was not done",
    )
    ok = sam_client.post(
        url("update_action", smith_family, goal.pk, action.pk),
        post_data(status="not_done", outcome="Group was full", version=1),
    )
    assert ok.status_code == 302
    stale = sam_client.post(
        url("update_action", smith_family, goal.pk, action.pk), post_data(status="done", version=1)
    )
    assert_error(stale, "Nothing has been saved", status=409)
    action.refresh_from_db()
    assert (action.status, action.outcome, action.version) == ("not_done", "Group was full", 2)


def test_goal_of_another_family_is_404(sam_client, sam, smith_family, alex):
    from familyworkbook.demo import builders

    goal = _goal(sam, smith_family, alex)
    other = builders.family("Jones")
    assert sam_client.get(reverse("workbook:goal", args=[other.pk, goal.pk])).status_code == 404


# --- Cycle of Change -----------------------------------------------------------------------


def test_cycle_of_change_history_per_adult_per_issue(sam_client, smith_family, alex):
    for stage, on in (("precontemplation", D), ("contemplation", D + dt.timedelta(days=30))):
        r = sam_client.post(
            url("add_stage", smith_family),
            post_data(
                person=alex.pk,
                issue="alcohol",
                stage=stage,
                assessed_on=on,
                rationale=f"Because {stage}",
            ),
        )
        assert r.status_code == 302
    page = sam_client.get(url("change", smith_family)).content.decode()
    assert "now contemplation" in page and "Because precontemplation" in page
    assert ChangeStage.objects.count() == 2
    assert "Contemplation" in sam_client.get(url("home", smith_family)).content.decode()


def test_cycle_of_change_needs_a_rationale_and_an_adult(sam_client, smith_family, alex, ava):
    assert_error(
        sam_client.post(
            url("add_stage", smith_family),
            post_data(person=alex.pk, issue="alcohol", stage="action", assessed_on=D),
        ),
        "Enter why you think the adult is at this stage",
    )
    assert_error(
        sam_client.post(
            url("add_stage", smith_family),
            post_data(person=ava.pk, issue="alcohol", stage="action", assessed_on=D, rationale="x"),
        ),
        "Select the adult",
    )
    assert ChangeStage.objects.count() == 0


def test_cost_benefit_and_scaling(sam_client, smith_family, alex):
    r = sam_client.post(
        url("add_balance", smith_family),
        post_data(
            person=alex.pk,
            issue="alcohol",
            completed_on=D,
            staying_good="Relaxes me",
            staying_bad="Kids see it",
            changing_good="More money",
            changing_bad="Bored",
        ),
    )
    assert r.status_code == 302
    r = sam_client.post(
        url("add_scaling", smith_family),
        post_data(
            person=alex.pk, question="How safe are the children at night?", score="4", asked_on=D
        ),
    )
    assert r.status_code == 302
    page = sam_client.get(url("change", smith_family)).content.decode()
    assert (
        "Kids see it" in page and "How safe are the children at night?" in page and "4/10" in page
    )


# --- Supporting Change ---------------------------------------------------------------------


def test_supporting_change_intake_extension_and_outcome(sam_client, smith_family, ava, programmes):
    answers = {f"readiness_{i}": "2" for i in range(1, 6)}
    r = sam_client.post(
        url("start_intervention", smith_family),
        post_data(
            child=ava.pk,
            eligibility="edge_of_care",
            started_on=D,
            legal_status_at_start="cp",
            **answers,
        ),
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    i = Intervention.objects.get()
    assert (i.readiness_score, i.readiness_band, i.planned_end_on) == (
        10,
        "Ambivalent",
        D + dt.timedelta(weeks=12),
    )
    assert_error(
        sam_client.post(
            url("extend_intervention", smith_family, i.pk),
            post_data(
                extended_to=i.planned_end_on + dt.timedelta(weeks=4),
                extension_agreed_by="Mo Reid",
                extension_agreed_on=D,
                version=1,
            ),
        ),
        "Enter the reason for the extension",
    )
    r = sam_client.post(
        url("extend_intervention", smith_family, i.pk),
        post_data(
            extended_to=i.planned_end_on + dt.timedelta(weeks=4),
            extension_reason="Return home planned",
            extension_agreed_by="Mo Reid",
            extension_agreed_on=D,
            version=1,
        ),
    )
    assert r.status_code == 302
    r = sam_client.post(
        url("end_intervention", smith_family, i.pk),
        post_data(
            ended_on=D + dt.timedelta(weeks=16),
            outcome="remained_home",
            legal_status_at_end="cin",
            version=2,
        ),
    )
    assert r.status_code == 302
    i.refresh_from_db()
    assert (i.outcome, i.legal_status_at_end, i.extension_reason) == (
        "remained_home",
        "cin",
        "Return home planned",
    )


def test_supporting_change_intake_needs_every_screening_answer(
    sam_client, smith_family, ava, programmes
):
    r = sam_client.post(
        url("start_intervention", smith_family),
        post_data(
            child=ava.pk, eligibility="edge_of_care", started_on=D, legal_status_at_start="cp"
        ),
    )
    assert_error(r, "Answer this readiness question from 0 to 4")
    assert Intervention.objects.count() == 0


def test_an_extension_service_refuses_a_stale_version(sam, smith_family, ava, programmes):
    i = services.start_intervention(
        family=smith_family,
        by=sam.user,
        child=ava,
        eligibility="edge_of_care",
        started_on=D,
        readiness_answers=[4] * 5,
        legal_status_at_start="cp",
    )
    assert i.readiness_band == "Ready"
    with pytest.raises(StaleEditError):
        services.extend_intervention(
            i,
            by=sam.user,
            expected_version=7,
            extended_to=i.planned_end_on + dt.timedelta(days=7),
            extension_reason="r",
            extension_agreed_by="m",
            extension_agreed_on=D,
        )


# --- Chronology ----------------------------------------------------------------------------


def test_chronology_lists_significant_entries_and_statutory_events_in_order(
    sam_client, sam, smith_family, smith_case, ava, leo, programmes
):
    services.record_entry(
        family=smith_family,
        by=sam.user,
        **entry_fields(
            happened_on=dt.date(2025, 9, 20), is_significant=True, headline="Second: Ava disclosed"
        ),
        tagged=[ava],
    )
    services.record_entry(
        family=smith_family,
        by=sam.user,
        **entry_fields(
            happened_on=dt.date(2025, 9, 10), is_significant=True, headline="First: police call-out"
        ),
    )
    services.record_entry(
        family=smith_family,
        by=sam.user,
        **entry_fields(happened_on=dt.date(2025, 9, 15), headline="Not significant"),
    )
    services.record_entry(
        family=smith_family,
        by=sam.user,
        **entry_fields(
            happened_on=dt.date(2025, 9, 25), is_significant=True, headline="About Leo only"
        ),
        tagged=[leo],
    )
    Visit.objects.create(
        child=ava,
        case=smith_case,
        visited_on=dt.date(2025, 9, 12),
        kind="cin",
        seen=True,
        seen_alone=True,
    )
    page = sam_client.get(url("chronology", smith_family)).content.decode()
    assert "Not significant" not in page
    order = [
        page.index(s)
        for s in (
            "Referral received",
            "First: police call-out",
            "Child seen alone",
            "Second: Ava disclosed",
            "About Leo only",
        )
    ]
    assert order == sorted(order)
    for_ava = sam_client.get(url("chronology", smith_family) + f"?child={ava.pk}").content.decode()
    assert "Second: Ava disclosed" in for_ava and "First: police call-out" in for_ava
    assert "About Leo only" not in for_ava
    assert sam_client.get(url("chronology", smith_family) + "?child=999999").status_code == 404


def test_printable_chronology_is_audited_as_printed(sam_client, smith_family, smith_case):
    from familyworkbook.access.tests.disclosing import disclose_and_fetch, is_disclosure_step
    from familyworkbook.audit.models import AuditEvent

    first = sam_client.get(url("chronology_print", smith_family))
    assert is_disclosure_step(first)  # a print needs a disclosure record first
    _form, response = disclose_and_fetch(sam_client, first)
    assert response.status_code == 200 and "Printed by Sam Okafor" in response.content.decode()
    assert AuditEvent.objects.filter(verb="printed", target_type="people.family").count() == 1


# --- Query counts --------------------------------------------------------------------------


def _fill(sam, family, children, n):
    from familyworkbook.workbook.models import Module

    modules = list(Module.objects.filter(programme__slug="family-safeguarding"))
    for i in range(n):
        services.record_entry(
            family=family,
            by=sam.user,
            **entry_fields(
                happened_on=D - dt.timedelta(days=i),
                module=modules[i % 8],
                is_significant=i % 2 == 0,
                headline=f"Event {i}",
            ),
            tagged=[children[i % 2]],
        )
        goal = services.set_goal(
            family=family,
            by=sam.user,
            person=children[i % 2],
            title=f"Goal {i}",
            set_on=D - dt.timedelta(days=60),
        )
        services.rate_goal(goal=goal, by=sam.user, rated_by="worker", score=i % 11, rated_on=D)
        services.add_action(goal=goal, by=sam.user, description="Do it", owner="Alex", due_on=D)
        services.record_change_stage(
            family=family,
            by=sam.user,
            person=family.members.filter(kind="adult").first(),
            issue=["alcohol", "drugs", "da"][i % 3],
            stage="action",
            assessed_on=D,
            rationale="r",
        )
        services.add_risk_need_item(
            family=family,
            by=sam.user,
            kind="worry",
            text=f"W{i}",
            identified_on=D,
            about=children[i % 2],
        )
        services.add_priority_issue(family=family, by=sam.user, title=f"P{i}", identified_on=D)
    episode = children[0].cin_episodes.first()
    CpPlan.objects.create(
        episode=episode, started_on=D, initial_category="NEG", latest_category="NEG"
    )


@pytest.mark.parametrize("name", ["home", "chronology", "risk", "goals", "change"])
def test_pages_cost_the_same_number_of_queries_whatever_the_size(
    sam_client, sam, smith_family, smith_case, ava, leo, programmes, name
):
    _fill(sam, smith_family, [ava, leo], 2)
    with CaptureQueriesContext(connection) as small:
        assert sam_client.get(url(name, smith_family)).status_code == 200
    _fill(sam, smith_family, [ava, leo], 12)
    with CaptureQueriesContext(connection) as large:
        assert sam_client.get(url(name, smith_family)).status_code == 200
    assert len(large) == len(small), [q["sql"][:120] for q in large.captured_queries]
