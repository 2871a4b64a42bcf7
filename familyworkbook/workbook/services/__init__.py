"""Writes with rules for the Workbook: one transaction each, `by=` the acting user, audited.

Edits take `expected_version` and refuse a stale edit (StaleEditError) before any other rule.
"""

from familyworkbook.workbook.services.entries import (
    discard_draft,
    draft_for,
    edit_entry,
    record_entry,
    save_draft,
)
from familyworkbook.workbook.services.interventions import (
    end_intervention,
    extend_intervention,
    readiness_band,
    start_intervention,
)
from familyworkbook.workbook.services.plans import (
    add_action,
    add_priority_issue,
    add_risk_need_item,
    edit_risk_need_item,
    end_toxic_trio_flag,
    flag_toxic_trio,
    rate_goal,
    record_change_stage,
    record_decisional_balance,
    record_scaling,
    resolve_priority_issue,
    set_goal,
    update_action,
    update_goal_status,
)

__all__ = [
    "add_action",
    "add_priority_issue",
    "add_risk_need_item",
    "discard_draft",
    "draft_for",
    "edit_entry",
    "edit_risk_need_item",
    "end_intervention",
    "end_toxic_trio_flag",
    "extend_intervention",
    "flag_toxic_trio",
    "rate_goal",
    "readiness_band",
    "record_change_stage",
    "record_decisional_balance",
    "record_entry",
    "record_scaling",
    "resolve_priority_issue",
    "save_draft",
    "set_goal",
    "start_intervention",
    "update_action",
    "update_goal_status",
]
