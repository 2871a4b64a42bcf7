"""Periods of care as the SSDA903 counts them, from a child's looked-after episodes."""

from __future__ import annotations

import datetime as dt

from familyworkbook.cases.models import LookedAfterEpisode
from familyworkbook.returns.periods import CollectionYear


def continuously_looked_after(episodes: list[LookedAfterEpisode], year: CollectionYear) -> bool:
    """Looked after for the whole year to 31 March (the OC2 cohort), as the DfE defines it."""
    in_year = [e for e in episodes if year.overlaps(e.started_on, year.within(e.ceased_on))]
    if not in_year:
        return False
    for e in in_year:
        ceased = year.within(e.ceased_on)
        if e.reason_new_episode == "S" and year.start < e.started_on <= year.end:
            return False
        if ceased and e.reason_ceased != "X1" and year.start <= ceased < year.end:
            return False
        if e.legal_status in {"V3", "V4"}:
            return False
    return True


def care_periods(episodes: list[LookedAfterEpisode]) -> list[tuple[dt.date, dt.date | None]]:
    """Contiguous runs of episodes: (start, end or None while still looked after)."""
    periods: list[tuple[dt.date, dt.date | None]] = []
    start: dt.date | None = None
    for e in episodes:
        if start is None or e.reason_new_episode == "S":
            start = e.started_on
        if e.ceased_on is None or e.reason_ceased != "X1":
            periods.append((start, e.ceased_on))
            start = None
    return periods
