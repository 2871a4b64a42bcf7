"""A fingerprint of the demo county's key fields, to show that the same seed gives the same data.

Rows are described by natural keys (usernames, references, identifiers, names and dates),
never by primary keys, so two databases seeded alike give the same digest even when their
id sequences differ (PostgreSQL does not roll sequences back; SQLite does).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from familyworkbook.access.models import PerpetratorLink
from familyworkbook.cases.models import (
    AdoptionDecision,
    Allocation,
    Assessment,
    Case,
    CinEpisode,
    CinPlan,
    CpPlan,
    LookedAfterEpisode,
    LookedAfterOutcome,
    LookedAfterReview,
    PreviousPermanence,
    Section47,
    SocialWorkerChange,
    Visit,
)
from familyworkbook.insights.models import ClinicalSupervision, TrainingRecord
from familyworkbook.meetings.models import Meeting
from familyworkbook.people.models import (
    Address,
    Family,
    FamilyMembership,
    Person,
    Registration,
    Relationship,
)
from familyworkbook.teams.models import Post, Team, Worker
from familyworkbook.workbook.models import ChangeStage, Entry, GoalRating

PERSON = ("first_name", "last_name", "date_of_birth", "expected_date_of_birth")


def _keys(prefix: str) -> list[str]:
    return [f"{prefix}__{name}" for name in PERSON]


def _tables() -> dict[str, Iterable[tuple[object, ...]]]:
    child = ["child__la_child_id"]
    episode = ["episode__child__la_child_id", "episode__referral_on"]
    case = ["case__family__reference", "case__opened_on"]
    return {
        "teams": Team.objects.values_list("name", "kind", "district__name"),
        "workers": Worker.objects.values_list(
            "user__username",
            "user__first_name",
            "user__last_name",
            "role",
            "employment_type",
            "organisation__name",
            "swe_number",
            "started_on",
        ),
        "posts": Post.objects.values_list(
            "role",
            "organisation__name",
            "fte",
            "holder__user__username",
            "vacant_since",
            "teams__name",
        ),
        "families": Family.objects.values_list("reference", "name"),
        "people": Person.objects.values_list(
            "kind",
            *PERSON,
            "sex",
            "ethnicity",
            "disabilities",
            "upn",
            "upn_unknown_reason",
            "nhs_number",
            "la_child_id",
            "main_language",
        ),
        "memberships": FamilyMembership.objects.values_list(
            "family__reference", *_keys("person"), "kind", "contact"
        ),
        "addresses": Address.objects.values_list(
            *_keys("person"),
            "kind",
            "line_1",
            "town",
            "postcode",
            "from_date",
            "to_date",
            "protected",
        ),
        "registrations": Registration.objects.values_list(
            *_keys("person"), "kind", "name", "code", "from_date", "to_date", "hidden"
        ),
        "perpetrator_links": PerpetratorLink.objects.values_list(
            *_keys("perpetrator"), *_keys("survivor"), "noted_on", "ended_on"
        ),
        "relationships": Relationship.objects.values_list(
            *_keys("person"),
            *_keys("other"),
            "kind",
            "parental_responsibility",
            "is_main_carer",
            "inverse__kind",
        ),
        "cases": Case.objects.values_list(
            "family__reference", "team__name", "reason", "opened_on", "closed_on", "closure_reason"
        ),
        "allocations": Allocation.objects.values_list(
            *case, "worker__user__username", "role", "is_lead", "started_on", "ended_on"
        ),
        "episodes": CinEpisode.objects.values_list(
            *child, "referral_on", "referral_source", "primary_need", "closed_on", "closure_reason"
        ),
        "assessments": Assessment.objects.values_list(
            *episode, "started_on", "authorised_on", "factors"
        ),
        "section47s": Section47.objects.values_list(
            *episode, "started_on", "icpc_on", "icpc_not_required"
        ),
        "cin_plans": CinPlan.objects.values_list(*episode, "started_on", "ended_on"),
        "cp_plans": CpPlan.objects.values_list(
            *episode, "started_on", "ended_on", "initial_category", "latest_category"
        ),
        "looked_after": LookedAfterEpisode.objects.values_list(
            *child,
            "started_on",
            "reason_new_episode",
            "legal_status",
            "placement_type",
            "placement_provider",
            "ceased_on",
            "reason_ceased",
            "reason_place_change",
            "home_postcode",
            "placement_postcode",
        ),
        "previous_permanence": PreviousPermanence.objects.values_list(
            *child, "care_started_on", "kind", "local_authority", "order_date"
        ),
        "lac_outcomes": LookedAfterOutcome.objects.values_list(
            *child, "year", "sdq_score", "sdq_reason", "convicted", "substance_misuse"
        ),
        "lac_reviews": LookedAfterReview.objects.values_list(*child, "held_on", "participation"),
        "adoption_decisions": AdoptionDecision.objects.values_list(
            *child, "decided_on", "reversed_on", "matched_on", "adopters"
        ),
        "social_worker_changes": SocialWorkerChange.objects.values_list(
            "allocation__case__family__reference",
            "allocation__started_on",
            "allocation__worker__user__username",
            "reason",
        ),
        "visits": Visit.objects.values_list(
            *child, "visited_on", "kind", "seen", "seen_alone", "by__user__username"
        ),
        "workbook_entries": Entry.objects.values_list(
            "family__reference",
            "author__user__username",
            "chapter",
            "happened_on",
            "kind",
            "module__slug",
            "completes_module",
            "headline",
            "what_happened",
        ),
        "goal_ratings": GoalRating.objects.values_list(
            "goal__family__reference", "goal__title", "rated_on", "rated_by", "score"
        ),
        "change_stages": ChangeStage.objects.values_list(
            "family__reference", *_keys("person"), "issue", "stage", "assessed_on"
        ),
        "meetings": Meeting.objects.values_list(
            "family__reference", "type__slug", "held_on", "rag", "chair__user__username"
        ),
        "clinical_supervision": ClinicalSupervision.objects.values_list(
            "worker__user__username", "held_on", "supervisor_role"
        ),
        "training": TrainingRecord.objects.values_list(
            "worker__user__username", "course", "completed_on"
        ),
    }


def data_digest() -> str:
    """SHA-256 over every table's rows, each table's rows sorted (so insert order does not matter)."""
    digest = hashlib.sha256()
    for name, rows in _tables().items():
        digest.update(name.encode())
        for line in sorted(repr(tuple(row)) for row in rows.order_by()):  # type: ignore[attr-defined]
            digest.update(line.encode())
    return digest.hexdigest()
