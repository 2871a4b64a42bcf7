"""A small hand-built county whose KPI answers are worked out by hand in the tests.

North (Fenland) and South (City) teams. Period: 1 January to 30 June 2025, two quarters.

- Family A (north, opened 1 Oct 2024): a1 born 17 May 2016, a2 born 29 Sep 2017, both
  referred 1 Oct 2024 (primary need N1). a1 on a CP plan 1 Nov 2024 – 15 May 2025 (195
  days). a2 looked after from 1 Feb 2025 (still). Dana (DA survivor worker) allocated
  1 Mar – 15 Apr 2025. a1 CP visits: 6 Jan (seen alone), 17 Jan (seen), 10 Feb (not seen).
- Family B (north, opened 10 Apr 2025): b1 born 1 Dec 2024. An earlier episode (no case)
  5 Jan – 1 Jun 2024, so the 10 Apr 2025 referral (N4, secondary MH) is a re-referral.
  PLO from 1 May 2025; care proceedings issued 1 Jun 2025; a mental health practitioner
  allocated from 1 May 2025.
- Family C (south, opened 1 Oct 2024): c1 on a CP plan from 1 Dec 2024 (still).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission

from familyworkbook.cases.models import (
    Allocation,
    CareProceedings,
    CinEpisode,
    CpPlan,
    EpisodeSecondaryNeed,
    LookedAfterEpisode,
    PreProceedings,
    Visit,
)
from familyworkbook.demo import builders
from familyworkbook.teams.models import Role

D = dt.date


@pytest.fixture
def performance(db):
    w = builders.worker("perf", role=Role.PERFORMANCE, first_name="Pat", last_name="Data")
    w.user.user_permissions.add(Permission.objects.get(codename="view_all_records"))
    return w


@pytest.fixture
def county(north, south, dana):
    fam_a = builders.family("Adams", children=2, born=D(2016, 5, 17))
    case_a = builders.case(fam_a, north, opened_on=D(2024, 10, 1))
    a1, a2 = fam_a.members.filter(kind="child").order_by("date_of_birth")
    ep_a1 = CinEpisode.objects.get(child=a1)
    CpPlan.objects.create(
        episode=ep_a1,
        started_on=D(2024, 11, 1),
        ended_on=D(2025, 5, 15),
        initial_category="NEG",
        latest_category="NEG",
    )
    LookedAfterEpisode.objects.create(
        child=a2,
        case=case_a,
        started_on=D(2025, 2, 1),
        reason_new_episode="S",
        legal_status="C2",
        need="N1",
        placement_type="U1",
    )
    Allocation.objects.create(
        case=case_a,
        worker=dana,
        role=Role.DA_SURVIVOR_WORKER,
        started_on=D(2025, 3, 1),
        ended_on=D(2025, 4, 15),
    )
    for day, seen, alone in [
        (D(2025, 1, 6), True, True),
        (D(2025, 1, 17), True, False),
        (D(2025, 2, 10), False, False),
    ]:
        Visit.objects.create(
            child=a1, case=case_a, visited_on=day, kind="cp", seen=seen, seen_alone=alone
        )

    fam_b = builders.family("Brown", children=1, born=D(2024, 12, 1))
    (b1,) = fam_b.members.filter(kind="child")
    CinEpisode.objects.create(
        child=b1,
        referral_on=D(2024, 1, 5),
        referral_source="1A",
        primary_need="N1",
        closed_on=D(2024, 6, 1),
        closure_reason="RC8",
    )
    case_b = builders.case(fam_b, north, opened_on=D(2025, 4, 10), with_episodes=False)
    ep_b1 = CinEpisode.objects.create(
        child=b1, case=case_b, referral_on=D(2025, 4, 10), referral_source="1A", primary_need="N4"
    )
    EpisodeSecondaryNeed.objects.create(episode=ep_b1, need="MH")
    PreProceedings.objects.create(child=b1, case=case_b, started_on=D(2025, 5, 1))
    CareProceedings.objects.create(child=b1, case=case_b, issued_on=D(2025, 6, 1))
    mhw = builders.worker("mhw", role=Role.MENTAL_HEALTH_PRACTITIONER, teams=[north])
    Allocation.objects.create(
        case=case_b, worker=mhw, role=Role.MENTAL_HEALTH_PRACTITIONER, started_on=D(2025, 5, 1)
    )

    fam_c = builders.family("Clark", children=1, born=D(2012, 1, 1))
    builders.case(fam_c, south, opened_on=D(2024, 10, 1))
    (c1,) = fam_c.members.filter(kind="child")
    CpPlan.objects.create(
        episode=CinEpisode.objects.get(child=c1),
        started_on=D(2024, 12, 1),
        initial_category="PHY",
        latest_category="PHY",
    )
    return {"a1": a1, "a2": a2, "b1": b1, "c1": c1}


def download(client, url, query):
    """A download: complete the disclosure record the page asks for (R6), then fetch it."""
    from familyworkbook.access.tests.disclosing import disclose_and_fetch, is_disclosure_step

    response = client.get(url, query)
    if is_disclosure_step(response):
        _form, response = disclose_and_fetch(client, response)
    return response
