"""Recording an SDQ for a child and seeing the scores as a chart with a table beside it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from familyworkbook.demo import builders
from familyworkbook.measures.models import MeasureResponse
from familyworkbook.people.models import PersonKind
from familyworkbook.teams.models import Role
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def world():
    north = builders.team("North Family Safeguarding Team", district="Fenland")
    sam = builders.worker(
        "sam", role=Role.SOCIAL_WORKER, teams=[north], first_name="Sam", last_name="Okafor"
    )
    smith = builders.family("Smith", children=2, adults=2)
    case = builders.case(smith, north, lead=sam)
    ava = smith.members.filter(kind=PersonKind.CHILD).order_by("date_of_birth").first()
    return {"sam": sam, "case": case, "ava": ava}


def test_sam_records_an_sdq_and_sees_the_chart_and_table(page: Page, world):
    ava = world["ava"]
    sign_in(page, "sam", builders.DEMO_PASSWORD)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.goto(reverse("cases:person", args=[ava.pk]))
    expect(page.get_by_role("heading", name="Measures")).to_be_visible()
    expect(page.locator("main")).to_contain_text("No questionnaires recorded.")
    assert_accessible(page)

    page.get_by_role("link", name="Record a questionnaire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a questionnaire")
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the questionnaire")
    assert_accessible(page)
    page.get_by_label("Strengths and Difficulties Questionnaire (SDQ)").check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Record the SDQ")
    assert_accessible(page)
    # Submit with item 7 unanswered and no date: the summary names what is wrong.
    page.get_by_role("group", name="Who completed it?").get_by_label("Parent or carer").check()
    page.get_by_role("group", name="Collection point").get_by_label("At assessment").check()
    for number in range(1, 26):
        page.locator(f"#id_item_{number}_1").check()  # Somewhat true
    page.get_by_role("button", name="Save and score").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the date the questionnaire was completed")
    assert_accessible(page)
    assert not MeasureResponse.objects.exists()

    date = page.get_by_role("group", name="Date completed")
    date.get_by_label("Day").fill("10")
    date.get_by_label("Month").fill("9")
    date.get_by_label("Year").fill("2025")
    page.locator("#id_item_3_2").check()  # Certainly true
    page.get_by_role("button", name="Save and score").click()

    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Questionnaire recorded and scored"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Measures")
    chart = page.get_by_role("img", name="SDQ: Parent or carer scores over time")
    expect(chart).to_be_visible()
    table = page.get_by_role("table", name="SDQ: Parent or carer: every score")
    # Emotional 6, conduct 5, hyperactivity 5, peer 5: total 21, "very high" for a parent.
    expect(table).to_contain_text("21")
    expect(table).to_contain_text("very high")
    assert_accessible(page)

    measure = MeasureResponse.objects.get()
    assert measure.scores["total_difficulties"] == 21
    page.goto(reverse("cases:person", args=[ava.pk]))
    expect(page.locator("main")).to_contain_text("very high")
    assert_accessible(page)
