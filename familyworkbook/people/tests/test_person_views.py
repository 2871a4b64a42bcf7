from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from familyworkbook.people import services
from familyworkbook.people.models import FamilyMembership, Person
from familyworkbook.people.tests.conftest import valid_person_data

ADD = reverse("people:add_person")


def edit_url(person: Person) -> str:
    return reverse("people:edit_person", args=[person.pk])


def edit_data(person: Person, **overrides: str) -> dict:
    born = person.date_of_birth
    data = valid_person_data(
        kind=person.kind,
        first_name=person.first_name,
        last_name=person.last_name,
        date_of_birth_day=str(born.day),
        date_of_birth_month=str(born.month),
        date_of_birth_year=str(born.year),
        sex=person.sex,
        ethnicity=person.ethnicity,
        disabilities=person.disabilities,
        version=str(person.version),
    )
    data.update(overrides)
    return data


@pytest.mark.parametrize("url_name", ["people:add_person", "people:add_family"])
def test_add_pages_need_sign_in(client, db, url_name):
    url = reverse(url_name)
    for response in (client.get(url), client.post(url, valid_person_data())):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert Person.objects.count() == 0


def test_edit_needs_sign_in(client, ava):
    response = client.post(edit_url(ava), edit_data(ava, first_name="Eve"))
    assert response["Location"].startswith(reverse("login"))
    ava.refresh_from_db()
    assert ava.first_name == "Ava"


def test_the_add_page_has_the_fields_and_button(sam_client):
    html = sam_client.get(ADD).content.decode()
    assert '<h1 class="govuk-heading-l">Add a person</h1>' in html
    assert "<title>Add a person" in html
    for text in [
        "Unborn child",
        "Date of birth",
        "Expected date of birth",
        "No disability",
        "Ethnicity",
        "NHS number",
        "Needs an interpreter",
        ">Save person</button>",
    ]:
        assert text in html, text
    assert "govuk-error-summary" not in html
    assert "govuk-back-link" in html


def test_a_valid_child_is_saved_with_an_la_child_id(sam_client, sam):
    response = sam_client.post(ADD, valid_person_data(interpreter_needed="on"))
    zara = Person.objects.get(last_name="Okonkwo")
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:person", args=[zara.pk])
    assert zara.date_of_birth == dt.date(2019, 4, 3)
    assert zara.disabilities == ["NONE"]
    assert zara.interpreter_needed is True
    assert zara.la_child_id == f"C{zara.pk:07d}"
    assert zara.created_by == sam.user
    assert not zara.memberships.exists()


def test_identifiers_are_tidied_before_they_are_checked(sam_client):
    sam_client.post(
        ADD,
        valid_person_data(upn="h801200001001", upn_unknown_reason="", nhs_number="943 476 5919"),
    )
    zara = Person.objects.get(last_name="Okonkwo")
    assert (zara.upn, zara.nhs_number) == ("H801200001001", "9434765919")


def test_adding_into_a_family_makes_them_a_household_member(sam_client, smith_family):
    response = sam_client.post(f"{ADD}?family={smith_family.pk}", valid_person_data())
    zara = Person.objects.get(last_name="Okonkwo")
    assert response["Location"] == reverse("cases:family", args=[smith_family.pk])
    membership = FamilyMembership.objects.get(person=zara)
    assert (membership.family, membership.kind) == (smith_family, "household")


def test_an_unknown_family_is_not_found(sam_client, db):
    assert sam_client.get(f"{ADD}?family=999").status_code == 404
    assert sam_client.get(f"{ADD}?family=abc").status_code == 404


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"kind": ""}, "Select whether this is a child, an unborn child or an adult"),
        ({"last_name": ""}, "Enter the last name"),
        (
            {"date_of_birth_day": "", "date_of_birth_month": "", "date_of_birth_year": ""},
            "Enter the child&#x27;s date of birth",
        ),
        (
            {"date_of_birth_day": "31", "date_of_birth_month": "2"},
            "Date of birth must be a real date",
        ),
        ({"date_of_birth_year": "2999"}, "Date of birth must be today or in the past"),
        ({"kind": "unborn"}, "An unborn child has an expected date of birth, not a date of birth"),
        ({"upn": "A801200001001", "upn_unknown_reason": ""}, "the check letter does not match"),
        ({"upn": "H801200001001"}, "Give a UPN or a reason it is not known, not both"),
        ({"nhs_number": "9434765918"}, "the check digit does not match"),
        ({"disabilities": ["NONE", "MOB"]}, "Select &#x27;No disability&#x27; on its own"),
        (
            {
                "expected_date_of_birth_day": "1",
                "expected_date_of_birth_month": "1",
                "expected_date_of_birth_year": "2027",
            },
            "Only give an expected date of birth for an unborn child",
        ),
    ],
)
def test_invalid_answers_show_the_error_summary_and_save_nothing(sam_client, overrides, message):
    response = sam_client.post(ADD, valid_person_data(**overrides))
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert message in html
    assert "<title>Error: Add a person" in html
    assert Person.objects.count() == 0


def test_a_taken_nhs_number_is_refused(sam_client, ava):
    Person.objects.filter(pk=ava.pk).update(nhs_number="9434765919")
    response = sam_client.post(ADD, valid_person_data(nhs_number="9434765919"))
    assert "Another person on the record already has this NHS number" in response.content.decode()
    assert not Person.objects.filter(last_name="Okonkwo").exists()


def same_birthday_as_ava(**overrides: str) -> dict:
    return valid_person_data(
        first_name="Ava",
        last_name="Smyth",
        date_of_birth_day="17",
        date_of_birth_month="5",
        date_of_birth_year="2016",
        **overrides,
    )


def test_a_possible_duplicate_is_shown_and_nothing_saved(sam_client, ava):
    count = Person.objects.count()
    response = sam_client.post(ADD, same_birthday_as_ava())
    html = response.content.decode()
    assert response.status_code == 200
    assert "This person may already be on the record" in html
    assert response.context["duplicates"] == [ava]
    assert reverse("cases:person", args=[ava.pk]) in html
    assert 'name="confirm_not_duplicate" value="1"' in html
    assert "These are different people: add anyway" in html
    assert 'name="last_name" value="Smyth"' in html  # the answers travel with the confirmation
    assert Person.objects.count() == count


def test_confirming_different_people_saves(sam_client, ava):
    count = Person.objects.count()
    response = sam_client.post(ADD, same_birthday_as_ava(confirm_not_duplicate="1"))
    assert response.status_code == 302
    assert Person.objects.count() == count + 1
    assert Person.objects.filter(last_name="Smyth", first_name="Ava").exists()


def test_choosing_to_change_the_details_returns_to_the_form(sam_client, ava):
    count = Person.objects.count()
    response = sam_client.post(ADD, same_birthday_as_ava(change="1"))
    html = response.content.decode()
    assert ">Save person</button>" in html
    assert 'value="Smyth"' in html
    assert Person.objects.count() == count


def test_a_shared_upn_is_a_possible_duplicate_even_with_another_name(sam_client, ava):
    Person.objects.filter(pk=ava.pk).update(upn="H801200001001")
    response = sam_client.post(ADD, valid_person_data(upn="H801200001001", upn_unknown_reason=""))
    assert response.context["duplicates"] == [ava]
    assert not Person.objects.filter(last_name="Okonkwo").exists()


def test_the_edit_page_shows_the_current_answers_and_version(sam_client, ava):
    html = sam_client.get(edit_url(ava)).content.decode()
    assert 'value="Ava"' in html
    assert 'name="version" value="1"' in html
    assert "govuk-back-link" in html


def test_a_valid_edit_is_saved(sam_client, sam, ava):
    response = sam_client.post(edit_url(ava), edit_data(ava, known_as="Avie"))
    assert response["Location"] == reverse("cases:person", args=[ava.pk])
    ava.refresh_from_db()
    assert ava.known_as == "Avie"
    assert ava.version == 2
    assert ava.modified_by == sam.user


def test_an_invalid_edit_changes_nothing(sam_client, ava):
    response = sam_client.post(edit_url(ava), edit_data(ava, last_name="", known_as="Avie"))
    assert "govuk-error-summary" in response.content.decode()
    assert "Enter the last name" in response.content.decode()
    ava.refresh_from_db()
    assert (ava.last_name, ava.known_as, ava.version) == ("Smith", "", 1)


def test_a_stale_edit_is_refused_and_shows_both_answers(sam_client, mo, ava):
    opened = edit_data(ava)  # Sam opens the form at version 1
    ava.known_as = "Bunny"  # Mo saves first
    services.update_person(ava, by=mo.user, expected_version=1)

    response = sam_client.post(edit_url(ava), {**opened, "known_as": "Avie"})
    html = response.content.decode()
    assert response.status_code == 409
    assert "govuk-error-summary" in html
    assert "Someone else changed this record while you were editing it" in html
    assert {"label": "Known as (optional)", "theirs": "Bunny", "mine": "Avie"} in response.context[
        "differences"
    ]
    assert "Mo Reid" in html
    assert 'name="version" value="2"' in html  # re-submitting saves on top of Mo's version
    ava.refresh_from_db()
    assert (ava.known_as, ava.version) == ("Bunny", 2)

    again = sam_client.post(edit_url(ava), {**opened, "known_as": "Avie", "version": "2"})
    assert again.status_code == 302
    ava.refresh_from_db()
    assert (ava.known_as, ava.version) == ("Avie", 3)


def test_turning_an_adult_into_a_child_assigns_an_la_child_id(sam_client, lone_adult):
    response = sam_client.post(
        edit_url(lone_adult),
        valid_person_data(
            kind="child",
            first_name="Robin",
            last_name="Hale",
            date_of_birth_year="2015",
            version="1",
        ),
    )
    assert response.status_code == 302
    lone_adult.refresh_from_db()
    assert lone_adult.la_child_id == f"C{lone_adult.pk:07d}"


def test_an_archived_person_cannot_be_edited(sam_client, sam, ava):
    ava.archive(by=sam.user)
    assert sam_client.get(edit_url(ava)).status_code == 404
