"""Small builders for realistic records, shared by tests, the demo county and benchmarks.

Each builder creates valid records with sensible defaults and takes keyword overrides.
They bypass services on purpose: they set up a world, they do not exercise rules.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from familyworkbook.core.codes import Ethnicity, ReferralSource, Sex
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

_counter = itertools.count(1)

DEMO_PASSWORD = "family-workbook-demo"  # noqa: S105 - documented demo sign-in, never production


def council(**overrides: Any) -> Organisation:
    values = {
        "name": "Cambridgeshire County Council",
        "kind": OrganisationKind.COUNCIL,
        "ons_code": "E10000003",
    }
    values.update(overrides)
    org, _ = Organisation.objects.get_or_create(name=values.pop("name"), defaults=values)
    return org


def team(
    name: str | None = None,
    *,
    kind: str = TeamKind.FAMILY_SAFEGUARDING,
    district: str = "City",
    council_org: Organisation | None = None,
) -> Team:
    council_org = council_org or council()
    district_obj, _ = District.objects.get_or_create(council=council_org, name=district)
    service, _ = Service.objects.get_or_create(council=council_org, name="Children's Social Care")
    return Team.objects.create(
        name=name or f"Team {next(_counter)}", kind=kind, district=district_obj, service=service
    )


def worker(
    username: str,
    *,
    role: str = Role.SOCIAL_WORKER,
    teams: list[Team] | tuple[Team, ...] = (),
    first_name: str = "",
    last_name: str = "",
    organisation: Organisation | None = None,
    employment_type: str = EmploymentType.PERMANENT,
    password: str = DEMO_PASSWORD,
    is_staff: bool = False,
    is_superuser: bool = False,
) -> Worker:
    user = User.objects.create_user(
        username=username,
        password=password,
        first_name=first_name or username.title(),
        last_name=last_name or "Tester",
        email=f"{username}@example.org",
        is_staff=is_staff,
        is_superuser=is_superuser,
    )
    swe = f"SW{100000 + user.pk}" if role in Role.case_holders() else ""
    w = Worker.objects.create(
        user=user,
        role=role,
        organisation=organisation or council(),
        swe_number=swe,
        employment_type=employment_type,
        started_on=dt.date(2019, 4, 1),
    )
    if teams:
        post = Post.objects.create(
            role=role,
            organisation=w.organisation,
            holder=w,
            fte=Decimal("1.00"),
            established_on=dt.date(2019, 4, 1),
        )
        post.teams.set(teams)
    return w


def family(
    name: str = "Smith",
    *,
    children: int = 2,
    adults: int = 2,
    reference: str | None = None,
    born: dt.date = dt.date(2016, 5, 17),
) -> Any:
    """A family with `adults` parents (with parental responsibility) and `children` children."""
    from familyworkbook.people.models import (
        Family,
        FamilyMembership,
        MembershipKind,
        Person,
        PersonKind,
    )

    n = next(_counter)
    fam = Family.objects.create(name=f"{name} family", reference=reference or f"FAM{n:06d}")
    parents = []
    for i in range(adults):
        parent = Person.objects.create(
            kind=PersonKind.ADULT,
            first_name=["Alex", "Jo", "Sam", "Chris"][i % 4],
            last_name=name,
            date_of_birth=dt.date(1988, 3, 2) + dt.timedelta(days=400 * i),
            sex=[Sex.FEMALE, Sex.MALE][i % 2],
            ethnicity=Ethnicity.WBRI,
        )
        FamilyMembership.objects.create(family=fam, person=parent, kind=MembershipKind.HOUSEHOLD)
        parents.append(parent)
    for i in range(children):
        child = Person.objects.create(
            kind=PersonKind.CHILD,
            first_name=["Ava", "Leo", "Mia", "Noah", "Isla"][i % 5],
            last_name=name,
            date_of_birth=born + dt.timedelta(days=500 * i),
            sex=[Sex.FEMALE, Sex.MALE][i % 2],
            ethnicity=Ethnicity.WBRI,
            disabilities=["NONE"],
            la_child_id=f"C{n:06d}{i:02d}",
        )
        FamilyMembership.objects.create(family=fam, person=child, kind=MembershipKind.HOUSEHOLD)
        for parent in parents:
            link(parent, child, "parent", parental_responsibility=True)
    return fam


def link(person: Any, other: Any, kind: str, **fields: Any) -> Any:
    """A relationship and its inverse, pointing at each other."""
    from familyworkbook.people.models import Relationship, RelationshipKind

    forward = Relationship.objects.create(person=person, other=other, kind=kind, **fields)
    backward = Relationship.objects.create(
        person=other, other=person, kind=RelationshipKind.inverse_of(kind), inverse=forward
    )
    forward.inverse = backward
    forward.save(update_fields=["inverse"])
    return forward


def case(
    fam: Any,
    team_obj: Team,
    *,
    lead: Worker | None = None,
    opened_on: dt.date = dt.date(2025, 9, 1),
    reason: str = "cin",
    with_episodes: bool = True,
) -> Any:
    """An open case for the family, a lead worker, and an open episode of need per child."""
    from familyworkbook.cases.models import Allocation, Case, CinEpisode
    from familyworkbook.people.models import PersonKind

    c = Case.objects.create(family=fam, team=team_obj, reason=reason, opened_on=opened_on)
    if lead:
        Allocation.objects.create(
            case=c, worker=lead, role=lead.role, is_lead=True, started_on=opened_on
        )
    if with_episodes:
        for child in fam.members.filter(kind=PersonKind.CHILD):
            CinEpisode.objects.create(
                child=child,
                case=c,
                referral_on=opened_on,
                referral_source=ReferralSource.S6,
                primary_need="N1",
            )
    return c
