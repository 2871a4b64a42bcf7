"""The collection year a return covers: `2026` is 1 April 2025 to 31 March 2026."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from familyworkbook.core import clock


@dataclass(frozen=True)
class CollectionYear:
    year: int

    @property
    def start(self) -> dt.date:
        return dt.date(self.year - 1, 4, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, 3, 31)

    @property
    def label(self) -> str:
        return f"{self.year - 1}/{self.year % 100:02d}"

    def overlaps(self, start: dt.date, end: dt.date | None) -> bool:
        """True if a period from `start` to `end` (None: still open) touches this year."""
        return start <= self.end and (end is None or end >= self.start)

    def within(self, day: dt.date | None) -> dt.date | None:
        """`day` if it has happened by the end of the year, else None (not yet, as at 31 March)."""
        return day if day is not None and day <= self.end else None

    @classmethod
    def current(cls, today: dt.date | None = None) -> CollectionYear:
        """The year whose return is being built today: up to 31 March, this March; after it, next."""
        today = today or clock.today()
        return cls(today.year + 1 if today.month >= 4 else today.year)
