"""The Workbook in a browser: record a module session with analysis and see it in the chronology;
a substance misuse worker records in their chapter; a goal rated by worker and parent; an
autosaved draft survives signing out. Every page visited is checked with axe-core."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from familyworkbook.demo import builders
from familyworkbook.teams.models import Role
from familyworkbook.workbook.loader import load_shipped_programmes
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def world():
    load_shipped_programmes()  # the live server's database is flushed between tests
    north = builders.team("North Family Safeguarding Team", district="Fenland")
    sam = builders.worker(
        "sam", role=Role.SOCIAL_WORKER, teams=[north], first_name="Sam", last_name="Okafor"
    )
    ray = builders.worker(
        "ray", role=Role.SUBSTANCE_MISUSE_WORKER, teams=[north], first_name="Ray", last_name="Lewis"
    )
    smith = builders.family("Smith", children=2, adults=2)
    case = builders.case(smith, north, lead=sam, opened_on=dt.date(2025, 9, 1))
    from familyworkbook.cases.models import Allocation

    Allocation.objects.create(
        case=case, worker=ray, role=Role.SUBSTANCE_MISUSE_WORKER, started_on=dt.date(2025, 9, 2)
    )
    return {"sam": sam, "ray": ray, "smith": smith}


def _fill_date(page: Page, legend: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_social_worker_records_a_module_session_and_it_appears_in_the_chronology(page: Page, world):
    sign_in(page, "sam", builders.DEMO_PASSWORD)
    page.goto(world["smith"].get_absolute_url())
    page.get_by_role("link", name="Workbook", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Workbook")
    assert_accessible(page)

    page.get_by_role("link", name="Record a session or visit").click()
    assert_accessible(page)
    page.get_by_role("button", name="Save entry").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter what happened")
    assert_accessible(page)

    _fill_date(page, "Date of the session or visit", dt.date(2025, 10, 1))
    page.get_by_label("Home visit").check()
    page.get_by_role("group", name="Family members present").get_by_label("Ava Smith").check()
    page.get_by_label("Programme module").select_option(label="3. The child's world and voice")
    page.get_by_label("Tools used").fill("Three houses")
    page.get_by_label("What happened", exact=True).fill(
        "I saw Ava alone and we did the three houses."
    )
    page.get_by_label("The child's own words").fill("When mum is sad I make the cereal.")
    page.get_by_label("What it means for the child").fill("Ava is caring for her mum and brother.")
    page.get_by_label("What happens next").fill("Share Ava's words with Jo on Thursday.")
    page.get_by_role("group", name="Who this entry is about").get_by_label("Ava Smith").check()
    page.get_by_label("This is a significant event").check()
    page.get_by_label("Headline for the chronology").fill("Ava described caring for her mum")
    page.get_by_role("button", name="Save entry").click()

    expect(page.locator(".govuk-notification-banner")).to_contain_text("Entry recorded")
    expect(page.locator("main")).to_contain_text("When mum is sad I make the cereal.")
    assert_accessible(page)

    page.get_by_role("link", name="Chronology").first.click()
    table = page.locator("table")
    expect(table).to_contain_text("Referral received")
    expect(table).to_contain_text("Ava described caring for her mum")
    rows = table.locator("tbody tr").all_inner_texts()
    assert rows.index(next(r for r in rows if "Referral received" in r)) < rows.index(
        next(r for r in rows if "Ava described caring" in r)
    )
    assert_accessible(page)

    page.get_by_role("link", name="Overview").click()
    expect(page.locator("main")).to_contain_text("1 of 8 modules started")
    assert_accessible(page)


def test_substance_misuse_worker_records_in_their_chapter_with_a_shared_summary(page: Page, world):
    sign_in(page, "ray", builders.DEMO_PASSWORD)
    page.goto(f"/workbook/family/{world['smith'].pk}/entries/new/")
    assert_accessible(page)
    _fill_date(page, "Date of the session or visit", dt.date(2025, 10, 2))
    page.get_by_label("Session (office, school or community)").check()
    page.get_by_label("Programme module").select_option(label="6. Substance use")
    page.get_by_label("What happened", exact=True).fill("Recovery session with Alex.")
    page.get_by_label("What it means for the child").fill(
        "Alex is sober in the evenings more often."
    )
    page.get_by_label("What happens next").fill("Testing again in two weeks.")
    page.get_by_label("Summary shared with the team").fill("Engaging; testing continues.")
    page.get_by_label("Health-confidential detail").fill("Test positive for cannabis.")
    page.get_by_role("button", name="Save entry").click()
    expect(page.locator("main")).to_contain_text("Substance misuse recovery chapter")
    expect(page.locator("main")).to_contain_text("Test positive for cannabis.")
    assert_accessible(page)


def test_goal_rated_by_worker_and_parent_and_the_chart_shows_both(page: Page, world):
    sign_in(page, "sam", builders.DEMO_PASSWORD)
    page.goto(f"/workbook/family/{world['smith'].pk}/goals/new/")
    assert_accessible(page)
    page.get_by_label("Whose goal").select_option(label="Alex Smith")
    page.get_by_label("Goal", exact=True).fill("Stay sober in the evenings")
    page.get_by_label("The family member set this goal themselves").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Stay sober in the evenings").click()
    for who, score in (("Worker", "3"), ("Family member", "6")):
        page.get_by_role("link", name="Add a rating").click()
        page.get_by_label(who, exact=True).check()
        page.get_by_role("group", name="Rating from 0 to 10").get_by_label(
            score, exact=True
        ).check()
        page.get_by_role("button", name="Save").click()
    expect(page.locator("svg.fwb-chart path.fwb-line-worker")).to_have_count(1)
    expect(page.locator("svg.fwb-chart path.fwb-line-family")).to_have_count(1)
    expect(page.locator("table")).to_contain_text("Alex Smith")
    assert_accessible(page)


def test_an_autosaved_draft_survives_signing_out_and_back_in(page: Page, world):
    sign_in(page, "sam", builders.DEMO_PASSWORD)
    page.goto(f"/workbook/family/{world['smith'].pk}/entries/new/")
    page.get_by_label("What happened", exact=True).fill("Half-written note about the visit")
    expect(page.locator("#autosave-status")).to_contain_text("Draft saved at", timeout=10_000)
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "sam", builders.DEMO_PASSWORD)
    page.goto(f"/workbook/family/{world['smith'].pk}/entries/new/")
    expect(page.locator("main")).to_contain_text("We restored your unsaved draft")
    expect(page.get_by_label("What happened", exact=True)).to_have_value(
        "Half-written note about the visit"
    )
    assert_accessible(page)
