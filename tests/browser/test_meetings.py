"""A team manager runs a group case supervision: two professionals present, one written
contribution from a specialist who sent apologies, a RAG rating agreed, two actions set; next
month's meeting opens with those actions carried forward. Every page is axe-checked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from familyworkbook.cases.models import Allocation
from familyworkbook.demo import builders
from familyworkbook.meetings.models import MeetingType
from familyworkbook.meetings.seed import seed_meeting_types
from familyworkbook.teams.models import Role
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def world():
    seed_meeting_types(MeetingType)  # the live server's database is flushed between tests
    north = builders.team("North Family Safeguarding Team", district="Fenland")
    sam = builders.worker(
        "sam", role=Role.SOCIAL_WORKER, teams=[north], first_name="Sam", last_name="Okafor"
    )
    builders.worker("mo", role=Role.TEAM_MANAGER, teams=[north], first_name="Mo", last_name="Reid")
    dana = builders.worker(
        "dana", role=Role.DA_SURVIVOR_WORKER, teams=[north], first_name="Dana", last_name="Price"
    )
    smith = builders.family("Smith", children=2, adults=2)
    case = builders.case(smith, north, lead=sam)
    Allocation.objects.create(
        case=case, worker=dana, role=Role.DA_SURVIVOR_WORKER, started_on=dt.date(2025, 9, 1)
    )
    return {"smith": smith}


def _plan(page: Page, family_id: int, day: dt.date) -> None:
    page.goto(f"/meetings/family/{family_id}/")
    assert_accessible(page)
    page.get_by_role("link", name="Plan a meeting").click()
    assert_accessible(page)
    when = page.get_by_role("group", name="Date of the meeting")
    when.get_by_label("Day").fill(str(day.day))
    when.get_by_label("Month").fill(str(day.month))
    when.get_by_label("Year").fill(str(day.year))
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("Video call link (optional)").fill("https://video.example/smith")
    page.get_by_role("button", name="Plan meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Group case supervision")
    assert_accessible(page)


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def test_group_supervision_with_actions_carried_to_next_month(page: Page, world):
    family = world["smith"]
    today = timezone.localdate()

    sign_in(page, "mo", builders.DEMO_PASSWORD)
    page.goto("/meetings/due/")
    expect(page.locator("main")).to_contain_text("Smith")
    assert_accessible(page)
    _plan(page, family.pk, today)
    meeting_url = page.url
    _sign_out(page)

    # Dana cannot attend: she writes her contribution beforehand.
    sign_in(page, "dana", builders.DEMO_PASSWORD)
    page.goto(meeting_url)
    page.get_by_role("link", name="Add your contribution").click()
    assert_accessible(page)
    page.get_by_label("Your contribution").fill("Mum has completed module 2 of Freedom.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("Mum has completed module 2 of Freedom.")
    _sign_out(page)

    sign_in(page, "mo", builders.DEMO_PASSWORD)
    page.goto(meeting_url)
    page.get_by_role("link", name="Record the meeting").click()
    assert_accessible(page)
    page.get_by_role("group", name="Dana Price (Domestic abuse survivor worker)").get_by_label(
        "Sent apologies"
    ).check()
    page.get_by_role("group", name="Sam Okafor (Social worker)").get_by_label(
        "Present by video or phone"
    ).check()
    page.get_by_label("Amber: some concern").check()
    page.get_by_label("The child's voice").fill("Ava says home feels calmer.")
    due = today + dt.timedelta(days=21)
    for n, (text, owner) in enumerate(
        [("Visit school", "Sam Okafor"), ("Start Freedom module 3", "Dana Price")], start=1
    ):
        page.get_by_label(f"New action {n} (optional)").fill(text)
        page.get_by_label(f"Owner of action {n}").select_option(label=owner)
        group = page.get_by_role("group", name=f"Action {n} due by")
        group.get_by_label("Day").fill(str(due.day))
        group.get_by_label("Month").fill(str(due.month))
        group.get_by_label("Year").fill(str(due.year))
    page.get_by_role("button", name="Save the record").click()

    main = page.locator("main")
    expect(main).to_contain_text("Amber: some concern")
    expect(main).to_contain_text("Sent apologies")
    expect(main).to_contain_text("Present by video or phone")
    expect(main).to_contain_text("Mum has completed module 2 of Freedom.")
    expect(main).to_contain_text("Visit school")
    assert_accessible(page)
    page.get_by_role("button", name="Sign off the record").click()
    expect(main).to_contain_text("Signed off")
    assert_accessible(page)

    _plan(page, family.pk, today + dt.timedelta(days=30))
    carried = page.get_by_role("table", name="Actions carried forward from the last meeting")
    expect(carried).to_contain_text("Visit school")
    expect(carried).to_contain_text("Start Freedom module 3")
    expect(page.locator("main")).to_contain_text("Amber: some concern")  # previous rating shown
    page.get_by_role("link", name="Record the meeting").click()
    expect(page.locator("main")).to_contain_text("Last time the RAG rating was Amber")
    expect(
        page.get_by_role("group", name="Carried forward: Visit school", exact=False)
    ).to_be_visible()
    assert_accessible(page)
