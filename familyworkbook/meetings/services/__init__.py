"""Writes for meetings. Every write is one transaction and audited in it; a signed-off record
is never changed (corrections are amendments beside it).

- `meetings`: plan (invite, carry actions forward), contribute, record, sign off, amend.
- `fgc`: Family Group Conferences.
- `teams`: team meetings (unit meetings, huddles) and their minutes.
"""

from familyworkbook.meetings.services.fgc import (
    invite_family_member,
    plan_fgc_review,
    record_fgc,
    record_victim_request,
    refer_fgc,
)
from familyworkbook.meetings.services.meetings import (
    CycleStage,
    NewAction,
    Suggestion,
    amend,
    carry_forward,
    contribute,
    invite_involved,
    plan_meeting,
    previous_meeting,
    record_meeting,
    sign_off,
    suggested_contribution,
    worker_of,
)
from familyworkbook.meetings.services.teams import plan_team_meeting, record_team_meeting

__all__ = [
    "CycleStage",
    "NewAction",
    "Suggestion",
    "amend",
    "carry_forward",
    "contribute",
    "invite_family_member",
    "invite_involved",
    "plan_fgc_review",
    "plan_meeting",
    "plan_team_meeting",
    "previous_meeting",
    "record_fgc",
    "record_meeting",
    "record_team_meeting",
    "record_victim_request",
    "refer_fgc",
    "sign_off",
    "suggested_contribution",
    "worker_of",
]
