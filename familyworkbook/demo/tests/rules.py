"""Checks the demo county must pass: the DfE rules (STATUTORY-RETURNS.md §7) as far as the record
holds them, plus the record's own invariants. Each check returns readable problems, not booleans,
so a failing test says what is wrong with which record.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from familyworkbook.cases.models import Allocation, Case, CinEpisode, LookedAfterEpisode, Visit
from familyworkbook.demo import postcodes
from familyworkbook.people.models import RelationshipKind

FORTY_WEEKS = dt.timedelta(weeks=40)
PLACEMENT_CHANGES = {"P", "B", "T", "U"}


def _overlap(
    a_start: dt.date, a_end: dt.date | None, b_start: dt.date, b_end: dt.date | None
) -> bool:
    """True if two periods share more than a boundary day (step-up and step-down touch)."""
    far = dt.date.max
    return a_start < (b_end or far) and b_start < (a_end or far)


def episode_problems(anchor: dt.date) -> list[str]:
    problems: list[str] = []
    episodes = (
        CinEpisode.objects.select_related("child", "case")
        .prefetch_related("cin_plans", "cp_plans__reviews", "section47s", "assessments")
        .order_by("child_id", "referral_on")
    )
    by_child: defaultdict[int, list[CinEpisode]] = defaultdict(list)
    for ep in episodes:
        by_child[ep.child_id].append(ep)
        label = f"episode {ep.pk} ({ep.child.la_child_id}, referred {ep.referral_on})"
        cin_plans = list(ep.cin_plans.all())
        cp_plans = list(ep.cp_plans.all())
        s47s = list(ep.section47s.all())
        assessments = list(ep.assessments.all())
        for born in (ep.child.date_of_birth, ep.child.expected_date_of_birth):
            if born and ep.referral_on < born - FORTY_WEEKS:
                problems.append(f"{label}: referral more than 40 weeks before birth (8606)")
        if ep.referral_on > anchor or (ep.closed_on and ep.closed_on > anchor):
            problems.append(f"{label}: dated after the anchor date")
        if ep.case and (ep.case.opened_on != ep.referral_on or ep.case.closed_on != ep.closed_on):
            problems.append(f"{label}: episode dates differ from its case's")
        icpcs = {s.icpc_on for s in s47s if s.icpc_on}
        for s47 in s47s:
            if s47.icpc_on and s47.icpc_on.weekday() >= 5:
                problems.append(f"{label}: ICPC at a weekend (8875)")
            if ep.closed_on and not (s47.icpc_on or s47.icpc_not_required):
                problems.append(f"{label}: a closed episode's S47 has no ICPC outcome (8868)")
        for cp in cp_plans:
            if cp.started_on not in icpcs:
                problems.append(
                    f"{label}: CP plan starts {cp.started_on}, not on an ICPC date (2885)"
                )
            for review in cp.reviews.all():
                if review.held_on <= cp.started_on or (
                    cp.ended_on and review.held_on > cp.ended_on
                ):
                    problems.append(f"{label}: CP review {review.held_on} outside its plan (8841)")
            for cin in cin_plans:
                if _overlap(cin.started_on, cin.ended_on, cp.started_on, cp.ended_on):
                    problems.append(f"{label}: CIN plan overlaps a CP plan (4001)")
        for plans, kind in ((cin_plans, "CIN"), (cp_plans, "CP")):
            if sum(1 for p in plans if p.ended_on is None) > 1:
                problems.append(f"{label}: more than one open {kind} plan (4004, 8935)")
            for p in plans:
                if p.started_on < ep.referral_on:
                    problems.append(f"{label}: {kind} plan starts before the referral")
                if ep.closed_on and (p.ended_on is None or p.ended_on > ep.closed_on):
                    problems.append(f"{label}: {kind} plan runs past the closure (8565)")
        for a in assessments:
            if a.authorised_on is None:
                if ep.closed_on:
                    problems.append(f"{label}: assessment never authorised (8867)")
                elif (anchor - a.started_on).days > 365:
                    problems.append(
                        f"{label}: incomplete assessment started over a year ago (8736)"
                    )
            elif ep.closed_on and a.authorised_on > ep.closed_on:
                problems.append(f"{label}: assessment authorised after closure (8565)")
            if "21" in a.factors and len(a.factors) > 1:
                problems.append(f"{label}: factor 21 with other factors (8869)")
        if ep.closure_reason in {"RC8", "RC9"} and (
            not assessments or cin_plans or cp_plans or s47s
        ):
            problems.append(
                f"{label}: {ep.closure_reason} needs an assessment and nothing else (2990)"
            )
        if ep.referral_nfa and (cin_plans or cp_plans or s47s):
            problems.append(f"{label}: NFA referral with plans or S47 (4000)")
    for eps in by_child.values():
        for earlier, later in zip(eps, eps[1:], strict=False):
            if earlier.closed_on is None or earlier.closed_on >= later.referral_on:
                problems.append(f"child {later.child.la_child_id}: episodes overlap (8820, 8815)")
    return problems


def looked_after_problems() -> list[str]:
    """SSDA903 episodes: contiguous, RNE S first, X1 on every change, reason for placement changes."""
    problems: list[str] = []
    in_county = postcodes.authority_of()
    by_child: defaultdict[int, list[LookedAfterEpisode]] = defaultdict(list)
    for episode in LookedAfterEpisode.objects.order_by("child_id", "started_on", "pk"):
        by_child[episode.child_id].append(episode)
        if episode.home_postcode not in in_county or episode.placement_postcode not in in_county:
            problems.append(f"903 episode {episode.pk}: postcode not in the ONS list (392c, 169)")
        foster = episode.placement_type.startswith("U")
        if (
            episode.placement_provider == "PR1"
            and not foster
            and in_county.get(episode.placement_postcode) not in postcodes.DISTRICTS
        ):
            problems.append(f"903 episode {episode.pk}: own provision outside the county (1015)")
    for child, episodes in by_child.items():
        if episodes[0].reason_new_episode != "S":
            problems.append(f"child {child}: first 903 episode is not RNE S (357)")
        for previous, current in zip(episodes, episodes[1:], strict=False):
            if previous.ceased_on is None:
                problems.append(f"child {child}: an open 903 episode is not the last (142)")
                continue
            if previous.ceased_on == current.started_on:
                if previous.reason_ceased != "X1" or current.reason_new_episode == "S":
                    problems.append(
                        f"child {child}: change on {current.started_on} not coded X1 (501)"
                    )
                needs_reason = current.reason_new_episode in PLACEMENT_CHANGES
                if needs_reason != bool(previous.reason_place_change):
                    problems.append(f"child {child}: reason for placement change wrong (225)")
                legal = previous.legal_status != current.legal_status
                place = (previous.placement_type, previous.placement_postcode) != (
                    current.placement_type,
                    current.placement_postcode,
                )
                allowed = {
                    (True, True): {"B", "U"},
                    (True, False): {"L"},
                    (False, True): {"P", "T"},
                }
                if current.reason_new_episode not in allowed.get((legal, place), set()):
                    problems.append(
                        f"child {child}: RNE {current.reason_new_episode} does not match what changed (434)"
                    )
            elif previous.reason_ceased == "X1" or current.reason_new_episode != "S":
                problems.append(f"child {child}: a gap between 903 episodes (142, 388)")
        last = episodes[-1]
        if last.reason_ceased == "X1" or (last.ceased_on is None and last.reason_place_change):
            problems.append(f"child {child}: last 903 episode ends wrongly (233)")
    return problems


def record_problems(anchor: dt.date) -> list[str]:
    """Cases, allocations, visits and relationships as the rest of the record expects them."""
    from familyworkbook.people.models import Relationship

    problems: list[str] = []
    leads: defaultdict[int, int] = defaultdict(int)
    for allocation in Allocation.objects.current().select_related("case"):
        if allocation.case.closed_on:
            problems.append(f"allocation {allocation.pk}: still current on a closed case")
        if allocation.is_lead:
            leads[allocation.case_id] += 1
    for case in Case.objects.open():
        if leads[case.pk] != 1:
            problems.append(f"case {case.pk}: {leads[case.pk]} current lead workers")
    for visit in Visit.objects.select_related("case", "child"):
        if visit.visited_on > anchor or (
            visit.case.closed_on and visit.visited_on > visit.case.closed_on
        ):
            problems.append(f"visit {visit.pk}: after the case closed or the anchor date (8565)")
        if visit.child.date_of_birth is None or visit.visited_on < visit.child.date_of_birth:
            problems.append(f"visit {visit.pk}: before the child was born")
        if visit.visited_on < visit.case.opened_on:
            problems.append(f"visit {visit.pk}: before the case opened")
    for row in Relationship.objects.select_related("inverse"):
        inverse = row.inverse
        if (
            inverse is None
            or inverse.inverse_id != row.pk
            or inverse.person_id != row.other_id
            or inverse.other_id != row.person_id
            or inverse.kind != RelationshipKind.inverse_of(row.kind)
        ):
            problems.append(f"relationship {row.pk}: inverse missing or not pointing back")
    return problems
