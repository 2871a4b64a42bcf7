"""The journey a social worker makes most days: find a family, add a child, allocate a worker."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from familyworkbook.demo import builders
from familyworkbook.teams.models import Role
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def world():
    north = builders.team("North Family Safeguarding Team", district="Fenland")
    sam = builders.worker(
        "sam", role=Role.SOCIAL_WORKER, teams=[north], first_name="Sam", last_name="Okafor"
    )
    ola = builders.worker(
        "ola", role=Role.CHILD_PRACTITIONER, teams=[north], first_name="Ola", last_name="Bankole"
    )
    smith = builders.family("Smith", children=2, adults=2)
    builders.case(smith, north, lead=sam)
    # Another family whose name also matches, so the search has to be read, not just followed.
    builders.family("Smithson", children=1, adults=1)
    return {"sam": sam, "ola": ola, "smith": smith}


def test_find_a_family_add_a_child_and_allocate_a_worker(page: Page, world):
    sign_in(page, "sam", builders.DEMO_PASSWORD)
    assert_accessible(page)

    page.get_by_role("link", name="Find a person or family").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Find a person or family")
    assert_accessible(page)

    page.get_by_label("Name, date of birth or identifier").fill("Smith")
    page.get_by_role("button", name="Search").click()
    results = page.locator("main")
    expect(results).to_contain_text("Smith family")
    assert_accessible(page)

    results.get_by_role("link", name="Smith family", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Smith family")
    family_url = page.url
    expect(page.locator("main")).to_contain_text("Ava Smith")
    assert_accessible(page)

    page.get_by_role("link", name="Add a child").click()
    assert_accessible(page)
    kind = page.get_by_label("Child", exact=True)
    if kind.count():  # the form may already know a child is being added
        kind.check()
    page.get_by_label("First name").fill("Poppy")
    page.get_by_label("Last name").fill("Smith")
    born = page.get_by_role("group", name="Date of birth", exact=True)
    born.get_by_label("Day").fill("14")
    born.get_by_label("Month").fill("2")
    born.get_by_label("Year").fill("2023")
    _choose(page, "Sex", "Female")
    _choose(page, "Ethnicity", "White British")
    page.get_by_label("No disability").check()
    page.get_by_role("button", name="Save person").click()

    expect(page).to_have_url(family_url)
    expect(page.locator("main")).to_contain_text("Poppy Smith")
    assert_accessible(page)

    page.get_by_role("link", name="Allocate a worker").click()
    assert_accessible(page)
    page.get_by_label("Worker", exact=True).select_option(label="Ola Bankole (Child practitioner)")
    page.get_by_role("button", name="Allocate").click()

    expect(page).to_have_url(family_url)
    expect(page.locator("main")).to_contain_text("Ola Bankole")
    assert_accessible(page)

    # What the pages showed is what was saved.
    poppy = world["smith"].members.get(first_name="Poppy")
    assert (poppy.kind, poppy.date_of_birth, poppy.sex) == ("child", dt.date(2023, 2, 14), "F")
    assert poppy.disabilities == ["NONE"]
    assert world["smith"].cases.get().allocations.filter(worker=world["ola"]).exists()


def _choose(page: Page, label: str, option: str) -> None:
    """Pick an option whether the form shows it as a select or as radios."""
    select = page.get_by_label(label, exact=True)
    if select.count() and select.evaluate("el => el.tagName") == "SELECT":
        select.select_option(label=option)
    else:
        page.get_by_role("group", name=label).get_by_label(option, exact=True).check()
