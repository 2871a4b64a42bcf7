"""Payloads for the DfE children's social care data API (OpenAPI spec in returns/schema/).

One document per child: the request body the API takes (an array of children), holding that
one child. Everything the record holds about the child's social care episodes goes in, with
`purge: true` where a record was archived, so the DfE's copy forgets what we no longer hold:
an archived child is sent as their ID and a purge flag only.

A protected home address never leaves: the postcode is left out (not sent empty) when the
child's current home address is protected, as the access policy does on pages.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from django.db.models import Prefetch, Q

from familyworkbook.cases.models import (
    AdoptionDecision,
    Allocation,
    Assessment,
    CareLeaverOutcome,
    CinEpisode,
    CinPlan,
    CpPlan,
    LookedAfterEpisode,
    LookedAfterOutcome,
    Section47,
    UascStatus,
)
from familyworkbook.people.models import Address, AddressKind, Person
from familyworkbook.returns.problems import Problem, child_ref

RETURN = "DfE CSC API"
SCHEMA_PATH = Path(__file__).parent / "schema" / "openapi.json"
ADOPTION_PLACEMENTS = {"A3", "A4", "A5", "A6"}


@cache
def openapi() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def request_schema() -> dict[str, Any]:
    """The CSC request body schema, with the spec's components so $refs resolve."""
    spec = openapi()
    return {**spec["components"]["schemas"]["CSC"], "components": spec["components"]}


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _clean(obj: dict[str, Any]) -> dict[str, Any]:
    """Leave out what is not known, as the API expects, rather than sending nulls."""
    return {k: v for k, v in obj.items() if v is not None and v != "" and v != []}


def _worker_id(allocation: Allocation) -> str:
    number = allocation.worker.swe_number
    return number if number else f"XX{allocation.worker_id}"


class _Loader:
    """Everything about a batch of children, in a fixed number of queries."""

    def __init__(self, child_ids: list[int]) -> None:
        ids = child_ids
        self.episodes: dict[int, list[CinEpisode]] = defaultdict(list)
        for e in (
            CinEpisode.objects.filter(child_id__in=ids)
            .prefetch_related(
                Prefetch("assessments", queryset=Assessment.objects.all()),
                Prefetch("section47s", queryset=Section47.objects.all()),
                Prefetch("cin_plans", queryset=CinPlan.objects.all()),
                Prefetch("cp_plans", queryset=CpPlan.objects.all()),
            )
            .order_by("referral_on", "pk")
        ):
            self.episodes[e.child_id].append(e)
        self.placements: dict[int, list[LookedAfterEpisode]] = defaultdict(list)
        for p in LookedAfterEpisode.objects.filter(child_id__in=ids).order_by("started_on", "pk"):
            self.placements[p.child_id].append(p)
        case_ids = {e.case_id for eps in self.episodes.values() for e in eps if e.case_id}
        self.leads: dict[int, list[Allocation]] = defaultdict(list)
        for a in (
            Allocation.objects.filter(case_id__in=case_ids, is_lead=True, archived_at__isnull=True)
            .select_related("worker")
            .order_by("started_on", "pk")
        ):
            self.leads[a.case_id].append(a)
        self.homes: dict[int, Address] = {}
        for address in Address.objects.filter(
            person_id__in=ids, kind=AddressKind.HOME, archived_at__isnull=True, to_date__isnull=True
        ).order_by("from_date", "pk"):
            self.homes[address.person_id] = address  # the latest current home
        self.uasc = {
            u.child_id: u
            for u in UascStatus.objects.filter(child_id__in=ids, archived_at__isnull=True)
        }
        self.sdq: dict[int, list[LookedAfterOutcome]] = defaultdict(list)
        for o in LookedAfterOutcome.objects.filter(
            child_id__in=ids, archived_at__isnull=True, sdq_score__isnull=False
        ).order_by("year"):
            self.sdq[o.child_id].append(o)
        self.adoption: dict[int, AdoptionDecision] = {}
        for a in AdoptionDecision.objects.filter(
            child_id__in=ids, archived_at__isnull=True, reversed_on__isnull=True
        ).order_by("decided_on"):
            self.adoption[a.child_id] = a
        self.leavers: dict[int, CareLeaverOutcome] = {}
        for o in CareLeaverOutcome.objects.filter(
            child_id__in=ids, archived_at__isnull=True
        ).order_by("year"):
            self.leavers[o.child_id] = o


def _episode(e: CinEpisode, loader: _Loader) -> dict[str, Any]:
    if e.archived_at:
        return {"social_care_episode_id": f"E{e.pk}", "purge": True}

    def purge(obj: Any) -> bool:
        return obj.archived_at is not None

    return _clean(
        {
            "social_care_episode_id": f"E{e.pk}",
            "referral_date": _iso(e.referral_on),
            "referral_source": e.referral_source,
            "referral_no_further_action_flag": e.referral_nfa,
            "closure_date": _iso(e.closed_on),
            "closure_reason": e.closure_reason,
            "care_worker_details": [
                _clean(
                    {
                        "worker_id": _worker_id(a),
                        "start_date": _iso(a.started_on),
                        "end_date": _iso(a.ended_on),
                    }
                )
                for a in loader.leads.get(e.case_id, [])  # type: ignore[arg-type]
            ],
            "child_and_family_assessments": [
                _clean(
                    {
                        "child_and_family_assessment_id": f"A{a.pk}",
                        "start_date": _iso(a.started_on),
                        "authorisation_date": _iso(a.authorised_on),
                        "factors": list(dict.fromkeys(a.factors)) if a.authorised_on else [],
                        "purge": purge(a),
                    }
                )
                for a in e.assessments.all()
            ],
            "child_in_need_plans": [
                _clean(
                    {
                        "child_in_need_plan_id": f"N{p.pk}",
                        "start_date": _iso(p.started_on),
                        "end_date": _iso(p.ended_on),
                        "purge": purge(p),
                    }
                )
                for p in e.cin_plans.all()
            ],
            "section_47_assessments": [
                _clean(
                    {
                        "section_47_assessment_id": f"S{s.pk}",
                        "start_date": _iso(s.started_on),
                        "icpc_required_flag": not s.icpc_not_required,
                        "icpc_date": _iso(s.icpc_on),
                        "purge": purge(s),
                    }
                )
                for s in e.section47s.all()
            ],
            "child_protection_plans": [
                _clean(
                    {
                        "child_protection_plan_id": f"P{p.pk}",
                        "start_date": _iso(p.started_on),
                        "end_date": _iso(p.ended_on),
                        "purge": purge(p),
                    }
                )
                for p in e.cp_plans.all()
            ],
            "purge": False,
        }
    )


def _placement(p: LookedAfterEpisode) -> dict[str, Any]:
    if p.archived_at:
        return {"child_looked_after_placement_id": f"L{p.pk}", "purge": True}
    return _clean(
        {
            "child_looked_after_placement_id": f"L{p.pk}",
            "start_date": _iso(p.started_on),
            "start_reason": p.reason_new_episode,
            "placement_type": p.placement_type,
            "postcode": p.placement_postcode,
            "end_date": _iso(p.ceased_on),
            "end_reason": p.reason_ceased,
            "change_reason": p.reason_place_change,
            "purge": False,
        }
    )


def _home_for(
    episodes: list[dict[str, Any]], raw: list[CinEpisode], day: dt.date
) -> dict[str, Any] | None:
    """The social care episode a placement starting on `day` belongs to: the latest referred by then."""
    chosen = None
    for doc, e in zip(episodes, raw, strict=True):
        if not e.archived_at and e.referral_on <= day:
            chosen = doc
    return chosen


def child_document(child: Person, loader: _Loader) -> dict[str, Any]:
    if child.archived_at:
        return {"la_child_id": child.la_child_id, "purge": True}
    home = loader.homes.get(child.pk)
    uasc = loader.uasc.get(child.pk)
    details = _clean(
        {
            "unique_pupil_number": child.upn,
            "unique_pupil_number_unknown_reason": "" if child.upn else child.upn_unknown_reason,
            "first_name": child.first_name,
            "surname": child.last_name,
            "date_of_birth": _iso(child.date_of_birth),
            "expected_date_of_birth": _iso(child.expected_date_of_birth),
            "sex": child.sex,
            "ethnicity": child.ethnicity,
            "disabilities": list(dict.fromkeys(child.disabilities or [])),
            # A protected address is left out altogether, never sent blank or redacted.
            "postcode": home.postcode if home and not home.protected else None,
            "uasc_flag": uasc is not None,
            "uasc_end_date": _iso(uasc.ceased_on) if uasc else None,
            "purge": False,
        }
    )
    raw = loader.episodes.get(child.pk, [])
    episodes = [_episode(e, loader) for e in raw]
    orphans: list[dict[str, Any]] = []
    for p in loader.placements.get(child.pk, []):
        target = _home_for(episodes, raw, p.started_on)
        if target is None:
            orphans.append(_placement(p))
        else:
            target.setdefault("child_looked_after_placements", []).append(_placement(p))
    if orphans:
        episodes.append(
            {
                "social_care_episode_id": f"LAC{child.pk}",
                "child_looked_after_placements": orphans,
                "purge": False,
            }
        )
    live = [doc for doc in episodes if not doc.get("purge")]
    if live:
        latest = live[-1]
        decision = loader.adoption.get(child.pk)
        if decision:
            placed = next(
                (
                    p.started_on
                    for p in loader.placements.get(child.pk, [])
                    if p.placement_type in ADOPTION_PLACEMENTS and not p.archived_at
                ),
                None,
            )
            latest["adoption"] = _clean(
                {
                    "initial_decision_date": _iso(decision.decided_on),
                    "matched_date": _iso(decision.matched_on),
                    "placed_date": _iso(placed),
                    "purge": False,
                }
            )
        leaver = loader.leavers.get(child.pk)
        if leaver:
            latest["care_leavers"] = _clean(
                {
                    "activity": leaver.activity if leaver.activity != "0" else "",
                    "accommodation": leaver.accommodation[:1]
                    if leaver.accommodation != "0"
                    else "",
                    "purge": False,
                }
            )
    document: dict[str, Any] = {
        "la_child_id": child.la_child_id,
        "mis_child_id": f"FW{child.pk}",
        "purge": False,
        "child_details": details,
        "social_care_episodes": episodes,
    }
    sdq = loader.sdq.get(child.pk)
    if sdq:
        document["health_and_wellbeing"] = {
            "sdq_assessments": [
                {"date": dt.date(o.year, 3, 31).isoformat(), "score": o.sdq_score} for o in sdq
            ],
            "purge": False,
        }
    return document


def children_for_api(children: Iterable[int] | None = None):  # type: ignore[no-untyped-def]
    """Every child with a social care record, archived ones included (they are purged)."""
    qs = Person.objects.filter(
        Q(pk__in=CinEpisode.objects.values("child_id"))
        | Q(pk__in=LookedAfterEpisode.objects.values("child_id"))
    )
    if children is not None:
        qs = qs.filter(pk__in=list(children))
    return qs.order_by("la_child_id", "pk")


def build_documents(
    children: Iterable[int] | None = None, batch: int = 500
) -> Iterator[tuple[Person, list[dict[str, Any]] | None, list[Problem]]]:
    """(child, the request body for that child, problems): a body of None is not sendable."""
    people = list(children_for_api(children))
    for start in range(0, len(people), batch):
        chunk = people[start : start + batch]
        loader = _Loader([p.pk for p in chunk])
        for child in chunk:
            if not child.la_child_id:
                problem = Problem(
                    RETURN,
                    "la_child_id",
                    "LA child ID",
                    "Record the child's LA child ID.",
                    child.pk,
                    child_ref(child),
                )
                yield child, None, [problem]
                continue
            yield child, [child_document(child, loader)], []
