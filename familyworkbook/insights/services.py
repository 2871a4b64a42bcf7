"""Writes for insights: today, the audit of every download of a KPI table."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from familyworkbook import audit
from familyworkbook.insights.periods import Scope, Table


@transaction.atomic
def record_export(
    *,
    by: Any,
    table: Table,
    scope: Scope,
    date_from: dt.date,
    date_to: dt.date,
    file_format: str,
    request: Any = None,
) -> None:
    """An exported KPI table is information leaving the system: audit who, what and how."""
    audit.record(
        actor=by,
        verb=audit.Verb.EXPORTED,
        label=f"KPI table: {table.caption}",
        data={
            "table": table.slug,
            "scope": scope.key,
            "from": date_from,
            "to": date_to,
            "format": file_format,
            "rows": len(table.rows),
        },
        request=request,
    )


# Who may add to the training register and the clinical supervision log: managers, the
# performance team, or anyone given the model permission in the admin.
RECORDING_ROLES = {"team_manager", "service_manager", "performance", "system_admin"}


def may_record_workforce(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    worker = getattr(user, "worker", None)
    if worker is not None and worker.role in RECORDING_ROLES:
        return True
    return user.has_perm("insights.add_trainingrecord") and user.has_perm(
        "insights.add_clinicalsupervision"
    )


@transaction.atomic
def record_training(*, by: Any, data: dict[str, Any], request: Any = None) -> Any:
    from familyworkbook.insights.models import TrainingRecord

    row = TrainingRecord.objects.create(
        worker=data["worker"],
        course=data["course"],
        completed_on=data["completed_on"],
        notes=data.get("notes", ""),
    )
    audit.record(
        actor=by,
        verb=audit.Verb.CREATED,
        target=row,
        label="training record",
        data={"changes": audit.changes({}, row)},
        request=request,
    )
    return row


@transaction.atomic
def record_supervision(*, by: Any, data: dict[str, Any], request: Any = None) -> Any:
    from familyworkbook.insights.models import ClinicalSupervision

    row = ClinicalSupervision.objects.create(
        worker=data["worker"], supervisor_role=data["supervisor_role"], held_on=data["held_on"]
    )
    audit.record(
        actor=by,
        verb=audit.Verb.CREATED,
        target=row,
        label="clinical supervision session",
        data={"changes": audit.changes({}, row)},
        request=request,
    )
    return row
