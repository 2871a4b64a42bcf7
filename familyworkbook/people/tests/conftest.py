from __future__ import annotations

import datetime as dt

import pytest

from familyworkbook.people.models import Person, PersonKind


def recorded_by(worker, *records) -> None:
    """Say `worker` recorded these (no case yet): the access policy shows them to their teams."""
    for record in records:
        type(record).objects.filter(pk=record.pk).update(created_by=worker.user)


@pytest.fixture
def smith_family(smith_family, sam):
    """The root conftest's Smiths, recorded by Sam, so North sees them before any case opens."""
    recorded_by(sam, smith_family, *smith_family.members.all())
    return smith_family


@pytest.fixture
def ava(smith_family):
    """The Smiths' older child, Ava (born 17 May 2016)."""
    return smith_family.members.get(first_name="Ava")


@pytest.fixture
def alex(smith_family):
    """One of the Smiths' parents."""
    return smith_family.members.get(first_name="Alex")


@pytest.fixture
def lone_adult(sam):
    """An adult in no family, recorded by Sam (so North's workers see them)."""
    return Person.objects.create(
        kind=PersonKind.ADULT,
        first_name="Robin",
        last_name="Hale",
        date_of_birth=dt.date(1979, 1, 9),
        created_by=sam.user,
    )


def valid_person_data(**overrides: str) -> dict[str, str | list[str]]:
    data: dict[str, str | list[str]] = {
        "kind": "child",
        "first_name": "Zara",
        "last_name": "Okonkwo",
        "known_as": "",
        "date_of_birth_day": "3",
        "date_of_birth_month": "4",
        "date_of_birth_year": "2019",
        "expected_date_of_birth_day": "",
        "expected_date_of_birth_month": "",
        "expected_date_of_birth_year": "",
        "sex": "F",
        "ethnicity": "BAFR",
        "disabilities": ["NONE"],
        "upn": "",
        "upn_unknown_reason": "UN1",
        "nhs_number": "",
        "main_language": "English",
    }
    data.update(overrides)
    return data
