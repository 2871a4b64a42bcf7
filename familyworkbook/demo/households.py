"""A demo family's people: who they are, where they live and how they are related."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from familyworkbook.access.models import PerpetratorLink
from familyworkbook.core.codes import Sex, UpnUnknown
from familyworkbook.demo.base import YEAR, GeneratorBase
from familyworkbook.demo.county import TeamInfo
from familyworkbook.demo.postcodes import (
    DISTRICTS,
    post_town,
)
from familyworkbook.demo.rows import Rows
from familyworkbook.demo.timeline import (
    ASSESS,
    CIN,
    CLA,
    CP,
    ONE_DAY,
    CasePlan,
    days,
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
    Registration,
    RegistrationKind,
    Relationship,
)

SURVIVOR_EVERY = 18

# Schools and GP practices (made up, like every name here). A URN is 6 digits; a GP
# practice's ODS code a letter and 5 digits (Cambridgeshire's practices are D81...).
SCHOOL_STEMS = [
    "St Mary's",
    "Riverside",
    "Meadowbank",
    "Oakfield",
    "Fenland View",
    "Kingsway",
    "Willow Brook",
    "Cherry Tree",
    "Queen Edith",
    "Orchard Park",
    "Thorpe Lea",
    "Hereward",
]
PRACTICE_NAMES = [
    "Riverside Surgery",
    "Market Street Medical Practice",
    "The Old Forge Health Centre",
    "Fenland Group Practice",
    "Mill Road Surgery",
    "Cathedral Medical Centre",
    "Northfield Surgery",
    "Bridge Street Practice",
    "Parkside Health Centre",
    "Priory Fields Surgery",
]

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
DISTRICT_TOWNS = {
    "E07000008": "Cambridge",
    "E07000009": "Ely",
    "E07000010": "March",
    "E07000011": "Huntingdon",
    "E07000012": "Cambridge",
}


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
    main: Person | None = None
    partner: Person | None = None
    partner_is_parent: bool = False
    other_parent: Person | None = None
    grandparent: Person | None = None

    @property
    def household_people(self) -> list[Person]:
        return [p for p in (self.main, self.partner) if p is not None] + [
            k.person for k in self.kids
        ]


class HouseholdMixin(GeneratorBase):
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
        for kid in expected[:1]:
            # The record keeps the due date it was referred with: a return for a year that ended
            # before the birth reports the child as unborn, by that date (CIN rule 8520).
            kid.person.expected_date_of_birth = kid.born + days(self.rng.randint(-20, 8))
        return present + expected[:1]

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
        """The family, its people, their memberships, addresses and relationships."""
        rng = self.rng
        since = plans[0].opened
        ethnicity = self.pick("ethnicity")
        names, weights = zip(*LANGUAGES.get(ethnicity, [("English", 1)]), strict=True)
        language = rng.choices(names, weights=weights)[0]
        last_name = self.fake.last_name()
        family = Family(
            name=f"{last_name} family",
            reference=f"CAM{self.families_made:06d}",
            **self.audit(since, by),
        )
        rows.families.append(family)
        home = Household(family=family, team=team, home_postcode="", kids=[], flags=flags)
        self._adults(rows, home, births, last_name, ethnicity, language, since=since, by=by)
        self._kids(rows, home, births, last_name, ethnicity, language, since=since, by=by)
        survivor = self._memberships(rows, home, since=since, by=by)
        self._addresses(rows, home, survivor, since=since, by=by)
        self._relationships(rows, home, survivor, since=since, by=by)
        return home

    def _adults(
        self,
        rows: Rows,
        home: Household,
        births: list[tuple[dt.date | None, dt.date | None]],
        last_name: str,
        ethnicity: str,
        language: str,
        *,
        since: dt.date,
        by: int,
    ) -> None:
        """The main carer (usually the mother), a partner at home in just over half of families,
        sometimes the children's other parent elsewhere, and sometimes a grandparent."""
        rng = self.rng

        def adult(sex: str, surname: str, born: dt.date) -> Person:
            return self._adult(
                rows,
                sex=sex,
                last_name=surname,
                born=born,
                ethnicity=ethnicity,
                language=language,
                by=by,
                since=since,
            )

        main_sex = Sex.FEMALE if rng.random() < 0.92 else Sex.MALE
        other_sex = Sex.MALE if main_sex == Sex.FEMALE else Sex.FEMALE
        eldest = next((b for b, _e in reversed(births) if b), None)
        first_birth = eldest or births[0][1]
        assert first_birth is not None
        main_born = first_birth - days(int(rng.triangular(17, 38, 24) * YEAR))
        parent_born_by = first_birth - days(int(16.5 * YEAR))
        home.main = adult(main_sex, last_name, main_born)
        if home.flags.learning_disability:
            home.main.disabilities = ["LD"]
        if rng.random() < 0.55:
            partner_born = main_born - days(int(rng.triangular(-4, 12, 2) * YEAR))
            surname = last_name if rng.random() < 0.5 else self.fake.last_name()
            home.partner = adult(other_sex, surname, min(partner_born, parent_born_by))
        home.partner_is_parent = home.partner is not None and rng.random() < 0.6
        if not home.partner_is_parent and rng.random() < (0.6 if home.partner else 0.45):
            born = main_born - days(int(rng.triangular(-3, 10, 2) * YEAR))
            home.other_parent = adult(other_sex, self.fake.last_name(), min(born, parent_born_by))
        if rng.random() < 0.3:
            born = main_born - days(int(rng.triangular(17, 32, 23) * YEAR))
            home.grandparent = adult(Sex.FEMALE, last_name, born)
        home.flags.perpetrator_known = home.flags.domestic_abuse and (
            home.partner is not None or home.other_parent is not None
        )

    def _kids(
        self,
        rows: Rows,
        home: Household,
        births: list[tuple[dt.date | None, dt.date | None]],
        last_name: str,
        ethnicity: str,
        language: str,
        *,
        since: dt.date,
        by: int,
    ) -> None:
        """The children (and an unborn baby), with the identifiers statutory returns check."""
        rng = self.rng
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
                and home.other_parent is None
                and home.partner_is_parent
                and rng.random() < 0.03
            ):
                child_ethnicity = rng.choice(["MWBC", "MWAS", "MWBA", "MOTH"])
            # A UPN from school age; "UN1" (under 6, not yet at school) before that.
            upn, upn_unknown = "", ""
            if born is not None and (self.anchor - born).days >= 5 * YEAR:
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
                **self.audit(since if born is None or born < since else born, by),
            )
            rows.people.append(person)
            home.kids.append(
                Kid(person=person, born=born, expected=expected, disabled=disabled, sex=sex)
            )

    def _memberships(self, rows: Rows, home: Household, *, since: dt.date, by: int) -> bool:
        """Who lives in the household and who is in the wider network; True for a survivor
        who has moved with the children to a safe address."""
        rng = self.rng
        # About 3% of families with domestic abuse (one in 18 of those with a partner at home):
        # the survivor and children at a safe address. Counted, not drawn, so every county
        # big enough has some.
        survivor = False
        if home.flags.domestic_abuse and home.partner is not None:
            self.abusive_partners += 1
            survivor = self.abusive_partners % SURVIVOR_EVERY == SURVIVOR_EVERY // 2
        for person in home.household_people:
            moved_out = survivor and person is home.partner
            rows.memberships.append(
                FamilyMembership(
                    family=home.family,
                    person=person,
                    kind=MembershipKind.NETWORK if moved_out else MembershipKind.HOUSEHOLD,
                    contact=ContactFrequency.NONE if moved_out else ContactFrequency.DAILY,
                    started_on=next((k.born for k in home.kids if k.person is person), None),
                    **self.audit(since, by),
                )
            )
        for person, contacts in (
            (home.other_parent, ["monthly", "occasional", "none", "weekly"]),
            (home.grandparent, ["weekly", "daily", "monthly", "occasional"]),
        ):
            if person is not None:
                rows.memberships.append(
                    FamilyMembership(
                        family=home.family,
                        person=person,
                        kind=MembershipKind.NETWORK,
                        contact=rng.choices(contacts, weights=[4, 3, 2, 1])[0],
                        **self.audit(since, by),
                    )
                )
        return survivor

    def _addresses(
        self, rows: Rows, home: Household, survivor: bool, *, since: dt.date, by: int
    ) -> None:
        """A real postcode in the team's district for the household; a protected safe address
        for a survivor and the children; the wider network's own homes."""
        rng, fake = self.rng, self.fake
        district = home.team.district_code
        home.home_postcode = rng.choice(self.postcodes[district])
        town = post_town(home.home_postcode, default=DISTRICT_TOWNS[district])
        street = f"{fake.building_number()} {fake.street_name()}"
        moved_in = since - days(rng.randint(60, 2500))
        safe_from = self.anchor - days(rng.randint(20, 400)) if survivor else None
        for person in home.household_people:
            kid = next((k for k in home.kids if k.person is person), None)
            if kid is not None and kid.born is None:
                continue
            start = max(moved_in, kid.born) if kid else moved_in
            leaves = safe_from is not None and person is not home.partner and safe_from > start
            address = Address(
                person=person,
                kind=AddressKind.HOME,
                line_1=street,
                town=town,
                postcode=home.home_postcode,
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
        self._registrations(rows, home, safe_from, by=by)
        for person in (home.other_parent, home.grandparent):
            if person is not None:
                pc = rng.choice(
                    self.postcodes[district if rng.random() < 0.7 else rng.choice(list(DISTRICTS))]
                )
                moved = since - days(rng.randint(100, 3000))
                rows.addresses.append(
                    Address(
                        person=person,
                        kind=AddressKind.HOME,
                        line_1=f"{fake.building_number()} {fake.street_name()}",
                        town=post_town(pc, default="Cambridge"),
                        postcode=pc,
                        from_date=moved,
                        **self.audit(moved, by),
                    )
                )

    def _registrations(
        self, rows: Rows, home: Household, safe_from: dt.date | None, *, by: int
    ) -> None:
        """Each child's GP practice and, from 4, school. A child who moved to a safe address
        left both the day before; the new ones, near the refuge, are hidden (protected: only
        those with a grant see them, never a perpetrator worker).

        Drawn from a random stream of their own, so the rest of the county is as it was."""
        if not hasattr(self, "school_rng"):
            # Seeded from the main generator's state without drawing from it.
            state = ",".join(str(n) for n in self.rng.getstate()[1][:16])
            self.school_rng = random.Random(f"registrations:{state}")
        rng = self.school_rng
        for kid in home.kids:
            if kid.born is None or kid.born > self.anchor:
                continue
            age = kid.age_on(self.anchor)
            places = [(RegistrationKind.GP, kid.born)]
            if age >= 4:
                years = 11 if age >= 11 else 4
                year = kid.born.year + years + (1 if kid.born.month >= 9 else 0)
                places.append((RegistrationKind.SCHOOL, dt.date(year, 9, 1)))
            for kind, start in places:
                if start > self.anchor:
                    continue
                moves = safe_from is not None and safe_from > start
                rows.registrations.append(
                    self._registration(
                        rng,
                        kid,
                        kind,
                        start,
                        (safe_from - ONE_DAY) if moves else None,
                        by,
                        # Registered only after the move: near the refuge already.
                        hidden=safe_from is not None and not moves,
                    )
                )
                if moves:
                    rows.registrations.append(
                        self._registration(rng, kid, kind, safe_from, None, by, hidden=True)
                    )

    def _registration(
        self,
        rng: random.Random,
        kid: Kid,
        kind: str,
        start: dt.date,
        end: dt.date | None,
        by: int,
        *,
        hidden: bool = False,
    ) -> Registration:
        if kind == RegistrationKind.SCHOOL:
            secondary = kid.age_on(start) >= 10.5
            suffix = rng.choice(["Academy", "Community College"]) if secondary else "Primary School"
            name = f"{rng.choice(SCHOOL_STEMS)} {suffix}"
            code = f"{rng.randint(110000, 149999)}"
        else:
            name = rng.choice(PRACTICE_NAMES)
            code = f"D81{rng.randint(0, 999):03d}"
        return Registration(
            person=kid.person,
            kind=kind,
            name=name,
            code=code,
            from_date=start,
            to_date=end,
            hidden=hidden,
            **self.audit(start, by, until=end),
        )

    def _relationships(
        self, rows: Rows, home: Household, survivor: bool, *, since: dt.date, by: int
    ) -> None:
        """Parents (with parental responsibility; the main carer marked), step-parents,
        siblings and half-siblings, grandparent, partners. `Rows.save` adds the inverses."""
        rng = self.rng
        main, partner, kids = home.main, home.partner, home.kids
        assert main is not None

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
                    **self.audit(since, by),
                )
            )

        if partner is not None:
            link(main, partner, "ex_partner" if survivor else "partner")
            if survivor:
                # R9: the alert on their pages, the address warning and the letters rule.
                rows.perpetrator_links.append(
                    PerpetratorLink(
                        perpetrator=partner,
                        survivor=main,
                        noted_on=since,
                        **self.audit(since, by),
                    )
                )
        half_from = None
        if (
            partner is not None
            and not home.partner_is_parent
            and len(kids) >= 2
            and rng.random() < 0.4
        ):
            half_from = 0  # the youngest is the partner's child; the others have another parent
        parents: list[Person | None] = []
        for index, kid in enumerate(kids):
            unborn = kid.born is None
            link(main, kid.person, "parent", pr=not unborn, main_carer=not unborn)
            if home.partner_is_parent or (half_from is not None and index == half_from):
                parent = partner
            else:
                parent = home.other_parent
            parents.append(parent)
            if parent is not None:
                link(parent, kid.person, "parent", pr=not unborn and rng.random() < 0.85)
            if partner is not None and parent is not partner:
                link(partner, kid.person, "step_parent")
            if home.grandparent is not None:
                link(home.grandparent, kid.person, "grandparent")
        for i in range(len(kids)):
            for j in range(i + 1, len(kids)):
                same = parents[i] is parents[j]
                link(kids[j].person, kids[i].person, "sibling" if same else "half_sibling")
        if home.grandparent is not None:
            link(home.grandparent, main, "parent")
