"""The SSDA903 facts the demo's episodes do not hold: so the demo county's returns are complete.

After a batch of families is saved, each looked-after child gets what a council records
beside the episodes: previous permanence for every period of care (PrevPerm), year-end
outcomes for every complete year they were looked after all year (OC2), the adoption
decision for a child with a placement order or an adoption placement (PlacedAdoption, AD1),
statutory reviews (Reviews), and a reason whenever a case's lead worker changed
(SWEpisodes). Drawn from its own seeded generator, so the rest of the county is unchanged.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict

from django.conf import settings

from familyworkbook.cases.models import (
    AdoptionDecision,
    Allocation,
    LookedAfterEpisode,
    LookedAfterOutcome,
    LookedAfterReview,
    PreviousPermanence,
    SocialWorkerChange,
)
from familyworkbook.demo.rows import BATCH_SIZE, Rows
from familyworkbook.demo.timeline import days
from familyworkbook.returns.periods import CollectionYear
from familyworkbook.returns.ssda903 import continuously_looked_after

ADOPTION_PLACEMENTS = {"A3", "A4", "A5", "A6"}
# Leaving care to permanence: adoption (P1), special guardianship (P2), child arrangements (P3).
PERMANENCE_EXITS = {
    "E11": "P1",
    "E12": "P1",
    **dict.fromkeys(["E45", "E46", "E47", "E48"], "P2"),
    "E41": "P3",
}
SW_CHANGE_REASONS = (
    ["LEFTRL", "MANAGE", "TSPROC", "ORGRST", "ABSENC", "OTHERS"],
    [35, 20, 15, 10, 5, 15],
)
PARTICIPATION = (["PN1", "PN4", "PN5", "PN6", "PN7"], [60, 10, 10, 10, 10])


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _birthday(born: dt.date, years: int) -> dt.date:
    try:
        return born.replace(year=born.year + years)
    except ValueError:  # 29 February
        return born.replace(year=born.year + years, day=28)


def _weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


class ReturnRecords:
    def __init__(self, *, rng: random.Random, anchor: dt.date) -> None:
        self.rng = rng
        self.anchor = anchor
        self.last_complete_year = CollectionYear.current(anchor).year - 1

    def add(self, rows: Rows) -> Counter[str]:
        """Create the records for the looked-after children and lead changes in `rows` (saved)."""
        by_child: dict[int, list[LookedAfterEpisode]] = defaultdict(list)
        born: dict[int, dt.date] = {}
        for e in sorted(rows.looked_after, key=lambda e: (e.child_id, e.started_on, e.pk)):
            by_child[e.child_id].append(e)
            born[e.child_id] = e.child.date_of_birth
        perms, outcomes, decisions, reviews = [], [], [], []
        for child_id, episodes in by_child.items():
            perms += self._previous_permanence(child_id, born[child_id], episodes)
            outcomes += self._outcomes(child_id, born[child_id], episodes)
            decisions += self._adoption(child_id, episodes)
            reviews += self._reviews(child_id, born[child_id], episodes)
        changes = self._social_worker_changes(rows.allocations)
        counts: Counter[str] = Counter()
        for name, objs in (
            ("previous_permanence", perms),
            ("lac_outcomes", outcomes),
            ("adoption_decisions", decisions),
            ("lac_reviews", reviews),
            ("social_worker_changes", changes),
        ):
            if objs:
                type(objs[0]).objects.bulk_create(objs, batch_size=BATCH_SIZE)
            counts[name] = len(objs)
        return counts

    @staticmethod
    def _periods(episodes: list[LookedAfterEpisode]) -> list[list[LookedAfterEpisode]]:
        periods: list[list[LookedAfterEpisode]] = []
        for e in episodes:
            if e.reason_new_episode == "S" or not periods:
                periods.append([])
            periods[-1].append(e)
        return periods

    def _previous_permanence(
        self, child_id: int, born: dt.date, episodes: list[LookedAfterEpisode]
    ) -> list[PreviousPermanence]:
        """Z1 (none known) mostly; what the child left our care for, when they come back."""
        made = []
        previous_exit: LookedAfterEpisode | None = None
        for e in episodes:
            if e.reason_new_episode != "S":
                if e.ceased_on and e.reason_ceased != "X1":
                    previous_exit = e
                continue
            roll = self.rng.random()
            kind, la, when = "Z1", "", ""
            earliest, latest = born + days(365), e.started_on - days(60)
            if previous_exit is not None and previous_exit.reason_ceased in PERMANENCE_EXITS:
                kind = PERMANENCE_EXITS[previous_exit.reason_ceased]
                la = settings.COUNCIL_DFE_LA_NUMBER
                when = previous_exit.ceased_on.strftime("%d/%m/%Y")  # type: ignore[union-attr]
            elif roll < 0.06 and latest > earliest:
                kind = "P2" if roll < 0.03 else "P3"
                la = settings.COUNCIL_DFE_LA_NUMBER
                order = earliest + days(self.rng.randint(0, (latest - earliest).days))
                when = order.strftime("%d/%m/%Y")
            made.append(
                PreviousPermanence(
                    child_id=child_id,
                    care_started_on=e.started_on,
                    kind=kind,
                    local_authority=la,
                    order_date=when,
                    created_at=e.created_at,
                    modified_at=e.created_at,
                    created_by_id=e.created_by_id,
                    modified_by_id=e.created_by_id,
                )
            )
            if e.ceased_on and e.reason_ceased != "X1":
                previous_exit = e
        return made

    def _outcomes(
        self, child_id: int, born: dt.date, episodes: list[LookedAfterEpisode]
    ) -> list[LookedAfterOutcome]:
        rng = self.rng
        made = []
        first = CollectionYear.current(episodes[0].started_on).year
        for y in range(first, self.last_complete_year + 1):
            year = CollectionYear(y)
            if not continuously_looked_after(episodes, year):
                continue
            age_end = _age(born, year.end)
            sdq_due = _birthday(born, 4) <= year.end and _birthday(born, 17) > year.start
            score, reason = None, ""
            if sdq_due:
                if rng.random() < 0.12:
                    # A refusal by the child (SDQ1) only from 16 (rule 157).
                    older = _birthday(born, 16) < year.end
                    reason = rng.choice(
                        ["SDQ1", "SDQ2", "SDQ4"] if older else ["SDQ2", "SDQ4", "SDQ5"]
                    )
                else:
                    score = min(40, max(0, round(rng.gauss(14, 6))))
            misuse = age_end >= 12 and rng.random() < 0.08
            received = (rng.random() < 0.6) if misuse else None
            made.append(
                LookedAfterOutcome(
                    child_id=child_id,
                    year=y,
                    sdq_score=score,
                    sdq_reason=reason,
                    convicted=(rng.random() < 0.04) if age_end >= 10 else None,
                    health_check=(rng.random() < 0.9) if age_end < 5 else None,
                    immunisations=rng.random() < 0.9,
                    teeth_check=rng.random() < 0.85,
                    health_assessment=rng.random() < 0.92,
                    substance_misuse=misuse,
                    intervention_received=received,
                    intervention_offered=(rng.random() < 0.5) if received is False else None,
                    created_at=dt.datetime.combine(year.end, dt.time(12), tzinfo=dt.UTC),
                    modified_at=dt.datetime.combine(year.end, dt.time(12), tzinfo=dt.UTC),
                )
            )
        return made

    def _adoption(
        self, child_id: int, episodes: list[LookedAfterEpisode]
    ) -> list[AdoptionDecision]:
        rng = self.rng
        made = []
        for period in self._periods(episodes):
            order = next((e for e in period if e.legal_status in {"D1", "E1"}), None)
            placed = next((e for e in period if e.placement_type in ADOPTION_PLACEMENTS), None)
            if order is None and placed is None:
                continue
            care_start = period[0].started_on
            latest = min(e.started_on for e in (order, placed) if e is not None)
            decided = max(care_start, latest - days(rng.randint(20, 60)))
            last = period[-1]
            adopted = last.reason_ceased in {"E11", "E12"}
            matched = None
            if placed is not None:
                matched = max(decided, placed.started_on - days(rng.randint(7, 30)))
            reversed_on, reason = None, ""
            if last.ceased_on and last.reason_ceased != "X1" and not adopted:
                reversed_on, reason = max(decided, last.ceased_on - days(7)), "RD1"
            couple = rng.random() < 0.8
            made.append(
                AdoptionDecision(
                    child_id=child_id,
                    decided_on=decided,
                    reversed_on=reversed_on,
                    reversal_reason=reason,
                    matched_on=matched,
                    with_foster_carers=False if matched else None,
                    number_of_adopters=(2 if couple else 1) if matched else None,
                    adopters=("MF" if couple else "F1") if matched else "",
                    adopters_legal_status=("L11" if couple else "L0") if matched else "",
                    created_at=order.created_at if order else placed.created_at,  # type: ignore[union-attr]
                    modified_at=order.created_at if order else placed.created_at,  # type: ignore[union-attr]
                )
            )
        return made

    def _reviews(
        self, child_id: int, born: dt.date, episodes: list[LookedAfterEpisode]
    ) -> list[LookedAfterReview]:
        """Reviews within 20 working days of care starting, at three months, then six-monthly."""
        rng = self.rng
        made = []
        for period in self._periods(episodes):
            start, end = period[0].started_on, period[-1].ceased_on or self.anchor
            held = _weekday(start + days(rng.randint(14, 27)))
            gap = 91
            while held < end and held <= self.anchor:
                code = "PN0" if _age(born, held) < 4 else rng.choices(*PARTICIPATION)[0]
                made.append(
                    LookedAfterReview(
                        child_id=child_id,
                        held_on=held,
                        participation=code,
                        created_at=dt.datetime.combine(held, dt.time(15), tzinfo=dt.UTC),
                        modified_at=dt.datetime.combine(held, dt.time(15), tzinfo=dt.UTC),
                    )
                )
                held = _weekday(held + days(gap + rng.randint(-7, 7)))
                gap = 182
        return made

    def _social_worker_changes(self, allocations: list[Allocation]) -> list[SocialWorkerChange]:
        by_case: dict[int, list[Allocation]] = defaultdict(list)
        for a in allocations:
            if a.is_lead:
                by_case[a.case_id].append(a)
        made = []
        for leads in by_case.values():
            leads.sort(key=lambda a: (a.started_on, a.pk))
            for a in leads[1:]:
                made.append(
                    SocialWorkerChange(
                        allocation_id=a.pk,
                        reason=self.rng.choices(*SW_CHANGE_REASONS)[0],
                        created_at=a.created_at,
                        modified_at=a.created_at,
                        created_by_id=a.created_by_id,
                        modified_by_id=a.created_by_id,
                    )
                )
        return made
