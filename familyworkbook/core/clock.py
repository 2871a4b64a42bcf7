"""The record's own clock: the date a county's record is seen from.

Every page, document and figure that means "today for the record" asks `today()` (or
`now()`), never the machine's clock. In production no date is recorded and the clock is real
(`timezone.localdate()`). A demo county records the anchor it was seeded from
(`RecordClock`, written by `familyworkbook.demo.seeding.seed_county`), so a county seeded "as
seen on 1 November 2026" keeps being seen from that day: its due dates, periods and
chronologies do not drift with the machine's clock.

Real timestamps (audit events, sign-in, created_at/modified_at, sessions, lockouts) stay on
the real clock: docs/decisions/core-record-clock.md says which and why.

The recorded date is read once per request (`RecordClockMiddleware`); outside a request
(management commands, background tasks, tests) each call reads it, which is one small query.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

_UNREAD = object()
# Per request: _UNREAD until the first read, then the recorded date or None.
_request_cache: contextvars.ContextVar[Any] = contextvars.ContextVar("record_clock", default=None)


class _Cache:
    value: Any = _UNREAD


def recorded_date() -> dt.date | None:
    """The date recorded for this county (a demo's anchor), or None for the real clock."""
    cache = _request_cache.get()
    if cache is not None and cache.value is not _UNREAD:
        return cache.value
    from familyworkbook.core.models import RecordClock

    value = RecordClock.objects.filter(pk=RecordClock.ONLY).values_list("seen_on", flat=True)
    value = value.first()
    if cache is not None:
        cache.value = value
    return value


def today() -> dt.date:
    """Today, for the record: the recorded date if there is one, else the local calendar day."""
    return recorded_date() or timezone.localdate()


def now() -> dt.datetime:
    """Now, for the record: the real time of day on the record's `today()` (aware, local).

    For comparisons with scheduled times (a meeting's start, minutes due), not for stamping
    when something happened: that is `timezone.now()`.
    """
    real = timezone.localtime()
    seen_on = recorded_date()
    if seen_on is None:
        return real
    return real.replace(year=seen_on.year, month=seen_on.month, day=seen_on.day)


def record(seen_on: dt.date | None) -> None:
    """Record the date the county is seen from (None: go back to the real clock)."""
    from familyworkbook.core.models import RecordClock

    if seen_on is None:
        RecordClock.objects.filter(pk=RecordClock.ONLY).delete()
    else:
        RecordClock.objects.update_or_create(pk=RecordClock.ONLY, defaults={"seen_on": seen_on})
    cache = _request_cache.get()
    if cache is not None:
        cache.value = seen_on


@contextlib.contextmanager
def read_once() -> Iterator[None]:
    """Outside a request (a long command or job), read the recorded date once for the block."""
    token = _request_cache.set(_Cache())
    try:
        yield
    finally:
        _request_cache.reset(token)


class RecordClockMiddleware:
    """Reads the recorded date at most once per request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request_cache.set(_Cache())
        try:
            return self.get_response(request)
        finally:
            _request_cache.reset(token)
