from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from familyworkbook.people.models import Address, Family, FamilyMembership, Person, Relationship

MODELS = [Person, Address, Family, FamilyMembership, Relationship]


@pytest.fixture
def ada_client(client, signed_in, ada):
    signed_in(client, ada)
    # Administering records takes the whole-council permission, not just superuser.
    ada.user.user_permissions.add(Permission.objects.get(codename="view_all_records"))
    return client


@pytest.mark.parametrize("model", MODELS)
def test_every_people_model_is_in_the_admin_without_delete(
    ada_client, rf, ada, smith_family, model
):
    Address.objects.create(
        person=smith_family.members.first(),
        line_1="1 High St",
        town="Ely",
        postcode="CB7 4AA",
        from_date=dt.date(2020, 1, 1),
    )
    model_admin = admin.site._registry[model]
    request = rf.get("/")
    request.user = ada.user
    assert model_admin.has_delete_permission(request) is False
    assert "delete_selected" not in model_admin.get_actions(request)
    changelist = reverse(f"admin:people_{model._meta.model_name}_changelist")
    assert ada_client.get(changelist, {"q": "Smith"}).status_code == 200
    record = model.objects.first()
    change = reverse(f"admin:people_{model._meta.model_name}_change", args=[record.pk])
    html = ada_client.get(change).content.decode()
    assert "Created by" in html  # audit fields are shown, read-only
    assert (
        ada_client.get(
            reverse(f"admin:people_{model._meta.model_name}_delete", args=[record.pk])
        ).status_code
        == 403
    )


def test_an_admin_edit_is_stamped_and_versioned(ada_client, ada, smith_family):
    url = reverse("admin:people_family_change", args=[smith_family.pk])
    form = ada_client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data["name"] = "Smith-Jones family"
    response = ada_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    smith_family.refresh_from_db()
    assert (smith_family.name, smith_family.modified_by, smith_family.version) == (
        "Smith-Jones family",
        ada.user,
        2,
    )
