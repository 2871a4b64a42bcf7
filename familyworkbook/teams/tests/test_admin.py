"""Reference data in the Django admin: teams, posts, workers, users."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.urls import reverse

from conftest import sign_in
from familyworkbook.teams.models import Organisation, Post, Role, Team

pytestmark = pytest.mark.django_db

TEAMS_MODELS = [m for m in admin.site._registry if m._meta.app_label == "teams"]


def test_every_teams_model_is_registered():
    assert {m.__name__ for m in TEAMS_MODELS} == {
        "User",
        "Organisation",
        "District",
        "Service",
        "Team",
        "Worker",
        "Post",
    }


@pytest.mark.parametrize("model", TEAMS_MODELS, ids=lambda m: m.__name__)
def test_admin_pages_load_for_ada(client, ada, sam, dana, model):
    sign_in(client, ada)
    opts = model._meta
    changelist = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count >= 1
    obj = model.objects.first()
    change = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
    assert change.status_code == 200
    assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 200
    assert not admin.site._registry[model].has_delete_permission(change.wsgi_request, obj)


def _post_form(post: Post, teams: list[Team], **overrides) -> dict:
    data = {
        "role": post.role,
        "organisation": post.organisation_id,
        "fte": "1.00",
        "teams": [t.pk for t in teams],
        "holder": post.holder_id or "",
        "vacant_since": "",
        "established_on": "2019-04-01",
        "disestablished_on": "",
        "opened_version": post.version,
    }
    data.update(overrides)
    return data


def test_a_post_serves_at_most_three_teams(client, ada, dana, north, south):
    sign_in(client, ada)
    post = dana.posts.get()
    extra = [Team.objects.create(name=f"Extra {i}", kind="fst") for i in range(2)]
    url = reverse("admin:teams_post_change", args=[post.pk])
    response = client.post(url, _post_form(post, [north, south, *extra]))
    assert response.status_code == 200
    assert "A post can serve at most 3 teams" in response.content.decode()
    assert post.teams.count() == 2
    response = client.post(url, _post_form(post, [north, south, extra[0]]))
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.teams.count() == 3
    assert (post.version, post.modified_by) == (2, ada.user)


def test_a_filled_post_cannot_be_vacant_in_the_admin(client, ada, sam, north):
    sign_in(client, ada)
    post = sam.posts.get()
    response = client.post(
        reverse("admin:teams_post_change", args=[post.pk]),
        _post_form(post, [north], vacant_since="2025-01-01"),
    )
    assert "A filled post cannot also be vacant" in response.content.decode()
    post.refresh_from_db()
    assert post.vacant_since is None


def test_a_stale_admin_edit_is_refused(client, ada, sam, north):
    sign_in(client, ada)
    post = sam.posts.get()
    opened = post.version
    Post.objects.filter(pk=post.pk).update(version=opened + 1, fte="0.50")
    response = client.post(
        reverse("admin:teams_post_change", args=[post.pk]),
        _post_form(post, [north], opened_version=opened),
    )
    assert response.status_code == 200
    assert "changed this record after you opened it" in response.content.decode()
    post.refresh_from_db()
    assert str(post.fte) == "0.50"


def test_adding_reference_data_stamps_the_administrator(client, ada):
    sign_in(client, ada)
    response = client.post(
        reverse("admin:teams_organisation_add"),
        {"name": "Cambridgeshire Constabulary", "kind": "police", "ons_code": ""},
    )
    assert response.status_code == 302
    org = Organisation.objects.get(name="Cambridgeshire Constabulary")
    assert (org.created_by, org.version) == (ada.user, 1)


def test_post_holder_and_vacancy_are_exclusive_in_the_database(sam):
    from django.db import IntegrityError, transaction

    post = sam.posts.get()
    post.vacant_since = dt.date(2025, 1, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        post.save()


def test_a_vacant_post_is_vacant(sam):
    post = Post.objects.create(
        role=Role.SOCIAL_WORKER,
        organisation=sam.organisation,
        established_on=dt.date(2020, 1, 1),
        vacant_since=dt.date(2025, 1, 1),
    )
    assert post.is_vacant
    assert "vacant" in str(post)
