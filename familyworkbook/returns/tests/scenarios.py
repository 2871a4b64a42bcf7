"""Small records shaped like the DfE samples, built with the shared builders."""

from __future__ import annotations

import datetime as dt

from familyworkbook.cases.models import (
    Allocation,
    Assessment,
    CinEpisode,
    CinPlan,
    CpPlan,
    CpReview,
    LookedAfterEpisode,
    LookedAfterOutcome,
    LookedAfterReview,
    PreviousPermanence,
)
from familyworkbook.demo import builders
from familyworkbook.people.models import PersonKind, upn_check_letter

D = dt.date


def children_of(family) -> list:  # type: ignore[no-untyped-def]
    return list(family.members.filter(kind=PersonKind.CHILD).order_by("pk"))


def give_upns(family) -> None:  # type: ignore[no-untyped-def]
    """Valid UPNs (check letter, LA 873) for every child, as school-age children have."""
    for child in children_of(family):
        body = f"873200120{child.pk % 1000:03d}"
        child.upn = upn_check_letter(body) + body
        child.save(update_fields=["upn"])


def cin_family(team, lead):  # type: ignore[no-untyped-def]
    """Three children as in the DfE sample: an open CIN plan, a CP plan, a closed episode."""
    family = builders.family("Sample", children=3, born=D(2012, 5, 20))
    case = builders.case(family, team, lead=lead, opened_on=D(2025, 6, 2), with_episodes=False)
    give_upns(family)
    first, second, third = children_of(family)
    e1 = CinEpisode.objects.create(
        child=first, case=case, referral_on=D(2025, 6, 2), referral_source="2A", primary_need="N5"
    )
    Assessment.objects.create(
        episode=e1, started_on=D(2025, 6, 3), authorised_on=D(2025, 7, 10), factors=["3B", "4B"]
    )
    CinPlan.objects.create(episode=e1, started_on=D(2025, 7, 14))
    e2 = CinEpisode.objects.create(
        child=second, case=case, referral_on=D(2025, 9, 1), referral_source="6", primary_need="N1"
    )
    Assessment.objects.create(
        episode=e2, started_on=D(2025, 9, 1), authorised_on=D(2025, 10, 6), factors=["2B", "16A"]
    )
    e2.section47s.create(
        started_on=D(2025, 9, 2), icpc_target_on=D(2025, 9, 23), icpc_on=D(2025, 9, 19)
    )
    plan = CpPlan.objects.create(
        episode=e2, started_on=D(2025, 9, 19), initial_category="NEG", latest_category="NEG"
    )
    CpReview.objects.create(plan=plan, held_on=D(2025, 12, 12))
    CpReview.objects.create(plan=plan, held_on=D(2026, 3, 13))
    e3 = CinEpisode.objects.create(
        child=third,
        case=case,
        referral_on=D(2025, 4, 14),
        referral_source="3A",
        primary_need="N4",
        closed_on=D(2026, 1, 30),
        closure_reason="RC7",
    )
    Assessment.objects.create(
        episode=e3, started_on=D(2025, 4, 15), authorised_on=D(2025, 5, 16), factors=["4B"]
    )
    CinPlan.objects.create(episode=e3, started_on=D(2025, 5, 19), ended_on=D(2026, 1, 30))
    return family, case


def looked_after_family(team, lead):  # type: ignore[no-untyped-def]
    """One child in care since 2023 (OC2 cohort) who moved placement in the year, and one who
    came into care in the year (PrevPerm), as in the DfE sample."""
    family = builders.family("Carey", children=2, born=D(2010, 2, 4))
    case = builders.case(family, team, lead=lead, opened_on=D(2023, 11, 14), with_episodes=False)
    give_upns(family)
    long_stay, newcomer = children_of(family)
    common = {"case": case, "need": "N1", "home_postcode": "TW9 3DR"}
    first = LookedAfterEpisode.objects.create(
        child=long_stay,
        started_on=D(2023, 11, 14),
        reason_new_episode="S",
        legal_status="C2",
        placement_type="U4",
        placement_provider="PR1",
        ceased_on=D(2025, 10, 20),
        reason_ceased="X1",
        reason_place_change="CARPL",
        placement_postcode="TW1 2NP",
        urn="XXXXXXX",
        **common,
    )
    LookedAfterEpisode.objects.create(
        child=long_stay,
        started_on=first.ceased_on,
        reason_new_episode="P",
        legal_status="C2",
        placement_type="U4",
        placement_provider="PR4",
        placement_postcode="KT1 1EU",
        urn="XXXXXXX",
        **common,
    )
    LookedAfterOutcome.objects.create(
        child=long_stay,
        year=2026,
        sdq_score=14,
        convicted=False,
        immunisations=True,
        teeth_check=True,
        health_assessment=True,
        substance_misuse=False,
    )
    LookedAfterReview.objects.create(child=long_stay, held_on=D(2025, 9, 10), participation="PN1")
    LookedAfterEpisode.objects.create(
        child=newcomer,
        started_on=D(2025, 6, 2),
        reason_new_episode="S",
        legal_status="V2",
        placement_type="U6",
        placement_provider="PR1",
        placement_postcode="TW2 6RL",
        urn="XXXXXXX",
        **common,
    )
    PreviousPermanence.objects.create(child=newcomer, care_started_on=D(2025, 6, 2), kind="Z1")
    Allocation.objects.filter(case=case).update(started_on=D(2023, 11, 14))
    return family, case
