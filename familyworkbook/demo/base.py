"""Shared state and small helpers of the demo family generator (see `families.FamilyFactory`)."""

from __future__ import annotations

import datetime as dt
import random
from itertools import accumulate

from faker import Faker

from familyworkbook.demo.county import LONDON, County, TeamInfo
from familyworkbook.demo.timeline import (
    Planner,
)
from familyworkbook.people.models import (
    nhs_check_digit,
    upn_check_letter,
)

YEAR = 365.25


def weighted(table: list[tuple[str, int]]) -> tuple[list[str], list[int]]:
    return [k for k, _ in table], list(accumulate(w for _, w in table))


class GeneratorBase:
    """What every part of the generator shares: one random generator, one Faker, the county,
    the anchor date, running counters, and the helpers below. `FamilyFactory` sets it up."""

    rng: random.Random
    fake: Faker
    county: County
    anchor: dt.date
    window_start: dt.date
    planner: Planner
    postcodes: dict[str, list[str]]
    out_of_area: list[str]
    la_number: str
    families_made: int
    children_made: int
    nhs_next: int
    demo_cases: int
    abusive_partners: int
    loads: dict[int, float]
    teams: list[TeamInfo]
    team_cum: list[float]
    lead_cum: dict[int, list[float]]
    tables: dict[str, tuple[list[str], list[int]]]
    specialist_odds: dict[str, float]
    _stamps: dict[tuple[dt.date, int], dt.datetime]

    def pick(self, table: str) -> str:
        names, cum = self.tables[table]
        return self.rng.choices(names, cum_weights=cum)[0]

    def stamp(self, day: dt.date, hour: int = 10) -> dt.datetime:
        key = (day, hour)
        value = self._stamps.get(key)
        if value is None:
            value = dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=LONDON)
            self._stamps[key] = value
        return value

    def audit(
        self, day: dt.date, by: int | None, *, until: dt.date | None = None
    ) -> dict[str, object]:
        return {
            "created_at": self.stamp(day),
            "modified_at": self.stamp(until or day),
            "created_by_id": by,
            "modified_by_id": by,
        }

    def _pick_cum(self, cum: list[float]) -> int:
        x = self.rng.random() * cum[-1]
        lo, hi = 0, len(cum) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if cum[mid] <= x:
                lo = mid + 1
            else:
                hi = mid
        return lo

    # --- identifiers ------------------------------------------------------------------

    def _nhs_number(self) -> str:
        """From the NHS's reserved test range (999 000 0000 onwards), so no real person has it."""
        while True:
            body = f"999{self.nhs_next:06d}"
            self.nhs_next += 1
            check = nhs_check_digit(body)
            if check is not None:
                return f"{body}{check}"

    def _upn(self, serial: int, born: dt.date) -> str:
        # LA number, a school's establishment number, the year the UPN was issued, a serial.
        body = f"{self.la_number}{2000 + serial // 1000:04d}{(born.year + 5) % 100:02d}{serial % 1000:03d}"
        return upn_check_letter(body) + body
