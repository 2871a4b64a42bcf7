"""Meeting types as data: a council's system administrator adds and edits them.

The slug is fixed once created (the code names a few standard types by slug: group case
supervision, the Family Group Conference). Every change is audited with what changed, and a
stale edit (someone saved since the form was opened) is refused.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from familyworkbook import audit
from familyworkbook.core.models import StaleEditError
from familyworkbook.meetings.models import MeetingType
from familyworkbook.teams.models import Role, User

EDITABLE = [
    "name",
    "per_family",
    "due_every_days",
    "needs_adult_specialist",
    "records_rag",
    "records_cycle_of_change",
    "takes_contributions",
    "minutes_due_hours",
    "invite_disciplines",
]


def check_rules(data: dict[str, Any]) -> None:
    """Rules across fields; raises ValidationError keyed by field."""
    errors: dict[str, str] = {}
    if data.get("needs_adult_specialist") and not data.get("due_every_days"):
        errors["due_every_days"] = _(
            "Enter how often the meeting is due if it is due while an adult specialist is allocated"
        )
    if not data.get("per_family"):
        if data.get("records_rag"):
            errors["records_rag"] = _("Only a meeting about one family can record a RAG rating")
        if data.get("records_cycle_of_change"):
            errors["records_cycle_of_change"] = _(
                "Only a meeting about one family can record Cycle of Change"
            )
        if data.get("needs_adult_specialist"):
            errors["needs_adult_specialist"] = _(
                "Only a meeting about one family can depend on an adult specialist"
            )
    unknown = set(data.get("invite_disciplines") or []) - set(Role.values)
    if unknown:
        errors["invite_disciplines"] = _("Select disciplines from the list")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_meeting_type(*, by: User, slug: str, data: dict[str, Any]) -> MeetingType:
    check_rules(data)
    if MeetingType.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": _("A meeting type with this code already exists")})
    last = MeetingType.objects.order_by("-ordering").values_list("ordering", flat=True).first()
    mtype = MeetingType(slug=slug, ordering=(last or 0) + 1, **{k: data[k] for k in EDITABLE})
    mtype.full_clean()
    mtype.save()
    audit.record(
        actor=by,
        verb=audit.Verb.CREATED,
        target=mtype,
        label="Meeting type",
        data={"slug": slug, **{k: data[k] for k in EDITABLE}},
    )
    return mtype


@transaction.atomic
def change_meeting_type(
    *, by: User, mtype: MeetingType, data: dict[str, Any], expected_version: int | None
) -> MeetingType:
    check_rules(data)
    current = MeetingType.objects.select_for_update().get(pk=mtype.pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleEditError(current, expected=expected_version, actual=current.version)
    changes = {
        k: {"old": getattr(current, k), "new": data[k]}
        for k in EDITABLE
        if getattr(current, k) != data[k]
    }
    for k in EDITABLE:
        setattr(current, k, data[k])
    current.version += 1
    current.full_clean()
    current.save()
    audit.record(
        actor=by,
        verb=audit.Verb.CHANGED,
        target=current,
        label="Meeting type",
        data={"slug": current.slug, "changes": changes},
    )
    return current
