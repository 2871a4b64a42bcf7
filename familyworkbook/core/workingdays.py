"""Working days in England: weekends and bank holidays left out.

Statutory and local timescales count working days (an initial child protection conference
within 15 working days of the strategy discussion; a conference report shared with parents
3 or 5 working days before). Bank holidays come from the `holidays` library (England,
including substitute days and one-off days by proclamation such as the 2023 coronation);
a council adds its own closure days with the setting FWB_EXTRA_NON_WORKING_DAYS (ISO dates).
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import holidays
from django.conf import settings

ONE_DAY = dt.timedelta(days=1)


@cache
def bank_holidays(year: int) -> frozenset[dt.date]:
    """England's bank holidays in `year` (substitute days included)."""
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_working_day(day: dt.date) -> bool:
    if day.weekday() >= 5 or day in bank_holidays(day.year):
        return False
    extra = getattr(settings, "FWB_EXTRA_NON_WORKING_DAYS", ()) or ()
    return day.isoformat() not in extra


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The working day `n` working days after `day` (before it when `n` is negative)."""
    step = ONE_DAY if n >= 0 else -ONE_DAY
    for _ in range(abs(n)):
        day += step
        while not is_working_day(day):
            day += step
    return day
