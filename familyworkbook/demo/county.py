"""The demo county's organisations, teams, posts and workers.

The family safeguarding service is built in blocks of ten teams (two per district), each
block staffed and vacant exactly as the pilot's ten teams were on 31 July 2020
(SEED-NUMBERS.md, "Posts (vacancies)"). A bigger demo gets more blocks rather than bigger
caseloads, so every caseload page stays realistic (about 15 children a worker) whatever
the number of families.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import unicodedata
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from faker import Faker

from familyworkbook.demo.builders import DEMO_PASSWORD
from familyworkbook.demo.postcodes import DISTRICTS
from familyworkbook.teams.models import (
    District,
    EmploymentType,
    Organisation,
    OrganisationKind,
    Post,
    Role,
    Service,
    Team,
    TeamKind,
    User,
    Worker,
)

LONDON = zoneinfo.ZoneInfo("Europe/London")

# Lead workers carry about this many children each (pilot: 15 to 17; national average 16.3).
CHILDREN_PER_LEAD = 15
# The pilot's district labels: Cambridge was "City".
TEAM_LABELS = {
    "E07000008": "Cambridge City",
    "E07000009": "East Cambridgeshire",
    "E07000010": "Fenland",
    "E07000011": "Huntingdonshire",
    "E07000012": "South Cambridgeshire",
}

PARTNERS: list[tuple[str, str]] = [
    ("Cambridgeshire and Peterborough NHS Foundation Trust", OrganisationKind.NHS_TRUST),
    ("Probation Service", OrganisationKind.PROBATION),
    ("Cambridgeshire Constabulary", OrganisationKind.POLICE),
    ("Change Grow Live", OrganisationKind.RECOVERY),
    ("Haven Domestic Abuse Service", OrganisationKind.VOLUNTARY),
]
# Which partner employs each adult specialist.
EMPLOYER_KIND = {
    Role.DA_SURVIVOR_WORKER: OrganisationKind.VOLUNTARY,
    Role.DA_PERPETRATOR_WORKER: OrganisationKind.PROBATION,
    Role.SUBSTANCE_MISUSE_WORKER: OrganisationKind.RECOVERY,
    Role.MENTAL_HEALTH_PRACTITIONER: OrganisationKind.NHS_TRUST,
    Role.PSYCHOLOGIST: OrganisationKind.NHS_TRUST,
}
# Adult specialist posts per block of ten teams, one per district serving its two teams,
# and how many of the five were vacant on 31 July 2020.
SPECIALIST_VACANCIES = {
    Role.DA_SURVIVOR_WORKER: 0,
    Role.DA_PERPETRATOR_WORKER: 2,
    Role.MENTAL_HEALTH_PRACTITIONER: 5,
    Role.SUBSTANCE_MISUSE_WORKER: 2,
}
SOCIAL_WORK_ROLES = {
    Role.SOCIAL_WORKER,
    Role.SENIOR_PRACTITIONER,
    Role.TEAM_MANAGER,
    Role.CONSULTANT_SOCIAL_WORKER,
    Role.IRO,
    Role.CP_CHAIR,
    Role.SERVICE_MANAGER,
}
ESTABLISHED_ON = dt.date(2020, 2, 10)  # Family Safeguarding went live in Cambridgeshire
AGENCY_SHARE = 0.08


@dataclass
class Staff:
    """A worker as the family generator needs them: ids, role and how many cases they can carry."""

    worker: Worker
    role: str
    employment_type: str
    started_on: dt.date
    weight: float = 1.0

    @property
    def user_id(self) -> int:
        return self.worker.user_id


@dataclass
class TeamInfo:
    team: Team
    district_code: str
    block: int
    leads: list[Staff] = field(default_factory=list)
    child_practitioners: list[Staff] = field(default_factory=list)
    clinicians: list[Staff] = field(default_factory=list)
    specialists: dict[str, Staff] = field(default_factory=dict)

    @property
    def capacity(self) -> float:
        return sum(s.weight for s in self.leads)

    @property
    def is_fst(self) -> bool:
        return self.team.kind == TeamKind.FAMILY_SAFEGUARDING


@dataclass
class County:
    council: Organisation
    blocks: int
    case_teams: list[TeamInfo]
    demo_team: TeamInfo
    demo_social_worker: Staff
    iros: list[Staff]
    cp_chairs: list[Staff]
    fgc_coordinators: list[Staff]
    legal: list[Staff]
    admin_user_id: int
    workers: int
    posts: int


def blocks_for(families: int) -> int:
    """Blocks of ten teams needed so lead workers carry about 15 children each.

    One block has about 49 lead workers; a family has about 1.8 children on its open case.
    """
    open_children = families * 1.8
    return max(1, round(open_children / (49 * CHILDREN_PER_LEAD)))


def _aware(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=LONDON)


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9-]", "", ascii_text.lower())


class CountyBuilder:
    """Creates the county in a handful of bulk inserts. Call `build()` once, in a transaction."""

    def __init__(self, *, rng: random.Random, fake: Faker, anchor: dt.date, blocks: int) -> None:
        self.rng = rng
        self.fake = fake
        self.anchor = anchor
        self.blocks = blocks
        self.stamp = _aware(anchor - dt.timedelta(days=2200))
        self.demo_hash = make_password(DEMO_PASSWORD)
        self.usernames: set[str] = set()
        self.swe_numbers: set[str] = set()
        # (post, [teams], staff-or-None) in creation order
        self.posts: list[tuple[Post, list[Team], Staff | None]] = []
        self.staff: list[Staff] = []
        self.demo_roles_done: set[str] = set()

    # --- organisations and teams -------------------------------------------------------

    def _organisations(self) -> dict[str, Organisation]:
        council, _ = Organisation.objects.get_or_create(
            name=settings.COUNCIL_NAME,
            defaults={
                "kind": OrganisationKind.COUNCIL,
                "ons_code": settings.COUNCIL_ONS_CODE,
                "created_at": self.stamp,
                "modified_at": self.stamp,
            },
        )
        orgs = {OrganisationKind.COUNCIL: council}
        for name, kind in PARTNERS:
            org, _ = Organisation.objects.get_or_create(
                name=name,
                defaults={"kind": kind, "created_at": self.stamp, "modified_at": self.stamp},
            )
            orgs[kind] = org
        return orgs

    def _team(self, name: str, kind: str, district: District | None, service: Service) -> Team:
        return Team(
            name=name,
            kind=kind,
            district=district,
            service=service,
            created_at=self.stamp,
            modified_at=self.stamp,
        )

    # --- people ------------------------------------------------------------------------

    def _username(self, first: str, last: str) -> str:
        base = f"{_slug(first)}.{_slug(last)}".strip(".") or "worker"
        name, n = base, 1
        while name in self.usernames:
            n += 1
            name = f"{base}{n}"
        self.usernames.add(name)
        return name

    def _swe_number(self) -> str:
        while True:
            number = f"SW{self.rng.randint(10_000, 999_999)}"
            if number not in self.swe_numbers:
                self.swe_numbers.add(number)
                return number

    def _person(
        self,
        role: str,
        org: Organisation,
        *,
        employment: str | None = None,
        demo: bool = False,
        fte: Decimal = Decimal("1.00"),
    ) -> Staff:
        female = self.rng.random() < 0.8
        first = self.fake.first_name_female() if female else self.fake.first_name_male()
        last = self.fake.last_name()
        if demo:
            username = str(role)
            self.usernames.add(username)
        else:
            username = self._username(first, last)
        if employment is None:
            employment = EmploymentType.PERMANENT
        if employment == EmploymentType.ASYE:
            started = self.anchor - dt.timedelta(days=self.rng.randint(40, 330))
        elif employment == EmploymentType.AGENCY:
            started = self.anchor - dt.timedelta(days=self.rng.randint(40, 700))
        else:
            started = dt.date(2004, 1, 5) + dt.timedelta(days=self.rng.randint(0, 15 * 365))
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@example.org",
            password=self.demo_hash if demo else make_password(None),
            is_staff=role == Role.SYSTEM_ADMIN and demo,
            is_superuser=role == Role.SYSTEM_ADMIN and demo,
            date_joined=_aware(max(started, dt.date(2019, 1, 2))),
        )
        worker = Worker(
            user=user,
            role=role,
            organisation=org,
            employment_type=employment,
            started_on=started,
            swe_number=self._swe_number() if role in SOCIAL_WORK_ROLES else "",
            created_at=self.stamp,
            modified_at=self.stamp,
        )
        weight = float(fte) * self.rng.uniform(0.7, 1.3)
        if employment == EmploymentType.ASYE:
            weight *= 0.6  # a protected caseload in the first year
        if demo:
            weight = 1.0
        staff = Staff(
            worker=worker, role=role, employment_type=employment, started_on=started, weight=weight
        )
        self.staff.append(staff)
        return staff

    def _post(
        self,
        role: str,
        org: Organisation,
        teams: list[Team],
        *,
        fte: Decimal = Decimal("1.00"),
        vacant: bool = False,
        employment: str | None = None,
        demo: bool = False,
    ) -> Staff | None:
        staff = (
            None if vacant else self._person(role, org, employment=employment, demo=demo, fte=fte)
        )
        post = Post(
            role=role,
            organisation=org,
            fte=fte,
            established_on=ESTABLISHED_ON,
            vacant_since=(self.anchor - dt.timedelta(days=self.rng.randint(20, 400)))
            if vacant
            else None,
            created_at=self.stamp,
            modified_at=self.stamp,
        )
        self.posts.append((post, teams, staff))
        return staff

    def _demo(self, role: str) -> bool:
        """True the first time a role is filled in the demo team's block: that worker signs in as the role."""
        if role in self.demo_roles_done:
            return False
        self.demo_roles_done.add(role)
        return True

    # --- the build ---------------------------------------------------------------------

    def build(self) -> County:
        rng = self.rng
        orgs = self._organisations()
        council = orgs[OrganisationKind.COUNCIL]
        service, _ = Service.objects.get_or_create(
            council=council,
            name="Children's Social Care",
            defaults={"created_at": self.stamp, "modified_at": self.stamp},
        )
        districts: dict[str, District] = {}
        for code, name in DISTRICTS.items():
            districts[code], _ = District.objects.get_or_create(
                council=council,
                name=name,
                defaults={"ons_code": code, "created_at": self.stamp, "modified_at": self.stamp},
            )
        codes = list(DISTRICTS)

        teams: list[Team] = []
        infos: list[TeamInfo] = []
        units: list[TeamInfo] = []
        for block in range(self.blocks):
            for code in codes:
                for pair_index in range(2):
                    number = 2 * block + pair_index + 1
                    team = self._team(
                        f"{TEAM_LABELS[code]} Family Safeguarding Team {number}",
                        TeamKind.FAMILY_SAFEGUARDING,
                        districts[code],
                        service,
                    )
                    teams.append(team)
                    infos.append(TeamInfo(team=team, district_code=code, block=block))
            code = codes[(block + 3) % 5]
            unit = self._team(
                f"{TEAM_LABELS[code]} Systemic Unit {block + 1}",
                TeamKind.SYSTEMIC_UNIT,
                districts[code],
                service,
            )
            teams.append(unit)
            units.append(TeamInfo(team=unit, district_code=code, block=block))
        central = {
            kind: self._team(name, kind, None, service)
            for name, kind in [
                ("Conference and Reviewing Service", TeamKind.CONFERENCE),
                ("Legal Services", TeamKind.LEGAL),
                ("Early Help Hub", TeamKind.EARLY_HELP),
                ("Performance and Intelligence", TeamKind.PERFORMANCE),
            ]
        }
        teams.extend(central.values())
        Team.objects.bulk_create(teams)

        for block in range(self.blocks):
            block_infos = infos[block * 10 : (block + 1) * 10]
            self._staff_block(block, block_infos, orgs, council)
            self._staff_unit(units[block], council)

        extra = self.blocks
        conference = [central[TeamKind.CONFERENCE]]
        iros = [
            self._post(Role.IRO, council, conference, demo=self._demo(Role.IRO))
            for _ in range(2 * extra + 1)
        ]
        cp_chairs = [
            self._post(Role.CP_CHAIR, council, conference, demo=self._demo(Role.CP_CHAIR))
            for _ in range(3 * extra)
        ]
        fgc = [
            self._post(
                Role.FGC_COORDINATOR, council, conference, demo=self._demo(Role.FGC_COORDINATOR)
            )
            for _ in range(2 * extra)
        ]
        legal = [
            self._post(Role.LEGAL, council, [central[TeamKind.LEGAL]], demo=self._demo(Role.LEGAL))
            for _ in range(2 + extra)
        ]
        for _ in range(4 * extra):
            self._post(
                Role.EARLY_HELP,
                council,
                [central[TeamKind.EARLY_HELP]],
                demo=self._demo(Role.EARLY_HELP),
            )
        performance = [central[TeamKind.PERFORMANCE]]
        for role, count in [
            (Role.PERFORMANCE, 2),
            (Role.EVALUATOR, 1),
            (Role.SYSTEM_ADMIN, 1 + extra // 10),
        ]:
            for _ in range(count):
                self._post(role, council, performance, demo=self._demo(role))

        self._mark_agency(rng)
        self._save()

        demo_team = infos[0]
        demo_sw = next(s for s in demo_team.leads if s.worker.user.username == Role.SOCIAL_WORKER)
        admin = next(s for s in self.staff if s.worker.user.username == Role.SYSTEM_ADMIN)
        return County(
            council=council,
            blocks=self.blocks,
            case_teams=infos + units,
            demo_team=demo_team,
            demo_social_worker=demo_sw,
            iros=[s for s in iros if s],
            cp_chairs=[s for s in cp_chairs if s],
            fgc_coordinators=[s for s in fgc if s],
            legal=[s for s in legal if s],
            admin_user_id=admin.user_id,
            workers=len(self.staff),
            posts=len(self.posts),
        )

    def _pick_vacancies(self, count: int, candidates: Iterable[int]) -> set[int]:
        pool = list(candidates)
        return set(self.rng.sample(pool, count))

    def _staff_block(
        self,
        block: int,
        infos: list[TeamInfo],
        orgs: dict[str, Organisation],
        council: Organisation,
    ) -> None:
        """Ten teams with the pilot's posts and vacancies (31 July 2020, SEED-NUMBERS.md)."""
        rng = self.rng
        demo_block = block == 0
        # The demo team (block 0, first team) and its district partner keep every post filled,
        # so each demo user is a real worker with colleagues.
        protected = {0, 1} if demo_block else set()
        others = [i for i in range(10) if i not in protected]
        tm_vacant = self._pick_vacancies(1, others)
        sp_vacant = self._pick_vacancies(1, others)
        half_sw_teams = self._pick_vacancies(3, range(10))  # 40 full-time + 3 half-time = 41.5 FTE
        sw_vacant_teams = self._pick_vacancies(3, others)
        cp_half_team = rng.choice(others)  # 19 full-time + 2 half-time = 20 FTE, one half vacant

        for index, info in enumerate(infos):
            team = [info.team]
            staff = self._post(
                Role.TEAM_MANAGER,
                council,
                team,
                vacant=index in tm_vacant,
                demo=demo_block and index == 0 and self._demo(Role.TEAM_MANAGER),
            )
            staff = self._post(
                Role.SENIOR_PRACTITIONER,
                council,
                team,
                vacant=index in sp_vacant,
                demo=demo_block and index == 0 and self._demo(Role.SENIOR_PRACTITIONER),
            )
            if staff:
                staff.weight *= 1.1
                info.leads.append(staff)
            for slot in range(4):
                vacant = index in sw_vacant_teams and slot == 3
                demo = demo_block and index == 0 and slot == 0 and self._demo(Role.SOCIAL_WORKER)
                employment = EmploymentType.ASYE if (slot == 2 and rng.random() < 0.4) else None
                staff = self._post(
                    Role.SOCIAL_WORKER,
                    council,
                    team,
                    vacant=vacant,
                    employment=None if demo else employment,
                    demo=demo,
                )
                if staff:
                    info.leads.append(staff)
            if index in half_sw_teams:
                staff = self._post(Role.SOCIAL_WORKER, council, team, fte=Decimal("0.50"))
                if staff:
                    info.leads.append(staff)
            if index == cp_half_team:
                cp_posts = [
                    (Decimal("1.00"), False),
                    (Decimal("0.50"), False),
                    (Decimal("0.50"), True),
                ]
            else:
                cp_posts = [(Decimal("1.00"), False), (Decimal("1.00"), False)]
            for slot, (fte, vacant) in enumerate(cp_posts):
                demo = (
                    demo_block and index == 0 and slot == 0 and self._demo(Role.CHILD_PRACTITIONER)
                )
                staff = self._post(
                    Role.CHILD_PRACTITIONER, council, team, fte=fte, vacant=vacant, demo=demo
                )
                if staff:
                    info.child_practitioners.append(staff)

        pairs = [infos[2 * d : 2 * d + 2] for d in range(5)]
        pair_choices = [d for d in range(5) if not (demo_block and d == 0)]
        for role, vacancies in SPECIALIST_VACANCIES.items():
            org = orgs[EMPLOYER_KIND[role]]
            if role == Role.MENTAL_HEALTH_PRACTITIONER:
                vacant_pairs = set(range(5))
            else:
                vacant_pairs = self._pick_vacancies(vacancies, pair_choices)
            for d, pair in enumerate(pairs):
                demo = demo_block and d == 0 and d not in vacant_pairs and self._demo(role)
                staff = self._post(
                    role, org, [i.team for i in pair], vacant=d in vacant_pairs, demo=demo
                )
                if staff:
                    for info in pair:
                        info.specialists[role] = staff
        # All five mental health posts were vacant; the NHS trust seconded one practitioner
        # (as it did from September 2020), part-time, to one district's teams.
        d = 0 if demo_block else rng.randrange(5)
        staff = self._post(
            Role.MENTAL_HEALTH_PRACTITIONER,
            orgs[OrganisationKind.NHS_TRUST],
            [i.team for i in pairs[d]],
            fte=Decimal("0.60"),
            employment=EmploymentType.SECONDED,
            demo=demo_block and self._demo(Role.MENTAL_HEALTH_PRACTITIONER),
        )
        for info in pairs[d]:
            info.specialists[Role.MENTAL_HEALTH_PRACTITIONER] = staff  # type: ignore[assignment]
        d = 0 if demo_block else rng.randrange(5)
        staff = self._post(
            Role.PSYCHOLOGIST,
            orgs[OrganisationKind.NHS_TRUST],
            [i.team for i in pairs[d]],
            demo=demo_block and self._demo(Role.PSYCHOLOGIST),
        )
        for info in pairs[d]:
            info.specialists[Role.PSYCHOLOGIST] = staff  # type: ignore[assignment]
        for d, pair in enumerate(pairs):
            self._post(
                Role.SERVICE_MANAGER,
                council,
                [i.team for i in pair],
                demo=demo_block and d == 0 and self._demo(Role.SERVICE_MANAGER),
            )

    def _staff_unit(self, unit: TeamInfo, council: Organisation) -> None:
        """A Social Work – Working for Families unit of 4.5 FTE."""
        team = [unit.team]
        first = unit.block == 0
        consultant = self._post(
            Role.CONSULTANT_SOCIAL_WORKER,
            council,
            team,
            demo=first and self._demo(Role.CONSULTANT_SOCIAL_WORKER),
        )
        unit.leads.append(consultant)  # type: ignore[arg-type]
        for _ in range(2):
            unit.leads.append(self._post(Role.SOCIAL_WORKER, council, team))  # type: ignore[arg-type]
        clinician = self._post(
            Role.CLINICIAN,
            council,
            team,
            fte=Decimal("0.50"),
            demo=first and self._demo(Role.CLINICIAN),
        )
        unit.clinicians.append(clinician)  # type: ignore[arg-type]
        unit.clinicians.append(
            self._post(
                Role.UNIT_COORDINATOR,
                council,
                team,  # type: ignore[arg-type]
                demo=first and self._demo(Role.UNIT_COORDINATOR),
            )
        )

    def _mark_agency(self, rng: random.Random) -> None:
        """About 8% of all workers are agency staff, drawn from registered social workers' posts."""
        candidates = [
            s
            for s in self.staff
            if s.role in {Role.SOCIAL_WORKER, Role.SENIOR_PRACTITIONER, Role.TEAM_MANAGER}
            and s.employment_type == EmploymentType.PERMANENT
            and s.worker.user.username != s.role
        ]
        wanted = min(len(candidates), round(AGENCY_SHARE * len(self.staff)))
        for staff in rng.sample(candidates, wanted):
            staff.employment_type = EmploymentType.AGENCY
            staff.started_on = self.anchor - dt.timedelta(days=rng.randint(40, 700))
            staff.worker.employment_type = EmploymentType.AGENCY
            staff.worker.started_on = staff.started_on
            staff.worker.user.date_joined = _aware(staff.started_on)

    def _save(self) -> None:
        users = [s.worker.user for s in self.staff]
        User.objects.bulk_create(users, batch_size=1000)
        workers = [s.worker for s in self.staff]
        for worker in workers:
            worker.user_id = worker.user.pk
        Worker.objects.bulk_create(workers, batch_size=1000)
        posts = []
        for post, _teams, staff in self.posts:
            if staff is not None:
                post.holder = staff.worker
            posts.append(post)
        Post.objects.bulk_create(posts, batch_size=1000)
        links = [
            Post.teams.through(post_id=post.pk, team_id=team.pk)
            for post, teams, _staff in self.posts
            for team in teams
        ]
        Post.teams.through.objects.bulk_create(links, batch_size=2000)
