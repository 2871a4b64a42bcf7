"""Documents in a browser: a social worker generates an initial child protection conference
report for a family, writes the analysis sections, shares it with a parent and records the
parent's comment. Every page visited is checked with axe-core."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from familyworkbook.demo import builders
from familyworkbook.teams.models import Role
from familyworkbook.workbook.loader import load_shipped_programmes
from familyworkbook.workbook.models import Entry, RiskNeedItem
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser

TODAY = dt.date.today()  # noqa: DTZ011


@pytest.fixture
def world():
    load_shipped_programmes()  # the live server's database is flushed between tests
    north = builders.team("North Family Safeguarding Team", district="Fenland")
    sam = builders.worker(
        "sam", role=Role.SOCIAL_WORKER, teams=[north], first_name="Sam", last_name="Okafor"
    )
    smith = builders.family("Smith", children=2, adults=2)
    builders.case(smith, north, lead=sam, opened_on=TODAY - dt.timedelta(days=60))
    entry = Entry(
        family=smith,
        author=sam,
        chapter="social_work",
        happened_on=TODAY - dt.timedelta(days=20),
        kind="home_visit",
        what_happened="Home visit; Ava showed me her room.",
        meaning_for_child="Ava has a safe place to sleep.",
        what_happens_next="Visit again next week.",
        child_words="I like my room.",
        is_significant=True,
        headline="Ava seen at home",
    )
    entry.stamp(sam.user)
    entry.save()
    RiskNeedItem.objects.create(
        family=smith, kind="worry", text="Shouting at night", identified_on=TODAY
    )
    return {"sam": sam, "smith": smith}


def _fill_date(page: Page, legend: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_social_worker_drafts_writes_shares_and_records_the_parents_comment(page: Page, world):
    sign_in(page, "sam", builders.DEMO_PASSWORD)
    page.goto(f"/workbook/family/{world['smith'].pk}/")
    page.get_by_role("link", name="Documents", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Documents from the record")
    assert_accessible(page)

    page.get_by_role("button", name="Start a new document").click()
    assert_accessible(page)
    page.get_by_role("button", name="Create draft").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select a kind of document")
    assert_accessible(page)
    page.get_by_label("Report to the initial child protection conference").check()
    _fill_date(page, "Date of the conference or hearing", TODAY + dt.timedelta(days=21))
    page.get_by_role("button", name="Create draft").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Report to the initial child protection conference"
    )
    expect(page.locator("main")).to_contain_text("3 sections still to be written")
    expect(page.locator("main")).to_contain_text("Ava seen at home")
    expect(page.locator("#share-timing")).to_contain_text("Not yet shared")
    assert_accessible(page)

    texts = {
        "Is each child suffering, or likely to suffer, significant harm?": "Ava is likely to suffer emotional harm from the shouting.",
        "Danger statements and safety goals": "Sam is worried that Ava hears shouting at night.",
        "Recommendation": "A child protection plan under the category of emotional abuse.",
    }
    for heading, text in texts.items():
        page.locator(".govuk-inset-text").get_by_role("link", name=heading).click()
        assert_accessible(page)
        page.get_by_label(heading).fill(text)
        page.get_by_role("button", name="Save section").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("Section saved")
        expect(page.locator("main")).to_contain_text(text)
    expect(page.locator("main")).not_to_contain_text("sections still to be written")
    assert_accessible(page)

    page.get_by_role("link", name="Share this document").click()
    assert_accessible(page)
    page.get_by_label("Family member").select_option(label="Alex Smith")
    page.get_by_label("Why you are sharing it").fill("So Alex can read it before the conference")
    page.get_by_label("Public task").check()
    page.get_by_label("In person").check()
    _fill_date(page, "Date shared", TODAY)
    page.get_by_role("button", name="Record sharing").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("sharing log")
    expect(page.locator("#share-timing")).to_contain_text("Shared in time")
    expect(page.locator("main")).to_contain_text("Version 1 shared with Alex Smith")
    assert_accessible(page)

    page.get_by_role("link", name="Record a parent's comment").click()
    assert_accessible(page)
    page.get_by_label("Who said it").select_option(label="Alex Smith")
    page.get_by_label("Disagreement").check()
    page.get_by_label("About the section").select_option(
        label="Worries, what is working well and what needs to happen"
    )
    page.get_by_label("What they said, in their words").fill("There is no shouting at night.")
    _fill_date(page, "Date received", TODAY)
    page.get_by_role("button", name="Record comment").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Comment recorded")
    expect(page.locator("main")).to_contain_text("There is no shouting at night.")
    assert_accessible(page)

    page.get_by_role("link", name="Versions").click()
    expect(page.locator("main")).to_contain_text("intact")
    assert_accessible(page)
