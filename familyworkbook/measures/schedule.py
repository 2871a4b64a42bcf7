"""Which questionnaires are due, overdue or done for a case: computed, never stored.

The schedule (seed 002 and R59) collects measures at assessment, every six months while the
case is open, at closure and six months after closure. Everything here is computed from the
case's dates, the family's household and the measures recorded, so it cannot drift from them.

Project policies (the evaluations give dates, not rules):

- Who: each household member of the family on the target date (membership started on or
  before it, not ended before it), alive and born. A child aged 4 to 17 on the target date is
  expected to have an SDQ (any informant); each adult a SCORE-15 and an Adult Wellbeing Scale
  (IDA). Other instruments are recorded when used but never expected.
- Targets: assessment on the date the case opened; review n on the date n x 6 months after it
  opened, for reviews before the case closed; closure on the closing date; follow-up six
  months after closure.
- Done: a current (not superseded) record for the same case, person and instrument tagged with
  that collection point. A review record counts for the review whose target is within three
  months of the date it was completed (the windows tile, so each record counts once).
- Due from four weeks before the target; overdue more than four weeks after it.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from familyworkbook.cases.models import Case
from familyworkbook.measures.instruments import INFO, CollectionPoint
from familyworkbook.measures.models import MeasureResponse
from familyworkbook.people.models import FamilyMembership, Person, PersonKind

DUE_FROM = dt.timedelta(days=28)  # before the target date
GRACE = dt.timedelta(days=28)  # after the target date, then overdue
REVIEW_MONTHS = 6
REVIEW_WINDOW_MONTHS = 3  # a review record counts for the review within 3 months of it

DUE = "due"
OVERDUE = "overdue"
DONE = "done"


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day (31 Aug + 6 months = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def expected_instruments(person: Person, on: dt.date) -> tuple[str, ...]:
    """The questionnaires this person is expected to complete at a collection point on ``on``."""
    if person.kind == PersonKind.UNBORN:
        return ()
    if person.date_of_death and person.date_of_death <= on:
        return ()
    if person.date_of_birth and person.date_of_birth > on:
        return ()
    if person.kind == PersonKind.CHILD:
        age = person.age_on(on)
        sdq = INFO["sdq"]
        if age is not None and sdq.min_age <= age <= sdq.max_age:  # type: ignore[operator]
            return ("sdq",)
        return ()
    return ("score-15", "ida")


@dataclass(frozen=True)
class Point:
    """A collection point of a case: which one, its target date, and (reviews) its number."""

    kind: str
    target_on: dt.date
    number: int = 0

    @property
    def label(self) -> str:
        if self.kind == CollectionPoint.REVIEW:
            return _("Review %(number)s (6-monthly)") % {"number": self.number}
        return str(CollectionPoint(self.kind).label)

    def matches(self, record: MeasureResponse) -> bool:
        if record.collection_point != self.kind:
            return False
        if self.kind != CollectionPoint.REVIEW:
            return True
        start = add_months(self.target_on, -REVIEW_WINDOW_MONTHS)
        end = add_months(self.target_on, REVIEW_WINDOW_MONTHS)
        return start <= record.completed_on < end


def points_for(case: Case, today: dt.date) -> list[Point]:
    """The collection points whose due period has started by ``today``."""
    horizon = today + DUE_FROM
    points = [Point(CollectionPoint.ASSESSMENT, case.opened_on)]
    number = 1
    while True:
        target = add_months(case.opened_on, REVIEW_MONTHS * number)
        if target > horizon or (case.closed_on and target >= case.closed_on):
            break
        points.append(Point(CollectionPoint.REVIEW, target, number))
        number += 1
    if case.closed_on:
        points.append(Point(CollectionPoint.CLOSURE, case.closed_on))
        points.append(Point(CollectionPoint.FOLLOW_UP, add_months(case.closed_on, REVIEW_MONTHS)))
    return [point for point in points if point.target_on <= horizon]


@dataclass(frozen=True)
class Expected:
    case: Case
    person: Person
    instrument: str
    point: Point
    status: str
    record: MeasureResponse | None = None

    @property
    def instrument_name(self) -> str:
        return str(INFO[self.instrument].short_name)


def _member_on(membership: FamilyMembership, on: dt.date) -> bool:
    if membership.started_on and membership.started_on > on:
        return False
    return not (membership.ended_on and membership.ended_on < on)


def case_schedule(
    case: Case,
    memberships: Sequence[FamilyMembership],
    records: Iterable[MeasureResponse],
    today: dt.date,
) -> list[Expected]:
    """Every expected questionnaire of the case due by ``today``, done or not, in date order.

    ``memberships`` are the family's household memberships with ``person`` loaded, and
    ``records`` the case's current measures: the caller loads both in a fixed number of
    queries, so a page of many cases costs no more queries than a page of one.
    """
    by_key: dict[tuple[int, str], list[MeasureResponse]] = {}
    for record in records:
        by_key.setdefault((record.person_id, record.instrument), []).append(record)
    rows: list[Expected] = []
    for point in points_for(case, today):
        for membership in memberships:
            if not _member_on(membership, point.target_on):
                continue
            person = membership.person
            for instrument in expected_instruments(person, point.target_on):
                found = next(
                    (r for r in by_key.get((person.pk, instrument), []) if point.matches(r)), None
                )
                if found is not None:
                    status = DONE
                elif today > point.target_on + GRACE:
                    status = OVERDUE
                else:
                    status = DUE
                rows.append(Expected(case, person, instrument, point, status, found))
    rows.sort(key=lambda row: (row.point.target_on, row.person.last_name, row.person.first_name))
    return rows
