"""In a browser: the disclosure step before a print (R6), the request for a second approver
(R7) and the school or GP form, each checked with axe."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from playwright.sync_api import Page, expect

from familyworkbook.access.models import ProtectedAccessRequest, SharingRecord
from familyworkbook.demo import builders
from familyworkbook.teams.models import Role
from tests.browser.conftest import assert_accessible, sign_in, totp_code

pytestmark = pytest.mark.browser


@pytest.fixture
def world():
    north = builders.team("North Family Safeguarding Team", district="Fenland")
    sam = builders.worker(
        "sam", role=Role.SOCIAL_WORKER, teams=[north], first_name="Sam", last_name="Okafor"
    )
    builders.worker(
        "dana", role=Role.DA_SURVIVOR_WORKER, teams=[north], first_name="Dana", last_name="Price"
    )
    iggy = builders.worker("iggy", role=Role.PERFORMANCE, first_name="Iggy", last_name="Gov")
    # Browser tests flush the database between tests, so the migration's group may be gone.
    group, _ = Group.objects.get_or_create(name="Information governance")
    group.permissions.add(Permission.objects.get(codename="approve_protected_access"))
    iggy.user.groups.add(group)
    smith = builders.family("Smith", children=1, adults=2)
    builders.case(smith, north, lead=sam)
    return {"family": smith, "jo": smith.members.get(first_name="Jo"), "sam": sam}


def test_a_print_asks_for_the_disclosure_record_first(page: Page, world):
    sign_in(page, "sam", builders.DEMO_PASSWORD)
    page.goto(reverse("workbook:chronology_print", args=[world["family"].pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Record this disclosure")
    assert_accessible(page)
    page.get_by_role("button", name="Record and continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter who will receive it")
    assert_accessible(page)
    page.get_by_label("Who will receive it (name and role)").fill("Dr A Example, GP")
    page.get_by_label("Why are you sharing it?").fill("Child protection conference")
    page.get_by_label("Safeguarding of children (DPA 2018 Sch 1 para 18)").check()
    page.get_by_label("Why it is shared without consent").fill("Consent would put Ava at risk")
    page.get_by_role("button", name="Record and continue").click()
    expect(page).to_have_url(re.compile(r"disclosure=\d+"))
    assert SharingRecord.objects.filter(family=world["family"], recipient__contains="GP").exists()


def test_asking_for_protected_details_then_information_governance_sees_it(page: Page, world):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    sign_in(page, "sam", builders.DEMO_PASSWORD)
    page.goto(reverse("access:request_protected_access", args=[world["jo"].pk]))
    assert_accessible(page)
    page.get_by_label("Who needs to see the protected details?").select_option(
        label="Dana Price (dana)"
    )
    page.get_by_label("Why do they need to see them?").fill("Dana writes Jo's safety plan")
    device = TOTPDevice.objects.get(user__username="sam", confirmed=True)
    page.get_by_label("Your authenticator code").fill(
        totp_code(device.bin_key, not_before_step=device.last_t)
    )
    page.get_by_role("button", name="Send request").click()
    expect(page.locator("main")).to_contain_text("Request sent")
    assert ProtectedAccessRequest.objects.filter(status="pending").count() == 1
    page.context.clear_cookies()
    sign_in(page, "iggy", builders.DEMO_PASSWORD)
    page.goto(reverse("access:approvals"))
    expect(page.locator("main")).to_contain_text("1 request is waiting for a second approver")
    assert_accessible(page)


def test_the_school_or_gp_form_is_accessible(page: Page, world):
    sign_in(page, "sam", builders.DEMO_PASSWORD)
    page.goto(reverse("people:add_registration", args=[world["family"].members.first().pk]))
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
