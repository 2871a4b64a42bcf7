"""The Workbook's models, split by topic; import them from here."""

from familyworkbook.workbook.models.change import (
    ChangeIssue,
    ChangeStage,
    DecisionalBalance,
    ScalingAnswer,
    Stage,
)
from familyworkbook.workbook.models.entries import Chapter, Entry, EntryDraft, EntryKind
from familyworkbook.workbook.models.goals import (
    ActionStatus,
    Goal,
    GoalAction,
    GoalRating,
    GoalStatus,
    RatedBy,
)
from familyworkbook.workbook.models.interventions import (
    Eligibility,
    Intervention,
    InterventionOutcome,
    StatusAtPoint,
)
from familyworkbook.workbook.models.programmes import (
    DEFAULT_PROGRAMME,
    SUPPORTING_CHANGE,
    Module,
    ModuleFocus,
    Programme,
    ProgrammeKind,
)
from familyworkbook.workbook.models.risk import (
    PriorityIssue,
    RiskNeedItem,
    RiskNeedKind,
    ToxicTrioFlag,
    TrioIssue,
)

__all__ = [
    "DEFAULT_PROGRAMME",
    "SUPPORTING_CHANGE",
    "ActionStatus",
    "ChangeIssue",
    "ChangeStage",
    "Chapter",
    "DecisionalBalance",
    "Eligibility",
    "Entry",
    "EntryDraft",
    "EntryKind",
    "Goal",
    "GoalAction",
    "GoalRating",
    "GoalStatus",
    "Intervention",
    "InterventionOutcome",
    "Module",
    "ModuleFocus",
    "PriorityIssue",
    "Programme",
    "ProgrammeKind",
    "RatedBy",
    "RiskNeedItem",
    "RiskNeedKind",
    "ScalingAnswer",
    "Stage",
    "StatusAtPoint",
    "ToxicTrioFlag",
    "TrioIssue",
]
