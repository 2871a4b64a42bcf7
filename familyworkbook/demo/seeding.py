"""Seed the demo county: the one entry point the command, the tests and the benchmarks share."""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import transaction
from faker import Faker

from familyworkbook.core import clock, statistics
from familyworkbook.demo.county import County, CountyBuilder, blocks_for
from familyworkbook.demo.families import FamilyFactory
from familyworkbook.demo.practice import PracticeRecords
from familyworkbook.demo.return_records import ReturnRecords
from familyworkbook.demo.rows import Rows
from familyworkbook.demo.workbooks import WorkbookRecords
from familyworkbook.history import bulk as history_bulk
from familyworkbook.people.models import Family
from familyworkbook.teams.models import Team, Worker

DEFAULT_ANCHOR = dt.date(2026, 11, 1)
FAMILIES_PER_TRANSACTION = 500

Progress = Callable[[str, int, int, float], None]


@dataclass
class SeedResult:
    county: County
    families: int
    seconds: float
    rows: Counter[str] = field(default_factory=Counter)


@contextmanager
def _no_bulk_history() -> Iterator[None]:
    yield None


def database_is_empty() -> bool:
    """No families, teams or workers: the demo county builds a whole county or nothing."""
    return not (Family.objects.exists() or Team.objects.exists() or Worker.objects.exists())


def seed_county(
    *,
    families: int,
    seed: int,
    anchor: dt.date = DEFAULT_ANCHOR,
    progress: Progress | None = None,
    bulk_history: bool = True,
    analyse: bool = True,
) -> SeedResult:
    """Build the county and `families` families. Same seed and anchor, same data.

    Everything is drawn from one `random.Random(seed)` and one Faker seeded with the same
    seed, never the global generators, and dates are counted from `anchor`, not the clock.
    Each batch of families is one transaction.

    On PostgreSQL the history triggers are paused during each batch and its insert events
    written in bulk instead (`history.bulk`: the same events); `bulk_history=False` keeps the
    triggers on (the reference path the tests compare with). The load ends with ANALYZE
    (`core.statistics.analyse`), so the planner has statistics from the first request.
    """
    history_load = history_bulk.load if bulk_history else _no_bulk_history
    started = time.perf_counter()
    rng = random.Random(seed)
    fake = Faker("en_GB")
    fake.seed_instance(seed)

    with transaction.atomic():
        # The county is seen from its anchor on every page, not from the machine's clock.
        clock.record(anchor)
        county = CountyBuilder(
            rng=rng, fake=fake, anchor=anchor, blocks=blocks_for(families)
        ).build()
    if progress:
        progress("county", county.workers, county.workers, time.perf_counter() - started)

    factory = FamilyFactory(rng=rng, fake=fake, county=county, anchor=anchor)
    # Its own generator, so adding return records leaves the rest of the county unchanged.
    return_records = ReturnRecords(rng=random.Random(f"{seed}:returns"), anchor=anchor)
    # Workbooks and the practice the fidelity monitor reads, each from its own generator too.
    workbooks = WorkbookRecords(rng=random.Random(f"{seed}:workbooks"), anchor=anchor)
    practice = PracticeRecords(rng=random.Random(f"{seed}:practice"), anchor=anchor)
    totals: Counter[str] = Counter()
    with transaction.atomic(), history_load():
        totals.update(practice.county())
    done = 0
    while done < families:
        batch = min(FAMILIES_PER_TRANSACTION, families - done)
        rows = Rows()
        for _ in range(batch):
            factory.add_family(rows)
        with transaction.atomic(), history_load():
            totals.update(rows.save())
            totals.update(return_records.add(rows))
            totals.update(workbooks.add(rows))
            totals.update(practice.add(rows))
        done += batch
        if progress:
            progress("families", done, families, time.perf_counter() - started)
    if analyse:
        if progress:
            progress("analyse", 0, 1, time.perf_counter() - started)
        statistics.analyse()
        if progress:
            progress("analyse", 1, 1, time.perf_counter() - started)
    return SeedResult(
        county=county, families=families, seconds=time.perf_counter() - started, rows=totals
    )
