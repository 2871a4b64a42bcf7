from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from familyworkbook.demo import builders
from familyworkbook.people.models import Family, FamilyMembership

ADD_FAMILY = reverse("people:add_family")


def add_member_url(family: Family) -> str:
    return reverse("people:add_member", args=[family.pk])


def end_url(membership: FamilyMembership) -> str:
    return reverse("people:end_membership", args=[membership.pk])


def test_member_pages_need_sign_in(client, smith_family, alex):
    membership = alex.memberships.get()
    count = FamilyMembership.objects.count()
    for url in (add_member_url(smith_family), end_url(membership)):
        response = client.post(url, {"person": alex.pk, "kind": "household", "contact": "daily"})
        assert response["Location"].startswith(reverse("login"))
    assert FamilyMembership.objects.count() == count
    membership.refresh_from_db()
    assert membership.ended_on is None


def test_a_family_is_added_with_a_reference(sam_client, sam):
    html = sam_client.get(ADD_FAMILY).content.decode()
    assert '<h1 class="govuk-heading-l">Add a family</h1>' in html
    response = sam_client.post(ADD_FAMILY, {"name": "Hale family"})
    family = Family.objects.get(name="Hale family")
    assert response["Location"] == reverse("cases:family", args=[family.pk])
    assert family.reference == f"F{family.pk:07d}"
    assert family.created_by == sam.user
    assert not family.memberships.exists()


def test_a_family_can_start_with_a_person(sam_client, lone_adult):
    sam_client.post(f"{ADD_FAMILY}?person={lone_adult.pk}", {"name": "Hale family"})
    membership = FamilyMembership.objects.get(person=lone_adult)
    assert (membership.family.name, membership.kind) == ("Hale family", "household")


def test_a_family_needs_a_name(sam_client, db):
    response = sam_client.post(ADD_FAMILY, {"name": "  "})
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Enter the family name" in html
    assert Family.objects.count() == 0


def test_searching_offers_people_to_add(sam_client, smith_family, lone_adult, alex):
    response = sam_client.get(add_member_url(smith_family), {"q": "hale"})
    html = response.content.decode()
    assert response.context["results"] == [lone_adult]
    assert f'href="?person={lone_adult.pk}"' in html
    response = sam_client.get(add_member_url(smith_family), {"q": "alex"})
    assert "Already in this family" in response.content.decode()


def test_a_chosen_person_is_added_with_kind_and_contact(sam_client, sam, smith_family, lone_adult):
    url = f"{add_member_url(smith_family)}?person={lone_adult.pk}"
    assert "Robin Hale" in sam_client.get(url).content.decode()
    response = sam_client.post(
        url,
        {
            "person": lone_adult.pk,
            "kind": "network",
            "contact": "weekly",
            "started_on_day": "1",
            "started_on_month": "2",
            "started_on_year": "2024",
        },
    )
    assert response["Location"] == reverse("cases:family", args=[smith_family.pk])
    membership = FamilyMembership.objects.get(person=lone_adult)
    assert (membership.kind, membership.contact, membership.started_on) == (
        "network",
        "weekly",
        dt.date(2024, 2, 1),
    )
    assert membership.created_by == sam.user


def test_a_person_id_can_be_typed(sam_client, smith_family, lone_adult):
    sam_client.post(
        add_member_url(smith_family),
        {"person": str(lone_adult.pk), "kind": "household", "contact": "daily"},
    )
    assert smith_family.members.filter(pk=lone_adult.pk).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"kind": "household", "contact": "daily"},
            "Enter the person&#x27;s ID, or search for them by name",
        ),
        (
            {"person": "99999", "kind": "household", "contact": "daily"},
            "Enter the ID of a person on the record",
        ),
        ({"person": "LONE", "contact": "daily"}, "Select how they belong to the family"),
        ({"person": "LONE", "kind": "household"}, "Select how often they are in contact"),
        (
            {
                "person": "LONE",
                "kind": "household",
                "contact": "daily",
                "started_on_day": "1",
                "started_on_month": "1",
                "started_on_year": "2999",
            },
            "The date they joined must be today or in the past",
        ),
    ],
)
def test_invalid_memberships_save_nothing(sam_client, smith_family, lone_adult, data, message):
    if data.get("person") == "LONE":
        data["person"] = lone_adult.pk
    count = FamilyMembership.objects.count()
    response = sam_client.post(add_member_url(smith_family), data)
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert message in html
    assert FamilyMembership.objects.count() == count


def test_a_second_current_membership_is_refused(sam_client, smith_family, alex):
    count = FamilyMembership.objects.count()
    response = sam_client.post(
        add_member_url(smith_family), {"person": alex.pk, "kind": "network", "contact": "daily"}
    )
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Alex Smith is already a member of this family" in html
    assert FamilyMembership.objects.count() == count


def test_ending_a_membership_keeps_it_with_an_end_date(sam_client, sam, smith_family, alex):
    membership = alex.memberships.get()
    response = sam_client.post(
        end_url(membership), {"on_day": "3", "on_month": "3", "on_year": "2025"}
    )
    assert response["Location"] == reverse("cases:family", args=[smith_family.pk])
    membership.refresh_from_db()
    assert membership.ended_on == dt.date(2025, 3, 3)
    assert membership.modified_by == sam.user
    assert FamilyMembership.objects.filter(pk=membership.pk).exists()
    # Once ended, they can rejoin
    sam_client.post(
        add_member_url(smith_family), {"person": alex.pk, "kind": "network", "contact": "weekly"}
    )
    assert FamilyMembership.objects.filter(person=alex).count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Enter the date they left the family"),
        (
            {"on_day": "3", "on_month": "3", "on_year": "2999"},
            "The date must be today or in the past",
        ),
        (
            {"on_day": "3", "on_month": "3", "on_year": "2019"},
            "The date they left must be on or after the date they joined",
        ),
    ],
)
def test_an_invalid_end_saves_nothing(sam_client, smith_family, alex, data, message):
    membership = alex.memberships.get()
    FamilyMembership.objects.filter(pk=membership.pk).update(started_on=dt.date(2020, 1, 1))
    response = sam_client.post(end_url(membership), data)
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert message in html
    membership.refresh_from_db()
    assert membership.ended_on is None


def test_ending_twice_is_refused(sam_client, smith_family, alex):
    membership = alex.memberships.get()
    FamilyMembership.objects.filter(pk=membership.pk).update(ended_on=dt.date(2025, 1, 1))
    response = sam_client.post(
        end_url(membership), {"on_day": "3", "on_month": "3", "on_year": "2025"}
    )
    assert "This membership already ended on 1 January 2025" in response.content.decode()
    membership.refresh_from_db()
    assert membership.ended_on == dt.date(2025, 1, 1)


def test_an_archived_family_is_not_found(sam_client, sam, db):
    family = builders.family("Gone", children=0, adults=1)
    family.archive(by=sam.user)
    assert sam_client.get(add_member_url(family)).status_code == 404
