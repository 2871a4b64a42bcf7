"""Every page of the record, and every form in its error state, passes axe-core (WCAG 2.x A/AA).

One walk through the pages, collecting every violation, so a failure lists them all at once.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from familyworkbook.demo import builders
from familyworkbook.people.models import PersonKind
from familyworkbook.teams.models import Role
from tests.browser.conftest import axe_violations, sign_in

pytestmark = pytest.mark.browser


def _pages() -> tuple[list[str], list[str]]:
    """(pages to read, forms to submit empty) for a team with one open case."""
    north = builders.team("North Family Safeguarding Team", district="Fenland")
    sam = builders.worker(
        "sam", role=Role.SOCIAL_WORKER, teams=[north], first_name="Sam", last_name="Okafor"
    )
    smith = builders.family("Smith", children=2, adults=2)
    case = builders.case(smith, north, lead=sam)
    child = smith.members.filter(kind=PersonKind.CHILD).first()
    adult = smith.members.filter(kind=PersonKind.ADULT).first()
    episode = child.cin_episodes.get()
    allocation = case.allocations.get()

    pages = [
        reverse("cases:my_caseload"),
        reverse("cases:team_caseloads"),
        reverse("cases:team_caseload", args=[north.pk]),
        reverse("cases:family", args=[smith.pk]),
        reverse("cases:person", args=[child.pk]),
        reverse("cases:person", args=[adult.pk]),
        reverse("people:search") + "?q=Smith",
        reverse("people:search") + "?q=Nobody-matches-this",
    ]
    forms = [
        reverse("people:add_person") + f"?family={smith.pk}",
        reverse("people:edit_person", args=[child.pk]),
        reverse("people:add_relationship", args=[child.pk]),
        reverse("people:add_address", args=[adult.pk]),
        reverse("people:add_family"),
        reverse("people:add_member", args=[smith.pk]),
        reverse("cases:open_case", args=[smith.pk]),
        reverse("cases:close_case", args=[case.pk]),
        reverse("cases:allocate", args=[case.pk]),
        reverse("cases:end_allocation", args=[allocation.pk]),
        reverse("cases:record_referral", args=[child.pk]),
        reverse("cases:close_episode", args=[episode.pk]),
        reverse("cases:record_assessment", args=[episode.pk]),
        reverse("cases:record_s47", args=[episode.pk]),
        reverse("cases:record_cp_plan", args=[episode.pk]),
        reverse("cases:record_cin_plan", args=[episode.pk]),
        reverse("cases:record_lac_episode", args=[child.pk]),
        reverse("cases:record_plo", args=[child.pk]),
        reverse("cases:record_proceedings", args=[child.pk]),
        reverse("cases:record_visit", args=[child.pk]),
    ]
    return pages, forms


def test_every_page_and_every_form_error_state_passes_axe(page: Page):
    pages, forms = _pages()
    sign_in(page, "sam", builders.DEMO_PASSWORD)
    found: list[str] = []

    def check(what: str) -> None:
        violations = axe_violations(page)
        if violations:
            found.append(f"{what} ({page.url}):")
            found.extend(violations)

    for url in pages:
        response = page.goto(url)
        assert response is not None and response.status == 200, (url, response and response.status)
        check("page")
    for url in forms:
        response = page.goto(url)
        assert response is not None and response.status == 200, (url, response and response.status)
        check("form")
        # Clear what the form filled in for us, then submit: the error state must be accessible too.
        form = page.locator("main form[method='post']").last
        for box in form.locator("input[type='text'], textarea").all():
            box.fill("")
        form.locator("button[type='submit']").first.click()
        page.wait_for_load_state()
        if page.locator(".govuk-error-summary").count():
            check("form with errors")
        else:
            found.append(f"form submitted empty showed no error summary ({url} -> {page.url})")

    assert not found, "\n".join(found)
