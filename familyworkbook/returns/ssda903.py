"""The SSDA903 return (children looked after) as the DfE's CSV tables, read from the record.

Every table is written, even when empty: the validator treats a missing table as "not
supplied" and a present empty one as "none of these children", and the DfE expects a complete
return. Dates are dd/mm/yyyy; anything dated after 31 March is left out (an episode ceasing
after the year is open in this year's return).

`build_ssda903(year)` returns the rows of each table and the problems that would fail the DfE
rules; `returns.services.export_ssda903` writes them and audits the export.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q

from familyworkbook.cases.models import (
    AdoptionDecision,
    Allocation,
    CareLeaverOutcome,
    LookedAfterEpisode,
    LookedAfterOutcome,
    LookedAfterReview,
    MissingEpisode,
    PreviousPermanence,
    SocialWorkerChange,
    UascStatus,
)
from familyworkbook.people.models import Address, Person, Relationship, RelationshipKind
from familyworkbook.returns.identity import identity_problems
from familyworkbook.returns.periods import CollectionYear
from familyworkbook.returns.problems import Problem, child_ref

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

    @property
    def children(self) -> int:
        return len(self.tables["Header"])


def d(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def yes_no(value: bool | None) -> str:
    return "" if value is None else ("1" if value else "0")


def _live() -> Q:
    return Q(archived_at__isnull=True)


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


def _care_periods(episodes: list[LookedAfterEpisode]) -> list[tuple[dt.date, dt.date | None]]:
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


class _Builder:
    def __init__(self, year: CollectionYear, children: Iterable[int] | None) -> None:
        self.year = year
        self.result = Ssda903(year=year)
        qs = LookedAfterEpisode.objects.filter(_live(), child__archived_at__isnull=True)
        if children is not None:
            qs = qs.filter(child_id__in=list(children))
        in_year = qs.filter(started_on__lte=year.end).filter(
            Q(ceased_on__isnull=True) | Q(ceased_on__gte=year.start)
        )
        ids = set(in_year.values_list("child_id", flat=True))
        leavers = CareLeaverOutcome.objects.filter(_live(), year=year.year)
        if children is not None:
            leavers = leavers.filter(child_id__in=list(children))
        self.oc3 = {o.child_id: o for o in leavers}
        ids |= set(self.oc3)
        self.children = {
            p.pk: p for p in Person.objects.filter(pk__in=ids).order_by("la_child_id", "pk")
        }
        self.episodes: dict[int, list[LookedAfterEpisode]] = defaultdict(list)
        for e in qs.filter(child_id__in=ids).order_by("child_id", "started_on", "pk"):
            self.episodes[e.child_id].append(e)

    def _by_child(self, model, **filters):  # type: ignore[no-untyped-def]
        grouped = defaultdict(list)
        for row in model.objects.filter(_live(), child_id__in=list(self.children), **filters):
            grouped[row.child_id].append(row)
        return grouped

    def add(self, child: Person, rule: str, fld: str, message: str) -> None:
        self.result.problems.append(Problem(RETURN, rule, fld, message, child.pk, child_ref(child)))

    def build(self) -> Ssda903:
        year = self.year
        mothers = self._mothers()
        reviews = self._by_child(LookedAfterReview, held_on__gte=year.start, held_on__lte=year.end)
        missing = self._by_child(MissingEpisode, started_on__lte=year.end)
        outcomes = {
            o.child_id: o for o in LookedAfterOutcome.objects.filter(_live(), year=year.year)
        }
        uasc = {
            u.child_id: u
            for u in UascStatus.objects.filter(_live(), child_id__in=list(self.children))
        }
        adoption = self._by_child(AdoptionDecision, decided_on__lte=year.end)
        prev_perm = {
            (p.child_id, p.care_started_on): p
            for p in PreviousPermanence.objects.filter(_live(), child_id__in=list(self.children))
        }
        social_workers = self._social_workers()
        protected: dict[int, set[str]] = defaultdict(set)
        for person_id, postcode in Address.objects.filter(
            _live(), protected=True, person_id__in=list(self.children)
        ).values_list("person_id", "postcode"):
            protected[person_id].add(postcode.replace(" ", "").upper())
        t = self.result.tables
        for child in self.children.values():
            self.result.problems += identity_problems(child, RETURN, year)
            ref, dob = child.la_child_id, d(child.date_of_birth)
            episodes = self.episodes.get(child.pk, [])
            upn = child.upn or child.upn_unknown_reason
            if not child.upn and child.upn_unknown_reason not in UPN_UNKNOWN_903:
                self.add(
                    child, "168", "reason UPN is not known", "The SSDA903 accepts only UN1 to UN5."
                )
            mother_of = mothers.get(child.pk)
            t["Header"].append(
                {
                    "CHILD": ref,
                    "SEX": child.sex,
                    "DOB": dob,
                    "ETHNIC": child.ethnicity,
                    "UPN": upn,
                    "MOTHER": ("1" if mother_of else "0") if child.sex == "F" else "",
                    "MC_DOB": d(mother_of) if child.sex == "F" else "",
                }
            )
            self._episodes(child, episodes)
            hidden = protected.get(child.pk)
            if hidden:
                self.result.protected_postcodes += sum(
                    1
                    for e in episodes
                    if {
                        e.home_postcode.replace(" ", "").upper(),
                        e.placement_postcode.replace(" ", "").upper(),
                    }
                    & hidden
                )
            for review in reviews.get(child.pk, []):
                t["Reviews"].append(
                    {
                        "CHILD": ref,
                        "DOB": dob,
                        "REVIEW": d(review.held_on),
                        "REVIEW_CODE": review.participation,
                    }
                )
            status = uasc.get(child.pk)
            if status and (status.ceased_on is None or status.ceased_on >= year.start):
                t["UASC"].append(
                    {
                        "CHILD": ref,
                        "SEX": child.sex,
                        "DOB": dob,
                        "DUC": d(year.within(status.ceased_on)),
                    }
                )
            if episodes and continuously_looked_after(episodes, year):
                self._oc2(child, outcomes.get(child.pk))
            leaver = self.oc3.get(child.pk)
            if leaver:
                t["OC3"].append(
                    {
                        "CHILD": ref,
                        "DOB": dob,
                        "IN_TOUCH": leaver.in_touch,
                        "ACTIV": leaver.activity,
                        "ACCOM": leaver.accommodation,
                    }
                )
            self._adoption(child, episodes, adoption.get(child.pk, []))
            for e in episodes:
                if e.reason_new_episode == "S" and year.start <= e.started_on <= year.end:
                    perm = prev_perm.get((child.pk, e.started_on))
                    if perm is None:
                        self.add(
                            child,
                            "630",
                            "previous permanence",
                            f"Record whether the child was adopted or under an SGO or CAO before care started on {e.started_on:%d/%m/%Y}.",
                        )
                        continue
                    if perm.local_authority and not (
                        re.fullmatch(r"\d{3}", perm.local_authority)
                        or perm.local_authority in {"WAL", "SCO", "NIR", "NUK"}
                    ):
                        self.add(
                            child,
                            "633",
                            "previous permanence",
                            "Record the council that arranged the previous permanence by its three-digit DfE number.",
                        )
                    t["PrevPerm"].append(
                        {
                            "CHILD": ref,
                            "DOB": dob,
                            "PREV_PERM": perm.kind,
                            "LA_PERM": perm.local_authority,
                            "DATE_PERM": perm.order_date,
                        }
                    )
            for m in missing.get(child.pk, []):
                ended = year.within(m.ended_on)
                if ended and ended < year.start:
                    continue
                t["Missing"].append(
                    {
                        "CHILD": ref,
                        "DOB": dob,
                        "MISSING": m.kind,
                        "MIS_START": d(m.started_on),
                        "MIS_END": d(ended),
                    }
                )
            if episodes:
                self._sw_episodes(child, episodes, social_workers.get(child.pk, []))
        return self.result

    def _mothers(self) -> dict[int, dt.date]:
        """Each female child's first child's date of birth, from recorded parent relationships."""
        firsts: dict[int, dt.date] = {}
        rows = Relationship.objects.filter(
            _live(), person_id__in=list(self.children), kind=RelationshipKind.PARENT
        ).values_list("person_id", "other__date_of_birth")
        for person_id, born in rows:
            if (
                born
                and born <= self.year.end
                and (person_id not in firsts or born < firsts[person_id])
            ):
                firsts[person_id] = born
        return firsts

    def _episodes(self, child: Person, episodes: list[LookedAfterEpisode]) -> None:
        year = self.year
        for e in episodes:
            if not year.overlaps(e.started_on, year.within(e.ceased_on)):
                continue
            ceased = year.within(e.ceased_on)
            if e.placement_type not in NO_PROVIDER and not e.placement_provider:
                self.add(
                    child,
                    "526",
                    "placement provider",
                    f"Record the provider of the placement from {e.started_on:%d/%m/%Y}.",
                )
            if (
                ceased
                and e.reason_ceased in {"E45", "E46"}
                and not e.placement_type.startswith("U")
            ):
                self.add(
                    child,
                    "516",
                    "reason episode ceased",
                    "An SGO to former foster carers (E45, E46) needs the last placement to be with them (a foster placement).",
                )
            if not e.home_postcode or not e.placement_postcode:
                self.add(
                    child,
                    "392b",
                    "postcodes",
                    f"Record the home and placement postcodes of the episode from {e.started_on:%d/%m/%Y}.",
                )
            self.result.tables["Episodes"].append(
                {
                    "CHILD": child.la_child_id,
                    "DECOM": d(e.started_on),
                    "RNE": e.reason_new_episode,
                    "LS": e.legal_status,
                    "CIN": e.need,
                    "PLACE": e.placement_type,
                    "PLACE_PROVIDER": ""
                    if e.placement_type in NO_PROVIDER
                    else e.placement_provider,
                    "DEC": d(ceased),
                    "REC": e.reason_ceased if ceased else "",
                    "REASON_PLACE_CHANGE": e.reason_place_change if ceased else "",
                    "HOME_POST": e.home_postcode,
                    "PL_POST": e.placement_postcode,
                    "URN": e.urn,
                }
            )
        for previous, current in zip(episodes, episodes[1:], strict=False):
            if current.started_on > year.end or (
                previous.ceased_on and previous.ceased_on < year.start
            ):
                continue
            if previous.ceased_on == current.started_on and (
                (current.reason_new_episode in PLACEMENT_CHANGES)
                != bool(previous.reason_place_change)
            ):
                self.add(
                    child,
                    "225",
                    "reason for placement change",
                    f"The episode ending {previous.ceased_on:%d/%m/%Y} needs a reason for the placement change exactly when the placement changed.",
                )

    def _oc2(self, child: Person, outcome: LookedAfterOutcome | None) -> None:
        if outcome is None:
            self.add(
                child,
                "191",
                "outcomes (OC2)",
                f"Looked after for 12 months at 31 March {self.year.year}: record this year's health, SDQ and offending outcomes.",
            )
            return
        age_start = child.age_on(self.year.start) or 0
        age_end = child.age_on(self.year.end) or 0
        # Aged 4 to 16 at some time in the year (rules 186 and 197B).
        if age_end >= 4 and age_start < 17 and outcome.sdq_score is None and not outcome.sdq_reason:
            self.add(
                child, "186", "SDQ score", "Record the SDQ score, or the reason there is none."
            )
        # Turned 16 on or after 31 March, as the DfE's rule 157 counts it.
        not_yet_16 = (child.age_on(self.year.end - dt.timedelta(days=1)) or 0) < 16
        if outcome.sdq_reason == "SDQ1" and age_start >= 4 and not_yet_16:
            self.add(
                child,
                "157",
                "reason there is no SDQ score",
                "'The child refused' is only for young people who were 16 before 31 March: record the score or another reason.",
            )
        self.result.tables["OC2"].append(
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

    def _adoption(
        self, child: Person, episodes: list[LookedAfterEpisode], decisions: list[AdoptionDecision]
    ) -> None:
        year, ref, dob = self.year, child.la_child_id, d(child.date_of_birth)
        periods = [
            (start, end)
            for start, end in _care_periods(episodes)
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
            self.result.tables["PlacedAdoption"].append(
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
                if e.reason_ceased in ADOPTED
                and year.within(e.ceased_on)
                and e.ceased_on >= year.start  # type: ignore[operator]
            ),
            None,
        )
        placed = any(
            e.placement_type in {"A3", "A4", "A5", "A6"}
            and year.overlaps(e.started_on, year.within(e.ceased_on))
            for e in episodes
        )
        placement_order = any(
            e.legal_status in {"D1", "E1"} and year.overlaps(e.started_on, year.within(e.ceased_on))
            for e in episodes
        )
        if (adopted or placed or placement_order) and not current:
            self.add(
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
                self.add(
                    child,
                    "AD1",
                    "adoption match",
                    "Record the match date and the adopters' details.",
                )
            self.result.tables["AD1"].append(
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

    def _social_workers(self) -> dict[int, list[Allocation]]:
        """Lead allocations on the cases each child's looked-after episodes belong to."""
        case_children: dict[int, set[int]] = defaultdict(set)
        for child_id, episodes in self.episodes.items():
            for e in episodes:
                if e.case_id:
                    case_children[e.case_id].add(child_id)
        by_child: dict[int, list[Allocation]] = defaultdict(list)
        allocations = (
            Allocation.objects.filter(_live(), is_lead=True, case_id__in=list(case_children))
            .select_related("worker")
            .order_by("started_on", "pk")
        )
        self.change_reasons = dict(
            SocialWorkerChange.objects.filter(_live(), allocation__in=allocations).values_list(
                "allocation_id", "reason"
            )
        )
        for allocation in allocations:
            for child_id in case_children[allocation.case_id]:
                by_child[child_id].append(allocation)
        return by_child

    def _sw_episodes(
        self, child: Person, episodes: list[LookedAfterEpisode], allocations: list[Allocation]
    ) -> None:
        """Social worker episodes over each period of care in the year, from the lead allocations.

        An SSDA903 social worker episode ends when another social worker takes over (SW_DEC
        is the day of the change), so the latest one stays open even after care ends
        (SW17STG2). Each period of care starts with the social worker allocated then ("first
        contact"); when the child comes back into care, the earlier period's last episode ends
        the day that care ended (SW10bSTG2). A hand-over within three days of the previous one
        is reported as one episode with the later worker (SW09STG2 takes shorter episodes for
        recording errors).
        """
        year, ref, dob = self.year, child.la_child_id, d(child.date_of_birth)
        periods: list[tuple[dt.date | None, list[list]]] = []  # (care ended, rows)
        for start, end in _care_periods(episodes):
            end_in_year = year.within(end)
            if not year.overlaps(start, end_in_year):
                continue
            last_day = end_in_year or year.end
            leads = sorted(
                (
                    (max(a.started_on, start), a)
                    for a in allocations
                    if a.started_on <= last_day and (a.ended_on is None or a.ended_on >= start)
                ),
                key=lambda pair: (pair[0], pair[1].pk),
            )
            if not leads:
                self.add(
                    child,
                    "SW17STG2",
                    "social worker",
                    f"No lead social worker is recorded while looked after from {start:%d/%m/%Y}.",
                )
                continue
            rows: list[list] = []  # [start, reason, allocation]
            for a_start, allocation in leads:
                if rows and (a_start - rows[-1][0]).days < 3:
                    # The same day, or a hand-over within three days: the later worker, from
                    # the earlier start, for the earlier reason.
                    rows[-1][2] = allocation
                    continue
                if not rows:
                    reason = "FCONTA"
                else:
                    reason = self.change_reasons.get(allocation.pk, "")
                    left_on = rows[-1][2].worker.left_on
                    if not reason and left_on and abs((a_start - left_on).days) <= 7:
                        reason = "LEFTRL"  # the previous social worker left the council
                if not reason:
                    self.add(
                        child,
                        "SW13STG1",
                        "reason the social worker changed",
                        f"Record why the social worker changed on {a_start:%d/%m/%Y}.",
                    )
                rows.append([a_start, reason, allocation])
            periods.append((end_in_year, rows))
        for p_index, (care_ended, rows) in enumerate(periods):
            more_care = p_index + 1 < len(periods)
            for index, (a_start, reason, allocation) in enumerate(rows):
                if index + 1 < len(rows):
                    ended: dt.date | None = rows[index + 1][0]
                else:
                    ended = care_ended if more_care else None
                if ended is not None and ended < year.start:
                    continue
                number = allocation.worker.swe_number
                sw_id = number if number.upper().startswith("SW") else f"XX{allocation.worker_id}"
                self.result.tables["SWEpisodes"].append(
                    {
                        "CHILD": ref,
                        "DOB": dob,
                        "SW_ID": sw_id,
                        "SW_DECOM": d(a_start),
                        "SW_DEC": d(ended),
                        "SW_REASON": reason,
                    }
                )


def build_ssda903(year: CollectionYear, children: Iterable[int] | None = None) -> Ssda903:
    return _Builder(year, children).build()
