"""The response deadline: one calendar month from the clock starting, three when extended."""

from __future__ import annotations

import datetime as dt

import pytest

from familyworkbook.subject_access import deadlines


@pytest.mark.parametrize(
    ("starts", "extended", "due"),
    [
        (dt.date(2025, 9, 3), False, dt.date(2025, 10, 3)),  # ICO's example: 3 Sep -> 3 Oct
        (dt.date(2030, 1, 31), False, dt.date(2030, 2, 28)),  # no 31 Feb: the last day
        (dt.date(2028, 1, 31), False, dt.date(2028, 2, 29)),  # leap year
        (dt.date(2030, 1, 31), True, dt.date(2030, 4, 30)),  # +2 months: 30 April
        (dt.date(2025, 11, 30), True, dt.date(2026, 3, 2)),  # Sat 28 Feb 2026 -> Mon
        (dt.date(2026, 1, 31), False, dt.date(2026, 3, 2)),  # Sat 28 Feb -> Monday 2 March
        (dt.date(2025, 11, 25), False, dt.date(2025, 12, 29)),  # 25, 26 Dec, w/e -> 29 Dec
        (dt.date(2025, 12, 31), True, dt.date(2026, 3, 31)),
    ],
)
def test_due_date(starts, extended, due):
    assert deadlines.due_on(starts, extended=extended) == due


def test_calendar_date_is_the_corresponding_day_or_the_months_last():
    assert deadlines.add_months(dt.date(2025, 3, 31), 1) == dt.date(2025, 4, 30)
    assert deadlines.add_months(dt.date(2025, 12, 15), 1) == dt.date(2026, 1, 15)
    assert deadlines.add_months(dt.date(2025, 11, 30), 3) == dt.date(2026, 2, 28)
