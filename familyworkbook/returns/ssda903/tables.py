"""The SSDA903 tables as the DfE defines them: columns, file names, and how values are written.

Every table is written, even when empty: the validator treats a missing table as "not
supplied" and a present empty one as "none of these children", and the DfE expects a complete
return. Dates are dd/mm/yyyy.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from familyworkbook.returns.periods import CollectionYear
from familyworkbook.returns.problems import Problem

RETURN = "SSDA903"

COLUMNS: dict[str, list[str]] = {
    "Header": ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
    "Episodes": [
        "CHILD",
        "DECOM",
        "RNE",
        "LS",
        "CIN",
        "PLACE",
        "PLACE_PROVIDER",
        "DEC",
        "REC",
        "REASON_PLACE_CHANGE",
        "HOME_POST",
        "PL_POST",
        "URN",
    ],
    "Reviews": ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"],
    "UASC": ["CHILD", "SEX", "DOB", "DUC"],
    "OC2": [
        "CHILD",
        "DOB",
        "SDQ_SCORE",
        "SDQ_REASON",
        "CONVICTED",
        "HEALTH_CHECK",
        "IMMUNISATIONS",
        "TEETH_CHECK",
        "HEALTH_ASSESSMENT",
        "SUBSTANCE_MISUSE",
        "INTERVENTION_RECEIVED",
        "INTERVENTION_OFFERED",
    ],
    "OC3": ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"],
    "AD1": [
        "CHILD",
        "DOB",
        "DATE_INT",
        "DATE_MATCH",
        "FOSTER_CARE",
        "NB_ADOPTR",
        "SEX_ADOPTR",
        "LS_ADOPTR",
    ],
    "PlacedAdoption": ["CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"],
    "PrevPerm": ["CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"],
    "Missing": ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"],
    "SWEpisodes": ["CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"],
}

FILE_NAMES: dict[str, str] = {
    "Header": "header.csv",
    "Episodes": "episodes.csv",
    "Reviews": "reviews.csv",
    "UASC": "uasc.csv",
    "OC2": "oc2.csv",
    "OC3": "oc3.csv",
    "AD1": "ad1.csv",
    "PlacedAdoption": "placed_for_adoption.csv",
    "PrevPerm": "previous_permanence.csv",
    "Missing": "missing.csv",
    "SWEpisodes": "sw_episodes.csv",
}

UPN_UNKNOWN_903 = {"UN1", "UN2", "UN3", "UN4", "UN5"}
ADOPTED = {"E11", "E12"}
ADOPTION_PLACEMENTS = {"A3", "A4", "A5", "A6"}
PLACEMENT_ORDERS = {"D1", "E1"}
PLACEMENT_CHANGES = {"P", "B", "T", "U"}
NO_PROVIDER = {"T0", "T1", "T2", "T3", "T4", "Z11", "Z12", "Z13", "Z14"}

Row = dict[str, str]


@dataclass
class Ssda903:
    year: CollectionYear
    tables: dict[str, list[Row]] = field(default_factory=lambda: {t: [] for t in COLUMNS})
    problems: list[Problem] = field(default_factory=list)
    # Episodes whose postcodes match one of the child's protected addresses: the DfE is
    # entitled to them, and the audit event says how many left this way.
    protected_postcodes: int = 0
    person_ids: list[int] = field(default_factory=list)  # the children in the tables

    @property
    def children(self) -> int:
        return len(self.tables["Header"])


def d(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def yes_no(value: bool | None) -> str:
    return "" if value is None else ("1" if value else "0")
