"""R20 in a browser: two people edit the same person; the second save is refused, shows what
the first changed, and nothing is lost."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from familyworkbook.demo import builders
from familyworkbook.people.models import Person
from familyworkbook.teams.models import Role
from tests.browser.conftest import TIMEOUT_MS, assert_accessible, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def world():
    north = builders.team("North Family Safeguarding Team", district="Fenland")
    sam = builders.worker(
        "sam", role=Role.SOCIAL_WORKER, teams=[north], first_name="Sam", last_name="Okafor"
    )
    mo = builders.worker(
        "mo", role=Role.TEAM_MANAGER, teams=[north], first_name="Mo", last_name="Reid"
    )
    smith = builders.family("Smith", children=1, adults=1)
    builders.case(smith, north, lead=sam)
    return {"ava": smith.members.get(first_name="Ava"), "sam": sam, "mo": mo}


def test_the_second_save_is_refused_and_shows_the_first(
    page: Page, browser: Browser, live_server, world
):
    ava = world["ava"]
    edit = reverse("people:edit_person", args=[ava.pk])
    other = browser.new_context(base_url=live_server.url, locale="en-GB")
    other.set_default_timeout(TIMEOUT_MS)
    mo_page = other.new_page()
    try:
        sign_in(page, "sam", builders.DEMO_PASSWORD)
        sign_in(mo_page, "mo", builders.DEMO_PASSWORD)
        page.goto(edit)
        mo_page.goto(edit)

        page.get_by_label("Known as (optional)").fill("Bunny")
        page.get_by_role("button", name="Save person").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("details saved")

        mo_page.get_by_label("Main language").fill("Polish")
        mo_page.get_by_role("button", name="Save person").click()
        expect(mo_page.locator(".govuk-error-summary")).to_contain_text(
            "Someone else changed this record while you were editing it"
        )
        conflict = mo_page.locator(".govuk-inset-text")
        expect(conflict).to_contain_text("Sam Okafor saved this record")
        expect(conflict).to_contain_text("Bunny")
        assert_accessible(mo_page)

        ava.refresh_from_db()
        assert (ava.known_as, ava.main_language) == ("Bunny", "English")  # nothing lost
        assert ava.version == 2

        # Mo keeps Sam's change and adds theirs: the merge is saved on top of version 2.
        mo_page.get_by_label("Known as (optional)").fill("Bunny")
        mo_page.get_by_label("Main language").fill("Polish")
        mo_page.get_by_role("button", name="Save person").click()
        expect(mo_page.locator(".govuk-notification-banner")).to_contain_text("details saved")
        saved = Person.objects.get(pk=ava.pk)
        assert (saved.known_as, saved.main_language, saved.version) == ("Bunny", "Polish", 3)
    finally:
        other.close()
