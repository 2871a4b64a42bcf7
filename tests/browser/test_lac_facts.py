"""A social worker records a looked-after child's return details: the list page, every form
empty (error state) and one review recorded for real. Every page is axe-checked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from familyworkbook.cases.models import Allocation, LookedAfterEpisode, LookedAfterReview
from familyworkbook.demo import builders
from familyworkbook.people.models import PersonKind
from familyworkbook.teams.models import Role
from tests.browser.conftest import axe_violations, sign_in

pytestmark = pytest.mark.browser

KINDS = ["review", "missing", "oc2", "oc3", "adoption", "prevperm"]


@pytest.fixture
def world():
    north = builders.team("North Family Safeguarding Team", district="Fenland")
    sam = builders.worker("sam", role=Role.SOCIAL_WORKER, teams=[north], first_name="Sam")
    mo = builders.worker("mo", role=Role.TEAM_MANAGER, teams=[north], first_name="Mo")
    smith = builders.family("Smith", children=2, adults=2)
    case = builders.case(smith, north, lead=sam)
    child = smith.members.filter(kind=PersonKind.CHILD).order_by("date_of_birth").first()
    LookedAfterEpisode.objects.create(
        child=child,
        case=case,
        started_on=dt.date(2025, 9, 12),
        reason_new_episode="S",
        legal_status="C1",
        need="N1",
        placement_type="U4",
        placement_provider="PR1",
    )
    Allocation.objects.filter(case=case).update(ended_on=dt.date(2025, 10, 31))
    second = Allocation.objects.create(
        case=case, worker=mo, role=mo.role, is_lead=True, started_on=dt.date(2025, 11, 1)
    )
    return {"child": child, "second": second}


def test_return_details_pages_and_forms_pass_axe(page: Page, world):
    child = world["child"]
    sign_in(page, "sam", builders.DEMO_PASSWORD)
    found: list[str] = []

    def check(what: str) -> None:
        violations = axe_violations(page)
        if violations:
            found.append(f"{what} ({page.url}):")
            found.extend(violations)

    page.goto(reverse("cases:person", args=[child.pk]))
    page.get_by_role("link", name="Reviews, outcomes, adoption and other return details").click()
    expect(page.get_by_role("heading", name="Looked-after return details")).to_be_visible()
    check("list")
    forms = [reverse(f"cases:lac_{kind}_add", args=[child.pk]) for kind in KINDS]
    forms += [
        reverse("cases:lac_uasc", args=[child.pk]),
        reverse("cases:lac_social_worker_change", args=[world["second"].pk]) + f"?child={child.pk}",
    ]
    for url in forms:
        response = page.goto(url)
        assert response is not None and response.status == 200, (url, response and response.status)
        check("form")
        page.locator("main form[method='post'] button[type='submit']").first.click()
        page.wait_for_load_state()
        if page.locator(".govuk-error-summary").count():
            check("form with errors")
        else:
            found.append(f"form submitted empty showed no error summary ({url} -> {page.url})")

    # One for real: a review, through the page.
    page.goto(reverse("cases:lac_review_add", args=[child.pk]))
    page.get_by_label("Day").fill("20")
    page.get_by_label("Month").fill("10")
    page.get_by_label("Year").fill("2025")
    page.get_by_label("Child physically attended and spoke for themselves").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Looked-after review recorded")).to_be_visible()
    check("list after saving")
    assert LookedAfterReview.objects.filter(child=child, held_on=dt.date(2025, 10, 20)).exists()
    assert not found, "\n".join(found)
