"""Changes to people, families, relationships and addresses that carry rules.

Each function is one transaction, takes the acting user as `by=` and stamps every row it
writes. A rule broken by the state of the record raises ValidationError with GOV.UK
wording; the view shows it in the form's error summary.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from familyworkbook import audit
from familyworkbook.core import scoping
from familyworkbook.people.models import (
    PARENTING_KINDS,
    Address,
    AddressKind,
    ContactFrequency,
    Family,
    FamilyMembership,
    MembershipKind,
    Person,
    PersonKind,
    Registration,
    Relationship,
    RelationshipKind,
)

# Statutory returns carry the LA child ID; children and unborn children always have one.
CHILD_KINDS = {PersonKind.CHILD, PersonKind.UNBORN}


def _free_reference(model: Any, field: str, prefix: str, pk: int) -> str:
    """`prefix` + zero-padded pk, with a letter added in the rare case it is already taken
    (for example by a record imported from the council's previous system)."""
    base = f"{prefix}{pk:07d}"
    for suffix in ["", *"ABCDEFGHJKLMNPQRTUVWXYZ"]:
        candidate = f"{base}{suffix}"
        if not model._default_manager.filter(**{field: candidate}).exclude(pk=pk).exists():
            return candidate
    raise RuntimeError(f"No free {field} for {model.__name__} {pk}")  # pragma: no cover


def _assign_la_child_id(person: Person) -> None:
    if person.kind in CHILD_KINDS and not person.la_child_id:
        person.la_child_id = _free_reference(Person, "la_child_id", "C", person.pk)
        Person.objects.filter(pk=person.pk).update(la_child_id=person.la_child_id)


def _audit_created(record: Any, *, by: Any) -> None:
    audit.record(
        actor=by,
        verb=audit.Verb.CREATED,
        target=record,
        data={"changes": audit.changes({}, record, redact=scoping.redacted_fields(record))},
    )


def _audit_changed(before: dict[str, Any], record: Any, *, by: Any) -> None:
    """Old and new values of the fields that changed; protected ones as "[protected]"."""
    audit.record(
        actor=by,
        verb=audit.Verb.CHANGED,
        target=record,
        data={"changes": audit.changes(before, record, redact=scoping.redacted_fields(record))},
    )


def possible_duplicates(person: Person, *, visible: Any) -> list[Person]:
    """People already on the record who may be `person`, from those the worker may see."""
    return list(
        visible.possible_duplicates(
            first_name=person.first_name,
            last_name=person.last_name,
            born_on=person.date_of_birth or person.expected_date_of_birth,
            nhs_number=person.nhs_number,
            upn=person.upn,
        ).exclude(pk=person.pk)[:20]
    )


@transaction.atomic
def add_person(person: Person, *, by: Any, family: Family | None = None) -> Person:
    """Save a new person; a child gets an LA child ID; with `family`, they join its household."""
    person.stamp(by)
    person.save()
    _assign_la_child_id(person)
    _audit_created(person, by=by)
    if family is not None:
        membership = FamilyMembership(
            family=family,
            person=person,
            kind=MembershipKind.HOUSEHOLD,
            contact=ContactFrequency.DAILY,
        )
        membership.stamp(by)
        membership.save()
        _audit_created(membership, by=by)
    return person


@transaction.atomic
def update_person(person: Person, *, by: Any, expected_version: int) -> Person:
    """Save edits made to `person`; raises StaleEditError if someone saved since it was read."""
    stored = Person.objects.filter(pk=person.pk).first()
    before = audit.snapshot(stored) if stored is not None else {}
    person.save_checked(by=by, expected_version=expected_version)
    _assign_la_child_id(person)
    _audit_changed(before, person, by=by)
    return person


@transaction.atomic
def add_family(*, by: Any, name: str, first_member: Person | None = None) -> Family:
    """A new family with a generated reference ("F" and its number), optionally with a first member."""
    family = Family(name=name, reference=f"NEW{uuid.uuid4().hex[:16].upper()}")
    family.stamp(by)
    family.save()
    family.reference = _free_reference(Family, "reference", "F", family.pk)
    Family.objects.filter(pk=family.pk).update(reference=family.reference)
    _audit_created(family, by=by)
    if first_member is not None:
        add_member(
            family,
            by=by,
            person=first_member,
            kind=MembershipKind.HOUSEHOLD,
            contact=ContactFrequency.DAILY,
        )
    return family


@transaction.atomic
def add_member(
    family: Family,
    *,
    by: Any,
    person: Person,
    kind: str,
    contact: str,
    started_on: dt.date | None = None,
) -> FamilyMembership:
    """Add an existing person to a family. A person belongs to a family only once at a time."""
    if FamilyMembership.objects.ongoing().filter(family=family, person=person).exists():
        raise ValidationError(
            _("%(name)s is already a member of this family") % {"name": person.full_name}
        )
    membership = FamilyMembership(
        family=family, person=person, kind=kind, contact=contact, started_on=started_on
    )
    membership.stamp(by)
    try:
        # A savepoint, so two workers adding the same person at once get the message, not a 500.
        with transaction.atomic():
            membership.save()
    except IntegrityError:
        raise ValidationError(
            _("%(name)s is already a member of this family") % {"name": person.full_name}
        ) from None
    _audit_created(membership, by=by)
    return membership


@transaction.atomic
def end_membership(membership: FamilyMembership, *, by: Any, on: dt.date) -> FamilyMembership:
    """The person leaves the family on `on`. The membership is kept, with its end date."""
    if membership.ended_on:
        raise ValidationError(
            _("This membership already ended on %(date)s")
            % {"date": date_format(membership.ended_on, "j F Y")}
        )
    if membership.started_on and on < membership.started_on:
        raise ValidationError(
            {"on": _("The date they left must be on or after the date they joined")}
        )
    before = audit.snapshot(membership)
    membership.ended_on = on
    membership.save_checked(by=by, expected_version=membership.version)
    _audit_changed(before, membership, by=by)
    return membership


@transaction.atomic
def add_relationship(
    person: Person,
    *,
    by: Any,
    other: Person,
    kind: str,
    parental_responsibility: bool = False,
    is_main_carer: bool = False,
    started_on: dt.date | None = None,
) -> Relationship:
    """Record that `person` is the `kind` of `other`, and the inverse, as one linked pair.

    Parental responsibility and main carer sit on the row where `person` cares for `other`,
    so they are refused for kinds that are not caring ones (a child has no PR for a parent).
    """
    forward = Relationship(
        person=person,
        other=other,
        kind=kind,
        parental_responsibility=parental_responsibility,
        is_main_carer=is_main_carer,
        started_on=started_on,
    )
    forward.full_clean(validate_unique=False, validate_constraints=False)
    if is_main_carer and kind not in PARENTING_KINDS:
        raise ValidationError({"is_main_carer": _("Only a parent or carer can be the main carer")})
    inverse_kind = RelationshipKind.inverse_of(kind)
    already = Relationship.objects.ongoing().filter(
        person=person, other=other, kind=kind
    ).exists() or (
        Relationship.objects.ongoing()
        .filter(person=other, other=person, kind=inverse_kind)
        .exists()
    )
    if already:
        raise ValidationError(
            _("%(person)s is already recorded as %(kind)s of %(other)s")
            % {
                "person": person.full_name,
                "kind": RelationshipKind(kind).label.lower(),
                "other": other.full_name,
            }
        )
    forward.stamp(by)
    forward.save()
    backward = Relationship(
        person=other, other=person, kind=inverse_kind, inverse=forward, started_on=started_on
    )
    backward.stamp(by)
    backward.save()
    forward.inverse = backward
    forward.save(update_fields=["inverse"])
    _audit_created(forward, by=by)
    _audit_created(backward, by=by)
    return forward


@transaction.atomic
def end_relationship(relationship: Relationship, *, by: Any, on: dt.date) -> Relationship:
    """End the relationship and its inverse on the same date."""
    if relationship.ended_on:
        raise ValidationError(
            _("This relationship already ended on %(date)s")
            % {"date": date_format(relationship.ended_on, "j F Y")}
        )
    if relationship.started_on and on < relationship.started_on:
        raise ValidationError(
            {"on": _("The date it ended must be on or after the date it started")}
        )
    pair = [relationship]
    if relationship.inverse_id:
        pair.append(Relationship.objects.select_for_update().get(pk=relationship.inverse_id))
    for row in pair:
        before = audit.snapshot(row)
        row.ended_on = on
        row.save_checked(by=by, expected_version=row.version)
        _audit_changed(before, row, by=by)
    return relationship


@transaction.atomic
def add_address(
    person: Person,
    *,
    by: Any,
    kind: str,
    line_1: str,
    line_2: str,
    town: str,
    postcode: str,
    from_date: dt.date,
    protected: bool,
) -> Address:
    """Add an address. A new home address ends the current one the day before the move."""
    if kind == AddressKind.HOME:
        previous = list(
            Address.objects.ongoing()
            .select_for_update()
            .filter(person=person, kind=AddressKind.HOME)
        )
        for old in previous:
            if old.from_date >= from_date:
                raise ValidationError(
                    {
                        "from_date": _(
                            "The date they moved in must be after %(date)s, when they moved into their current home"
                        )
                        % {"date": date_format(old.from_date, "j F Y")}
                    }
                )
        for old in previous:
            before = audit.snapshot(old)
            old.to_date = from_date - dt.timedelta(days=1)
            old.save_checked(by=by, expected_version=old.version)
            _audit_changed(before, old, by=by)
    address = Address(
        person=person,
        kind=kind,
        line_1=line_1,
        line_2=line_2,
        town=town,
        postcode=postcode,
        from_date=from_date,
        protected=protected,
    )
    address.full_clean()
    address.stamp(by)
    address.save()
    _audit_created(address, by=by)
    return address


@transaction.atomic
def end_address(address: Address, *, by: Any, on: dt.date) -> Address:
    """The person stopped living at `address` on `on`."""
    if address.to_date:
        raise ValidationError(
            _("They already left this address on %(date)s")
            % {"date": date_format(address.to_date, "j F Y")}
        )
    if on < address.from_date:
        raise ValidationError(
            {"on": _("The date they left must be on or after the date they moved in")}
        )
    before = audit.snapshot(address)
    address.to_date = on
    address.save_checked(by=by, expected_version=address.version)
    _audit_changed(before, address, by=by)
    return address


@transaction.atomic
def add_registration(
    person: Person,
    *,
    by: Any,
    kind: str,
    name: str,
    code: str,
    from_date: dt.date,
    hidden: bool,
) -> Registration:
    """Record a person's school or GP practice. A new one of the same kind ends the current
    one the day before; a hidden child's name and code stay out of the audit detail."""
    previous = list(
        Registration.objects.ongoing().select_for_update().filter(person=person, kind=kind)
    )
    for old in previous:
        if old.from_date >= from_date:
            raise ValidationError(
                {
                    "from_date": _(
                        "The start date must be after %(date)s, when the current one began"
                    )
                    % {"date": date_format(old.from_date, "j F Y")}
                }
            )
    for old in previous:
        before = audit.snapshot(old)
        old.to_date = from_date - dt.timedelta(days=1)
        old.save_checked(by=by, expected_version=old.version)
        _audit_changed(before, old, by=by)
    registration = Registration(
        person=person, kind=kind, name=name, code=code, from_date=from_date, hidden=hidden
    )
    registration.full_clean()
    registration.stamp(by)
    registration.save()
    _audit_created(registration, by=by)
    return registration
