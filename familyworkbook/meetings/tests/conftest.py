"""Meeting test helpers. Personas (sam, mo, dana, priya, the Smiths) are in the root conftest."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from familyworkbook.cases.models import Allocation
from familyworkbook.meetings import services
from familyworkbook.meetings.models import GROUP_SUPERVISION, MeetingType
from familyworkbook.meetings.seed import seed_meeting_types
from familyworkbook.teams.models import Role


def on(name: str, day: dt.date) -> dict[str, str]:
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


def assert_error(response, message: str, *, status: int = 200) -> None:
    """The form re-shown with `message` in its error summary (a stale save answers 409)."""
    html = response.content.decode()
    assert response.status_code == status, response.status_code
    assert "govuk-error-summary" in html
    assert message in html, html[html.find("govuk-error-summary") :][:1500]


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


@pytest.fixture
def types(db) -> dict[str, MeetingType]:
    seed_meeting_types(MeetingType)
    return {t.slug: t for t in MeetingType.objects.all()}


@pytest.fixture
def gcs(types) -> MeetingType:
    return types[GROUP_SUPERVISION]


@pytest.fixture
def supervised_case(smith_case, dana, mo):
    """The Smiths' case with Dana (DA survivor worker) allocated since 1 September 2025."""
    Allocation.objects.create(
        case=smith_case, worker=dana, role=Role.DA_SURVIVOR_WORKER, started_on=dt.date(2025, 9, 1)
    )
    return smith_case


@pytest.fixture
def plan(gcs, supervised_case, mo):
    def make(day: dt.date | None = None, **kw: Any):
        return services.plan_meeting(
            by=mo.user,
            mtype=gcs,
            family=supervised_case.family,
            case=supervised_case,
            starts_at=at(day or timezone.localdate()),
            chair=mo,
            **kw,
        )

    return make
