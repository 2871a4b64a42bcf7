"""The training register, supervision log, thresholds and cost inputs in the Django admin."""

from __future__ import annotations

from django.contrib import admin

from familyworkbook.insights.models import (
    AtRiskOfCare,
    ClinicalSupervision,
    CostAssumptions,
    PartnerSaving,
    RealisedSaving,
    Thresholds,
    TrainingRecord,
)
from familyworkbook.teams.admin import RecordAdmin


@admin.register(Thresholds)
class ThresholdsAdmin(RecordAdmin):
    list_display = ("council", "caseload_cap", "specialist_posts_filled", "mi_trained")


@admin.register(TrainingRecord)
class TrainingRecordAdmin(RecordAdmin):
    list_display = ("worker", "course", "completed_on")
    list_filter = ("course",)
    search_fields = ("worker__user__first_name", "worker__user__last_name")
    list_select_related = ("worker__user",)
    date_hierarchy = "completed_on"
    raw_id_fields = ("worker",)


@admin.register(ClinicalSupervision)
class ClinicalSupervisionAdmin(RecordAdmin):
    list_display = ("worker", "supervisor_role", "held_on")
    list_filter = ("supervisor_role",)
    search_fields = ("worker__user__first_name", "worker__user__last_name")
    list_select_related = ("worker__user",)
    date_hierarchy = "held_on"
    raw_id_fields = ("worker", "supervisor")


@admin.register(CostAssumptions)
class CostAssumptionsAdmin(RecordAdmin):
    list_display = (
        "council",
        "effective_from",
        "weekly_all",
        "weekly_residential",
        "weekly_foster",
    )


@admin.register(AtRiskOfCare)
class AtRiskOfCareAdmin(RecordAdmin):
    list_display = ("child", "judged_on", "placement_kind", "ended_on")
    raw_id_fields = ("child",)
    search_fields = ("child__la_child_id",)


@admin.register(RealisedSaving)
class RealisedSavingAdmin(RecordAdmin):
    list_display = ("council", "on", "amount", "description")


@admin.register(PartnerSaving)
class PartnerSavingAdmin(RecordAdmin):
    list_display = ("council", "partner", "period_start", "period_end", "amount")
