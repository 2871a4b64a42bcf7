"""The Django admin pages for cases and episodes load for a system administrator."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from familyworkbook.cases.models import CpPlan, LookedAfterEpisode, Section47, Visit

pytestmark = pytest.mark.django_db

CASES_MODELS = [m for m in admin.site._registry if m._meta.app_label == "cases"]


def test_every_cases_model_is_registered():
    names = {m.__name__ for m in CASES_MODELS}
    assert names == {
        "Case",
        "Allocation",
        "CinEpisode",
        "EpisodeSecondaryNeed",
        "Assessment",
        "Section47",
        "CinPlan",
        "CpPlan",
        "CpReview",
        "LookedAfterEpisode",
        "PreProceedings",
        "CareProceedings",
        "Visit",
    }


@pytest.fixture
def full_record(smith_case, ava_episode, ava, sam):
    plan = CpPlan.objects.create(
        episode=ava_episode,
        started_on=dt.date(2025, 9, 10),
        initial_category="NEG",
        latest_category="NEG",
    )
    plan.reviews.create(held_on=dt.date(2025, 12, 1))
    ava_episode.secondary_needs.create(need="DA")
    ava_episode.assessments.create(started_on=dt.date(2025, 9, 2))
    ava_episode.cin_plans.create(started_on=dt.date(2025, 9, 2), ended_on=dt.date(2025, 9, 9))
    Section47.objects.create(episode=ava_episode, started_on=dt.date(2025, 9, 2))
    LookedAfterEpisode.objects.create(
        child=ava,
        started_on=dt.date(2025, 9, 1),
        reason_new_episode="S",
        legal_status="C2",
        need="N1",
        placement_type="U4",
    )
    ava.pre_proceedings.create(started_on=dt.date(2025, 9, 3))
    ava.care_proceedings.create(issued_on=dt.date(2025, 9, 4))
    Visit.objects.create(child=ava, visited_on=dt.date(2025, 9, 5), kind="cin", seen=True, by=sam)
    return smith_case


@pytest.mark.parametrize("model", CASES_MODELS, ids=lambda m: m.__name__)
def test_admin_pages_load_for_ada(signed_in, client, ada, full_record, model):
    signed_in(client, ada)
    # Administering records takes the whole-council permission, not just superuser.
    ada.user.user_permissions.add(Permission.objects.get(codename="view_all_records"))
    opts = model._meta
    changelist = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count >= 1
    obj = model.objects.first()
    change = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
    assert change.status_code == 200
    assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 200
    assert not admin.site._registry[model].has_delete_permission(change.wsgi_request, obj)


def test_admin_search_finds_a_case_by_family_reference(signed_in, client, ada, smith_case):
    signed_in(client, ada)
    # Administering records takes the whole-council permission, not just superuser.
    ada.user.user_permissions.add(Permission.objects.get(codename="view_all_records"))
    response = client.get(
        reverse("admin:cases_case_changelist"), {"q": smith_case.family.reference}
    )
    assert response.context["cl"].result_count == 1


def test_workers_cannot_use_the_admin(sam_client):
    response = sam_client.get(reverse("admin:cases_case_changelist"))
    assert response.status_code == 302
