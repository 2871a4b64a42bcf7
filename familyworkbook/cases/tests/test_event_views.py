"""Recording a child's statutory events through the pages: one test set per form."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from familyworkbook.cases.models import (
    Assessment,
    CareProceedings,
    CinEpisode,
    CinPlan,
    CpPlan,
    CpReview,
    EpisodeSecondaryNeed,
    LookedAfterEpisode,
    PreProceedings,
    Section47,
    Visit,
)
from familyworkbook.cases.tests.conftest import post_data
from familyworkbook.people.models import Person, PersonKind

pytestmark = pytest.mark.django_db
D = dt.date


def snapshot() -> tuple[Any, ...]:
    """Everything an event form might write: counts and the fields that end things."""
    return (
        CinEpisode.objects.count(),
        EpisodeSecondaryNeed.objects.count(),
        Assessment.objects.count(),
        Section47.objects.count(),
        CinPlan.objects.count(),
        CpPlan.objects.count(),
        CpReview.objects.count(),
        LookedAfterEpisode.objects.count(),
        PreProceedings.objects.count(),
        CareProceedings.objects.count(),
        Visit.objects.count(),
        sorted(CinEpisode.objects.values_list("pk", "closed_on", "closure_reason")),
        sorted(CinPlan.objects.values_list("pk", "ended_on")),
        sorted(CpPlan.objects.values_list("pk", "ended_on", "latest_category")),
        sorted(LookedAfterEpisode.objects.values_list("pk", "ceased_on", "reason_ceased")),
        sorted(PreProceedings.objects.values_list("pk", "ended_on")),
        sorted(CareProceedings.objects.values_list("pk", "concluded_on")),
    )


@dataclass
class World:
    ava: Person
    episode: CinEpisode
    cin_plan: CinPlan
    cp_plan: CpPlan
    lac: LookedAfterEpisode
    plo: PreProceedings
    proceedings: CareProceedings


@pytest.fixture
def world(ava_episode, ava) -> World:
    """Ava with an open episode, a CIN plan that has ended, an open CP plan, LAC, PLO, proceedings."""
    cin_plan = CinPlan.objects.create(
        episode=ava_episode, started_on=D(2025, 9, 2), ended_on=D(2025, 9, 9)
    )
    cp_plan = CpPlan.objects.create(
        episode=ava_episode,
        started_on=D(2025, 9, 10),
        initial_category="NEG",
        latest_category="NEG",
    )
    lac = LookedAfterEpisode.objects.create(
        child=ava,
        started_on=D(2025, 9, 12),
        reason_new_episode="S",
        legal_status="C1",
        need="N1",
        placement_type="U4",
    )
    plo = PreProceedings.objects.create(child=ava, started_on=D(2025, 9, 3))
    proceedings = CareProceedings.objects.create(child=ava, issued_on=D(2025, 9, 11))
    return World(ava, ava_episode, cin_plan, cp_plan, lac, plo, proceedings)


# name -> (url argument, valid POST data, invalid POST data, the error message expected)
FORMS: dict[str, tuple[str, dict[str, Any], dict[str, Any], str]] = {
    "record_assessment": (
        "episode",
        {"started_on": D(2025, 9, 2), "authorised_on": D(2025, 9, 20), "factors": ["3B", "4B"]},
        {"started_on": D(2025, 9, 2), "factors": ["3B"]},
        "Record factors once the assessment is authorised",
    ),
    "record_s47": (
        "episode",
        {"started_on": D(2025, 9, 2), "icpc_target_on": D(2025, 9, 17), "icpc_on": D(2025, 9, 16)},
        {"started_on": D(2025, 9, 2), "icpc_on": D(2025, 9, 13)},
        "A child protection conference cannot be at a weekend",
    ),
    "record_cp_review": (
        "cp_plan",
        {"held_on": D(2025, 12, 1), "latest_category": "EMO"},
        {"held_on": D(2025, 9, 10), "latest_category": "NEG"},
        "A review must be after the plan started (10/09/2025)",
    ),
    "end_cp_plan": (
        "cp_plan",
        {"ended_on": D(2025, 12, 1), "version": 1},
        {"ended_on": D(2025, 9, 1), "version": 1},
        "The end date must be on or after the start date (10/09/2025)",
    ),
    "close_episode": (
        "episode",
        {"closed_on": D(2025, 12, 1), "closure_reason": "RC7", "version": 1},
        {"closed_on": D(2025, 9, 5), "closure_reason": "RC7", "version": 1},
        "The closure date must be on or after a child protection plan started (10/09/2025)",
    ),
    "end_lac_episode": (
        "lac",
        {"ceased_on": D(2025, 12, 1), "reason_ceased": "E4A", "version": 1},
        {"ceased_on": D(2025, 12, 1), "version": 1},
        "Select the reason the episode ceased",
    ),
    "record_lac_episode": (
        "ava",
        {
            "started_on": D(2025, 11, 1),
            "reason_new_episode": "L",
            "legal_status": "C2",
            "need": "N1",
            "placement_type": "U4",
            "placement_postcode": "cb3 0ap",
        },
        {
            "started_on": D(2025, 11, 1),
            "reason_new_episode": "S",
            "legal_status": "C2",
            "need": "N1",
            "placement_type": "U4",
        },
        "This child is already looked after: select what changed",
    ),
    "end_plo": (
        "plo",
        {"ended_on": D(2025, 11, 1), "outcome": "proceedings", "version": 1},
        {"ended_on": D(2025, 11, 1), "version": 1},
        "Select the outcome of pre-proceedings",
    ),
    "conclude_proceedings": (
        "proceedings",
        {"concluded_on": D(2025, 12, 1), "final_order": "care", "version": 1},
        {"concluded_on": D(2025, 9, 1), "final_order": "care", "version": 1},
        "The date proceedings concluded must be on or after they were issued (11/09/2025)",
    ),
    "record_visit": (
        "ava",
        {"visited_on": D(2025, 10, 1), "kind": "cp", "seen": "on", "seen_alone": "on"},
        {"visited_on": D(2025, 10, 1), "kind": "cp", "seen_alone": "on"},
        "A child seen alone must also have been seen",
    ),
}


def url_for(world: World, name: str) -> str:
    return reverse(f"cases:{name}", args=[getattr(world, FORMS[name][0]).pk])


@pytest.mark.parametrize("name", sorted(FORMS))
def test_event_form_needs_sign_in(anon, world, name):
    response = anon.get(url_for(world, name))
    assert response.status_code == 302
    assert response.url.startswith("/sign-in/")


@pytest.mark.parametrize("name", sorted(FORMS))
def test_event_form_404_for_a_missing_record(sam_client, world, name):
    assert sam_client.get(reverse(f"cases:{name}", args=[999999])).status_code == 404


@pytest.mark.parametrize("name", sorted(FORMS))
def test_event_form_shows(sam_client, world, name):
    response = sam_client.get(url_for(world, name))
    html = response.content.decode()
    assert response.status_code == 200
    assert ">Save<" in html
    assert world.ava.full_name in html
    assert world.ava.get_absolute_url() in html  # back link


@pytest.mark.parametrize("name", sorted(FORMS))
def test_event_form_saves_and_goes_back_to_the_child(sam_client, world, name):
    before = snapshot()
    response = sam_client.post(url_for(world, name), post_data(**FORMS[name][1]))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response.url == world.ava.get_absolute_url()
    assert snapshot() != before
    page = sam_client.get(response.url)
    assert "govuk-notification-banner--success" in page.content.decode()


@pytest.mark.parametrize("name", sorted(FORMS))
def test_event_form_invalid_saves_nothing(sam_client, world, name):
    before = snapshot()
    response = sam_client.post(url_for(world, name), post_data(**FORMS[name][2]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert FORMS[name][3] in html
    assert snapshot() == before


def test_event_forms_are_not_for_adults(sam_client, smith_family):
    adult = smith_family.members.filter(kind=PersonKind.ADULT).first()
    for name in [
        "record_referral",
        "record_lac_episode",
        "record_plo",
        "record_proceedings",
        "record_visit",
    ]:
        assert sam_client.get(reverse(f"cases:{name}", args=[adult.pk])).status_code == 404


# --- Referral ------------------------------------------------------------------------------


def referral_url(child):
    return reverse("cases:record_referral", args=[child.pk])


def test_record_referral(sam_client, anon, smith_family, smith_case):
    child = Person.objects.create(
        kind=PersonKind.CHILD, first_name="Noah", last_name="Smith", date_of_birth=D(2020, 1, 1)
    )
    smith_family.memberships.create(person=child, kind="household")
    assert anon.get(referral_url(child)).status_code == 302
    response = sam_client.get(referral_url(child))
    assert response.status_code == 200
    assert response.context["form"].fields["case"].initial == smith_case
    response = sam_client.post(
        referral_url(child),
        post_data(
            referral_on=D(2025, 10, 1),
            referral_source="3A",
            primary_need="N1",
            secondary_needs=["DA", "MH"],
            case=smith_case.pk,
        ),
    )
    assert response.status_code == 302
    episode = CinEpisode.objects.get(child=child)
    assert (episode.referral_on, episode.referral_source, episode.case) == (
        D(2025, 10, 1),
        "3A",
        smith_case,
    )
    assert sorted(episode.secondary_needs.values_list("need", flat=True)) == ["DA", "MH"]
    assert "Referral recorded" in sam_client.get(response.url).content.decode()


def test_a_second_open_episode_is_refused(sam_client, ava_episode, ava):
    before = snapshot()
    response = sam_client.post(
        referral_url(ava), post_data(referral_on=D(2025, 10, 1), referral_source="3A")
    )
    assert "This child already has an open episode of need" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"referral_source": "3A"}, "Enter the referral date"),
        ({"referral_on": D(2025, 10, 1)}, "Select the referral source"),
        (
            {"referral_on": D(2025, 10, 1), "referral_source": "3A", "secondary_needs": ["NOPE"]},
            "Select a valid choice",
        ),
    ],
)
def test_referral_invalid(sam_client, ava, data, message):
    response = sam_client.post(referral_url(ava), post_data(**data))
    assert message in response.content.decode()
    assert CinEpisode.objects.count() == 0


def test_referral_of_an_unborn_baby_no_more_than_40_weeks_before_due(sam_client, smith_family):
    unborn = Person.objects.create(
        kind=PersonKind.UNBORN, last_name="Smith", expected_date_of_birth=D(2026, 3, 1)
    )
    smith_family.memberships.create(person=unborn, kind="household")
    too_early = D(2026, 3, 1) - dt.timedelta(weeks=40, days=1)
    response = sam_client.post(
        referral_url(unborn), post_data(referral_on=too_early, referral_source="3B")
    )
    assert "cannot be more than 40 weeks before" in response.content.decode()
    assert CinEpisode.objects.count() == 0
    response = sam_client.post(
        referral_url(unborn),
        post_data(referral_on=too_early + dt.timedelta(days=1), referral_source="3B"),
    )
    assert response.status_code == 302
    assert CinEpisode.objects.filter(child=unborn).count() == 1


def test_referral_refuses_a_case_of_another_family(sam_client, ava, smith_case, south, priya):
    from familyworkbook.demo import builders

    other = builders.case(builders.family("Jones"), south, lead=priya, with_episodes=False)
    response = sam_client.post(
        referral_url(ava),
        post_data(referral_on=D(2025, 10, 1), referral_source="3A", case=other.pk),
    )
    assert "Select one of the family&#x27;s open cases" in response.content.decode()


# --- Plans ---------------------------------------------------------------------------------


def test_cp_plan_should_start_on_the_conference_date(sam_client, ava_episode):
    Section47.objects.create(episode=ava_episode, started_on=D(2025, 9, 2), icpc_on=D(2025, 9, 16))
    url = reverse("cases:record_cp_plan", args=[ava_episode.pk])
    response = sam_client.post(url, post_data(started_on=D(2025, 9, 17), initial_category="NEG"))
    assert "should start on the date of the initial child protection conference (16/09/2025)" in (
        response.content.decode()
    )
    assert CpPlan.objects.count() == 0
    response = sam_client.post(
        url,
        post_data(
            started_on=D(2025, 9, 17), initial_category="NEG", start_differs_from_conference="on"
        ),
    )
    assert response.status_code == 302
    response = sam_client.get(ava_episode.child.get_absolute_url())
    assert "CP plan: Neglect" in response.content.decode()


def test_cp_plan_ends_the_open_cin_plan(sam_client, ava_episode):
    cin = CinPlan.objects.create(episode=ava_episode, started_on=D(2025, 9, 5))
    response = sam_client.post(
        reverse("cases:record_cp_plan", args=[ava_episode.pk]),
        post_data(started_on=D(2025, 9, 20), initial_category="PHY", latest_category="EMO"),
    )
    assert response.status_code == 302
    cin.refresh_from_db()
    assert cin.ended_on == D(2025, 9, 20)
    plan = CpPlan.objects.get()
    assert (plan.initial_category, plan.latest_category) == ("PHY", "EMO")


def test_a_second_open_cp_plan_is_refused(sam_client, world):
    before = snapshot()
    response = sam_client.post(
        reverse("cases:record_cp_plan", args=[world.episode.pk]),
        post_data(started_on=D(2025, 9, 20), initial_category="PHY"),
    )
    assert "This child already has an open child protection plan" in response.content.decode()
    assert snapshot() == before


def test_cin_plan_is_refused_while_a_cp_plan_is_open(sam_client, world):
    before = snapshot()
    response = sam_client.post(
        reverse("cases:record_cin_plan", args=[world.episode.pk]),
        post_data(started_on=D(2025, 9, 20)),
    )
    assert "end it before starting a child in need plan" in response.content.decode()
    assert snapshot() == before


def test_record_and_end_a_cin_plan(sam_client, ava_episode, anon):
    url = reverse("cases:record_cin_plan", args=[ava_episode.pk])
    assert anon.get(url).status_code == 302
    assert sam_client.get(url).status_code == 200
    response = sam_client.post(url, post_data())
    assert "Enter the start date" in response.content.decode()
    assert CinPlan.objects.count() == 0
    response = sam_client.post(url, post_data(started_on=D(2025, 9, 5)))
    assert response.status_code == 302
    plan = CinPlan.objects.get()
    end_url = reverse("cases:end_cin_plan", args=[plan.pk])
    assert sam_client.get(end_url).status_code == 200
    response = sam_client.post(end_url, post_data(ended_on=D(2025, 9, 1), version=1))
    assert (
        "The end date must be on or after the start date (05/09/2025)" in response.content.decode()
    )
    plan.refresh_from_db()
    assert plan.ended_on is None
    response = sam_client.post(end_url, post_data(ended_on=D(2025, 10, 5), version=1))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.ended_on == D(2025, 10, 5)
    assert sam_client.get(reverse("cases:end_cin_plan", args=[999999])).status_code == 404


def test_closing_the_episode_ends_open_plans(sam_client, world):
    response = sam_client.post(
        reverse("cases:close_episode", args=[world.episode.pk]),
        post_data(closed_on=D(2025, 12, 1), closure_reason="RC7", version=1),
    )
    assert response.status_code == 302
    world.cp_plan.refresh_from_db()
    assert world.cp_plan.ended_on == D(2025, 12, 1)
    # A new referral is offered again.
    html = sam_client.get(world.ava.get_absolute_url()).content.decode()
    assert reverse("cases:record_referral", args=[world.ava.pk]) in html


def test_review_updates_the_latest_category(sam_client, world):
    sam_client.post(
        reverse("cases:record_cp_review", args=[world.cp_plan.pk]),
        post_data(held_on=D(2025, 12, 1), latest_category="SAB"),
    )
    world.cp_plan.refresh_from_db()
    assert world.cp_plan.latest_category == "SAB"
    assert CpReview.objects.get().held_on == D(2025, 12, 1)


# --- Looked after, PLO, proceedings, visits ------------------------------------------------


def test_a_new_lac_episode_closes_the_previous_with_x1(sam_client, world):
    sam_client.post(
        reverse("cases:record_lac_episode", args=[world.ava.pk]),
        post_data(**FORMS["record_lac_episode"][1]),
    )
    world.lac.refresh_from_db()
    assert (world.lac.ceased_on, world.lac.reason_ceased) == (D(2025, 11, 1), "X1")
    new = LookedAfterEpisode.objects.get(ceased_on__isnull=True)
    assert (new.legal_status, new.placement_postcode) == ("C2", "CB3 0AP")


def test_first_lac_episode_must_start_to_be_looked_after(sam_client, ava):
    url = reverse("cases:record_lac_episode", args=[ava.pk])
    data = {
        "started_on": D(2025, 11, 1),
        "legal_status": "V2",
        "need": "N4",
        "placement_type": "U6",
    }
    response = sam_client.post(url, post_data(reason_new_episode="P", **data))
    assert "Select &#x27;Started to be looked after&#x27;" in response.content.decode()
    response = sam_client.post(
        url, post_data(reason_new_episode="S", home_postcode="nonsense", **data)
    )
    assert "Enter a real postcode, like CB3 0AP" in response.content.decode()
    assert LookedAfterEpisode.objects.count() == 0
    response = sam_client.post(url, post_data(reason_new_episode="S", **data))
    assert response.status_code == 302
    assert (
        "CLA: Single period of accommodation under section 20"
        in sam_client.get(ava.get_absolute_url()).content.decode()
    )


def test_ending_lac_cannot_use_x1(sam_client, world):
    response = sam_client.post(
        reverse("cases:end_lac_episode", args=[world.lac.pk]),
        post_data(ceased_on=D(2025, 12, 1), reason_ceased="X1", version=1),
    )
    assert "Select a valid choice" in response.content.decode()
    world.lac.refresh_from_db()
    assert world.lac.ceased_on is None


@pytest.mark.parametrize(
    ("name", "field", "message"),
    [
        ("record_plo", "started_on", "This child is already in pre-proceedings"),
        (
            "record_proceedings",
            "issued_on",
            "This child already has care proceedings that have not concluded",
        ),
    ],
)
def test_a_second_open_plo_or_proceedings_is_refused(sam_client, world, name, field, message):
    before = snapshot()
    response = sam_client.post(
        reverse(f"cases:{name}", args=[world.ava.pk]), post_data(**{field: D(2025, 10, 1)})
    )
    assert message in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize(
    ("name", "field", "model", "message"),
    [
        (
            "record_plo",
            "started_on",
            PreProceedings,
            "Enter the date of the pre-proceedings meeting",
        ),
        (
            "record_proceedings",
            "issued_on",
            CareProceedings,
            "Enter the date the application was issued",
        ),
    ],
)
def test_record_plo_and_proceedings(sam_client, anon, ava, smith_case, name, field, model, message):
    url = reverse(f"cases:{name}", args=[ava.pk])
    assert anon.get(url).status_code == 302
    assert sam_client.get(url).status_code == 200
    assert sam_client.get(reverse(f"cases:{name}", args=[999999])).status_code == 404
    response = sam_client.post(url, post_data())
    assert (
        message in response.content.decode() and "govuk-error-summary" in response.content.decode()
    )
    assert model.objects.count() == 0
    response = sam_client.post(url, post_data(**{field: D(2025, 10, 1)}, case=smith_case.pk))
    assert response.status_code == 302 and response.url == ava.get_absolute_url()
    assert model.objects.get().case == smith_case


def test_visit_defaults_to_the_signed_in_worker(sam_client, ava, sam, smith_case):
    url = reverse("cases:record_visit", args=[ava.pk])
    assert sam_client.get(url).context["form"].fields["visitor"].initial == sam
    response = sam_client.post(
        url,
        post_data(
            visited_on=D(2025, 10, 1), kind="cin", seen="on", visitor=sam.pk, case=smith_case.pk
        ),
    )
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert (visit.by, visit.seen, visit.seen_alone, visit.case) == (sam, True, False, smith_case)


def test_visit_in_the_future_is_refused(sam_client, ava, sam):
    response = sam_client.post(
        reverse("cases:record_visit", args=[ava.pk]),
        post_data(visited_on=D(2099, 1, 1), kind="cin", seen="on", visitor=sam.pk),
    )
    assert "The date of the visit must be today or in the past" in response.content.decode()
    assert Visit.objects.count() == 0


def test_a_record_of_another_child_is_reached_only_through_its_child(sam_client, world, sam):
    world.ava.archive(by=sam.user)
    assert sam_client.get(reverse("cases:end_cp_plan", args=[world.cp_plan.pk])).status_code == 404
    assert sam_client.get(reverse("cases:record_visit", args=[world.ava.pk])).status_code == 404


def test_visit_without_a_chosen_worker_is_the_signed_in_worker(sam_client, ava, sam):
    response = sam_client.post(
        reverse("cases:record_visit", args=[ava.pk]),
        post_data(visited_on=D(2025, 10, 1), kind="cin", seen="on"),
    )
    assert response.status_code == 302
    assert Visit.objects.get().by == sam


def test_visit_by_someone_without_a_worker_profile_must_name_the_worker(signed_in, client, ava):
    from django.contrib.auth.models import Permission

    from familyworkbook.teams.models import User

    root = User.objects.create_superuser("root", "r@example.org", "a-long-password-1")
    # Being a superuser is not enough to read children's records: the permission is.
    root.user_permissions.add(Permission.objects.get(codename="view_all_records"))
    signed_in(client, root)
    response = client.post(
        reverse("cases:record_visit", args=[ava.pk]),
        post_data(visited_on=D(2025, 10, 1), kind="cin", seen="on"),
    )
    assert "Select the visiting worker" in response.content.decode()
    assert Visit.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "on"),
    [
        ("record_referral", "child"),
        ("record_cp_plan", "episode"),
        ("record_cin_plan", "episode"),
    ],
)
def test_forms_outside_the_table_need_sign_in_show_and_404(anon, sam_client, ava_episode, name, on):
    target = ava_episode.child if on == "child" else ava_episode
    url = reverse(f"cases:{name}", args=[target.pk])
    response = anon.get(url)
    assert response.status_code == 302 and response.url.startswith("/sign-in/")
    response = sam_client.get(url)
    assert response.status_code == 200 and ">Save<" in response.content.decode()
    assert sam_client.get(reverse(f"cases:{name}", args=[999999])).status_code == 404


def test_error_summary_links_to_the_date_input(sam_client, ava_episode):
    response = sam_client.post(reverse("cases:record_cin_plan", args=[ava_episode.pk]), post_data())
    html = response.content.decode()
    assert '<a href="#id_started_on_0">Enter the start date</a>' in html
    assert 'id="id_started_on_0"' in html
    assert "<title>Error: Record a child in need plan" in html
