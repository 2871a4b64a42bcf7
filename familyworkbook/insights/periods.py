"""Whose figures and over what time: scopes (team, district, service, council), quarters,
and the `Table` every insights measure returns (caption, headings, rows, method in words).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from familyworkbook.cases.models import Case
from familyworkbook.teams.models import District, Service, Team

MAX_QUARTERS = 20
MATERIALISE_LIMIT = 5000


@dataclass(frozen=True)
class Scope:
    """Whose cases: one team, a district's teams, a service's teams or the whole council."""

    kind: str  # "team", "district", "service" or "council"
    obj: Team | District | Service | None = None

    @property
    def label(self) -> str:
        return str(self.obj) if self.obj is not None else _("Whole council")

    @property
    def key(self) -> str:
        return "council" if self.obj is None else f"{self.kind}:{self.obj.pk}"

    def teams(self) -> QuerySet[Team]:
        if self.kind == "team":
            return Team.objects.filter(pk=self.obj.pk)  # type: ignore[union-attr]
        if self.kind == "district":
            return Team.objects.filter(district=self.obj)
        if self.kind == "service":
            return Team.objects.filter(service=self.obj)
        return Team.objects.all()

    def case_set(self, user: Any) -> QuerySet[Case]:
        """`cases(user)` evaluated once into a list of ids when that list is small.

        Every measure filters on the scope's cases; the access policy's subquery is then
        run once per page instead of once per measure. A large scope (a whole council)
        keeps the subquery, so no statement carries more than MATERIALISE_LIMIT parameters.
        """
        return _materialised(self.cases(user))

    def all_case_set(self) -> QuerySet[Case]:
        """Every live case of the scope, whoever asks (what the summary table counts)."""
        return _materialised(self.within(Case.objects.filter(archived_at__isnull=True)))

    def cases(self, user: Any) -> QuerySet[Case]:
        return self.within(Case.objects.visible_to(user))

    def within(self, cases: QuerySet[Case]) -> QuerySet[Case]:
        """`cases` narrowed to the scope's teams."""
        if self.kind == "team":
            return cases.filter(team=self.obj)
        if self.kind == "district":
            return cases.filter(team__district=self.obj)
        if self.kind == "service":
            return cases.filter(team__service=self.obj)
        return cases


def _materialised(cases: QuerySet[Case]) -> QuerySet[Case]:
    """The cases as a list of ids when there are at most MATERIALISE_LIMIT, else the query."""
    ids = list(cases.values_list("pk", flat=True)[: MATERIALISE_LIMIT + 1])
    if len(ids) > MATERIALISE_LIMIT:
        return cases
    return Case.objects.filter(pk__in=ids)


def scope_from_key(key: str) -> Scope | None:
    """ "council", "team:3", "district:2" or "service:1" → a Scope, or None if unknown."""
    if key == "council":
        return Scope("council")
    kind, _sep, pk = key.partition(":")
    model = {"team": Team, "district": District, "service": Service}.get(kind)
    if model is None or not pk.isdigit():
        return None
    obj = model.objects.filter(pk=int(pk)).first()
    return Scope(kind, obj) if obj is not None else None


def scope_choices() -> list[tuple[str, list[tuple[str, str]]] | tuple[str, str]]:
    """Grouped choices for the scope select: three queries, however many teams."""
    return [
        ("council", _("Whole council")),
        (_("Services"), [(f"service:{s.pk}", s.name) for s in Service.objects.order_by("name")]),
        (_("Districts"), [(f"district:{d.pk}", d.name) for d in District.objects.order_by("name")]),
        (_("Teams"), [(f"team:{t.pk}", t.name) for t in Team.objects.order_by("name")]),
    ]


@dataclass(frozen=True)
class Quarter:
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        return f"{self.end:%b %Y}"


def quarter_of(day: dt.date) -> Quarter:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = dt.date(day.year, first_month, 1)
    next_start = dt.date(day.year + (first_month == 10), (first_month + 2) % 12 + 1, 1)
    return Quarter(start, next_start - dt.timedelta(days=1))


def quarters_between(date_from: dt.date, date_to: dt.date) -> list[Quarter]:
    """The calendar quarters touching the period, each clipped to it."""
    quarters: list[Quarter] = []
    day = date_from
    while day <= date_to:
        q = quarter_of(day)
        quarters.append(Quarter(max(q.start, date_from), min(q.end, date_to)))
        day = q.end + dt.timedelta(days=1)
    return quarters


@dataclass
class Table:
    slug: str
    caption: str
    columns: list[str]
    rows: list[list[Any]]
    method: str
    chart: str = "bars"  # "bars" (grouped by row) or "lines" (one line per column over rows)
    series: list[int] = field(default_factory=list)  # columns drawn in the chart
    drill: list[int] = field(default_factory=list)  # columns whose cells link to their cases


def share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


AGGREGATE_WORK_MEM = "64MB"


@contextmanager
def without_jit() -> Iterator[None]:
    """Run the block in a transaction with PostgreSQL's JIT compiler off (SET LOCAL).

    The insights aggregates are one wide statement per table (a COUNT ... FILTER per quarter
    and category) over tens of thousands of rows. Their planned cost crosses `jit_above_cost`,
    so PostgreSQL compiles them, and on the 20,000-family county compiling took 0.4-1.7 s a
    statement against 30-250 ms of execution (EXPLAIN ANALYZE in docs/decisions/
    insights-postgres-jit.md). SET LOCAL ends with the transaction: no other query is affected.
    Elsewhere (SQLite) it only opens the transaction.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
                cursor.execute(f"SET LOCAL work_mem = '{AGGREGATE_WORK_MEM}'")
        yield
