"""A world for the access tests: the Smiths (North's case), a survivor with a safe address,
an alleged perpetrator, a perpetrator worker and an information-governance officer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group, Permission

from familyworkbook.access.models import AccessGrant, GrantKind, PerpetratorLink
from familyworkbook.demo import builders
from familyworkbook.people.models import Address, PersonKind
from familyworkbook.teams.models import Role

CANARY_LINE = "7 Canary Wharf Refuge Lane"
CANARY_POSTCODE = "ZZ9 9ZZ"
CANARY_TOWN = "Canarytown"


@pytest.fixture
def survivor(smith_case):
    """Jo Smith, a parent, the survivor."""
    return smith_case.family.members.get(first_name="Jo")


@pytest.fixture
def perpetrator(smith_case):
    """Alex Smith, the other parent, alleged to have abused Jo."""
    return smith_case.family.members.get(first_name="Alex")


@pytest.fixture
def safe_address(survivor, perpetrator, sam):
    PerpetratorLink.objects.create(perpetrator=perpetrator, survivor=survivor)
    return Address.objects.create(
        person=survivor,
        kind="safe",
        line_1=CANARY_LINE,
        town=CANARY_TOWN,
        postcode=CANARY_POSTCODE,
        from_date=dt.date(2025, 6, 1),
        protected=True,
    )


@pytest.fixture
def perp_worker(north, smith_case):
    """Pat, the domestic abuse perpetrator worker in North, allocated to the Smiths."""
    worker = builders.worker("pat", role=Role.DA_PERPETRATOR_WORKER, teams=[north])
    from familyworkbook.cases.models import Allocation

    Allocation.objects.create(
        case=smith_case, worker=worker, role=worker.role, started_on=dt.date(2025, 9, 2)
    )
    return worker


@pytest.fixture
def ig_officer(db):
    worker = builders.worker("iggy", role=Role.PERFORMANCE, first_name="Iggy", last_name="Gov")
    worker.user.groups.add(Group.objects.get(name="Information governance"))
    return worker


@pytest.fixture
def council_reader(db):
    worker = builders.worker("cora", role=Role.SERVICE_MANAGER)
    worker.user.user_permissions.add(Permission.objects.get(codename="view_all_records"))
    return worker


def grant(worker, person, kind=GrantKind.PROTECTED, by=None):
    return AccessGrant.objects.create(
        user=worker.user,
        person=person,
        kind=kind,
        reason="Needed for the safety plan",
        created_by=by,
    )


@pytest.fixture
def ava(smith_case):
    return smith_case.family.members.filter(kind=PersonKind.CHILD).order_by("date_of_birth").first()
