from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from familyworkbook.demo import builders
from familyworkbook.people import services
from familyworkbook.people.models import (
    Family,
    Person,
    PersonKind,
    Relationship,
    normalise_postcode,
    upn_check_letter,
    validate_disabilities,
    validate_nhs_number,
    validate_upn,
)

# Worked by hand: body 801200001001, weights 2..13:
# 8*2 + 0*3 + 1*4 + 2*5 + 0*6 + 0*7 + 0*8 + 0*9 + 1*10 + 0*11 + 0*12 + 1*13 = 53;
# 53 mod 23 = 7, and the 8th letter of ABCDEFGHJKLMNPQRTUVWXYZ (from 0) is H.
KNOWN_GOOD_UPN = "H801200001001"


def test_the_check_letter_of_a_known_good_upn_is_computed_from_its_body():
    assert upn_check_letter("801200001001") == "H"
    validate_upn(KNOWN_GOOD_UPN)


@pytest.mark.parametrize(
    "upn",
    [
        "A801200001001",  # wrong check letter
        "H80120000100",  # 12 characters
        "8012000010011",  # no check letter
        "H80120000100I",  # I is not a letter UPNs use
        "",
    ],
)
def test_an_invalid_upn_is_refused(upn):
    with pytest.raises(ValidationError):
        validate_upn(upn)


def test_a_temporary_upn_ending_in_a_letter_uses_the_letter_value():
    # A=0 in the table, so a final "A" adds nothing: the check letter is that of ...00100 + 0.
    body = "80120000100A"
    validate_upn(upn_check_letter(body) + body)


def test_nhs_number_check_digit():
    validate_nhs_number("9434765919")  # NHS Digital's published test number
    with pytest.raises(ValidationError, match="check digit"):
        validate_nhs_number("9434765918")
    with pytest.raises(ValidationError, match="10 digits"):
        validate_nhs_number("94347659")


def test_no_disability_must_be_selected_on_its_own():
    validate_disabilities(["NONE"])
    validate_disabilities(["MOB", "HEAR"])
    with pytest.raises(ValidationError, match="on its own"):
        validate_disabilities(["NONE", "MOB"])
    with pytest.raises(ValidationError):
        validate_disabilities(["XYZ"])


@pytest.mark.django_db
def test_an_unborn_child_has_no_date_of_birth_in_clean_and_in_the_database():
    unborn = Person(
        kind=PersonKind.UNBORN,
        last_name="Smith",
        date_of_birth=dt.date(2024, 1, 1),
        expected_date_of_birth=dt.date(2026, 1, 1),
    )
    with pytest.raises(ValidationError):
        unborn.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        unborn.save()


@pytest.mark.django_db
def test_a_child_needs_a_date_of_birth():
    with pytest.raises(ValidationError, match="Enter the child's date of birth"):
        Person(kind=PersonKind.CHILD, first_name="Ava", last_name="Smith").full_clean()


@pytest.mark.django_db
def test_a_person_cannot_be_related_to_themselves_in_clean(alex):
    with pytest.raises(ValidationError, match="cannot be their own parent"):
        Relationship(person=alex, other=alex, kind="parent").full_clean()


@pytest.mark.django_db
def test_a_person_cannot_be_related_to_themselves_in_the_database(alex):
    with pytest.raises(IntegrityError), transaction.atomic():
        Relationship.objects.create(person=alex, other=alex, kind="parent")


@pytest.mark.django_db
def test_parental_responsibility_only_for_carers(alex, ava):
    with pytest.raises(ValidationError, match="Only a parent or carer"):
        Relationship(
            person=ava, other=alex, kind="child", parental_responsibility=True
        ).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Relationship.objects.create(
            person=ava, other=alex, kind="sibling", parental_responsibility=True
        )


@pytest.mark.django_db
def test_the_service_creates_the_inverse_relationship(sam, lone_adult, ava):
    forward = services.add_relationship(lone_adult, by=sam.user, other=ava, kind="grandparent")
    backward = Relationship.objects.get(person=ava, other=lone_adult)
    assert backward.kind == "grandchild"
    assert forward.inverse == backward
    assert backward.inverse == forward
    assert forward.created_by == sam.user


@pytest.mark.django_db
def test_the_service_refuses_a_person_related_to_themselves(sam, alex):
    with pytest.raises(ValidationError, match="cannot be their own parent"):
        services.add_relationship(alex, by=sam.user, other=alex, kind="parent")
    assert not Relationship.objects.filter(person=alex, other=alex).exists()


@pytest.mark.django_db
def test_the_service_refuses_pr_for_a_non_carer_and_a_duplicate(sam, smith_family, alex, ava):
    count = Relationship.objects.count()
    with pytest.raises(ValidationError, match="Only a parent or carer"):
        services.add_relationship(
            ava, by=sam.user, other=alex, kind="child", parental_responsibility=True
        )
    with pytest.raises(ValidationError, match="already recorded"):
        # builders.family already linked Alex as Ava's parent
        services.add_relationship(alex, by=sam.user, other=ava, kind="parent")
    with pytest.raises(ValidationError, match="already recorded"):
        services.add_relationship(ava, by=sam.user, other=alex, kind="child")
    assert Relationship.objects.count() == count


@pytest.mark.django_db
def test_an_ended_relationship_can_start_again(sam, lone_adult, alex):
    first = services.add_relationship(alex, by=sam.user, other=lone_adult, kind="partner")
    services.end_relationship(first, by=sam.user, on=dt.date(2024, 1, 1))
    assert (
        Relationship.objects.ongoing()
        .filter(person__in=[alex, lone_adult])
        .filter(kind="partner")
        .count()
        == 0
    )
    again = services.add_relationship(alex, by=sam.user, other=lone_adult, kind="partner")
    assert again.inverse.ended_on is None


def test_postcodes_are_normalised_or_refused():
    assert normalise_postcode(" cb30ap ") == "CB3 0AP"
    assert normalise_postcode("sw1a 1aa") == "SW1A 1AA"
    with pytest.raises(ValidationError, match="Enter a real postcode, like CB3 0AP"):
        normalise_postcode("CB3")


@pytest.mark.django_db
def test_children_get_an_la_child_id_and_adults_do_not(sam):
    child = services.add_person(
        Person(
            kind=PersonKind.CHILD,
            first_name="Kai",
            last_name="Ng",
            date_of_birth=dt.date(2018, 2, 2),
        ),
        by=sam.user,
    )
    unborn = services.add_person(
        Person(kind=PersonKind.UNBORN, last_name="Ng", expected_date_of_birth=dt.date(2027, 2, 2)),
        by=sam.user,
    )
    adult = services.add_person(
        Person(kind=PersonKind.ADULT, first_name="Lee", last_name="Ng"), by=sam.user
    )
    child.refresh_from_db()
    unborn.refresh_from_db()
    assert child.la_child_id == f"C{child.pk:07d}"
    assert unborn.la_child_id == f"C{unborn.pk:07d}"
    assert adult.la_child_id == ""
    child.full_clean()  # the generated ID passes the model's validator


@pytest.mark.django_db
def test_an_la_child_id_already_taken_gets_a_letter(sam):
    taken_by = Person.objects.create(kind=PersonKind.ADULT, last_name="Old", la_child_id="C9999999")
    nxt = taken_by.pk + 1
    Person.objects.filter(pk=taken_by.pk).update(la_child_id=f"C{nxt:07d}")
    child = services.add_person(
        Person(
            kind=PersonKind.CHILD,
            first_name="Kai",
            last_name="Ng",
            date_of_birth=dt.date(2018, 2, 2),
        ),
        by=sam.user,
    )
    assert child.pk == nxt
    assert child.la_child_id == f"C{nxt:07d}A"


@pytest.mark.django_db
def test_a_new_family_gets_a_reference_from_its_number(sam, lone_adult):
    family = services.add_family(by=sam.user, name="Hale family", first_member=lone_adult)
    family.refresh_from_db()
    assert family.reference == f"F{family.pk:07d}"
    assert list(family.members.all()) == [lone_adult]
    assert family.memberships.get().created_by == sam.user


@pytest.mark.django_db
def test_family_search_matches_name_words_and_reference():
    smiths = builders.family("Smith", reference="FAM123")
    builders.family("Jones")
    assert list(Family.objects.search("smi fam")) == [smiths]
    assert list(Family.objects.search("fam123")) == [smiths]
    assert list(Family.objects.search("   ")) == []
