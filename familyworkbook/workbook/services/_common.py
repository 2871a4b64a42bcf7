"""Helpers every workbook service shares: create, edit with a version check, membership."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from familyworkbook import audit
from familyworkbook.core.models import RecordModel, StaleEditError
from familyworkbook.people.models import Family, Person
from familyworkbook.teams.models import User, Worker

R = TypeVar("R", bound=RecordModel)


def worker_of(user: User) -> Worker | None:
    return Worker.objects.filter(user=user).first()


def require_member(family: Family, person: Person | None, field: str) -> None:
    """A person named on a family's workbook must be a current member of that family."""
    if person is None:
        return
    if not family.memberships.filter(
        person=person, ended_on__isnull=True, archived_at__isnull=True
    ).exists():
        raise ValidationError({field: _("Select a member of this family")})


def require_members(family: Family, people: Any, field: str) -> None:
    ids = {p.pk for p in people}
    if not ids:
        return
    members = set(
        family.memberships.filter(
            person_id__in=ids, ended_on__isnull=True, archived_at__isnull=True
        ).values_list("person_id", flat=True)
    )
    if ids - members:
        raise ValidationError({field: _("Select members of this family")})


def create(record: R, *, by: User, label: str, data: dict[str, Any] | None = None) -> R:
    record.stamp(by)
    record.full_clean()
    record.save()
    audit.record(actor=by, verb=audit.Verb.CREATED, target=record, label=label, data=data)
    return record


def refuse_stale(record: models.Model, expected_version: int | None) -> models.Model:
    """The stored record, refused first if someone else saved it since the form was built."""
    current = type(record)._default_manager.get(pk=record.pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleEditError(current, expected=expected_version, actual=current.version)
    return current


def edit(
    record: R,
    *,
    by: User,
    expected_version: int | None,
    label: str,
    redact: tuple[str, ...] = (),
    **changes: Any,
) -> R:
    """Apply `changes` to a fresh copy and save it, refusing a stale edit; audit the change."""
    fresh = refuse_stale(record, expected_version)
    before = audit.snapshot(fresh)
    for name, value in changes.items():
        setattr(fresh, name, value)
    fresh.full_clean()
    fresh.save_checked(by=by, expected_version=fresh.version)
    audit.record(
        actor=by,
        verb=audit.Verb.CHANGED,
        target=fresh,
        label=label,
        data={"changes": audit.changes(before, fresh, redact=redact)},
    )
    return fresh  # type: ignore[return-value]
