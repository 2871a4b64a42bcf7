"""Personas shared by every test (see docs/testing.md).

- sam: social worker in North FST; lead worker for the Smith family.
- priya: social worker in South FST.
- mo: team manager of North FST.
- dana: domestic abuse survivor worker serving North and South.
- ada: system administrator (Django admin).
"""

from __future__ import annotations

import pytest

from familyworkbook.demo import builders
from familyworkbook.teams.models import Role


@pytest.fixture
def north(db):
    return builders.team("North Family Safeguarding Team", district="Fenland")


@pytest.fixture
def south(db):
    return builders.team("South Family Safeguarding Team", district="City")


@pytest.fixture
def sam(north):
    return builders.worker(
        "sam", role=Role.SOCIAL_WORKER, teams=[north], first_name="Sam", last_name="Okafor"
    )


@pytest.fixture
def priya(south):
    return builders.worker(
        "priya", role=Role.SOCIAL_WORKER, teams=[south], first_name="Priya", last_name="Shah"
    )


@pytest.fixture
def mo(north):
    return builders.worker(
        "mo", role=Role.TEAM_MANAGER, teams=[north], first_name="Mo", last_name="Reid"
    )


@pytest.fixture
def dana(north, south):
    return builders.worker(
        "dana",
        role=Role.DA_SURVIVOR_WORKER,
        teams=[north, south],
        first_name="Dana",
        last_name="Price",
    )


@pytest.fixture
def ada(db):
    return builders.worker(
        "ada",
        role=Role.SYSTEM_ADMIN,
        is_staff=True,
        is_superuser=True,
        first_name="Ada",
        last_name="Admin",
    )


@pytest.fixture
def smith_family(db):
    return builders.family("Smith", children=2, adults=2)


@pytest.fixture
def smith_case(smith_family, north, sam):
    return builders.case(smith_family, north, lead=sam)


def sign_in(client, who):
    """Sign `who` (a Worker or a User) in on the test client, second factor included.

    Every test signs in through this one function. It leaves the session as the product's
    sign-in does: the user signed in with a password and verified with a confirmed TOTP
    device (created here if they have none). The real password-and-code path is tested
    in familyworkbook/access/tests/test_sign_in.py.
    """
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = getattr(who, "user", who)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def signed_in():
    """`signed_in(client, worker)` returns the client signed in as that worker."""
    return sign_in


@pytest.fixture
def sam_client(client, sam):
    return sign_in(client, sam)
