"""The smaller tables, each one fact a council records beside the episodes: Reviews, UASC,
OC3 (care leavers), PrevPerm (previous permanence) and Missing."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from familyworkbook.cases.models import (
    CareLeaverOutcome,
    LookedAfterEpisode,
    LookedAfterReview,
    MissingEpisode,
    PreviousPermanence,
    UascStatus,
)
from familyworkbook.people.models import Person
from familyworkbook.returns.ssda903.tables import d

if TYPE_CHECKING:
    from familyworkbook.returns.ssda903.builder import Builder

LA_ELSEWHERE = {"WAL", "SCO", "NIR", "NUK"}


def add_reviews(b: Builder, child: Person, reviews: list[LookedAfterReview]) -> None:
    for review in reviews:
        b.result.tables["Reviews"].append(
            {
                "CHILD": child.la_child_id,
                "DOB": d(child.date_of_birth),
                "REVIEW": d(review.held_on),
                "REVIEW_CODE": review.participation,
            }
        )


def add_uasc(b: Builder, child: Person, status: UascStatus | None) -> None:
    year = b.year
    if status and (status.ceased_on is None or status.ceased_on >= year.start):
        b.result.tables["UASC"].append(
            {
                "CHILD": child.la_child_id,
                "SEX": child.sex,
                "DOB": d(child.date_of_birth),
                "DUC": d(year.within(status.ceased_on)),
            }
        )


def add_oc3(b: Builder, child: Person, leaver: CareLeaverOutcome | None) -> None:
    if leaver:
        b.result.tables["OC3"].append(
            {
                "CHILD": child.la_child_id,
                "DOB": d(child.date_of_birth),
                "IN_TOUCH": leaver.in_touch,
                "ACTIV": leaver.activity,
                "ACCOM": leaver.accommodation,
            }
        )


def add_prev_perm(
    b: Builder,
    child: Person,
    episodes: list[LookedAfterEpisode],
    prev_perm: dict[tuple[int, object], PreviousPermanence],
) -> None:
    """One PrevPerm row for every period of care that started in the year (rule 630)."""
    year = b.year
    for e in episodes:
        if e.reason_new_episode != "S" or not year.start <= e.started_on <= year.end:
            continue
        perm = prev_perm.get((child.pk, e.started_on))
        if perm is None:
            b.add(
                child,
                "630",
                "previous permanence",
                f"Record whether the child was adopted or under an SGO or CAO before care started on {e.started_on:%d/%m/%Y}.",
            )
            continue
        if perm.local_authority and not (
            re.fullmatch(r"\d{3}", perm.local_authority) or perm.local_authority in LA_ELSEWHERE
        ):
            b.add(
                child,
                "633",
                "previous permanence",
                "Record the council that arranged the previous permanence by its three-digit DfE number.",
            )
        b.result.tables["PrevPerm"].append(
            {
                "CHILD": child.la_child_id,
                "DOB": d(child.date_of_birth),
                "PREV_PERM": perm.kind,
                "LA_PERM": perm.local_authority,
                "DATE_PERM": perm.order_date,
            }
        )


def add_missing(b: Builder, child: Person, episodes: list[MissingEpisode]) -> None:
    year = b.year
    for m in episodes:
        ended = year.within(m.ended_on)
        if ended and ended < year.start:
            continue
        b.result.tables["Missing"].append(
            {
                "CHILD": child.la_child_id,
                "DOB": d(child.date_of_birth),
                "MISSING": m.kind,
                "MIS_START": d(m.started_on),
                "MIS_END": d(ended),
            }
        )
