"""Recording and changing the SSDA903 facts about a looked-after child (`cases/lac_models.py`).

Each function is one transaction and audited with old and new values, like every service in
`cases/services.py` (whose `_create` and `_edit` these share). The models' `clean()` holds the
rules between fields; the rules that need the child's episodes are checked here, so they hold
whoever calls (a page, the admin, a script).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from familyworkbook.cases.lac_models import (
    LookedAfterReview,
    MissingEpisode,
    SocialWorkerChange,
)
from familyworkbook.cases.models import Allocation, LookedAfterEpisode
from familyworkbook.cases.services import _create, _edit
from familyworkbook.core.models import RecordModel
from familyworkbook.people.models import Person
from familyworkbook.teams.models import User

R = TypeVar("R", bound=RecordModel)

# Facts that only make sense on a day the child was looked after, and the field that says when.
DURING_CARE: dict[type[RecordModel], str] = {
    LookedAfterReview: "held_on",
    MissingEpisode: "started_on",
}


def looked_after_on(child: Person, day: dt.date) -> bool:
    return (
        LookedAfterEpisode.objects.filter(
            child=child, archived_at__isnull=True, started_on__lte=day
        )
        .exclude(ceased_on__lt=day)
        .exists()
    )


def _check(record: RecordModel) -> None:
    field = DURING_CARE.get(type(record))
    day = getattr(record, field) if field else None
    if day and not looked_after_on(record.child, day):  # type: ignore[attr-defined]
        raise ValidationError(
            {field: _("The child was not looked after on %(date)s") % {"date": f"{day:%d/%m/%Y}"}}
        )


@transaction.atomic
def record_fact(record: R, *, by: User) -> R:
    """Save a new fact about a child (its `child` already set)."""
    _check(record)
    return _create(record, by=by)


@transaction.atomic
def change_fact(record: R, *, by: User, expected_version: int | None, **changes: Any) -> R:
    """Change a fact, refusing a stale edit (`StaleEditError`) and an invalid result."""
    probe = type(record)._default_manager.get(pk=record.pk)
    for name, value in changes.items():
        setattr(probe, name, value)
    _check(probe)
    return _edit(record, by=by, expected_version=expected_version, **changes)


@transaction.atomic
def record_social_worker_change(
    allocation: Allocation, *, reason: str, by: User, expected_version: int | None = None
) -> SocialWorkerChange:
    """Why the lead social worker changed, on the lead allocation that made the change."""
    if not allocation.is_lead:
        raise ValidationError(
            {"reason": _("Only a change of lead social worker is reported to the DfE")}
        )
    existing = SocialWorkerChange.objects.filter(
        allocation=allocation, archived_at__isnull=True
    ).first()
    if existing is None:
        return _create(SocialWorkerChange(allocation=allocation, reason=reason), by=by)
    return _edit(existing, by=by, expected_version=expected_version, reason=reason)
