"""When a subject access request must be answered (UK GDPR Art 12(3), the ICO's guidance).

The clock starts on the day the requester's identity is verified (or the day the request
arrived, if identity was never in doubt). The answer is due on the corresponding date one
calendar month later; when the next month has no such date (31 January), the last day of
that month; when that day is a weekend or an English bank holiday, the next working day.
A complex or numerous request may be extended by two further months (three in all), if the
requester is told within the first month.
"""

from __future__ import annotations

import calendar
import datetime as dt

from familyworkbook.core.workingdays import is_working_day

MONTHS = 1
EXTENSION_MONTHS = 2


def add_months(day: dt.date, months: int) -> dt.date:
    """The corresponding date `months` later, or the last day of that month if it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_working_day(day: dt.date) -> dt.date:
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def calendar_due_on(clock_starts_on: dt.date, *, extended: bool = False) -> dt.date:
    return add_months(clock_starts_on, MONTHS + (EXTENSION_MONTHS if extended else 0))


def due_on(clock_starts_on: dt.date, *, extended: bool = False) -> dt.date:
    """The day the response is due: the calendar date, moved to the next working day."""
    return next_working_day(calendar_due_on(clock_starts_on, extended=extended))
