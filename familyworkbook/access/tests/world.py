"""One family's full record, and the URL patterns of the whole site, for the matrix and canary.

The Smiths (North's case): Jo (survivor, with a protected safe address holding the canary),
Alex (alleged perpetrator), Ava (a child with every kind of statutory record) and Leo (a
restricted child with his own records).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from familyworkbook.access.models import (
    BreakGlass,
    PerpetratorLink,
    RecordRestriction,
)
from familyworkbook.cases.models import (
    Allocation,
    CareProceedings,
    CinEpisode,
    CinPlan,
    CpPlan,
    LookedAfterEpisode,
    PreProceedings,
    Visit,
)
from familyworkbook.demo import builders
from familyworkbook.people.models import Address, FamilyMembership, Registration, Relationship

CANARY_LINE = "7 Canary Wharf Refuge Lane"
CANARY_TOWN = "Canarytown"
CANARY_POSTCODE = "ZZ9 9ZZ"
# Ava is a hidden child: her school and GP practice are protected (rule people.registration).
CANARY_SCHOOL = "Canaryfield Hidden Primary"
CANARY_URN = "987654"
CANARY_GP = "Canarybrook Hidden Surgery"
CANARY_ODS = "Z99876"
# A substance misuse worker's health-confidential detail: only its author reads it.
CANARY_HEALTH = "Canarystrand hair test positive"
# (The 6-digit URN alone could turn up by chance in a token, so it is not a canary itself.)
# Long enough never to turn up by chance in a CSRF token or a session id.
CANARIES = (
    CANARY_LINE,
    CANARY_TOWN,
    CANARY_POSTCODE,
    "Canary Wharf Refuge",
    CANARY_SCHOOL,
    CANARY_GP,
    CANARY_ODS,
)


@dataclass
class ChildRecords:
    child: Any
    episode: CinEpisode
    cp_plan: CpPlan
    cin_plan: CinPlan
    lac: LookedAfterEpisode
    plo: PreProceedings
    proceedings: CareProceedings
    membership: FamilyMembership
    relationship: Relationship
    address: Address


@dataclass
class World:
    north: Any
    south: Any
    east: Any
    case: Any
    family: Any
    lead: Any
    ava: ChildRecords
    leo: ChildRecords  # restricted
    survivor: Any
    perpetrator: Any
    safe_address: Address
    survivor_relationship: Relationship
    survivor_membership: FamilyMembership
    allocation: Allocation
    glass: BreakGlass


def _child_records(child: Any, case: Any, lead: Any) -> ChildRecords:
    episode = CinEpisode.objects.get(child=child)
    cp_plan = CpPlan.objects.create(
        episode=episode,
        started_on=dt.date(2025, 9, 10),
        initial_category="NEG",
        latest_category="NEG",
    )
    cin_plan = CinPlan.objects.create(
        episode=episode, started_on=dt.date(2025, 9, 2), ended_on=dt.date(2025, 9, 9)
    )
    lac = LookedAfterEpisode.objects.create(
        child=child,
        case=case,
        started_on=dt.date(2025, 9, 1),
        reason_new_episode="S",
        legal_status="C2",
        need="N1",
        placement_type="U4",
    )
    plo = PreProceedings.objects.create(child=child, case=case, started_on=dt.date(2025, 9, 3))
    proceedings = CareProceedings.objects.create(
        child=child, case=case, issued_on=dt.date(2025, 9, 4)
    )
    Visit.objects.create(
        child=child, case=case, visited_on=dt.date(2025, 9, 5), kind="cin", seen=True, by=lead
    )
    address = Address.objects.create(
        person=child,
        line_1="2 Market Street",
        town="Wisbech",
        postcode="PE13 1AA",
        from_date=dt.date(2025, 1, 1),
    )
    return ChildRecords(
        child=child,
        episode=episode,
        cp_plan=cp_plan,
        cin_plan=cin_plan,
        lac=lac,
        plo=plo,
        proceedings=proceedings,
        membership=FamilyMembership.objects.get(person=child),
        relationship=Relationship.objects.filter(other=child).first(),
        address=address,
    )


def _health_entry(family: Any, team: Any) -> None:
    """A specialist's entry whose confidential detail holds the health canary (the team sees
    only the shared summary)."""
    from familyworkbook.teams.models import Role
    from familyworkbook.workbook.models import Entry

    ray = builders.worker("ray-specialist", role=Role.SUBSTANCE_MISUSE_WORKER, teams=[team])
    Entry.objects.create(
        family=family,
        author=ray,
        chapter="substance_misuse",
        happened_on=dt.date(2025, 9, 6),
        kind="session",
        what_happened="Session at the recovery service.",
        meaning_for_child="Ava's parent is engaging.",
        what_happens_next="Another session next week.",
        shared_summary="Engaging well; testing continues.",
        confidential_detail=CANARY_HEALTH,
        created_by=ray.user,
    )


def build_world() -> World:
    from django.utils import timezone

    from familyworkbook.teams.models import Role

    north = builders.team("North Family Safeguarding Team", district="Fenland")
    south = builders.team("South Family Safeguarding Team", district="City")
    east = builders.team("East Family Safeguarding Team", district="East")
    lead = builders.worker("lead", role=Role.SOCIAL_WORKER, teams=[north])
    family = builders.family("Smith", children=2, adults=2)
    case = builders.case(family, north, lead=lead)
    ava_person = family.members.get(first_name="Ava")
    leo_person = family.members.get(first_name="Leo")
    survivor = family.members.get(first_name="Jo")
    perpetrator = family.members.get(first_name="Alex")
    PerpetratorLink.objects.create(perpetrator=perpetrator, survivor=survivor)
    safe = Address.objects.create(
        person=survivor,
        kind="safe",
        line_1=CANARY_LINE,
        town=CANARY_TOWN,
        postcode=CANARY_POSTCODE,
        from_date=dt.date(2025, 6, 1),
        protected=True,
    )
    ava = _child_records(ava_person, case, lead)
    Registration.objects.create(
        person=ava_person,
        kind="school",
        name=CANARY_SCHOOL,
        code=CANARY_URN,
        from_date=dt.date(2025, 6, 2),
        hidden=True,
    )
    Registration.objects.create(
        person=ava_person,
        kind="gp",
        name=CANARY_GP,
        code=CANARY_ODS,
        from_date=dt.date(2025, 6, 2),
        hidden=True,
    )
    leo = _child_records(leo_person, case, lead)
    RecordRestriction.objects.create(person=leo_person, reason="Matrix: restricted child")
    _health_entry(family, north)
    outsider = builders.worker("outsider", role=Role.SOCIAL_WORKER, teams=[south])
    glass = BreakGlass.objects.create(
        user=outsider.user,
        family=family,
        reason="Matrix: emergency access",
        expires_at=timezone.now() - dt.timedelta(minutes=1),
    )
    return World(
        north=north,
        south=south,
        east=east,
        case=case,
        family=family,
        lead=lead,
        ava=ava,
        leo=leo,
        survivor=survivor,
        perpetrator=perpetrator,
        safe_address=safe,
        survivor_relationship=Relationship.objects.filter(other=survivor).first(),
        survivor_membership=FamilyMembership.objects.get(person=survivor),
        allocation=Allocation.objects.get(case=case, worker=lead),
        glass=glass,
    )


@dataclass(frozen=True)
class Pattern:
    route: str
    name: str
    kwargs: tuple[str, ...]

    @property
    def is_admin(self) -> bool:
        return self.name.startswith("admin:")


def all_patterns() -> list[Pattern]:
    """Every URL pattern of the site, walked from the root resolver, admin included."""

    def walk(resolver: URLResolver, prefix: str, namespace: str | None):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                ns = entry.namespace
                inner = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
                yield from walk(entry, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                name = f"{namespace}:{entry.name}" if namespace else (entry.name or "")
                kwargs = tuple(getattr(entry.pattern, "converters", {}).keys())
                if not kwargs and hasattr(entry.pattern, "regex"):
                    kwargs = tuple(entry.pattern.regex.groupindex.keys())
                yield Pattern(
                    prefix + str(entry.pattern), name or prefix + str(entry.pattern), kwargs
                )

    return list(walk(get_resolver(), "", None))
