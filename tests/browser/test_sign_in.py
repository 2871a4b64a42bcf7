from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from familyworkbook.demo import builders
from familyworkbook.teams.models import Role
from tests.browser.conftest import assert_accessible, complete_second_factor, sign_in

pytestmark = pytest.mark.browser

GOVUK_BLUE = "rgb(29, 112, 184)"  # #1d70b8, the header colour of the rebranded GOV.UK Frontend


def test_sign_in_page_has_govuk_styles_and_passes_axe(page: Page):
    responses = []
    page.on("response", lambda r: responses.append((r.url, r.status)))
    page.goto("/sign-in/")
    page.evaluate("() => document.fonts.ready")

    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Family Workbook")
    header = page.locator(".govuk-header")
    assert "GDS Transport" in header.evaluate("el => getComputedStyle(el).fontFamily")
    assert header.evaluate("el => getComputedStyle(el).backgroundColor") == GOVUK_BLUE
    # The font comes from our own static files (the /assets/ URL rewrite), not a CDN.
    assert page.evaluate(
        "() => [...document.fonts].some(f => f.family.includes('GDS Transport') && f.status === 'loaded')"
    )
    stylesheets = [(url, status) for url, status in responses if url.endswith(".css")]
    assert stylesheets and all(status == 200 for _, status in stylesheets), stylesheets
    assert all(url.startswith(page.url.split("/sign-in/")[0]) for url, _ in responses), responses
    assert_accessible(page)


def test_wrong_password_shows_the_error_summary(page: Page):
    builders.worker("sam", role=Role.SOCIAL_WORKER, first_name="Sam", last_name="Okafor")

    sign_in(page, "sam", "not-the-password")

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("correct username and password")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page).to_have_url(re.compile(r"/sign-in/$"))
    assert_accessible(page)


def test_a_signed_out_visitor_is_sent_to_sign_in_and_then_back(page: Page):
    builders.worker("sam", role=Role.SOCIAL_WORKER, first_name="Sam", last_name="Okafor")

    page.goto("/people/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/people/$"))
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password").fill(builders.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    complete_second_factor(page, "sam")

    expect(page).to_have_url(re.compile(r"/people/$"))
    expect(page.locator(".govuk-phase-banner")).to_contain_text("Signed in as Sam Okafor")
