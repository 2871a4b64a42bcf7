"""Cases, allocations and statutory episodes in the Django admin, for system administrators.

Workers record these through the product's own forms, which apply the statutory rules;
the admin is for looking things up and correcting data. Nothing is deleted, audit fields
are read-only, and saves are stamped and version-checked (see `teams.admin.RecordAdmin`).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

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
from familyworkbook.teams.admin import (
    AdminActionForm,
    AdminModelForm,
    AdminRenderingMixin,
    RecordAdmin,
)

CHILD_SEARCH = ("child__first_name", "child__last_name", "child__la_child_id")
EPISODE_CHILD_SEARCH = (
    "episode__child__first_name",
    "episode__child__last_name",
    "episode__child__la_child_id",
)


@admin.register(Case)
class CaseAdmin(RecordAdmin):
    list_display = ("family", "team", "reason", "opened_on", "closed_on", "closure_reason")
    list_filter = ("team", "reason", "closure_reason")
    search_fields = ("family__name", "family__reference")
    list_select_related = ("family", "team")
    date_hierarchy = "opened_on"
    raw_id_fields = ("family",)


@admin.register(Allocation)
class AllocationAdmin(RecordAdmin):
    list_display = ("case", "worker", "role", "is_lead", "started_on", "ended_on")
    list_filter = ("role", "is_lead", "case__team")
    search_fields = ("case__family__name", "case__family__reference", "worker__user__last_name")
    list_select_related = ("case__family", "case__team", "worker__user")
    raw_id_fields = ("case", "worker")


@admin.register(CinEpisode)
class CinEpisodeAdmin(RecordAdmin):
    list_display = (
        "child",
        "referral_on",
        "referral_source",
        "primary_need",
        "closed_on",
        "closure_reason",
    )
    list_filter = ("referral_source", "primary_need", "closure_reason", "referral_nfa")
    search_fields = CHILD_SEARCH
    list_select_related = ("child",)
    date_hierarchy = "referral_on"
    raw_id_fields = ("child", "case")


@admin.register(EpisodeSecondaryNeed)
class EpisodeSecondaryNeedAdmin(AdminRenderingMixin, admin.ModelAdmin):
    list_display = ("episode", "need")
    list_filter = ("need",)
    search_fields = EPISODE_CHILD_SEARCH
    list_select_related = ("episode__child",)
    raw_id_fields = ("episode",)
    form = AdminModelForm
    action_form = AdminActionForm

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Assessment)
class AssessmentAdmin(RecordAdmin):
    list_display = ("episode", "started_on", "authorised_on")
    search_fields = EPISODE_CHILD_SEARCH
    list_select_related = ("episode__child",)
    raw_id_fields = ("episode",)


@admin.register(Section47)
class Section47Admin(RecordAdmin):
    list_display = ("episode", "started_on", "icpc_target_on", "icpc_on", "icpc_not_required")
    list_filter = ("icpc_not_required",)
    search_fields = EPISODE_CHILD_SEARCH
    list_select_related = ("episode__child",)
    raw_id_fields = ("episode",)


@admin.register(CinPlan)
class CinPlanAdmin(RecordAdmin):
    list_display = ("episode", "started_on", "ended_on")
    search_fields = EPISODE_CHILD_SEARCH
    list_select_related = ("episode__child",)
    raw_id_fields = ("episode",)


@admin.register(CpPlan)
class CpPlanAdmin(RecordAdmin):
    list_display = ("episode", "started_on", "ended_on", "initial_category", "latest_category")
    list_filter = ("initial_category", "latest_category")
    search_fields = EPISODE_CHILD_SEARCH
    list_select_related = ("episode__child",)
    raw_id_fields = ("episode",)


@admin.register(CpReview)
class CpReviewAdmin(RecordAdmin):
    list_display = ("plan", "held_on")
    search_fields = (
        "plan__episode__child__first_name",
        "plan__episode__child__last_name",
    )
    list_select_related = ("plan",)
    raw_id_fields = ("plan",)


@admin.register(LookedAfterEpisode)
class LookedAfterEpisodeAdmin(RecordAdmin):
    list_display = (
        "child",
        "started_on",
        "reason_new_episode",
        "legal_status",
        "placement_type",
        "ceased_on",
        "reason_ceased",
    )
    list_filter = ("legal_status", "placement_type", "reason_new_episode", "reason_ceased")
    search_fields = CHILD_SEARCH
    list_select_related = ("child",)
    raw_id_fields = ("child", "case")


@admin.register(PreProceedings)
class PreProceedingsAdmin(RecordAdmin):
    list_display = ("child", "started_on", "ended_on", "outcome")
    list_filter = ("outcome",)
    search_fields = CHILD_SEARCH
    list_select_related = ("child",)
    raw_id_fields = ("child", "case")


@admin.register(CareProceedings)
class CareProceedingsAdmin(RecordAdmin):
    list_display = ("child", "issued_on", "concluded_on", "final_order")
    list_filter = ("final_order",)
    search_fields = CHILD_SEARCH
    list_select_related = ("child",)
    raw_id_fields = ("child", "case")


@admin.register(Visit)
class VisitAdmin(RecordAdmin):
    list_display = ("child", "visited_on", "kind", "seen", "seen_alone", "by")
    list_filter = ("kind", "seen", "seen_alone")
    search_fields = CHILD_SEARCH
    list_select_related = ("child", "by__user")
    date_hierarchy = "visited_on"
    raw_id_fields = ("child", "case", "by")
