from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.db import connection

from familyworkbook.access.models import AccessGrant, GrantKind
from familyworkbook.demo import builders
from familyworkbook.people.models import Address
from familyworkbook.teams.models import Role

CANARY_LINE = "7 Canary Wharf Refuge Lane"
CANARY_POSTCODE = "ZZ9 9ZZ"

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="field history is recorded by PostgreSQL triggers; SQLite has none (R14)",
)


@pytest.fixture
def jo(smith_case):
    """Jo Smith, a parent, a survivor with a safe address."""
    return smith_case.family.members.get(first_name="Jo")


@pytest.fixture
def safe_address(jo, sam):
    return Address.objects.create(
        person=jo,
        kind="safe",
        line_1=CANARY_LINE,
        town="Canarytown",
        postcode=CANARY_POSTCODE,
        from_date=dt.date(2025, 6, 1),
        protected=True,
    )


@pytest.fixture
def ig_officer(db):
    worker = builders.worker("iggy", role=Role.PERFORMANCE, first_name="Iggy", last_name="Gov")
    worker.user.groups.add(Group.objects.get(name="Information governance"))
    return worker


def grant_protected(worker, person):
    return AccessGrant.objects.create(
        user=worker.user, person=person, kind=GrantKind.PROTECTED, reason="Safety plan"
    )
