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


# The suite's longest tests, longest first (`--durations`, December 2026: the form fuzz about
# 160 s on PostgreSQL, each one-truth county 20-30 s, each role of the URL matrix and the
# canary crawl 10-20 s). Run first, so that pytest-xdist's two workers share them out instead
# of one worker finishing them alone at the end. Only database tests that roll back are moved,
# and they are already first (pytest-django runs them before transactional ones), so the
# order pytest-django needs is kept; a TestCase class moves whole, so it sets up once.
LONGEST_FIRST = (
    "tests/security/test_form_fuzz.py::test_every_form_survives_hostile_answers",
    "tests/invariants/test_one_truth.py::",
    "familyworkbook/workbook/tests/test_no_placeholder_text.py::",
    "familyworkbook/demo/tests/test_workbooks.py::",
    "familyworkbook/access/tests/test_url_matrix.py::test_matrix[",
    "familyworkbook/access/tests/test_canary.py::test_no_role_without_a_grant_ever_sees_",
)


def _rolls_back(item: pytest.Item) -> bool:
    from django.test import TestCase, TransactionTestCase

    cls = getattr(item, "cls", None)
    if cls is not None and issubclass(cls, TransactionTestCase):
        return issubclass(cls, TestCase)
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return False
    fixtures = getattr(item, "fixturenames", [])
    if "transactional_db" in fixtures or "live_server" in fixtures:
        return False
    return bool(marker) or "db" in fixtures


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int | None:
        for position, prefix in enumerate(LONGEST_FIRST):
            if item.nodeid.startswith(prefix) and _rolls_back(item):
                return position
        return None

    ranked = [(rank(item), index, item) for index, item in enumerate(items)]
    first = sorted((r, i, item) for r, i, item in ranked if r is not None)
    items[:] = [item for _r, _i, item in first] + [item for r, _i, item in ranked if r is None]
