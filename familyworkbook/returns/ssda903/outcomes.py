"""The OC2 table: outcomes for a child looked after for the whole year to 31 March."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from familyworkbook.cases.models import LookedAfterOutcome
from familyworkbook.people.models import Person
from familyworkbook.returns.ssda903.tables import d, yes_no

if TYPE_CHECKING:
    from familyworkbook.returns.ssda903.builder import Builder


def add_oc2(b: Builder, child: Person, outcome: LookedAfterOutcome | None) -> None:
    year = b.year
    if outcome is None:
        b.add(
            child,
            "191",
            "outcomes (OC2)",
            f"Looked after for 12 months at 31 March {year.year}: record this year's health, SDQ and offending outcomes.",
        )
        return
    age_start = child.age_on(year.start) or 0
    age_end = child.age_on(year.end) or 0
    # Aged 4 to 16 at some time in the year (rules 186 and 197B).
    if age_end >= 4 and age_start < 17 and outcome.sdq_score is None and not outcome.sdq_reason:
        b.add(child, "186", "SDQ score", "Record the SDQ score, or the reason there is none.")
    # Turned 16 on or after 31 March, as the DfE's rule 157 counts it.
    not_yet_16 = (child.age_on(year.end - dt.timedelta(days=1)) or 0) < 16
    if outcome.sdq_reason == "SDQ1" and age_start >= 4 and not_yet_16:
        b.add(
            child,
            "157",
            "reason there is no SDQ score",
            "'The child refused' is only for young people who were 16 before 31 March: record the score or another reason.",
        )
    b.result.tables["OC2"].append(
        {
            "CHILD": child.la_child_id,
            "DOB": d(child.date_of_birth),
            "SDQ_SCORE": "" if outcome.sdq_score is None else str(outcome.sdq_score),
            "SDQ_REASON": outcome.sdq_reason,
            "CONVICTED": yes_no(outcome.convicted),
            "HEALTH_CHECK": yes_no(outcome.health_check),
            "IMMUNISATIONS": yes_no(outcome.immunisations),
            "TEETH_CHECK": yes_no(outcome.teeth_check),
            "HEALTH_ASSESSMENT": yes_no(outcome.health_assessment),
            "SUBSTANCE_MISUSE": yes_no(outcome.substance_misuse),
            "INTERVENTION_RECEIVED": yes_no(outcome.intervention_received),
            "INTERVENTION_OFFERED": yes_no(outcome.intervention_offered),
        }
    )
