"""Helpers for the measures tests: the Smiths' children and parents, and a recorded SDQ."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from familyworkbook.measures import services
from familyworkbook.people.models import PersonKind


def blank(count: int) -> dict[str, int | None]:
    return {str(n): None for n in range(1, count + 1)}


def answers(count: int, code: int, **overrides: int | None) -> dict[str, int | None]:
    items: dict[str, int | None] = {str(n): code for n in range(1, count + 1)}
    items.update({key.removeprefix("i"): value for key, value in overrides.items()})
    return items


@pytest.fixture
def ava(smith_family, smith_case):
    """The Smiths' elder child (9 in September 2025); North (Sam's team) has the family's case."""
    return smith_family.members.filter(kind=PersonKind.CHILD).order_by("date_of_birth").first()


@pytest.fixture
def parent(smith_family, smith_case):
    return smith_family.members.filter(kind=PersonKind.ADULT).order_by("pk").first()


@pytest.fixture
def record_sdq(smith_case, sam, ava):
    """Record an SDQ for Ava (parent report, every item ticked `code`)."""

    def make(
        code: int = 1,
        *,
        on: dt.date = dt.date(2025, 9, 10),
        point: str = "assessment",
        who: Any = None,
        **kwargs: Any,
    ):
        values = {
            "person": ava,
            "case": smith_case,
            "instrument": "sdq",
            "informant": "parent",
            "completed_on": on,
            "collection_point": point,
            "responses": answers(25, code),
            "by": (who or sam).user,
        }
        values.update(kwargs)
        return services.record_measure(**values)

    return make
