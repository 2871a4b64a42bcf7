"""Field history (R14): one event model per tracked record, filled by PostgreSQL triggers.

django-pghistory writes a snapshot of the row into the event table from an AFTER INSERT or
AFTER UPDATE trigger, so a change made by any code path, raw SQL included, is recorded with
the request's context (the signed-in user, the page, a request id) that
`familyworkbook.history.middleware` passes to the database. On SQLite there are no triggers and
these tables stay empty (docs/decisions/history-pghistory.md).

Every event model lives here, in the history app, so that no other app's migrations change:
the triggers themselves are installed after `migrate` (PGTRIGGER_MIGRATIONS = False,
PGTRIGGER_INSTALL_ON_MIGRATE = True in settings), never written into a migration.

Deletes are not tracked on purpose: when retention destroys a family's rows, a delete event
would keep a full copy of the row it was meant to destroy (see `purge_for`).
"""

from __future__ import annotations

import pghistory
from django.db import models

from familyworkbook.access.models import (
    AccessGrant,
    Consent,
    PerpetratorLink,
    ProtectionRule,
    RecordRestriction,
)
from familyworkbook.cases.models import (
    Allocation,
    Assessment,
    CareProceedings,
    Case,
    CinEpisode,
    CinPlan,
    CpPlan,
    LookedAfterEpisode,
    PreProceedings,
    Section47,
    Visit,
)
from familyworkbook.documents.models import WrittenSection
from familyworkbook.meetings.models import Action, Decision
from familyworkbook.people.models import (
    Address,
    Family,
    FamilyMembership,
    Person,
    Registration,
    Relationship,
)
from familyworkbook.workbook.models import (
    Entry,
    Goal,
    GoalAction,
    GoalRating,
    PriorityIssue,
    RiskNeedItem,
    ToxicTrioFlag,
)

# The records whose changes someone may have to account for: who changed what, when, from
# what. Reference data (teams, programmes, meeting types) and derived or append-only logs
# that are already their own history (the audit trail, disclosures, document versions) are
# left out. The decision record says why each group is in.
TRACKED: tuple[type[models.Model], ...] = (
    # People: identity, addresses (protected values are ciphertext in the row), schools and
    # GP practices, families and who belongs to them.
    Person,
    Address,
    Registration,
    Family,
    FamilyMembership,
    Relationship,
    # Cases and each child's statutory episodes and plans (returns are built from these).
    Case,
    Allocation,
    CinEpisode,
    Assessment,
    Section47,
    CinPlan,
    CpPlan,
    LookedAfterEpisode,
    PreProceedings,
    CareProceedings,
    Visit,
    # The Workbook: entries, goals, actions and ratings, risk and need.
    Entry,
    Goal,
    GoalAction,
    GoalRating,
    RiskNeedItem,
    PriorityIssue,
    ToxicTrioFlag,
    # Meetings' decisions and actions; documents' written sections.
    Decision,
    Action,
    WrittenSection,
    # Who may see what: grants, restrictions, protection rules, perpetrator links, consent.
    AccessGrant,
    RecordRestriction,
    ProtectionRule,
    PerpetratorLink,
    Consent,
)


def _event_model(tracked: type[models.Model]) -> type[models.Model]:
    return pghistory.create_event_model(
        tracked,
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        # No reverse accessor on the tracked model: its app stays as it was.
        obj_field=pghistory.ObjForeignKey(related_name="+", related_query_name="+"),
        # The context is copied into each event (user, url, request id), so purging a
        # record's events leaves nothing about it in a shared context table.
        context_field=pghistory.ContextJSONField(),
        context_id_field=pghistory.ContextUUIDField(),
        model_name=f"{tracked.__name__}Event",
        app_label="history",
        abstract=False,
        meta={"verbose_name": f"{tracked._meta.verbose_name} event"},
    )


EVENT_MODELS: dict[str, type[models.Model]] = {
    tracked._meta.label_lower: _event_model(tracked) for tracked in TRACKED
}


def event_model_for(model: type[models.Model] | str) -> type[models.Model] | None:
    label = model if isinstance(model, str) else model._meta.label_lower
    return EVENT_MODELS.get(label.lower())
