from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from familyworkbook.people import services
from familyworkbook.people.models import Address, Relationship


def add_rel_url(person) -> str:
    return reverse("people:add_relationship", args=[person.pk])


def add_address_url(person) -> str:
    return reverse("people:add_address", args=[person.pk])


@pytest.fixture
def robin_in_smiths(sam, smith_family, lone_adult):
    services.add_member(
        smith_family, by=sam.user, person=lone_adult, kind="network", contact="weekly"
    )
    return lone_adult


def test_relationship_and_address_pages_need_sign_in(client, alex, ava):
    relationship = Relationship.objects.get(person=alex, other=ava)
    address = Address.objects.create(
        person=alex,
        line_1="1 High St",
        town="Ely",
        postcode="CB7 4AA",
        from_date=dt.date(2020, 1, 1),
    )
    urls = [
        add_rel_url(alex),
        add_address_url(alex),
        reverse("people:end_relationship", args=[relationship.pk]),
        reverse("people:end_address", args=[address.pk]),
    ]
    for url in urls:
        assert client.get(url)["Location"].startswith(reverse("login"))
        assert client.post(url, {"on_day": "1", "on_month": "1", "on_year": "2025"})[
            "Location"
        ].startswith(reverse("login"))
    relationship.refresh_from_db()
    address.refresh_from_db()
    assert relationship.ended_on is None
    assert address.to_date is None


def test_the_other_person_is_chosen_from_the_family(sam_client, robin_in_smiths, ava, lone_adult):
    response = sam_client.get(add_rel_url(robin_in_smiths))
    choices = list(response.context["form"].fields["other"].queryset)
    assert ava in choices
    assert lone_adult not in choices  # not themselves
    assert "Ava Smith (17 May 2016)" in response.content.decode()


def test_someone_in_no_family_is_told_to_add_one(sam_client, lone_adult):
    html = sam_client.get(add_rel_url(lone_adult)).content.decode()
    assert "is not in a family with anyone else yet" in html
    assert f"{reverse('people:add_family')}?person={lone_adult.pk}" in html


def test_a_relationship_and_its_inverse_are_saved(sam_client, sam, robin_in_smiths, ava):
    response = sam_client.post(
        add_rel_url(robin_in_smiths),
        {
            "other": ava.pk,
            "kind": "grandparent",
            "parental_responsibility": "on",
            "is_main_carer": "on",
            "started_on_day": "17",
            "started_on_month": "5",
            "started_on_year": "2016",
        },
    )
    assert response["Location"] == reverse("cases:person", args=[robin_in_smiths.pk])
    forward = Relationship.objects.get(person=robin_in_smiths, other=ava)
    assert (forward.kind, forward.parental_responsibility, forward.is_main_carer) == (
        "grandparent",
        True,
        True,
    )
    assert forward.inverse.kind == "grandchild"
    assert forward.inverse.person == ava
    assert forward.inverse.inverse == forward
    assert forward.created_by == sam.user
    assert forward.started_on == forward.inverse.started_on == dt.date(2016, 5, 17)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "parent"}, "Select the other person"),
        ({"other": "AVA"}, "Select the relationship"),
        (
            {"other": "AVA", "kind": "grandchild", "parental_responsibility": "on"},
            "Only a parent or carer can have parental responsibility",
        ),
        (
            {"other": "AVA", "kind": "friend", "is_main_carer": "on"},
            "Only a parent or carer can be the main carer",
        ),
        (
            {"other": "ROBIN", "kind": "parent"},
            "Select a person from the same family",
        ),  # themselves
        ({"other": "STRANGER", "kind": "parent"}, "Select a person from the same family"),
    ],
)
def test_invalid_relationships_save_nothing(sam_client, robin_in_smiths, ava, db, data, message):
    from familyworkbook.demo import builders

    stranger = builders.family("Other", children=1, adults=0).members.get()
    ids = {"AVA": ava.pk, "ROBIN": robin_in_smiths.pk, "STRANGER": stranger.pk}
    data = {key: ids.get(value, value) for key, value in data.items()}
    count = Relationship.objects.count()
    response = sam_client.post(add_rel_url(robin_in_smiths), data)
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert message in html
    assert Relationship.objects.count() == count


def test_a_duplicate_relationship_is_refused(sam_client, alex, ava):
    count = Relationship.objects.count()
    response = sam_client.post(add_rel_url(alex), {"other": ava.pk, "kind": "parent"})
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Alex Smith is already recorded as parent of Ava Smith" in html
    assert Relationship.objects.count() == count


def test_ending_a_relationship_ends_both_rows(sam_client, alex, ava):
    relationship = Relationship.objects.get(person=alex, other=ava)
    response = sam_client.post(
        reverse("people:end_relationship", args=[relationship.pk]),
        {"on_day": "1", "on_month": "6", "on_year": "2025"},
    )
    assert response["Location"] == reverse("cases:person", args=[alex.pk])
    assert set(
        Relationship.objects.filter(person__in=[alex, ava], other__in=[alex, ava]).values_list(
            "ended_on", flat=True
        )
    ) == {dt.date(2025, 6, 1)}


def test_ending_a_relationship_needs_a_date(sam_client, alex, ava):
    relationship = Relationship.objects.get(person=alex, other=ava)
    response = sam_client.post(reverse("people:end_relationship", args=[relationship.pk]), {})
    assert "Enter the date the relationship ended" in response.content.decode()
    relationship.refresh_from_db()
    assert relationship.ended_on is None


def address_data(**overrides: str) -> dict[str, str]:
    data = {
        "kind": "home",
        "line_1": "2 New Road",
        "line_2": "",
        "town": "March",
        "postcode": "pe15 8aa",
        "from_date_day": "1",
        "from_date_month": "9",
        "from_date_year": "2025",
    }
    data.update(overrides)
    return data


def test_an_address_is_added_with_a_tidy_postcode(sam_client, sam, alex):
    html = sam_client.get(add_address_url(alex)).content.decode()
    assert '<h1 class="govuk-heading-l">Add an address</h1>' in html
    response = sam_client.post(add_address_url(alex), address_data(protected="on"))
    assert response["Location"] == reverse("cases:person", args=[alex.pk])
    address = Address.objects.get(person=alex)
    assert (address.postcode, address.protected, address.from_date) == (
        "PE15 8AA",
        True,
        dt.date(2025, 9, 1),
    )
    assert address.created_by == sam.user


def test_a_new_home_ends_the_current_home_the_day_before(sam_client, sam, alex):
    old = services.add_address(
        alex,
        by=sam.user,
        kind="home",
        line_1="1 Old Road",
        line_2="",
        town="Ely",
        postcode="CB7 4AA",
        from_date=dt.date(2020, 1, 1),
        protected=False,
    )
    correspondence = services.add_address(
        alex,
        by=sam.user,
        kind="correspondence",
        line_1="PO Box 1",
        line_2="",
        town="Ely",
        postcode="CB7 4AB",
        from_date=dt.date(2020, 1, 1),
        protected=False,
    )
    sam_client.post(add_address_url(alex), address_data())
    old.refresh_from_db()
    correspondence.refresh_from_db()
    assert old.to_date == dt.date(2025, 8, 31)
    assert correspondence.to_date is None
    assert Address.objects.ongoing().filter(person=alex, kind="home").get().line_1 == "2 New Road"


def test_a_new_home_cannot_start_before_the_current_one(sam_client, sam, alex):
    old = services.add_address(
        alex,
        by=sam.user,
        kind="home",
        line_1="1 Old Road",
        line_2="",
        town="Ely",
        postcode="CB7 4AA",
        from_date=dt.date(2025, 10, 1),
        protected=False,
    )
    response = sam_client.post(add_address_url(alex), address_data())
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "The date they moved in must be after 1 October 2025" in html
    old.refresh_from_db()
    assert old.to_date is None
    assert Address.objects.filter(person=alex).count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"postcode": "CB3"}, "Enter a real postcode, like CB3 0AP"),
        ({"postcode": ""}, "Enter the postcode"),
        ({"line_1": ""}, "Enter address line 1, typically the building and street"),
        ({"town": ""}, "Enter the town or city"),
        (
            {"from_date_day": "", "from_date_month": "", "from_date_year": ""},
            "Enter the date they moved in",
        ),
        ({"from_date_year": "2999"}, "The date they moved in must be today or in the past"),
    ],
)
def test_invalid_addresses_save_nothing(sam_client, alex, overrides, message):
    response = sam_client.post(add_address_url(alex), address_data(**overrides))
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert message in html
    assert not Address.objects.filter(person=alex).exists()


def test_ending_an_address(sam_client, sam, alex):
    address = services.add_address(
        alex,
        by=sam.user,
        kind="home",
        line_1="1 Old Road",
        line_2="",
        town="Ely",
        postcode="CB7 4AA",
        from_date=dt.date(2020, 1, 1),
        protected=False,
    )
    url = reverse("people:end_address", args=[address.pk])
    bad = sam_client.post(url, {"on_day": "1", "on_month": "1", "on_year": "2019"})
    assert "The date they left must be on or after the date they moved in" in bad.content.decode()
    address.refresh_from_db()
    assert address.to_date is None
    response = sam_client.post(url, {"on_day": "1", "on_month": "1", "on_year": "2024"})
    assert response["Location"] == reverse("cases:person", args=[alex.pk])
    address.refresh_from_db()
    assert address.to_date == dt.date(2024, 1, 1)
    assert address.version == 2
