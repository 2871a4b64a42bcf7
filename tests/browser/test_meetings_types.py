"""A system administrator adds a meeting type (a mistake first, shown in the error summary),
then a team manager plans a meeting, the invitations are emailed, and the supervision frequency
report shows a chart with its table. Every page is axe-checked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
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
    builders.worker("ada", role=Role.SYSTEM_ADMIN, teams=[north], first_name="Ada")
    sam = builders.worker("sam", role=Role.SOCIAL_WORKER, teams=[north], first_name="Sam")
    builders.worker("mo", role=Role.TEAM_MANAGER, teams=[north], first_name="Mo")
    dana = builders.worker("dana", role=Role.DA_SURVIVOR_WORKER, teams=[north], first_name="Dana")
    smith = builders.family("Smith", children=2, adults=2)
    case = builders.case(smith, north, lead=sam)
    Allocation.objects.create(
        case=case, worker=dana, role=Role.DA_SURVIVOR_WORKER, started_on=dt.date(2025, 9, 1)
    )
    return {"smith": smith}


def test_admin_adds_a_meeting_type(page: Page, world):
    sign_in(page, "ada", builders.DEMO_PASSWORD)
    page.goto("/meetings/types/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Meeting types")
    assert_accessible(page)
    page.get_by_role("link", name="Add a meeting type").click()
    assert_accessible(page)
    page.get_by_label("Name").fill("Strategy discussion")
    page.get_by_label("Code").fill("Strategy Discussion")
    page.get_by_label("About one family").check()
    page.get_by_label("Due only while an adult specialist is allocated").check()
    page.get_by_role("button", name="Save meeting type").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Code must only use lower-case letters")
    expect(summary).to_contain_text("Enter how often the meeting is due")
    assert_accessible(page)
    page.get_by_label("Code").fill("strategy_discussion")
    page.get_by_label("Due only while an adult specialist is allocated").uncheck()
    page.get_by_label("Social worker", exact=True).check()
    page.get_by_role("button", name="Save meeting type").click()
    expect(page.locator("main")).to_contain_text("Meeting type saved")
    expect(page.locator("main")).to_contain_text("Strategy discussion")
    assert_accessible(page)
    assert MeetingType.objects.get(slug="strategy_discussion").invite_disciplines == [
        Role.SOCIAL_WORKER
    ]


def test_manager_plans_emails_invitations_and_reads_the_frequency_report(page: Page, world):
    family = world["smith"]
    day = timezone.localdate() + dt.timedelta(days=7)
    sign_in(page, "mo", builders.DEMO_PASSWORD)
    page.goto(f"/meetings/family/{family.pk}/plan/")
    assert_accessible(page)
    when = page.get_by_role("group", name="Date of the meeting")
    when.get_by_label("Day").fill(str(day.day))
    when.get_by_label("Month").fill(str(day.month))
    when.get_by_label("Year").fill(str(day.year))
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("Where (optional)").fill("Room 4, Castle Court")
    page.get_by_role("button", name="Plan meeting").click()
    expect(page.locator("main")).to_contain_text("Invitations emailed to 3 professionals")
    expect(page.get_by_role("columnheader", name="Invitation emailed")).to_be_visible()
    assert_accessible(page)
    assert len(mail.outbox) == 3
    assert all("Castle Court" not in m.body for m in mail.outbox)

    page.goto("/meetings/supervision/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Group case supervision frequency")
    expect(page.get_by_role("table", name="Each case")).to_contain_text(family.reference)
    assert_accessible(page)
    page.get_by_role("group", name="To").get_by_label("Year").fill("2001")
    page.get_by_role("button", name="Show").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The end of the period must be after its start"
    )
    assert_accessible(page)
