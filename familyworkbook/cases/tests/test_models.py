"""Invariants the models hold twice: in clean() for forms, and as database constraints."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from familyworkbook.cases.models import (
    Allocation,
    Assessment,
    CareProceedings,
    Case,
    CinEpisode,
    CinPlan,
    CpPlan,
    LookedAfterEpisode,
    PreProceedings,
    Section47,
    Visit,
)
from familyworkbook.teams.models import Role

pytestmark = pytest.mark.django_db
D = dt.date


def refused_by_database(make) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_a_closed_case_needs_a_closure_reason(smith_family, north):
    case = Case(
        family=smith_family,
        team=north,
        reason="cin",
        opened_on=D(2025, 9, 1),
        closed_on=D(2025, 10, 1),
    )
    with pytest.raises(ValidationError) as exc:
        case.full_clean()
    assert "Select the reason for closing the case" in str(exc.value)
    refused_by_database(case.save)
    case.closure_reason = "nfa"
    case.full_clean()
    case.save()


def test_an_open_case_has_no_closure_reason_in_the_database(smith_family, north):
    refused_by_database(
        lambda: Case.objects.create(
            family=smith_family,
            team=north,
            reason="cin",
            opened_on=D(2025, 9, 1),
            closure_reason="nfa",
        )
    )


def test_case_dates_are_ordered(smith_family, north):
    case = Case(
        family=smith_family,
        team=north,
        reason="cin",
        opened_on=D(2025, 9, 1),
        closed_on=D(2025, 8, 1),
        closure_reason="nfa",
    )
    with pytest.raises(ValidationError) as exc:
        case.full_clean()
    assert "closed_on" in exc.value.error_dict
    refused_by_database(case.save)


def test_episode_dates_are_ordered(ava):
    episode = CinEpisode(
        child=ava,
        referral_on=D(2025, 9, 1),
        referral_source="6",
        closed_on=D(2025, 8, 1),
        closure_reason="RC8",
    )
    with pytest.raises(ValidationError) as exc:
        episode.full_clean()
    assert "closed_on" in exc.value.error_dict
    refused_by_database(episode.save)


def test_a_closed_episode_needs_date_and_reason(ava):
    episode = CinEpisode(
        child=ava, referral_on=D(2025, 9, 1), referral_source="6", closed_on=D(2025, 10, 1)
    )
    with pytest.raises(ValidationError):
        episode.full_clean()
    refused_by_database(episode.save)


@pytest.mark.parametrize(
    ("model", "fields", "end_field"),
    [
        (CinPlan, {}, "ended_on"),
        (CpPlan, {"initial_category": "NEG", "latest_category": "NEG"}, "ended_on"),
    ],
)
def test_plan_dates_are_ordered(ava_episode, model, fields, end_field):
    plan = model(episode=ava_episode, started_on=D(2025, 9, 10), ended_on=D(2025, 9, 9), **fields)
    with pytest.raises(ValidationError) as exc:
        plan.full_clean()
    assert end_field in exc.value.error_dict
    refused_by_database(plan.save)


def test_looked_after_dates_are_ordered(ava):
    lac = LookedAfterEpisode(
        child=ava,
        started_on=D(2025, 9, 10),
        ceased_on=D(2025, 9, 1),
        reason_ceased="E4A",
        reason_new_episode="S",
        legal_status="C2",
        need="N1",
        placement_type="U4",
    )
    with pytest.raises(ValidationError) as exc:
        lac.full_clean()
    assert "ceased_on" in exc.value.error_dict
    refused_by_database(lac.save)


@pytest.mark.parametrize(
    ("make", "end_field"),
    [
        (
            lambda ep: Assessment(
                episode=ep, started_on=D(2025, 9, 10), authorised_on=D(2025, 9, 1)
            ),
            "authorised_on",
        ),
        (
            lambda ep: Section47(episode=ep, started_on=D(2025, 9, 10), icpc_on=D(2025, 9, 1)),
            "icpc_on",
        ),
        (
            lambda ep: PreProceedings(
                child=ep.child, started_on=D(2025, 9, 10), ended_on=D(2025, 9, 1)
            ),
            "ended_on",
        ),
        (
            lambda ep: CareProceedings(
                child=ep.child, issued_on=D(2025, 9, 10), concluded_on=D(2025, 9, 1)
            ),
            "concluded_on",
        ),
    ],
)
def test_other_episode_dates_are_ordered(ava_episode, make, end_field):
    record = make(ava_episode)
    with pytest.raises(ValidationError) as exc:
        record.full_clean()
    assert end_field in exc.value.error_dict
    refused_by_database(record.save)


def test_one_open_episode_per_child(ava_episode, ava):
    second = CinEpisode(child=ava, referral_on=D(2025, 10, 1), referral_source="6")
    with pytest.raises(ValidationError) as exc:
        second.full_clean()
    assert "This child already has an open episode of need" in str(exc.value)
    refused_by_database(second.save)
    # A closed earlier episode is no obstacle.
    CinEpisode.objects.create(
        child=ava,
        referral_on=D(2024, 1, 1),
        referral_source="6",
        closed_on=D(2024, 2, 1),
        closure_reason="RC8",
    )


def test_one_open_looked_after_episode_per_child(ava):
    fields = {"reason_new_episode": "S", "legal_status": "C2", "need": "N1", "placement_type": "U4"}
    LookedAfterEpisode.objects.create(child=ava, started_on=D(2025, 9, 1), **fields)
    refused_by_database(
        lambda: LookedAfterEpisode.objects.create(child=ava, started_on=D(2025, 10, 1), **fields)
    )


def test_one_current_lead_per_case(smith_case, mo):
    second = Allocation(
        case=smith_case, worker=mo, role=Role.TEAM_MANAGER, is_lead=True, started_on=D(2025, 9, 2)
    )
    with pytest.raises(ValidationError) as exc:
        second.full_clean()
    assert "A case has one lead worker at a time" in str(exc.value)
    refused_by_database(second.save)
    second.is_lead = False
    second.save()


def test_seen_alone_implies_seen(ava):
    visit = Visit(child=ava, visited_on=D(2025, 9, 1), kind="cin", seen=False, seen_alone=True)
    with pytest.raises(ValidationError) as exc:
        visit.full_clean()
    assert "seen_alone" in exc.value.error_dict
    refused_by_database(visit.save)


def test_icpc_is_never_at_a_weekend(ava_episode):
    saturday = D(2025, 9, 13)
    assert saturday.weekday() == 5
    s47 = Section47(episode=ava_episode, started_on=D(2025, 9, 2), icpc_on=saturday)
    with pytest.raises(ValidationError) as exc:
        s47.full_clean()
    assert "A child protection conference cannot be at a weekend" in str(exc.value)
    s47.icpc_on = D(2025, 9, 15)
    s47.full_clean()


def test_icpc_date_or_not_required_not_both(ava_episode):
    refused_by_database(
        lambda: Section47.objects.create(
            episode=ava_episode,
            started_on=D(2025, 9, 2),
            icpc_on=D(2025, 9, 15),
            icpc_not_required=True,
        )
    )


# --- Re-referral ---------------------------------------------------------------------------


def _closed(child, referral, closed):
    return CinEpisode.objects.create(
        child=child,
        referral_on=referral,
        referral_source="6",
        closed_on=closed,
        closure_reason="RC8",
    )


def test_re_referral_is_derived_from_a_closure_within_12_months(ava):
    first = _closed(ava, D(2024, 1, 1), D(2024, 3, 1))
    again = CinEpisode.objects.create(child=ava, referral_on=D(2025, 2, 28), referral_source="6")
    flags = dict(CinEpisode.objects.with_re_referral().values_list("pk", "is_re_referral"))
    assert flags == {first.pk: False, again.pk: True}


def test_a_referral_more_than_12_months_after_closure_is_not_a_re_referral(ava):
    _closed(ava, D(2023, 1, 1), D(2023, 3, 1))
    later = CinEpisode.objects.create(child=ava, referral_on=D(2024, 3, 2), referral_source="6")
    assert not CinEpisode.objects.with_re_referral().get(pk=later.pk).is_re_referral


def test_another_childs_closure_does_not_make_a_re_referral(ava, smith_family):
    leo = smith_family.members.exclude(pk=ava.pk).filter(kind="child").get()
    _closed(leo, D(2025, 1, 1), D(2025, 3, 1))
    mine = CinEpisode.objects.create(child=ava, referral_on=D(2025, 4, 1), referral_source="6")
    assert not CinEpisode.objects.with_re_referral().get(pk=mine.pk).is_re_referral
