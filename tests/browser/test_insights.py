"""A team manager's insights: fidelity and what is behind a figure, the training register,
the evaluation tables, and a KPI figure's cases; every page checked with axe."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from familyworkbook.demo import builders
from familyworkbook.insights.models import TrainingRecord
from familyworkbook.teams.models import Role
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def world():
    north = builders.team("North Family Safeguarding Team", district="Fenland")
    mo = builders.worker(
        "mo", role=Role.TEAM_MANAGER, teams=[north], first_name="Mo", last_name="Reid"
    )
    sam = builders.worker(
        "sam", role=Role.SOCIAL_WORKER, teams=[north], first_name="Sam", last_name="Okafor"
    )
    builders.case(builders.family("Smith"), north, lead=sam, opened_on=dt.date(2024, 1, 1))
    return {"mo": mo, "sam": sam}


def test_manager_reads_fidelity_records_training_and_drills_into_figures(page: Page, world):
    sign_in(page, "mo", builders.DEMO_PASSWORD)
    page.goto(reverse("insights:fidelity"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Fidelity to the model")
    assert_accessible(page)

    page.get_by_role("link", name="Structured programme used").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Structured programme used")
    expect(page.locator("main")).to_contain_text("Smith family")
    expect(page.locator("main")).to_contain_text("0 of 1 counted")
    assert_accessible(page)

    page.goto(reverse("insights:training"))
    page.get_by_role("button", name="Add to the register").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select who was trained")
    assert_accessible(page)
    page.get_by_label("Who was trained").select_option(label="Sam Okafor (Social worker)")
    page.get_by_label("Course").select_option(label="Motivational Interviewing (two days)")
    date = page.get_by_role("group", name="Date completed")
    date.get_by_label("Day").fill("3")
    date.get_by_label("Month").fill("2")
    date.get_by_label("Year").fill("2025")
    page.get_by_role("button", name="Add to the register").click()
    expect(page.get_by_role("table")).to_contain_text("Sam Okafor")
    assert TrainingRecord.objects.get().worker == world["sam"]
    assert_accessible(page)

    page.goto(reverse("insights:appendix"))
    page.get_by_role("button", name="Show the tables").click()
    expect(page.get_by_role("heading", name="Case volumes and timings").first).to_be_visible()
    assert_accessible(page)

    page.goto(reverse("insights:dashboard"))
    page.get_by_role("link", name="list the cases").first.click()
    expect(page.locator("main")).to_contain_text("Smith family")
    assert_accessible(page)
