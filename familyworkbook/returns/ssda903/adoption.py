"""The PlacedAdoption and AD1 tables: decisions that a child should be placed for adoption."""

from __future__ import annotations

from typing import TYPE_CHECKING

from familyworkbook.cases.models import AdoptionDecision, LookedAfterEpisode
from familyworkbook.people.models import Person
from familyworkbook.returns.ssda903.care import care_periods
from familyworkbook.returns.ssda903.tables import (
    ADOPTED,
    ADOPTION_PLACEMENTS,
    PLACEMENT_ORDERS,
    d,
    yes_no,
)

if TYPE_CHECKING:
    from familyworkbook.returns.ssda903.builder import Builder


def add_adoption(
    b: Builder, child: Person, episodes: list[LookedAfterEpisode], decisions: list[AdoptionDecision]
) -> None:
    year, ref, dob = b.year, child.la_child_id, d(child.date_of_birth)
    periods = [
        (start, end)
        for start, end in care_periods(episodes)
        if year.overlaps(start, year.within(end))
    ]
    # Decisions of this year's periods of care (not one that ended in an earlier adoption).
    current = [
        a
        for a in decisions
        if (a.reversed_on is None or a.reversed_on >= year.start)
        and any(start <= a.decided_on <= (end or year.end) for start, end in periods)
    ]
    for a in current:
        b.result.tables["PlacedAdoption"].append(
            {
                "CHILD": ref,
                "DOB": dob,
                "DATE_PLACED": d(a.decided_on),
                "DATE_PLACED_CEASED": d(year.within(a.reversed_on)),
                "REASON_PLACED_CEASED": a.reversal_reason if year.within(a.reversed_on) else "",
            }
        )
    adopted = next(
        (
            e
            for e in episodes
            if e.reason_ceased in ADOPTED and year.within(e.ceased_on) and e.ceased_on >= year.start  # type: ignore[operator]
        ),
        None,
    )
    placed = any(
        e.placement_type in ADOPTION_PLACEMENTS
        and year.overlaps(e.started_on, year.within(e.ceased_on))
        for e in episodes
    )
    placement_order = any(
        e.legal_status in PLACEMENT_ORDERS and year.overlaps(e.started_on, year.within(e.ceased_on))
        for e in episodes
    )
    if (adopted or placed or placement_order) and not current:
        b.add(
            child,
            "551" if placed or adopted else "553",
            "adoption decision",
            "The child is placed for adoption or under a placement order: record the date of the decision that they should be placed for adoption.",
        )
    if adopted and current:
        a = current[-1]
        if not (
            a.matched_on
            and a.with_foster_carers is not None
            and a.number_of_adopters
            and a.adopters
            and a.adopters_legal_status
        ):
            b.add(
                child,
                "AD1",
                "adoption match",
                "Record the match date and the adopters' details.",
            )
        b.result.tables["AD1"].append(
            {
                "CHILD": ref,
                "DOB": dob,
                "DATE_INT": d(a.decided_on),
                "DATE_MATCH": d(a.matched_on),
                "FOSTER_CARE": yes_no(a.with_foster_carers),
                "NB_ADOPTR": str(a.number_of_adopters or ""),
                "SEX_ADOPTR": a.adopters,
                "LS_ADOPTR": a.adopters_legal_status,
            }
        )
