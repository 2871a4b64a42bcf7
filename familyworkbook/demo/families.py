"""Demo families: the people, where they live, how they are related, and their cases.

One family at a time, drawn from one seeded `random.Random` and one seeded Faker, so the
same seed always gives the same county. Rows are built in memory and saved in batches by
`rows.Rows`; nothing here touches the database.

The shares aimed at are the pilot's (SEED-NUMBERS.md §A, May–July 2020) unless noted:
primary need N1 about 87%; secondary needs DA 25%, MH 27%, SM 19%, abuse or neglect 27%;
domestic abuse in about 44% of families (Hertfordshire), shown by assessment factor 3B
(the flag is set a little more often: assessments still under way record no factors yet);
re-referral within 12 months for over half of new referrals; average age about 6.5.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from itertools import accumulate

from django.conf import settings
from faker import Faker

from familyworkbook.cases.models import (
    Allocation,
    Assessment,
    CareProceedings,
    Case,
    CinEpisode,
    CinPlan,
    CpPlan,
    CpReview,
    EpisodeSecondaryNeed,
    LookedAfterEpisode,
    PreProceedings,
    Section47,
    Visit,
)
from familyworkbook.core.codes import Sex, UpnUnknown
from familyworkbook.demo.county import LONDON, County, Staff, TeamInfo
from familyworkbook.demo.postcodes import (
    DISTRICTS,
    out_of_area_postcodes,
    post_town,
    postcodes_by_district,
)
from familyworkbook.demo.rows import Rows
from familyworkbook.demo.timeline import (
    ASSESS,
    CIN,
    CLA,
    CP,
    HISTORY_START,
    ONE_DAY,
    CasePlan,
    Phase,
    Planner,
    add_working_days,
    days,
    weekday_on_or_after,
)
from familyworkbook.people.models import (
    Address,
    AddressKind,
    ContactFrequency,
    Family,
    FamilyMembership,
    MembershipKind,
    Person,
    PersonKind,
    Relationship,
    nhs_check_digit,
    upn_check_letter,
)
from familyworkbook.teams.models import Role

GO_LIVE = dt.date(2020, 2, 10)
VISIT_WINDOW = days(183)
DEMO_CASELOAD = 15
SURVIVOR_EVERY = 18
YEAR = 365.25

# Families whose latest case is open on the anchor date. With the earlier cases below this
# gives a little under half of all cases closed: fewer closed cases would mean fewer
# re-referrals, which the pilot had for most new referrals.
SHARE_OPEN = 0.96
# Earlier, closed cases before a family's latest one: 0, 1 or 2...
EARLIER_CASES = [0.30, 0.55, 0.15]
EARLIER_WITHIN_YEAR = 0.95  # ...closing within 12 months of the next referral (a re-referral)

CHILDREN = [1, 2, 3, 4]
CHILDREN_WEIGHTS = [38, 32, 20, 10]

ETHNICITY = [
    ("WBRI", 850),
    ("WOTH", 45),
    ("WROM", 8),
    ("WIRT", 5),
    ("WIRI", 4),
    ("MWBC", 12),
    ("MWAS", 12),
    ("MWBA", 6),
    ("MOTH", 12),
    ("AIND", 8),
    ("APKN", 8),
    ("ABAN", 6),
    ("AOTH", 6),
    ("BAFR", 9),
    ("BCRB", 4),
    ("BOTH", 2),
    ("CHNE", 3),
    ("OOTH", 5),
    ("REFU", 1),
    ("NOBT", 3),
]
LANGUAGES = {
    "WOTH": [
        ("Polish", 30),
        ("Lithuanian", 20),
        ("Romanian", 15),
        ("Portuguese", 10),
        ("Latvian", 10),
        ("English", 15),
    ],
    "WROM": [("Romanian", 40), ("English", 60)],
    "ABAN": [("Bengali", 40), ("English", 60)],
    "APKN": [("Urdu", 35), ("English", 65)],
    "AOTH": [("Arabic", 30), ("English", 70)],
    "BAFR": [("Somali", 20), ("Tigrinya", 10), ("English", 70)],
    "CHNE": [("Mandarin", 30), ("Cantonese", 20), ("English", 50)],
}
REFERRAL_SOURCES = [
    ("6", 28),
    ("2A", 17),
    ("2B", 1),
    ("3A", 3),
    ("3B", 5),
    ("3C", 2),
    ("3D", 2),
    ("3E", 3),
    ("3F", 5),
    ("4", 2),
    ("5A", 6),
    ("5B", 2),
    ("5C", 2),
    ("5D", 6),
    ("1A", 5),
    ("1B", 1),
    ("1C", 1),
    ("1D", 2),
    ("7", 2),
    ("8", 3),
    ("9", 1),
    ("10", 1),
]
PRIMARY_NEEDS = [
    ("N1", 870),
    ("N4", 50),
    ("N5", 30),
    ("N3", 20),
    ("N2", 10),
    ("N6", 10),
    ("N8", 5),
    ("N9", 5),
]
DISABILITY = [
    ("LD", 30),
    ("AUT", 20),
    ("BEH", 20),
    ("COMM", 15),
    ("MOB", 5),
    ("DDA", 5),
    ("HEAR", 3),
    ("VIS", 2),
]
ABUSE_CATEGORIES = [("NEG", 45), ("EMO", 33), ("PHY", 9), ("SAB", 4), ("MUL", 9)]
PLACE_CHANGE_REASONS = [
    ("CARPL", 40),
    ("CREQB", 14),
    ("CREQO", 14),
    ("STAND", 4),
    ("ALLEG", 3),
    ("CHILD", 6),
    ("LAREQ", 5),
    ("CLOSE", 2),
    ("OTHER", 12),
]
DISTRICT_TOWNS = {
    "E07000008": "Cambridge",
    "E07000009": "Ely",
    "E07000010": "March",
    "E07000011": "Huntingdon",
    "E07000012": "Cambridge",
}
REASON_BY_STATUS = {ASSESS: "assessment", CIN: "cin", CP: "cp", CLA: "cla"}
VISIT_KIND = {ASSESS: "assessment", CIN: "cin", CP: "cp", CLA: "cla"}
FINAL_ORDER = {
    "E41": "cao",
    "E45": "sgo",
    "E47": "sgo",
    "E11": "placement",
    "E12": "placement",
    "E4A": "supervision",
}


def _weighted(table: list[tuple[str, int]]) -> tuple[list[str], list[int]]:
    return [k for k, _ in table], list(accumulate(w for _, w in table))


@dataclass
class Flags:
    """A family's risks, recorded on assessments (factors) and episodes (secondary needs)."""

    domestic_abuse: bool
    mental_health: bool
    drugs: bool
    alcohol: bool
    learning_disability: bool
    physical_illness: bool
    perpetrator_known: bool = False

    @property
    def substance_misuse(self) -> bool:
        return self.drugs or self.alcohol


@dataclass
class Kid:
    person: Person
    born: dt.date | None
    expected: dt.date | None = None
    disabled: bool = False
    sex: str = Sex.UNKNOWN
    home_address: Address | None = None

    def age_on(self, day: dt.date) -> float:
        return (day - self.born).days / YEAR if self.born else -1.0

    def exists_on(self, day: dt.date) -> bool:
        return self.born is not None and self.born <= day


@dataclass
class Household:
    family: Family
    team: TeamInfo
    home_postcode: str
    kids: list[Kid]
    flags: Flags
    lead_user_id: int | None = None
    extras: dict[str, object] = field(default_factory=dict)


class FamilyFactory:
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
            name: _weighted(table)
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

    # --- small helpers ----------------------------------------------------------------

    def pick(self, table: str) -> str:
        names, cum = self.tables[table]
        return self.rng.choices(names, cum_weights=cum)[0]

    def stamp(self, day: dt.date, hour: int = 10) -> dt.datetime:
        key = (day, hour)
        value = self._stamps.get(key)
        if value is None:
            value = dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=LONDON)
            self._stamps[key] = value
        return value

    def audit(
        self, day: dt.date, by: int | None, *, until: dt.date | None = None
    ) -> dict[str, object]:
        return {
            "created_at": self.stamp(day),
            "modified_at": self.stamp(until or day),
            "created_by_id": by,
            "modified_by_id": by,
        }

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

    # --- identifiers ------------------------------------------------------------------

    def _nhs_number(self) -> str:
        """From the NHS's reserved test range (999 000 0000 onwards), so no real person has it."""
        while True:
            body = f"999{self.nhs_next:06d}"
            self.nhs_next += 1
            check = nhs_check_digit(body)
            if check is not None:
                return f"{body}{check}"

    def _upn(self, serial: int, born: dt.date) -> str:
        # LA number, a school's establishment number, the year the UPN was issued, a serial.
        body = f"{self.la_number}{2000 + serial // 1000:04d}{(born.year + 5) % 100:02d}{serial % 1000:03d}"
        return upn_check_letter(body) + body

    # --- the family ---------------------------------------------------------------------

    def add_family(self, rows: Rows) -> None:
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

    def _pick_cum(self, cum: list[float]) -> int:
        x = self.rng.random() * cum[-1]
        lo, hi = 0, len(cum) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if cum[mid] <= x:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def _flags(self) -> Flags:
        rng = self.rng
        sm = rng.random() < 0.28
        drugs = sm and rng.random() < 0.65
        return Flags(
            domestic_abuse=rng.random() < 0.48,
            mental_health=rng.random() < 0.36,
            drugs=drugs,
            alcohol=sm and (not drugs or rng.random() < 0.45),
            learning_disability=rng.random() < 0.04,
            physical_illness=rng.random() < 0.06,
        )

    def _children(self, last: CasePlan) -> list[tuple[dt.date | None, dt.date | None]]:
        """(date of birth, expected date) for each child, youngest first; born before the latest referral.

        An unborn baby's referral is at most 40 weeks before the expected date (CIN rule 8606).
        """
        rng, anchor = self.rng, self.anchor
        referral = last.opened
        births: list[tuple[dt.date | None, dt.date | None]] = []
        unborn_possible = (
            last.is_open
            and last.status in {ASSESS, CIN, CP}
            and referral + days(270) >= anchor + days(14)
        )
        if unborn_possible and rng.random() < 0.22:
            latest = min(referral + days(270), anchor + days(200))
            expected = anchor + days(rng.randint(14, max(14, (latest - anchor).days)))
            births.append((None, expected))
            if rng.random() < 0.35:
                return births  # a first baby: the family is known before the birth
        count = rng.choices(CHILDREN, weights=CHILDREN_WEIGHTS)[0]
        r = rng.random()
        if r < 0.45:
            youngest = rng.randint(14, 730)
        elif r < 0.70:
            youngest = rng.randint(730, 5 * 365)
        elif r < 0.88:
            youngest = rng.randint(5 * 365, 10 * 365)
        elif r < 0.97:
            youngest = rng.randint(10 * 365, 14 * 365)
        else:
            youngest = rng.randint(14 * 365, 17 * 365)
        born = referral - days(youngest)
        oldest_allowed = anchor - days(int(17.8 * YEAR))
        for i in range(count):
            if i:
                born -= days(int(rng.triangular(1.0, 5.0, 2.0) * YEAR))
            if born < oldest_allowed:
                break
            births.append((born, None))
        return births

    def _kids_in(self, plan: CasePlan, kids: list[Kid]) -> list[Kid]:
        """The children a case is about: born by its referral, or born within 40 weeks of it."""
        present = [k for k in kids if k.born is not None and k.born <= plan.opened]
        if plan.is_open:
            return present + [k for k in kids if k.born is None]
        if CLA in {p.kind for p in plan.phases}:
            return present
        # A baby expected at the time, who has since been born (a pre-birth referral).
        expected = [
            k
            for k in kids
            if k.born is not None and plan.opened < k.born <= plan.opened + days(270)
        ]
        return present + expected[:1]

    # --- people, addresses and relationships -------------------------------------------

    def _name(self, sex: str) -> str:
        return self.fake.first_name_female() if sex == Sex.FEMALE else self.fake.first_name_male()

    def _adult(
        self,
        rows: Rows,
        *,
        sex: str,
        last_name: str,
        born: dt.date,
        ethnicity: str,
        language: str,
        by: int | None,
        since: dt.date,
    ) -> Person:
        rng = self.rng
        person = Person(
            kind=PersonKind.ADULT,
            first_name=self._name(sex),
            last_name=last_name,
            date_of_birth=born,
            sex=sex,
            ethnicity=ethnicity,
            disabilities=[],
            nhs_number=self._nhs_number() if rng.random() < 0.8 else "",
            main_language=language,
            interpreter_needed=language != "English" and rng.random() < 0.4,
            **self.audit(since, by),
        )
        rows.people.append(person)
        return person

    def _household(
        self,
        rows: Rows,
        team: TeamInfo,
        births: list[tuple[dt.date | None, dt.date | None]],
        flags: Flags,
        plans: list[CasePlan],
        *,
        by: int,
    ) -> Household:
        rng, fake, anchor = self.rng, self.fake, self.anchor
        district = team.district_code
        first_referral = plans[0].opened
        ethnicity = self.pick("ethnicity")
        names, weights = zip(*LANGUAGES.get(ethnicity, [("English", 1)]), strict=True)
        language = rng.choices(names, weights=weights)[0]
        last_name = fake.last_name()
        family = Family(
            name=f"{last_name} family",
            reference=f"CAM{self.families_made:06d}",
            **self.audit(first_referral, by),
        )
        rows.families.append(family)

        # The main carer, usually the mother; a partner in the household in just over half.
        main_sex = Sex.FEMALE if rng.random() < 0.92 else Sex.MALE
        other_sex = Sex.MALE if main_sex == Sex.FEMALE else Sex.FEMALE
        eldest = next((b for b, _e in reversed(births) if b), None)
        first_birth = eldest or births[0][1]
        assert first_birth is not None
        main_born = first_birth - days(int(rng.triangular(17, 38, 24) * YEAR))
        parent_born_by = first_birth - days(int(16.5 * YEAR))
        main = self._adult(
            rows,
            sex=main_sex,
            last_name=last_name,
            born=main_born,
            ethnicity=ethnicity,
            language=language,
            by=by,
            since=first_referral,
        )
        if flags.learning_disability:
            main.disabilities = ["LD"]
        partner = None
        if rng.random() < 0.55:
            partner_born = main_born - days(int(rng.triangular(-4, 12, 2) * YEAR))
            partner = self._adult(
                rows,
                sex=other_sex,
                last_name=last_name if rng.random() < 0.5 else fake.last_name(),
                born=min(partner_born, parent_born_by),
                ethnicity=ethnicity,
                language=language,
                by=by,
                since=first_referral,
            )
        partner_is_parent = partner is not None and rng.random() < 0.6
        other_parent = None
        if not partner_is_parent and rng.random() < (0.6 if partner else 0.45):
            other_parent = self._adult(
                rows,
                sex=other_sex,
                last_name=fake.last_name(),
                born=min(main_born - days(int(rng.triangular(-3, 10, 2) * YEAR)), parent_born_by),
                ethnicity=ethnicity,
                language=language,
                by=by,
                since=first_referral,
            )
        grandparent = None
        if rng.random() < 0.3:
            grandparent = self._adult(
                rows,
                sex=Sex.FEMALE,
                last_name=last_name,
                born=main_born - days(int(rng.triangular(17, 32, 23) * YEAR)),
                ethnicity=ethnicity,
                language=language,
                by=by,
                since=first_referral,
            )
        flags.perpetrator_known = flags.domestic_abuse and (
            partner is not None or other_parent is not None
        )

        kids: list[Kid] = []
        for born, expected in births:
            self.children_made += 1
            serial = self.children_made
            sex = Sex.UNKNOWN if born is None else (Sex.FEMALE if rng.random() < 0.49 else Sex.MALE)
            disabled = born is not None and rng.random() < 0.09
            disabilities = ["NONE"]
            if disabled:
                disabilities = sorted(
                    {self.pick("disability") for _ in range(rng.choice([1, 1, 1, 2]))}
                )
            child_ethnicity = ethnicity
            if (
                born is not None
                and ethnicity == "WBRI"
                and other_parent is None
                and partner_is_parent
                and rng.random() < 0.03
            ):
                child_ethnicity = rng.choice(["MWBC", "MWAS", "MWBA", "MOTH"])
            upn, upn_unknown = "", ""
            if born is None:
                upn_unknown = UpnUnknown.UN1
            elif (anchor - born).days >= 5 * YEAR:
                upn = self._upn(serial, born)
            else:
                upn_unknown = UpnUnknown.UN1
            person = Person(
                kind=PersonKind.UNBORN if born is None else PersonKind.CHILD,
                first_name="" if born is None else self._name(sex),
                last_name=last_name,
                date_of_birth=born,
                expected_date_of_birth=expected,
                sex=sex,
                ethnicity=child_ethnicity if born else ethnicity,
                disabilities=disabilities,
                upn=upn,
                upn_unknown_reason=upn_unknown,
                nhs_number=self._nhs_number() if born is not None and rng.random() < 0.97 else "",
                la_child_id=f"CC{serial:07d}",
                main_language=language,
                **self.audit(first_referral if born is None or born < first_referral else born, by),
            )
            rows.people.append(person)
            kids.append(
                Kid(person=person, born=born, expected=expected, disabled=disabled, sex=sex)
            )

        # Memberships.
        household_people = [p for p in (main, partner) if p is not None] + [k.person for k in kids]
        # About 3% of families with domestic abuse (one in 18 of those with a partner at home):
        # the survivor and children at a safe address. Counted, not drawn, so every county
        # big enough has some.
        survivor = False
        if flags.domestic_abuse and partner is not None:
            self.abusive_partners += 1
            survivor = self.abusive_partners % SURVIVOR_EVERY == SURVIVOR_EVERY // 2
        for person in household_people:
            moved_out = survivor and person is partner
            rows.memberships.append(
                FamilyMembership(
                    family=family,
                    person=person,
                    kind=MembershipKind.NETWORK if moved_out else MembershipKind.HOUSEHOLD,
                    contact=ContactFrequency.NONE if moved_out else ContactFrequency.DAILY,
                    started_on=next((k.born for k in kids if k.person is person), None),
                    **self.audit(first_referral, by),
                )
            )
        for person, contacts in (
            (other_parent, ["monthly", "occasional", "none", "weekly"]),
            (grandparent, ["weekly", "daily", "monthly", "occasional"]),
        ):
            if person is not None:
                rows.memberships.append(
                    FamilyMembership(
                        family=family,
                        person=person,
                        kind=MembershipKind.NETWORK,
                        contact=rng.choices(contacts, weights=[4, 3, 2, 1])[0],
                        **self.audit(first_referral, by),
                    )
                )

        # Addresses: a real postcode in the team's district.
        home = rng.choice(self.postcodes[district])
        town = post_town(home, default=DISTRICT_TOWNS[district])
        street = f"{fake.building_number()} {fake.street_name()}"
        moved_in = first_referral - days(rng.randint(60, 2500))
        safe_from = anchor - days(rng.randint(20, 400)) if survivor else None
        for person in household_people:
            kid = next((k for k in kids if k.person is person), None)
            if kid is not None and kid.born is None:
                continue
            start = max(moved_in, kid.born) if kid else moved_in
            leaves = safe_from is not None and person is not partner and safe_from > start
            address = Address(
                person=person,
                kind=AddressKind.HOME,
                line_1=street,
                town=town,
                postcode=home,
                from_date=start,
                to_date=(safe_from - ONE_DAY) if leaves else None,
                **self.audit(start, by),
            )
            rows.addresses.append(address)
            if kid is not None and not leaves:
                kid.home_address = address
            if leaves:
                safe_pc = rng.choice(self.postcodes[rng.choice(list(DISTRICTS))])
                rows.addresses.append(
                    Address(
                        person=person,
                        kind=AddressKind.SAFE,
                        line_1=f"{fake.building_number()} {fake.street_name()}",
                        town=post_town(safe_pc, default="Cambridge"),
                        postcode=safe_pc,
                        from_date=safe_from,
                        protected=True,
                        **self.audit(safe_from, by),
                    )
                )
        for person in (other_parent, grandparent):
            if person is not None:
                pc = rng.choice(
                    self.postcodes[district if rng.random() < 0.7 else rng.choice(list(DISTRICTS))]
                )
                since = first_referral - days(rng.randint(100, 3000))
                rows.addresses.append(
                    Address(
                        person=person,
                        kind=AddressKind.HOME,
                        line_1=f"{fake.building_number()} {fake.street_name()}",
                        town=post_town(pc, default="Cambridge"),
                        postcode=pc,
                        from_date=since,
                        **self.audit(since, by),
                    )
                )

        # Relationships (save() adds each one's inverse).
        def link(
            a: Person, b: Person, kind: str, *, pr: bool = False, main_carer: bool = False
        ) -> None:
            rows.relationships.append(
                Relationship(
                    person=a,
                    other=b,
                    kind=kind,
                    parental_responsibility=pr,
                    is_main_carer=main_carer,
                    **self.audit(first_referral, by),
                )
            )

        if partner is not None:
            link(main, partner, "ex_partner" if survivor else "partner")
        half_from = None
        if partner is not None and not partner_is_parent and len(kids) >= 2 and rng.random() < 0.4:
            half_from = 0  # the youngest is the partner's child; the others have another parent
        fathers: list[Person | None] = []
        for index, kid in enumerate(kids):
            unborn = kid.born is None
            link(main, kid.person, "parent", pr=not unborn, main_carer=not unborn)
            if partner_is_parent or (half_from is not None and index == half_from):
                father = partner
            else:
                father = other_parent
            fathers.append(father)
            if father is not None:
                link(father, kid.person, "parent", pr=not unborn and rng.random() < 0.85)
            if partner is not None and father is not partner:
                link(partner, kid.person, "step_parent")
            if grandparent is not None:
                link(grandparent, kid.person, "grandparent")
        for i in range(len(kids)):
            for j in range(i + 1, len(kids)):
                same = fathers[i] is fathers[j]
                link(kids[j].person, kids[i].person, "sibling" if same else "half_sibling")
        if grandparent is not None:
            link(grandparent, main, "parent")
        return Household(
            family=family,
            team=team,
            home_postcode=home,
            kids=kids,
            flags=flags,
            lead_user_id=by,
            extras={"town": town, "street": street},
        )

    # --- cases ------------------------------------------------------------------------

    def _team_for(self, *, children: int) -> TeamInfo:
        """Of two teams drawn by capacity, the one with more room: team caseloads stay even."""
        first = self.teams[self._pick_cum(self.team_cum)]
        second = self.teams[self._pick_cum(self.team_cum)]
        team = min((first, second), key=lambda t: self.loads.get(id(t), 0) / t.capacity)
        self.loads[id(team)] = self.loads.get(id(team), 0) + children
        return team

    def _lead_for(self, team: TeamInfo, *, children: int) -> Staff:
        """The lead worker for an open case: of two drawn by capacity, the one with more room.

        The demo social worker takes the demo team's first 15 open cases with one or two
        children, and no more, so their caseload page is realistic.
        """
        demo = self.county.demo_social_worker
        if team is self.county.demo_team and self.demo_cases < DEMO_CASELOAD and children <= 2:
            self.demo_cases += 1
            self.loads[id(demo)] = self.loads.get(id(demo), 0) + children
            return demo
        candidates = []
        for _ in range(2):
            lead = team.leads[self._pick_cum(self.lead_cum[id(team)])]
            if lead is demo:
                lead = team.leads[-1] if team.leads[-1] is not demo else team.leads[0]
            candidates.append(lead)
        lead = min(candidates, key=lambda s: self.loads.get(id(s), 0) / s.weight)
        self.loads[id(lead)] = self.loads.get(id(lead), 0) + children
        return lead

    def _established(self, team: TeamInfo, on: dt.date, avoid: Staff | None = None) -> Staff:
        """A lead worker who was in post on a date (for history and earlier allocations)."""
        choices = [
            s
            for s in team.leads
            if s.started_on <= on and s is not avoid and s is not self.county.demo_social_worker
        ]
        if not choices:
            choices = [s for s in team.leads if s is not avoid] or team.leads
        return self.rng.choice(choices)

    def _case(
        self, rows: Rows, home: Household, plan: CasePlan, kids: list[Kid], *, lead: Staff
    ) -> None:
        rng = self.rng
        team = home.team
        closed = plan.closed
        last_day = closed or self.anchor
        self._fix_exit(plan, kids)
        by = lead.user_id
        case = Case(
            family=home.family,
            team=team.team,
            reason=REASON_BY_STATUS[plan.status],
            opened_on=plan.opened,
            closed_on=closed,
            closure_reason=plan.case_closure if closed else "",
            **self.audit(plan.opened, by, until=closed),
        )
        rows.cases.append(case)
        leads = self._allocate(rows, case, plan, team, home.flags, lead)

        authorised = plan.assessment_authorised
        primary = self.pick("need") if authorised else ""
        source = self.pick("source")
        if any(k.born is None or k.born > plan.opened for k in kids) and rng.random() < 0.6:
            source = "3F"  # a midwife's referral before the birth
        first_category = self.pick("abuse")
        latest_category = first_category if rng.random() < 0.85 else self.pick("abuse")
        recorded = {
            "DA": home.flags.domestic_abuse and rng.random() < 0.5,
            "MH": home.flags.mental_health and rng.random() < 0.75,
            "SM": home.flags.substance_misuse and rng.random() < 0.68,
            "ABN": rng.random() < 0.27,
            "LD": home.flags.learning_disability,
            "PD": home.flags.physical_illness,
            "OTH": rng.random() < 0.04,
            "FAITH": rng.random() < 0.002,
        }
        for kid in kids:
            episode = CinEpisode(
                child=kid.person,
                case=case,
                referral_on=plan.opened,
                referral_source=source,
                primary_need=primary,
                referral_nfa=False,
                closed_on=closed,
                closure_reason=plan.cin_closure if closed else "",
                **self.audit(plan.opened, by, until=closed),
            )
            rows.episodes.append(episode)
            for need in self._secondary_needs(kid, plan, recorded):
                rows.needs.append(EpisodeSecondaryNeed(episode=episode, need=need))
            if plan.assessment_started:
                rows.assessments.append(
                    Assessment(
                        episode=episode,
                        started_on=plan.assessment_started,
                        authorised_on=authorised,
                        factors=self._factors(kid, plan, home.flags, authorised)
                        if authorised
                        else [],
                        **self.audit(plan.assessment_started, by, until=authorised),
                    )
                )
            cp = plan.phase(CP)
            if plan.s47_started:
                icpc = cp.start if cp else None
                rows.s47s.append(
                    Section47(
                        episode=episode,
                        started_on=plan.s47_started,
                        icpc_target_on=add_working_days(plan.s47_started, 15),
                        icpc_on=icpc,
                        icpc_not_required=plan.s47_not_required and icpc is None,
                        **self.audit(plan.s47_started, by, until=icpc),
                    )
                )
            for phase in plan.phases:
                if phase.kind == CIN:
                    rows.cin_plans.append(
                        CinPlan(
                            episode=episode,
                            started_on=phase.start,
                            ended_on=phase.end,
                            **self.audit(phase.start, by, until=phase.end),
                        )
                    )
                elif phase.kind == CP:
                    cp_plan = CpPlan(
                        episode=episode,
                        started_on=phase.start,
                        ended_on=phase.end,
                        initial_category=first_category,
                        latest_category=latest_category,
                        **self.audit(phase.start, by, until=phase.end),
                    )
                    rows.cp_plans.append(cp_plan)
                    for held in self._review_dates(phase):
                        rows.reviews.append(
                            CpReview(plan=cp_plan, held_on=held, **self.audit(held, by))
                        )
                elif phase.kind == CLA:
                    self._looked_after(rows, case, plan, phase, kid, home, primary, by)
            if plan.plo:
                start, end = plan.plo
                rows.pre_proceedings.append(
                    PreProceedings(
                        child=kid.person,
                        case=case,
                        started_on=start,
                        ended_on=end,
                        outcome="proceedings" if end else "",
                        **self.audit(start, by, until=end),
                    )
                )
            if plan.proceedings and kid.born is not None:
                issued, concluded = plan.proceedings
                rows.proceedings.append(
                    CareProceedings(
                        child=kid.person,
                        case=case,
                        issued_on=issued,
                        concluded_on=concluded,
                        final_order=str(plan.extra.get("order", "")) if concluded else "",
                        **self.audit(issued, by, until=concluded),
                    )
                )
            self._visits(rows, case, plan, kid, leads, last_day)

    def _fix_exit(self, plan: CasePlan, kids: list[Kid]) -> None:
        """Adoption is for young children with a placement order; others leaving care go home instead."""
        if plan.cla_exit in {"E11", "E12"}:
            phase = plan.phase(CLA)
            entered = phase.start if phase else plan.opened
            young = all(k.born is not None and k.age_on(entered) < 5 for k in kids)
            long_enough = plan.closed is not None and (plan.closed - entered).days >= 330
            if plan.cla_route == "s20" or not young or not long_enough or not plan.proceedings:
                plan.cla_exit, plan.cin_closure, plan.case_closure = "E4A", "RC7", "outcomes_met"
        if plan.proceedings and plan.closed:
            # Leaving care ends the proceedings: an order made on the day, or earlier for adoption.
            issued, _concluded = plan.proceedings
            if plan.cla_exit in {"E11", "E12"}:
                concluded = min(issued + days(self.rng.randint(150, 240)), plan.closed - days(90))
                plan.proceedings = (issued, max(concluded, issued))
            else:
                plan.proceedings = (issued, plan.closed)
            plan.extra["order"] = FINAL_ORDER.get(plan.cla_exit, "care")
        elif plan.proceedings:
            young = all(k.born is not None and k.age_on(plan.proceedings[0]) < 3 for k in kids)
            plan.extra["order"] = "placement" if young and self.rng.random() < 0.3 else "care"

    def _allocate(
        self, rows: Rows, case: Case, plan: CasePlan, team: TeamInfo, flags: Flags, lead: Staff
    ) -> list[tuple[dt.date, dt.date | None, Staff]]:
        """Lead worker(s) over time, and the others on the case; returns the leads' periods."""
        rng, anchor = self.rng, self.anchor
        closed = plan.closed
        last_day = closed or anchor
        periods: list[tuple[dt.date, dt.date | None, Staff]] = []
        start = plan.opened
        change = None
        if lead.started_on > plan.opened:
            change = lead.started_on
        elif plan.is_open and (anchor - plan.opened).days > 540 and rng.random() < 0.35:
            change = plan.opened + days(rng.randint(180, (anchor - plan.opened).days - 30))
        if change is not None and change < last_day:
            before = self._established(team, plan.opened, avoid=lead)
            periods.append((start, change, before))
            start = change
        periods.append((start, closed, lead))

        def allocate(
            staff: Staff, role: str, begin: dt.date, end: dt.date | None, *, is_lead: bool = False
        ) -> None:
            rows.allocations.append(
                Allocation(
                    case=case,
                    worker=staff.worker,
                    role=role,
                    is_lead=is_lead,
                    started_on=begin,
                    ended_on=end,
                    **self.audit(begin, lead.user_id, until=end),
                )
            )

        for begin, end, staff in periods:
            allocate(staff, staff.role, begin, end, is_lead=True)

        first_plan = next((p for p in plan.phases if p.kind != ASSESS), None)
        if first_plan is not None:
            if team.child_practitioners and rng.random() < 0.4:
                allocate(
                    rng.choice(team.child_practitioners),
                    Role.CHILD_PRACTITIONER,
                    first_plan.start,
                    closed,
                )
            if team.clinicians and rng.random() < 0.5:
                allocate(team.clinicians[0], team.clinicians[0].role, first_plan.start, closed)
        if team.is_fst:
            wants = {
                Role.DA_SURVIVOR_WORKER: flags.domestic_abuse,
                Role.DA_PERPETRATOR_WORKER: flags.domestic_abuse and flags.perpetrator_known,
                Role.SUBSTANCE_MISUSE_WORKER: flags.substance_misuse,
                Role.MENTAL_HEALTH_PRACTITIONER: flags.mental_health,
                Role.PSYCHOLOGIST: True,
            }
            for role, at_risk in wants.items():
                staff = team.specialists.get(role)
                if staff is None or not at_risk or rng.random() >= self.specialist_odds[role]:
                    continue
                begin = max(
                    plan.assessment_authorised or plan.opened + days(14), GO_LIVE, staff.started_on
                )
                begin += days(rng.randint(0, 30))
                if begin <= last_day:
                    allocate(staff, role, begin, closed)
                    plan.extra["joint"] = True
        for phase in plan.phases:
            end = phase.end if phase.end is not None else closed
            if phase.kind == CP:
                if self.county.cp_chairs:
                    allocate(rng.choice(self.county.cp_chairs), Role.CP_CHAIR, phase.start, end)
                if self.county.fgc_coordinators and rng.random() < 0.1:
                    fgc_end = min(phase.start + days(rng.randint(30, 90)), last_day)
                    allocate(
                        rng.choice(self.county.fgc_coordinators),
                        Role.FGC_COORDINATOR,
                        phase.start,
                        fgc_end if fgc_end < anchor else None,
                    )
            elif phase.kind == CLA and self.county.iros:
                allocate(rng.choice(self.county.iros), Role.IRO, phase.start, end)
        legal_from, legal_to = plan.plo if plan.plo else (None, None)
        if plan.proceedings:
            legal_from = legal_from or plan.proceedings[0]
            legal_to = plan.proceedings[1]
        if legal_from and self.county.legal:
            allocate(rng.choice(self.county.legal), Role.LEGAL, legal_from, legal_to or closed)
        return periods

    def _secondary_needs(self, kid: Kid, plan: CasePlan, recorded: dict[str, bool]) -> list[str]:
        rng = self.rng
        needs = [need for need, on in recorded.items() if on]
        if kid.born is None:
            return needs
        age = kid.age_on(plan.opened)
        if age >= 8 and rng.random() < 0.13:
            needs.append("YC")
        if age >= 10:
            for need, odds in (
                ("SUB", 0.06),
                ("SH", 0.04),
                ("CSE", 0.06 if kid.sex == Sex.FEMALE else 0.02),
                ("GANG", 0.05 if kid.sex == Sex.MALE else 0.01),
            ):
                if rng.random() < odds:
                    needs.append(need)
        if "LD" in kid.person.disabilities and "LD" not in needs and rng.random() < 0.5:
            needs.append("LD")
        return needs

    def _factors(self, kid: Kid, plan: CasePlan, flags: Flags, authorised: dt.date) -> list[str]:
        rng = self.rng
        factors = []
        parental = [
            ("3B", flags.domestic_abuse),
            ("4B", flags.mental_health),
            ("2B", flags.drugs),
            ("1B", flags.alcohol),
            ("5B", flags.learning_disability),
            ("6B", flags.physical_illness),
        ]
        factors += [code for code, on in parental if on]
        if plan.trajectory in {"nfa", "early_help"} and rng.random() < 0.5:
            factors = [f for f in factors if rng.random() < 0.5]
        age = kid.age_on(plan.opened)
        if plan.trajectory not in {"nfa", "early_help"}:
            for code, odds in (("16A", 0.45), ("17A", 0.35), ("18C", 0.08), ("19C", 0.03)):
                if rng.random() < odds:
                    factors.append(code)
        if kid.disabled:
            factors.append("5A" if rng.random() < 0.6 else "6A")
        if age >= 8 and rng.random() < 0.05:
            factors.append("7A")
        if age >= 11:
            for code, odds in (
                ("4A", 0.15),
                ("15A", 0.05),
                ("10A", 0.06),
                ("11A", 0.04),
                ("14A", 0.06),
                ("13A", 0.03),
                ("24A", 0.03),
            ):
                if rng.random() < odds:
                    factors.append(code)
        if rng.random() < 0.04:
            factors.append("20")
        return sorted(set(factors), key=factors.index) or ["21"]

    def _review_dates(self, phase: Phase) -> list[dt.date]:
        """Review conferences: three months after the ICPC, then every six months."""
        last = phase.end or self.anchor
        held = weekday_on_or_after(phase.start + days(self.rng.randint(84, 95)))
        dates = []
        while held <= last:
            dates.append(held)
            held = weekday_on_or_after(held + days(self.rng.randint(175, 185)))
        return dates

    # --- looked-after episodes ------------------------------------------------------------

    def _placement(self, kid: Kid, on: dt.date) -> tuple[str, str, str, str]:
        """(placement type, provider, postcode, URN) suited to the child's age on the day."""
        rng = self.rng
        age = kid.age_on(on)
        if age < 1 and rng.random() < 0.12:
            kind = "R3"
        elif age >= 16 and rng.random() < 0.3:
            kind = "K3"
        elif age >= 12 and rng.random() < 0.35:
            kind = "K2"
        else:
            kind = rng.choices(["U6", "U4", "U3", "U1"], weights=[55, 15, 20, 10])[0]
        if kind in {"U1", "U3"}:
            provider = "PR1"
        elif kind in {"U4", "U6"}:
            provider = "PR1" if rng.random() < 0.6 else "PR4"
        elif kind == "K2":
            provider = "PR1" if rng.random() < 0.3 else "PR4"
        else:
            provider = rng.choice(["PR4", "PR5"])
        # Own provision is inside the county (903 rule 1015); private placements often are not.
        if provider == "PR1" or rng.random() < 0.6:
            postcode = rng.choice(self.postcodes[rng.choice(list(DISTRICTS))])
        else:
            postcode = rng.choice(self.out_of_area)
        registered = kind in {"K2", "K3", "R3"} or provider in {"PR4", "PR5"}
        urn = f"SC{rng.randint(100000, 999999)}" if registered else "XXXXXXX"
        return kind, provider, postcode, urn

    def _looked_after(
        self,
        rows: Rows,
        case: Case,
        plan: CasePlan,
        phase: Phase,
        kid: Kid,
        home: Household,
        primary: str,
        by: int,
    ) -> None:
        """A child's SSDA903 episodes: contiguous, first RNE S, each change ending one with X1."""
        rng, anchor = self.rng, self.anchor
        entered = phase.start
        last_day = phase.end or anchor
        # Legal status over time.
        legal: list[tuple[dt.date, str]] = []
        if plan.cla_route == "s20":
            legal.append((entered, "V2"))
        else:
            if plan.cla_route == "emergency":
                legal.append((entered, "L2"))
                epo_days = rng.randint(3, 8)
                if entered + days(epo_days) < last_day:
                    legal.append((entered + days(epo_days), "C1"))
            else:
                legal.append((entered, "C1"))
            concluded = plan.proceedings[1] if plan.proceedings else None
            if concluded and concluded < last_day:
                # A care order (C2) or, for a young child to be adopted, a placement order (E1).
                legal.append((concluded, "E1" if plan.extra.get("order") == "placement" else "C2"))
        legal_dates = {d for d, _ in legal}
        # Placements over time: about one move every two and a half years.
        moves: list[dt.date] = []
        span = (last_day - entered).days
        expected_moves = span / (2.5 * 365)
        n_moves = int(expected_moves) + (1 if rng.random() < expected_moves % 1 else 0)
        for _ in range(n_moves):
            if span > 30:
                day = entered + days(rng.randint(14, span - 7))
                if day not in legal_dates and day not in moves and day < last_day:
                    moves.append(day)
        adoption_move = None
        if any(status == "E1" for _, status in legal):
            e1_from = next(d for d, s in legal if s == "E1")
            candidate = e1_from + days(rng.randint(30, 80))
            if candidate < last_day and candidate not in legal_dates:
                adoption_move = candidate
                moves = [m for m in moves if m < e1_from]
                moves.append(candidate)
        moves.sort()
        changes = sorted(legal_dates | set(moves))
        home_pc = home.home_postcode
        need = primary if primary and primary not in {"N9", "N0"} else "N1"
        current_legal = legal[0][1]
        kind, provider, postcode, urn = self._placement(kid, entered)
        episodes: list[LookedAfterEpisode] = []
        for index, start in enumerate(changes):
            legal_changed = start in legal_dates and index > 0
            placement_changed = start in moves
            if legal_changed:
                current_legal = next(status for day, status in legal if day == start)
            if placement_changed:
                if start == adoption_move:
                    kind = "A6"
                    provider, urn = "PR1", "XXXXXXX"
                    postcode = rng.choice(self.postcodes[rng.choice(list(DISTRICTS))])
                else:
                    kind, provider, postcode, urn = self._placement(kid, start)
            if index == 0:
                reason = "S"
            elif legal_changed and placement_changed:
                reason = "B"
            elif legal_changed:
                reason = "L"
            else:
                reason = "P"
            if episodes:
                previous = episodes[-1]
                previous.ceased_on = start
                previous.reason_ceased = "X1"
                if reason in {"P", "B", "T", "U"}:
                    previous.reason_place_change = (
                        "CARPL" if start == adoption_move else self.pick("place_change")
                    )
                previous.modified_at = self.stamp(start)
            episodes.append(
                LookedAfterEpisode(
                    child=kid.person,
                    case=case,
                    started_on=start,
                    reason_new_episode=reason,
                    legal_status=current_legal,
                    need=need,
                    placement_type=kind,
                    placement_provider=provider,
                    home_postcode=home_pc,
                    placement_postcode=postcode,
                    urn=urn,
                    **self.audit(start, by),
                )
            )
        if phase.end is not None:
            final = episodes[-1]
            final.ceased_on = phase.end
            final.reason_ceased = plan.cla_exit or "E4A"
            final.modified_at = self.stamp(phase.end)
        else:
            # The child lives at the placement now; the family home is a past address.
            since, postcode = episodes[-1].started_on, episodes[-1].placement_postcode
            if kid.home_address is not None:
                kid.home_address.to_date = max(kid.home_address.from_date, entered - ONE_DAY)
            rows.addresses.append(
                Address(
                    person=kid.person,
                    kind=AddressKind.PLACEMENT,
                    line_1=f"{self.fake.building_number()} {self.fake.street_name()}",
                    town=post_town(postcode, default="Cambridge"),
                    postcode=postcode,
                    from_date=since,
                    **self.audit(since, by),
                )
            )
        rows.looked_after.extend(episodes)

    # --- visits -------------------------------------------------------------------------

    def _visits(
        self,
        rows: Rows,
        case: Case,
        plan: CasePlan,
        kid: Kid,
        leads: list[tuple[dt.date, dt.date | None, Staff]],
        last_day: dt.date,
    ) -> None:
        """Statutory visits in the last six months: CP every 10 working days, CIN every 4–6 weeks,
        looked after every 6 weeks."""
        if kid.born is None or last_day < self.window_start:
            return
        rng = self.rng
        specialists = plan.extra.get("joint", False)
        for phase in plan.phases:
            end = min(phase.end or last_day, last_day)
            start = max(phase.start, self.window_start, kid.born)
            if end < start:
                continue
            day = start + days(rng.randint(1, 10))
            while day <= end and day <= self.anchor:
                if day.weekday() >= 5:
                    day = weekday_on_or_after(day)
                    if day > end or day > self.anchor:
                        break
                seen = rng.random() < 0.95
                age = kid.age_on(day)
                lead = next(
                    (s for b, e, s in leads if b <= day and (e is None or day <= e)), leads[-1][2]
                )
                kind = VISIT_KIND[phase.kind]
                if phase.kind in {CIN, CP} and specialists and rng.random() < 0.12:
                    kind = "joint"
                rows.visits.append(
                    Visit(
                        child=kid.person,
                        case=case,
                        visited_on=day,
                        kind=kind,
                        seen=seen,
                        seen_alone=seen and age >= 4 and rng.random() < 0.6,
                        by=lead.worker,
                        **self.audit(day, lead.user_id),
                    )
                )
                if phase.kind == CP:
                    day = add_working_days(day, rng.randint(8, 10))
                elif phase.kind == CIN:
                    day += days(rng.randint(28, 42))
                elif phase.kind == CLA:
                    day += days(rng.randint(35, 45))
                else:
                    day += days(rng.randint(7, 20))
