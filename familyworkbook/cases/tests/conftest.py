"""Helpers for the cases tests. Personas (sam, priya, mo, dana, ada, the Smiths) are in the root conftest."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from familyworkbook.cases.models import CinEpisode
from familyworkbook.people.models import Person, PersonKind


def on(name: str, day: dt.date) -> dict[str, str]:
    """POST data for a GOV.UK date input."""
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


def post_data(**fields: Any) -> dict[str, Any]:
    """Build POST data: dates become day/month/year boxes, None is left out."""
    data: dict[str, Any] = {}
    for name, value in fields.items():
        if value is None:
            continue
        if isinstance(value, dt.date):
            data.update(on(name, value))
        else:
            data[name] = value
    return data


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
def ava(smith_family) -> Person:
    """The Smiths' elder child."""
    return smith_family.members.filter(kind=PersonKind.CHILD).order_by("date_of_birth").first()


@pytest.fixture
def ava_episode(smith_case, ava) -> CinEpisode:
    """Ava's open episode of need (referral 1 Sep 2025, opened with the Smiths' case)."""
    return CinEpisode.objects.get(child=ava, closed_on__isnull=True)


@pytest.fixture
def anon():
    """A client nobody has signed in to (the `client` fixture is the one `sam_client` signs in)."""
    from django.test import Client

    return Client()
