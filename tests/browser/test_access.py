"""In a browser, after the real two-step sign-in: the perpetrator worker sees the family but
never the survivor's safe address; a worker in another team gets "Page not found"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from familyworkbook.access.models import AccessGrant, PerpetratorLink
from familyworkbook.cases.models import Allocation
from familyworkbook.demo import builders
from familyworkbook.people.models import Address
from familyworkbook.teams.models import Role
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser

CANARY = "9 Kestrel Refuge Close"


@pytest.fixture
def world():
    north = builders.team("North Family Safeguarding Team", district="Fenland")
    south = builders.team("South Family Safeguarding Team", district="City")
    sam = builders.worker(
        "sam", role=Role.SOCIAL_WORKER, teams=[north], first_name="Sam", last_name="Okafor"
    )
    pat = builders.worker(
        "pat", role=Role.DA_PERPETRATOR_WORKER, teams=[north], first_name="Pat", last_name="Lee"
    )
    dana = builders.worker(
        "dana", role=Role.DA_SURVIVOR_WORKER, teams=[north], first_name="Dana", last_name="Price"
    )
    builders.worker(
        "priya", role=Role.SOCIAL_WORKER, teams=[south], first_name="Priya", last_name="Shah"
    )
    smith = builders.family("Smith", children=1, adults=2)
    case = builders.case(smith, north, lead=sam)
    Allocation.objects.create(case=case, worker=pat, role=pat.role, started_on=dt.date(2025, 9, 2))
    jo = smith.members.get(first_name="Jo")
    PerpetratorLink.objects.create(perpetrator=smith.members.get(first_name="Alex"), survivor=jo)
    Address.objects.create(
        person=jo,
        kind="safe",
        line_1=CANARY,
        town="Ely",
        postcode="CB7 9ZZ",
        from_date=dt.date(2025, 6, 1),
        protected=True,
    )
    AccessGrant.objects.create(
        user=dana.user, person=jo, kind="protected", reason="Safety planning"
    )
    return {"jo": jo, "family": smith}


def test_perpetrator_worker_never_sees_the_safe_address(page: Page, world):
    sign_in(page, "pat", builders.DEMO_PASSWORD)
    page.goto(reverse("cases:person", args=[world["jo"].pk]))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Jo Smith")
    expect(page.locator("main")).not_to_contain_text(CANARY)
    expect(page.locator("main")).not_to_contain_text("Protected address")
    assert_accessible(page)


def test_survivor_worker_with_a_grant_sees_it_marked(page: Page, world):
    sign_in(page, "dana", builders.DEMO_PASSWORD)
    page.goto(reverse("cases:person", args=[world["jo"].pk]))
    expect(page.locator("main")).to_contain_text(CANARY)
    expect(page.locator("main")).to_contain_text("Protected: do not share")
    assert_accessible(page)


def test_another_team_gets_page_not_found(page: Page, world):
    sign_in(page, "priya", builders.DEMO_PASSWORD)
    response = page.goto(reverse("cases:family", args=[world["family"].pk]))
    assert response is not None and response.status == 404
