"""Working days in England: weekends and England and Wales bank holidays skipped.

Bank holidays are computed (the fixed rules, Easter, substitute days) with the one-off
holidays declared since 2011 listed; a council may add days with the setting
FWB_EXTRA_NON_WORKING_DAYS (a list of ISO dates, e.g. a local closure day).
"""

from __future__ import annotations

import datetime as dt
import functools

from django.conf import settings

ONE_DAY = dt.timedelta(days=1)

# Moved or extra bank holidays declared by proclamation (England and Wales).
ONE_OFF = {
    2011: {"add": [dt.date(2011, 4, 29)]},  # royal wedding
    2012: {"add": [dt.date(2012, 6, 5)], "move": {dt.date(2012, 5, 28): dt.date(2012, 6, 4)}},
    2020: {"move": {dt.date(2020, 5, 4): dt.date(2020, 5, 8)}},  # VE day 75
    2022: {
        "add": [dt.date(2022, 6, 3), dt.date(2022, 9, 19)],
        "move": {dt.date(2022, 5, 30): dt.date(2022, 6, 2)},
    },
    2023: {"add": [dt.date(2023, 5, 8)]},  # coronation
}


def easter(year: int) -> dt.date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741
    m = (a + 11 * h + 22 * l) // 451
    month = (h + l - 7 * m + 114) // 31
    day = (h + l - 7 * m + 114) % 31 + 1
    return dt.date(year, month, day)


def _first_monday(year: int, month: int) -> dt.date:
    day = dt.date(year, month, 1)
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def _last_monday(year: int, month: int) -> dt.date:
    day = dt.date(year, month + 1, 1) - ONE_DAY
    return day - dt.timedelta(days=day.weekday())


@functools.cache
def bank_holidays(year: int) -> frozenset[dt.date]:
    days: set[dt.date] = set()
    new_year = dt.date(year, 1, 1)
    while new_year.weekday() >= 5:
        new_year += ONE_DAY
    days.add(new_year)
    e = easter(year)
    days |= {e - 2 * ONE_DAY, e + ONE_DAY}
    days |= {_first_monday(year, 5), _last_monday(year, 5), _last_monday(year, 8)}
    christmas, boxing = dt.date(year, 12, 25), dt.date(year, 12, 26)
    if christmas.weekday() == 5:  # Saturday: Monday and Tuesday
        days |= {christmas + 2 * ONE_DAY, christmas + 3 * ONE_DAY}
    elif christmas.weekday() == 6:  # Sunday: Monday (Boxing Day) and Tuesday
        days |= {boxing, christmas + 2 * ONE_DAY}
    elif christmas.weekday() == 4:  # Friday: Boxing Day on Saturday moves to Monday
        days |= {christmas, christmas + 3 * ONE_DAY}
    else:
        days |= {christmas, boxing}
    extra = ONE_OFF.get(year, {})
    for old, new in extra.get("move", {}).items():
        days.discard(old)
        days.add(new)
    days |= set(extra.get("add", []))
    return frozenset(days)


def is_working_day(day: dt.date) -> bool:
    if day.weekday() >= 5 or day in bank_holidays(day.year):
        return False
    extra = getattr(settings, "FWB_EXTRA_NON_WORKING_DAYS", ()) or ()
    return day.isoformat() not in extra


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The date `n` working days after `day` (before it when n is negative)."""
    step = ONE_DAY if n >= 0 else -ONE_DAY
    for _ in range(abs(n)):
        day += step
        while not is_working_day(day):
            day += step
    return day


def share_deadline(event_on: dt.date, working_days: int) -> dt.date:
    """The last day a document may reach the family: `working_days` working days before."""
    return add_working_days(event_on, -working_days)
