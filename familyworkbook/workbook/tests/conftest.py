"""Workbook test helpers. Personas (sam, priya, mo, dana, the Smiths) are in the root conftest."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from familyworkbook.demo import builders
from familyworkbook.people.models import Person, PersonKind
from familyworkbook.teams.models import Role
from familyworkbook.workbook.loader import load_shipped_programmes
from familyworkbook.workbook.models import DEFAULT_PROGRAMME, Module, Programme


def on(name: str, day: dt.date) -> dict[str, str]:
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


def post_data(**fields: Any) -> dict[str, Any]:
    """POST data: dates become day/month/year boxes, None is left out, lists stay lists."""
    data: dict[str, Any] = {}
    for name, value in fields.items():
        if value is None:
            continue
        if isinstance(value, dt.date):
            data.update(on(name, value))
        else:
            data[name] = value
    return data


def assert_error(response, message: str, *, status: int = 200) -> None:
    """The form re-shown with `message` in its error summary (a stale save answers 409)."""
    html = response.content.decode()
    assert response.status_code == status, response.status_code
    assert "govuk-error-summary" in html
    assert message in html, html[html.find("govuk-error-summary") :][:1500]


@pytest.fixture
def programmes(db) -> list[Programme]:
    """The shipped programmes (tests that flush the database lose the migration's rows)."""
    return [r.programme for r in load_shipped_programmes()]


@pytest.fixture
def default_programme(programmes) -> Programme:
    return Programme.objects.latest_of(DEFAULT_PROGRAMME)


@pytest.fixture
def module3(default_programme) -> Module:
    return default_programme.modules.get(number=3)


@pytest.fixture
def ava(smith_family) -> Person:
    return smith_family.members.filter(kind=PersonKind.CHILD).order_by("date_of_birth").first()


@pytest.fixture
def leo(smith_family) -> Person:
    return smith_family.members.filter(kind=PersonKind.CHILD).order_by("date_of_birth").last()


@pytest.fixture
def alex(smith_family) -> Person:
    """The Smiths' first parent (an adult)."""
    return smith_family.members.filter(kind=PersonKind.ADULT).order_by("date_of_birth").first()


@pytest.fixture
def ray(north, south):
    """A substance misuse recovery worker serving North."""
    return builders.worker(
        "ray", role=Role.SUBSTANCE_MISUSE_WORKER, teams=[north], first_name="Ray", last_name="Lewis"
    )


def entry_fields(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "happened_on": dt.date(2025, 10, 1),
        "kind": "home_visit",
        "what_happened": "Home visit; Ava showed me her room.",
        "meaning_for_child": "Ava has a safe place to sleep.",
        "what_happens_next": "I will visit again next week.",
    }
    values.update(overrides)
    return values


@pytest.fixture
def anon_client():
    from django.test import Client

    return Client()


@pytest.fixture
def smith_family(smith_family, sam):
    """The root conftest's Smiths, recorded by Sam, so North sees them before any case opens."""
    for record in (smith_family, *smith_family.members.all()):
        type(record).objects.filter(pk=record.pk).update(created_by=sam.user)
    return smith_family
