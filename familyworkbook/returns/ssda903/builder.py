"""Reading the record once and building every SSDA903 table from it, child by child.

`Builder` loads the year's looked-after children and their facts in a fixed number of
queries, then each table's module (`episodes`, `outcomes`, `adoption`, `facts`,
`social_workers`) adds that child's rows and the problems that would fail the DfE rules.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Q

from familyworkbook.cases.models import (
    AdoptionDecision,
    CareLeaverOutcome,
    LookedAfterEpisode,
    LookedAfterOutcome,
    LookedAfterReview,
    MissingEpisode,
    PreviousPermanence,
    UascStatus,
)
from familyworkbook.people.models import Address, Person, Relationship, RelationshipKind
from familyworkbook.returns.identity import identity_problems
from familyworkbook.returns.periods import CollectionYear
from familyworkbook.returns.problems import Problem, child_ref
from familyworkbook.returns.ssda903 import facts
from familyworkbook.returns.ssda903.adoption import add_adoption
from familyworkbook.returns.ssda903.care import continuously_looked_after
from familyworkbook.returns.ssda903.episodes import add_episodes
from familyworkbook.returns.ssda903.outcomes import add_oc2
from familyworkbook.returns.ssda903.social_workers import add_sw_episodes, lead_allocations
from familyworkbook.returns.ssda903.tables import RETURN, UPN_UNKNOWN_903, Ssda903, d


def _live() -> Q:
    return Q(archived_at__isnull=True)


class Builder:
    def __init__(self, year: CollectionYear, children: Iterable[int] | None) -> None:
        self.year = year
        self.result = Ssda903(year=year)
        self.change_reasons: dict[int, str] = {}
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

    def _by_child(self, model: Any, **filters: Any) -> dict[int, list[Any]]:
        grouped: dict[int, list[Any]] = defaultdict(list)
        for row in model.objects.filter(_live(), child_id__in=list(self.children), **filters):
            grouped[row.child_id].append(row)
        return grouped

    def add(self, child: Person, rule: str, fld: str, message: str) -> None:
        self.result.problems.append(Problem(RETURN, rule, fld, message, child.pk, child_ref(child)))

    def build(self) -> Ssda903:
        year = self.year
        ids = list(self.children)
        mothers = self._mothers()
        reviews = self._by_child(LookedAfterReview, held_on__gte=year.start, held_on__lte=year.end)
        missing = self._by_child(MissingEpisode, started_on__lte=year.end)
        outcomes = {
            o.child_id: o for o in LookedAfterOutcome.objects.filter(_live(), year=year.year)
        }
        uasc = {u.child_id: u for u in UascStatus.objects.filter(_live(), child_id__in=ids)}
        adoption = self._by_child(AdoptionDecision, decided_on__lte=year.end)
        prev_perm = {
            (p.child_id, p.care_started_on): p
            for p in PreviousPermanence.objects.filter(_live(), child_id__in=ids)
        }
        social_workers, self.change_reasons = lead_allocations(self.episodes)
        protected: dict[int, set[str]] = defaultdict(set)
        for person_id, postcode in Address.objects.filter(
            _live(), protected=True, person_id__in=ids
        ).values_list("person_id", "postcode"):
            protected[person_id].add(postcode.replace(" ", "").upper())
        self.result.person_ids = list(self.children)
        for child in self.children.values():
            episodes = self.episodes.get(child.pk, [])
            self._header(child, mothers.get(child.pk))
            add_episodes(self, child, episodes)
            self._count_protected(episodes, protected.get(child.pk))
            facts.add_reviews(self, child, reviews.get(child.pk, []))
            facts.add_uasc(self, child, uasc.get(child.pk))
            if episodes and continuously_looked_after(episodes, year):
                add_oc2(self, child, outcomes.get(child.pk))
            facts.add_oc3(self, child, self.oc3.get(child.pk))
            add_adoption(self, child, episodes, adoption.get(child.pk, []))
            facts.add_prev_perm(self, child, episodes, prev_perm)
            facts.add_missing(self, child, missing.get(child.pk, []))
            if episodes:
                add_sw_episodes(self, child, episodes, social_workers.get(child.pk, []))
        return self.result

    def _header(self, child: Person, mother_of: dt.date | None) -> None:
        self.result.problems += identity_problems(child, RETURN, self.year)
        if not child.upn and child.upn_unknown_reason not in UPN_UNKNOWN_903:
            self.add(
                child, "168", "reason UPN is not known", "The SSDA903 accepts only UN1 to UN5."
            )
        self.result.tables["Header"].append(
            {
                "CHILD": child.la_child_id,
                "SEX": child.sex,
                "DOB": d(child.date_of_birth),
                "ETHNIC": child.ethnicity,
                "UPN": child.upn or child.upn_unknown_reason,
                "MOTHER": ("1" if mother_of else "0") if child.sex == "F" else "",
                "MC_DOB": d(mother_of) if child.sex == "F" else "",
            }
        )

    def _count_protected(self, episodes: list[LookedAfterEpisode], hidden: set[str] | None) -> None:
        if not hidden:
            return
        self.result.protected_postcodes += sum(
            1
            for e in episodes
            if {
                e.home_postcode.replace(" ", "").upper(),
                e.placement_postcode.replace(" ", "").upper(),
            }
            & hidden
        )

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


def build_ssda903(year: CollectionYear, children: Iterable[int] | None = None) -> Ssda903:
    """Every SSDA903 table for the year, and the problems that would fail the DfE rules."""
    return Builder(year, children).build()
