"""Demo families: the people, where they live, how they are related, and their cases.

One family at a time, drawn from one seeded `random.Random` and one seeded Faker, so the
same seed always gives the same county. Rows are built in memory and saved in batches by
`rows.Rows`; nothing here touches the database. The work is split by topic:
`timeline.py` plans each case's dates, `households.py` makes the people, `casework.py` the
cases, allocations, episodes and visits, `looked_after.py` the SSDA903 episodes, and
`base.py` holds what they share.

The shares aimed at are the pilot's (SEED-NUMBERS.md §A, May–July 2020) unless noted:
primary need N1 about 87%; secondary needs DA 25%, MH 27%, SM 19%, abuse or neglect 27%;
domestic abuse in about 44% of families (Hertfordshire), shown by assessment factor 3B
(the flag is set a little more often: assessments still under way record no factors yet);
re-referral within 12 months for over half of new referrals; average age about 6.5.
"""

from __future__ import annotations

import datetime as dt
import random
from itertools import accumulate

from django.conf import settings
from faker import Faker

from familyworkbook.demo.base import weighted
from familyworkbook.demo.casework import (
    ABUSE_CATEGORIES,
    PRIMARY_NEEDS,
    REFERRAL_SOURCES,
    VISIT_WINDOW,
    CaseworkMixin,
)
from familyworkbook.demo.county import County
from familyworkbook.demo.households import DISABILITY, ETHNICITY, HouseholdMixin
from familyworkbook.demo.looked_after import PLACE_CHANGE_REASONS
from familyworkbook.demo.postcodes import (
    out_of_area_postcodes,
    postcodes_by_district,
)
from familyworkbook.demo.rows import Rows
from familyworkbook.demo.timeline import (
    HISTORY_START,
    Planner,
    days,
)
from familyworkbook.teams.models import Role

# Families whose latest case is open on the anchor date. With the earlier cases below this
# gives a little under half of all cases closed: fewer closed cases would mean fewer
# re-referrals, which the pilot had for most new referrals.
SHARE_OPEN = 0.96
# Earlier, closed cases before a family's latest one: 0, 1 or 2...
EARLIER_CASES = [0.30, 0.55, 0.15]
EARLIER_WITHIN_YEAR = 0.95  # ...closing within 12 months of the next referral (a re-referral)


class FamilyFactory(HouseholdMixin, CaseworkMixin):
    """Builds one family after another into a `Rows` batch."""

    def __init__(self, *, rng: random.Random, fake: Faker, county: County, anchor: dt.date) -> None:
        self.rng = rng
        self.fake = fake
        self.county = county
        self.anchor = anchor
        self.window_start = anchor - VISIT_WINDOW
        self.planner = Planner(rng, anchor)
        self.postcodes = postcodes_by_district()
        self.out_of_area = [pc for pcs in out_of_area_postcodes().values() for pc in pcs]
        self.la_number = settings.COUNCIL_DFE_LA_NUMBER
        self.families_made = 0
        self.children_made = 0
        self.nhs_next = 0
        self.demo_cases = 0
        self.abusive_partners = 0
        self.loads: dict[int, float] = {}  # children on open cases, by team and by lead worker
        self._stamps: dict[tuple[dt.date, int], dt.datetime] = {}
        teams = county.case_teams
        self.teams = teams
        self.team_cum = list(accumulate(t.capacity for t in teams))
        self.lead_cum = {id(t): list(accumulate(s.weight for s in t.leads)) for t in teams}
        self.tables = {
            name: weighted(table)
            for name, table in [
                ("ethnicity", ETHNICITY),
                ("source", REFERRAL_SOURCES),
                ("need", PRIMARY_NEEDS),
                ("disability", DISABILITY),
                ("abuse", ABUSE_CATEGORIES),
                ("place_change", PLACE_CHANGE_REASONS),
            ]
        }
        self.specialist_odds = self._specialist_odds()

    def _specialist_odds(self) -> dict[str, float]:
        """How often each adult specialist joins an open FST case where the risk is present.

        Targets (share of open FST cases): DA survivor 35%, DA perpetrator 15%, substance
        misuse 10%, mental health 5%. Teams whose post is vacant cannot allocate one, so the
        odds are raised by the share of capacity that has a specialist.
        """
        fst = [t for t in self.teams if t.is_fst]
        total = sum(t.capacity for t in fst) or 1.0
        targets = {
            Role.DA_SURVIVOR_WORKER: (0.35, 0.48),
            Role.DA_PERPETRATOR_WORKER: (0.15, 0.48 * 0.75),
            Role.SUBSTANCE_MISUSE_WORKER: (0.10, 0.28),
            Role.MENTAL_HEALTH_PRACTITIONER: (0.05, 0.36),
            Role.PSYCHOLOGIST: (0.03, 1.0),
        }
        odds = {}
        for role, (target, risk) in targets.items():
            covered = sum(t.capacity for t in fst if role in t.specialists) / total
            # A little over the target: cases opened in the last few weeks have no specialist yet.
            odds[role] = min(1.0, 1.1 * target / (risk * covered)) if covered else 0.0
        return odds

    def add_family(self, rows: Rows) -> None:
        """One family: its latest case (open on the anchor date, or closed), up to two earlier
        closed cases (most within a year of the next referral: re-referrals), its people, and
        every case's records."""
        rng, anchor = self.rng, self.anchor
        self.families_made += 1
        while True:
            if rng.random() < SHARE_OPEN:
                last = self.planner.plan_open(self.planner.open_status())
            else:
                closed = anchor - days(rng.randint(7, (anchor - dt.date(2019, 9, 1)).days))
                last = self.planner.plan_closed(closed, self.planner.closed_trajectory())
                if last.opened < HISTORY_START:
                    last = self.planner.plan_closed(anchor - days(rng.randint(7, 500)), "cin")
            births = self._children(last)
            if births:
                break

        plans = [last]
        earlier = rng.choices([0, 1, 2], weights=EARLIER_CASES)[0]
        for _ in range(earlier):
            within = rng.random() < EARLIER_WITHIN_YEAR
            gap = rng.randint(21, 340) if within else rng.randint(380, 1100)
            plan = self.planner.plan_closed(
                plans[0].opened - days(gap), self.planner.closed_trajectory()
            )
            if plan.opened < HISTORY_START:
                break
            plans.insert(0, plan)

        team = self._team_for(children=len(births) if last.is_open else 0)
        if last.is_open:
            lead = self._lead_for(team, children=len(births))
        else:
            lead = self._established(team, last.opened)
        household = self._household(rows, team, births, self._flags(), plans, by=lead.user_id)
        for plan in plans:
            in_case = self._kids_in(plan, household.kids)
            if in_case:
                self._case(
                    rows,
                    household,
                    plan,
                    in_case,
                    lead=lead if plan is last else self._established(team, plan.opened),
                )
