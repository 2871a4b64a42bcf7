"""Services: one transaction each, refusing invalid states and stale edits."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from familyworkbook.cases import services
from familyworkbook.cases.models import (
    Allocation,
    CinEpisode,
    CinPlan,
    CpPlan,
    CpReview,
    LookedAfterEpisode,
)
from familyworkbook.core.models import StaleEditError
from familyworkbook.people.models import PersonKind
from familyworkbook.teams.models import Role

pytestmark = pytest.mark.django_db
D = dt.date


def test_open_case_is_stamped_and_refuses_a_duplicate(smith_family, north, sam):
    case = services.open_case(
        family=smith_family, team=north, reason="cin", opened_on=D(2025, 9, 1), by=sam.user
    )
    assert (case.created_by, case.modified_by, case.version) == (sam.user, sam.user, 1)
    with pytest.raises(ValidationError) as exc:
        services.open_case(
            family=smith_family, team=north, reason="cp", opened_on=D(2025, 9, 2), by=sam.user
        )
    assert "team" in exc.value.error_dict


def test_closing_a_case_ends_current_allocations_on_that_date(smith_case, dana, sam, mo):
    Allocation.objects.create(
        case=smith_case, worker=dana, role=Role.DA_SURVIVOR_WORKER, started_on=D(2025, 9, 5)
    )
    ended_before = Allocation.objects.create(
        case=smith_case,
        worker=mo,
        role=Role.TEAM_MANAGER,
        started_on=D(2025, 9, 2),
        ended_on=D(2025, 9, 3),
    )
    closed = services.close_case(
        smith_case,
        closed_on=D(2025, 11, 1),
        closure_reason="step_down",
        by=mo.user,
        expected_version=1,
    )
    assert closed.closed_on == D(2025, 11, 1) and closed.modified_by == mo.user
    ends = dict(Allocation.objects.values_list("worker_id", "ended_on"))
    assert ends == {sam.pk: D(2025, 11, 1), dana.pk: D(2025, 11, 1), mo.pk: D(2025, 9, 3)}
    ended_before.refresh_from_db()
    assert ended_before.version == 1


def test_close_case_refuses_a_date_before_an_allocation_started(smith_case, dana, sam):
    Allocation.objects.create(
        case=smith_case, worker=dana, role=Role.DA_SURVIVOR_WORKER, started_on=D(2025, 10, 5)
    )
    with pytest.raises(ValidationError) as exc:
        services.close_case(smith_case, closed_on=D(2025, 10, 1), closure_reason="nfa", by=sam.user)
    assert "Dana Price" in str(exc.value)
    smith_case.refresh_from_db()
    assert smith_case.is_open
    assert Allocation.objects.current().count() == 2


def test_close_case_refuses_a_stale_edit(smith_case, sam, mo):
    services.close_case(smith_case, closed_on=D(2025, 10, 1), closure_reason="nfa", by=mo.user)
    with pytest.raises(StaleEditError):
        services.close_case(
            smith_case,
            closed_on=D(2025, 10, 2),
            closure_reason="other",
            by=sam.user,
            expected_version=1,
        )
    smith_case.refresh_from_db()
    assert smith_case.closure_reason == "nfa"


def test_a_new_lead_ends_the_previous_lead_that_day(smith_case, sam, mo):
    new = services.allocate_worker(
        smith_case,
        worker=mo,
        role=Role.SOCIAL_WORKER,
        is_lead=True,
        started_on=D(2025, 10, 1),
        by=mo.user,
    )
    assert new.is_lead and new.created_by == mo.user
    old = Allocation.objects.get(worker=sam)
    assert old.ended_on == D(2025, 10, 1) and old.version == 2


def test_a_co_worker_leaves_the_lead_alone(smith_case, sam, dana):
    services.allocate_worker(
        smith_case,
        worker=dana,
        role=Role.DA_SURVIVOR_WORKER,
        is_lead=False,
        started_on=D(2025, 10, 1),
        by=sam.user,
    )
    assert Allocation.objects.current().filter(case=smith_case).count() == 2


def test_end_allocation_refuses_twice(smith_case, sam):
    allocation = smith_case.allocations.get()
    services.end_allocation(allocation, ended_on=D(2025, 10, 1), by=sam.user)
    allocation.refresh_from_db()
    with pytest.raises(ValidationError):
        services.end_allocation(allocation, ended_on=D(2025, 10, 2), by=sam.user)


def test_referral_refuses_a_second_open_episode_and_adults(ava_episode, ava, smith_family, sam):
    with pytest.raises(ValidationError) as exc:
        services.record_referral(
            child=ava, referral_on=D(2025, 10, 1), referral_source="6", by=sam.user
        )
    assert "This child already has an open episode of need" in str(exc.value)
    adult = smith_family.members.filter(kind=PersonKind.ADULT).first()
    with pytest.raises(ValidationError):
        services.record_referral(
            child=adult, referral_on=D(2025, 10, 1), referral_source="6", by=sam.user
        )
    assert CinEpisode.objects.count() == 2


def test_starting_a_cp_plan_ends_an_open_cin_plan_the_same_day(ava_episode, sam):
    cin = services.record_cin_plan(episode=ava_episode, started_on=D(2025, 9, 5), by=sam.user)
    cp = services.record_cp_plan(
        episode=ava_episode, started_on=D(2025, 10, 6), initial_category="NEG", by=sam.user
    )
    cin.refresh_from_db()
    assert cin.ended_on == D(2025, 10, 6)
    assert cp.latest_category == "NEG"
    with pytest.raises(ValidationError):
        services.record_cin_plan(episode=ava_episode, started_on=D(2025, 10, 7), by=sam.user)


def test_a_failed_cp_plan_leaves_the_cin_plan_open(ava_episode, sam):
    cin = services.record_cin_plan(episode=ava_episode, started_on=D(2025, 9, 5), by=sam.user)
    with pytest.raises(ValidationError):
        services.record_cp_plan(
            episode=ava_episode,
            started_on=D(2025, 10, 6),
            initial_category="NOT-A-CODE",
            by=sam.user,
        )
    cin.refresh_from_db()
    assert cin.ended_on is None
    assert CpPlan.objects.count() == 0


def test_closing_an_episode_ends_its_plans_and_checks_every_event(ava_episode, sam):
    plan = services.record_cp_plan(
        episode=ava_episode, started_on=D(2025, 9, 10), initial_category="NEG", by=sam.user
    )
    services.record_cp_review(plan=plan, held_on=D(2025, 12, 1), by=sam.user, latest_category="EMO")
    with pytest.raises(ValidationError) as exc:
        services.close_episode(
            ava_episode, closed_on=D(2025, 11, 30), closure_reason="RC7", by=sam.user
        )
    assert "a child protection review (01/12/2025)" in str(exc.value)
    services.close_episode(ava_episode, closed_on=D(2025, 12, 1), closure_reason="RC7", by=sam.user)
    plan.refresh_from_db()
    assert (plan.ended_on, plan.latest_category) == (D(2025, 12, 1), "EMO")
    assert CpReview.objects.count() == 1


def test_a_new_looked_after_episode_closes_the_previous_with_x1(ava, sam):
    fields = {"legal_status": "C1", "need": "N1", "placement_type": "U4", "by": sam.user}
    first = services.record_lac_episode(
        child=ava, started_on=D(2025, 9, 1), reason_new_episode="S", **fields
    )
    second = services.record_lac_episode(
        child=ava,
        started_on=D(2025, 10, 1),
        reason_new_episode="L",
        **{**fields, "legal_status": "C2"},
    )
    first.refresh_from_db()
    assert (first.ceased_on, first.reason_ceased) == (D(2025, 10, 1), "X1")
    assert second.ceased_on is None


def test_a_failed_new_looked_after_episode_leaves_the_previous_open(ava, sam):
    fields = {"need": "N1", "placement_type": "U4", "by": sam.user}
    first = services.record_lac_episode(
        child=ava, started_on=D(2025, 9, 1), reason_new_episode="S", legal_status="C1", **fields
    )
    with pytest.raises(ValidationError):
        services.record_lac_episode(
            child=ava,
            started_on=D(2025, 10, 1),
            reason_new_episode="L",
            legal_status="NOT-A-CODE",
            **fields,
        )
    first.refresh_from_db()
    assert first.ceased_on is None
    assert LookedAfterEpisode.objects.count() == 1


def test_events_need_an_open_episode(ava_episode, sam):
    services.close_episode(ava_episode, closed_on=D(2025, 10, 1), closure_reason="RC8", by=sam.user)
    ava_episode.refresh_from_db()
    with pytest.raises(ValidationError):
        services.record_assessment(episode=ava_episode, started_on=D(2025, 10, 2), by=sam.user)
    with pytest.raises(ValidationError):
        services.record_cin_plan(episode=ava_episode, started_on=D(2025, 10, 2), by=sam.user)


def test_visit_seen_alone_needs_seen(ava, sam):
    with pytest.raises(ValidationError) as exc:
        services.record_visit(
            child=ava,
            visited_on=D(2025, 10, 1),
            kind="cin",
            seen=False,
            seen_alone=True,
            by=sam.user,
            visitor=sam,
        )
    assert "seen_alone" in exc.value.error_dict


def test_end_plan_services_refuse_twice(ava_episode, sam):
    plan = CinPlan.objects.create(episode=ava_episode, started_on=D(2025, 9, 5))
    services.end_cin_plan(plan, ended_on=D(2025, 9, 30), by=sam.user, expected_version=1)
    plan.refresh_from_db()
    with pytest.raises(ValidationError):
        services.end_cin_plan(plan, ended_on=D(2025, 10, 30), by=sam.user)
