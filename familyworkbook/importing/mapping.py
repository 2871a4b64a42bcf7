"""Which SSD column lands in which field of which product record, read both ways.

The import (`plan.py`) reads these maps from SSD to product; the export (`export.py`) reads
them from product to SSD, so a value that goes out comes back to the same field. Tables whose
rows are one record each are described here column by column (`MAPS`); the few that combine
or split rows (people and their identifiers, families, looked-after episodes and their
placements and legal statuses, an enquiry's conference, an assessment's factors, workers,
involvements) are handled in `plan.py` and `export.py` by name, with the columns listed in
`COMBINED`. Everything else is kept as source data only (`SOURCE_ONLY`): the row is stored
verbatim against the family's record, counted as imported, and the report says so.

Codes: the product stores the DfE codes the SSD carries (N1, 1A, RC8, NEG, PN1, C2...), so a
code column is read as the code, or as the code's label in any letter case ("Neglect").
Flags are Y/N. Dates are written YYYY-MM-DD.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models

from familyworkbook.cases.lac_models import (
    LookedAfterReview,
    MissingEpisode,
)
from familyworkbook.cases.models import (
    Assessment,
    CinEpisode,
    CinPlan,
    CpPlan,
    CpReview,
    PreProceedings,
    Section47,
    Visit,
    VisitKind,
)

TEXT, DATE, FLAG, CODE = "text", "date", "flag", "code"


@dataclass(frozen=True)
class Col:
    ssd: str  # the SSD column
    field: str  # the model field
    kind: str = TEXT
    required: bool = False


@dataclass(frozen=True)
class TableMap:
    table: str
    model: type[models.Model]
    columns: tuple[Col, ...]
    # The model's foreign key to the person the row is about ("child"), if it has one.
    person_field: str | None = None
    # (SSD column naming the parent row, the model's foreign key, the parent's SSD table).
    parent: tuple[str, str, str] | None = None
    case_field: str | None = None  # set to the family's case
    fixed: dict[str, Any] = field(default_factory=dict)  # constant field values
    # When set, only records with these fixed values are exported to this table.
    export_filter: dict[str, Any] = field(default_factory=dict)

    def column(self, name: str) -> Col | None:
        return next((c for c in self.columns if c.ssd == name), None)


MAPS: dict[str, TableMap] = {
    m.table: m
    for m in [
        TableMap(
            "ssd_cin_episodes",
            CinEpisode,
            (
                Col("cine_referral_date", "referral_on", DATE, required=True),
                Col("cine_cin_primary_need_code", "primary_need", CODE),
                Col("cine_referral_source_code", "referral_source", CODE, required=True),
                Col("cine_referral_nfa", "referral_nfa", FLAG),
                Col("cine_close_reason", "closure_reason", CODE),
                Col("cine_close_date", "closed_on", DATE),
            ),
            person_field="child",
            case_field="case",
        ),
        TableMap(
            "ssd_cin_assessments",
            Assessment,
            (
                Col("cina_assessment_start_date", "started_on", DATE, required=True),
                Col("cina_assessment_auth_date", "authorised_on", DATE),
            ),
            parent=("cina_referral_id", "episode", "ssd_cin_episodes"),
        ),
        TableMap(
            "ssd_s47_enquiry",
            Section47,
            (Col("s47e_s47_start_date", "started_on", DATE, required=True),),
            parent=("s47e_referral_id", "episode", "ssd_cin_episodes"),
        ),
        TableMap(
            "ssd_cin_plans",
            CinPlan,
            (
                Col("cinp_cin_plan_start_date", "started_on", DATE, required=True),
                Col("cinp_cin_plan_end_date", "ended_on", DATE),
            ),
            parent=("cinp_referral_id", "episode", "ssd_cin_episodes"),
        ),
        TableMap(
            "ssd_cp_plans",
            CpPlan,
            (
                Col("cppl_cp_plan_start_date", "started_on", DATE, required=True),
                Col("cppl_cp_plan_end_date", "ended_on", DATE),
                Col("cppl_cp_plan_initial_category", "initial_category", CODE, required=True),
                Col("cppl_cp_plan_latest_category", "latest_category", CODE, required=True),
            ),
            parent=("cppl_referral_id", "episode", "ssd_cin_episodes"),
        ),
        TableMap(
            "ssd_cp_reviews",
            CpReview,
            (Col("cppr_cp_review_date", "held_on", DATE, required=True),),
            parent=("cppr_cp_plan_id", "plan", "ssd_cp_plans"),
        ),
        TableMap(
            "ssd_cin_visits",
            Visit,
            (
                Col("cinv_cin_visit_date", "visited_on", DATE, required=True),
                Col("cinv_cin_visit_seen", "seen", FLAG, required=True),
                Col("cinv_cin_visit_seen_alone", "seen_alone", FLAG),
            ),
            person_field="child",
            case_field="case",
            fixed={"kind": VisitKind.CIN},
            export_filter={
                "kind__in": [VisitKind.CIN, VisitKind.ASSESSMENT, VisitKind.JOINT],
            },
        ),
        TableMap(
            "ssd_cp_visits",
            Visit,
            (
                Col("cppv_cp_visit_date", "visited_on", DATE, required=True),
                Col("cppv_cp_visit_seen", "seen", FLAG, required=True),
                Col("cppv_cp_visit_seen_alone", "seen_alone", FLAG),
            ),
            person_field="child",
            case_field="case",
            fixed={"kind": VisitKind.CP},
            export_filter={"kind": VisitKind.CP},
        ),
        TableMap(
            "ssd_cla_visits",
            Visit,
            (
                Col("clav_cla_visit_date", "visited_on", DATE, required=True),
                Col("clav_cla_visit_seen", "seen", FLAG, required=True),
                Col("clav_cla_visit_seen_alone", "seen_alone", FLAG),
            ),
            person_field="child",
            case_field="case",
            fixed={"kind": VisitKind.CLA},
            export_filter={"kind": VisitKind.CLA},
        ),
        TableMap(
            "ssd_cla_reviews",
            LookedAfterReview,
            (
                Col("clar_cla_review_date", "held_on", DATE, required=True),
                Col("clar_cla_review_participation", "participation", CODE, required=True),
            ),
            # A review names its period of care (clar_cla_id); its child is that period's.
        ),
        TableMap(
            "ssd_missing",
            MissingEpisode,
            (
                Col("miss_missing_episode_start_date", "started_on", DATE, required=True),
                Col("miss_missing_episode_type", "kind", CODE, required=True),
                Col("miss_missing_episode_end_date", "ended_on", DATE),
            ),
            person_field="child",
        ),
        TableMap(
            "ssd_pre_proceedings",
            PreProceedings,
            (
                Col("prep_initial_pre_pro_meeting_date", "started_on", DATE, required=True),
                Col("prep_agree_stepdown_issue_date", "ended_on", DATE),
                Col("prep_pre_pro_outcome", "outcome", CODE),
            ),
            person_field="child",
            case_field="case",
        ),
    ]
}

# Tables read by name in plan.py (and written by name in export.py).
COMBINED = (
    "ssd_person",
    "ssd_family",
    "ssd_mother",
    "ssd_address",
    "ssd_disability",
    "ssd_linked_identifiers",
    "ssd_send",
    "ssd_professionals",
    "ssd_department",
    "ssd_involvements",
    "ssd_assessment_factors",
    "ssd_initial_cp_conference",
    "ssd_cla_episodes",
    "ssd_cla_placement",
    "ssd_legal_status",
    "ssd_immigration_status",
    "ssd_cla_convictions",
    "ssd_cla_health",
    "ssd_cla_immunisations",
    "ssd_cla_substance_misuse",
    "ssd_cla_previous_permanence",
    "ssd_permanence",
    "ssd_care_leavers",
    "ssd_sdq_scores",
    "ssd_voice_of_child",
)

# Kept verbatim against the family: the product has no record of its own for these yet.
SOURCE_ONLY = (
    "ssd_contacts",
    "ssd_early_help_episodes",
    "ssd_cla_care_plan",
    "ssd_ehcp_requests",
    "ssd_ehcp_assessment",
    "ssd_ehcp_named_plan",
    "ssd_ehcp_active_plans",
    "ssd_sen_need",
)

# ssd_linked_identifiers.link_identifier_type values that fill a person's own fields.
IDENTIFIER_FIELDS = {
    "unique pupil number": "upn",
    "upn": "upn",
    "nhs number": "nhs_number",
    "nhs": "nhs_number",
}

# ssd_address.addr_address_type values that mark an address as protected (a refuge, or an
# address the family must not have disclosed): the SSD has no flag of its own for it.
PROTECTED_ADDRESS_TYPES = {"refuge", "protected", "confidential", "safe"}

# ssd_immigration_status.immi_immigration_status values meaning an unaccompanied
# asylum-seeking child.
UASC_STATUSES = {"uasc", "unaccompanied asylum seeking child", "unaccompanied asylum-seeking child"}
