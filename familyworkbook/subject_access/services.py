"""Changes to subject access requests: each one transaction, each with its audit row."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from familyworkbook import audit
from familyworkbook.access import services as access_services
from familyworkbook.access.models import Decision as SharingDecision
from familyworkbook.access.models import LawfulBasis
from familyworkbook.core import clock
from familyworkbook.people.models import Person
from familyworkbook.subject_access import deadlines, selectors
from familyworkbook.subject_access.models import (
    Decision,
    Exemption,
    PackItem,
    Status,
    SubjectAccessRequest,
)
from familyworkbook.teams.models import User

# The lawful basis recorded in the sharing log for the release. Answering a subject access
# request is a legal obligation (UK GDPR Art 6(1)(c), Art 15); the access app has no
# "right of access" basis of its own yet (see the decision record).
RELEASE_BASIS = LawfulBasis.LEGAL_OBLIGATION
RELEASE_PURPOSE = "The data subject's right of access (UK GDPR Article 15)"
MIN_SERIOUS_HARM_RATIONALE = 40


def _audit(sar: SubjectAccessRequest, by: User, verb: str, **data: Any) -> None:
    audit.record(
        actor=by,
        verb=verb,
        target=sar,
        label=f"Subject access request SAR-{sar.pk}",
        data={"subject": sar.subject_id, **data},
    )


def _set_due(sar: SubjectAccessRequest) -> None:
    sar.due_on = (
        deadlines.due_on(sar.identity_verified_on, extended=sar.is_complex)
        if sar.identity_verified_on
        else None
    )


def _check_dates(sar: SubjectAccessRequest, today: dt.date) -> None:
    errors: dict[str, str] = {}
    if sar.received_on and sar.received_on > today:
        errors["received_on"] = _("The date the request was received must be today or in the past")
    if sar.identity_verified_on:
        if sar.identity_verified_on > today:
            errors["identity_verified_on"] = _(
                "The date identity was verified must be today or in the past"
            )
        elif sar.received_on and sar.identity_verified_on < sar.received_on:
            errors["identity_verified_on"] = _(
                "The date identity was verified must be on or after the date the request was "
                "received"
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def open_request(
    *,
    subject: Person,
    requester_kind: str,
    requester_name: str,
    received_on: dt.date,
    identity_verified_on: dt.date | None = None,
    assigned_to: User | None = None,
    by: User,
) -> SubjectAccessRequest:
    sar = SubjectAccessRequest(
        subject=subject,
        requester_kind=requester_kind,
        requester_name=requester_name.strip(),
        received_on=received_on,
        identity_verified_on=identity_verified_on,
        assigned_to=assigned_to or by,
    )
    _check_dates(sar, clock.today())
    _set_due(sar)
    sar.full_clean()
    sar.stamp(by)
    sar.save()
    _audit(sar, by, audit.Verb.CREATED, changes=audit.changes({}, sar))
    return sar


def _editable(sar: SubjectAccessRequest) -> None:
    if not sar.is_open:
        raise ValidationError(
            _("This request is %(status)s: it can no longer be changed")
            % {"status": sar.get_status_display().lower()}
        )


def check_buildable(sar: SubjectAccessRequest) -> None:
    """Raise ValidationError when the request's pack can no longer be built (before a job starts)."""
    _editable(sar)


@transaction.atomic
def update_request(
    sar: SubjectAccessRequest,
    *,
    by: User,
    expected_version: int | None,
    **fields: Any,
) -> SubjectAccessRequest:
    """Identity verified (the clock starts), the extension, the officer or the status."""
    _editable(sar)
    before = SubjectAccessRequest.objects.get(pk=sar.pk)
    for name, value in fields.items():
        setattr(sar, name, value)
    errors: dict[str, str] = {}
    if sar.is_complex:
        if not sar.complex_reason.strip():
            errors["complex_reason"] = _("Enter why the request is complex or numerous")
        if not sar.identity_verified_on:
            errors["is_complex"] = _(
                "Enter the date identity was verified before extending the deadline"
            )
        if not sar.extension_told_on:
            errors["extension_told_on"] = _(
                "Enter the date the requester was told of the extension"
            )
        elif sar.identity_verified_on and sar.extension_told_on > deadlines.calendar_due_on(
            sar.identity_verified_on
        ):
            errors["extension_told_on"] = _(
                "The requester must be told of the extension within one month of the clock starting"
            )
    else:
        sar.complex_reason = ""
        sar.extension_told_on = None
    if sar.status in (Status.RELEASED,):
        errors["status"] = _("Release the pack from the request page to mark it released")
    if sar.status == Status.WITHDRAWN and not sar.withdrawn_reason.strip():
        errors["withdrawn_reason"] = _("Enter why the request was withdrawn")
    if errors:
        raise ValidationError(errors)
    _check_dates(sar, clock.today())
    _set_due(sar)
    sar.full_clean()
    sar.save_checked(by=by, expected_version=expected_version)
    _audit(sar, by, audit.Verb.CHANGED, changes=audit.changes(before, sar))
    return sar


@transaction.atomic
def build_pack(sar: SubjectAccessRequest, *, by: User) -> dict[str, int]:
    """Collect everything held about the subject into the request's items.

    A rebuild keeps every decision on an item whose text has not changed; an item whose
    text changed goes back to "not decided" if it is flagged; items no longer held are
    marked gone. Items that name no one else are released unless a reviewer decides
    otherwise; flagged items wait for a reviewer.
    """
    _editable(sar)
    SubjectAccessRequest.objects.select_for_update().filter(pk=sar.pk).first()
    collected = selectors.collect(sar.subject)
    existing = {i.key: i for i in PackItem.objects.filter(request=sar)}
    seen: set[str] = set()
    new: list[PackItem] = []
    changed: list[PackItem] = []
    for position, item in enumerate(collected):
        if item.key in seen:
            continue
        seen.add(item.key)
        text = item.text
        row = existing.get(item.key)
        if row is None:
            new.append(
                PackItem(
                    request=sar,
                    key=item.key,
                    section=item.section,
                    position=position,
                    heading=item.heading[:300],
                    text=text,
                    third_party=item.third_party,
                    third_party_note=item.note[:300],
                    decision=Decision.PENDING if item.third_party else Decision.RELEASE,
                )
            )
            continue
        differs = (row.text, row.heading, row.third_party) != (
            text,
            item.heading[:300],
            item.third_party,
        )
        if differs or row.gone or row.position != position:
            if differs and item.third_party:
                row.decision = Decision.PENDING
                row.redacted_text = row.reason = row.exemption = ""
                row.decided_by = row.decided_at = None
            elif differs and row.decision == Decision.REDACT:
                # The redacted copy was made from the old text: decide again.
                row.decision = Decision.PENDING if item.third_party else Decision.RELEASE
                row.redacted_text = row.reason = ""
            row.text, row.heading, row.section = text, item.heading[:300], item.section
            row.third_party, row.third_party_note = item.third_party, item.note[:300]
            row.position, row.gone = position, False
            row.version += 1
            changed.append(row)
    gone = [r for k, r in existing.items() if k not in seen and not r.gone]
    for r in gone:
        r.gone = True
        r.version += 1
    PackItem.objects.bulk_create(new, batch_size=500)
    PackItem.objects.bulk_update(
        changed + gone,
        [
            "text",
            "heading",
            "section",
            "third_party",
            "third_party_note",
            "position",
            "gone",
            "decision",
            "redacted_text",
            "reason",
            "exemption",
            "decided_by",
            "decided_at",
            "version",
        ],
        batch_size=500,
    )
    sar.built_at = timezone.now()
    if sar.status == Status.RECEIVED:
        sar.status = Status.IN_PROGRESS
    sar.stamp(by)
    sar.version += 1
    sar.save(update_fields=["built_at", "status", "modified_at", "modified_by", "version"])
    counts = {"items": len(seen), "new": len(new), "changed": len(changed), "gone": len(gone)}
    _audit(sar, by, audit.Verb.VIEWED, pack_built=counts)
    return counts


@transaction.atomic
def decide_item(
    item: PackItem,
    *,
    by: User,
    decision: str,
    expected_version: int | None,
    redacted_text: str = "",
    reason: str = "",
    exemption: str = "",
) -> PackItem:
    sar = item.request
    _editable(sar)
    errors: dict[str, str] = {}
    redacted_text, reason = redacted_text.strip(), reason.strip()
    if decision == Decision.REDACT:
        if not redacted_text:
            errors["redacted_text"] = _("Enter the text to release, with the redactions made")
        elif redacted_text == item.text.strip():
            errors["redacted_text"] = _(
                "The text to release is the same as the text held: redact it, or choose release"
            )
        if not reason:
            errors["reason"] = _("Enter why the redacted parts are withheld")
        exemption = exemption if exemption in Exemption.values else ""
    elif decision == Decision.WITHHOLD:
        if exemption not in Exemption.values:
            errors["exemption"] = _("Select the exemption the item is withheld under")
        if not reason:
            errors["reason"] = _("Enter the rationale for withholding the item")
        elif exemption == Exemption.SERIOUS_HARM and len(reason) < MIN_SERIOUS_HARM_RATIONALE:
            errors["reason"] = _(
                "Explain whose physical or mental health or condition would be seriously "
                "harmed, and how (at least %(n)s characters)"
            ) % {"n": MIN_SERIOUS_HARM_RATIONALE}
        redacted_text = ""
    elif decision == Decision.RELEASE:
        redacted_text, exemption = "", ""
    else:
        errors["decision"] = _("Select whether to release, redact or withhold the item")
    if errors:
        raise ValidationError(errors)
    updated = PackItem.objects.filter(pk=item.pk, version=expected_version or item.version).update(
        decision=decision,
        redacted_text=redacted_text,
        reason=reason,
        exemption=exemption,
        decided_by=by,
        decided_at=timezone.now(),
        version=item.version + 1,
    )
    if not updated:
        raise ValidationError(
            _(
                "Someone else decided this item after you opened this page. Nothing has been "
                "saved. Check their decision, then decide again if you still need to."
            )
        )
    item.refresh_from_db()
    _audit(
        sar,
        by,
        audit.Verb.CHANGED,
        item=item.key,
        decision=decision,
        exemption=exemption,
        third_party=item.third_party,
    )
    return item


def undecided(sar: SubjectAccessRequest) -> int:
    return PackItem.objects.filter(request=sar, gone=False, decision=Decision.PENDING).count()


def render_pack(sar: SubjectAccessRequest, items: list[PackItem], *, released_at: Any) -> str:
    released = [i for i in items if i.released_text is not None]
    return render_to_string(
        "subject_access/pack_document.html",
        {
            "sar": sar,
            "sections": [(s, rows) for s, rows in selectors.sections_of(released) if rows],
            "released_at": released_at,
        },
    )


@transaction.atomic
def release_pack(sar: SubjectAccessRequest, *, by: User) -> SubjectAccessRequest:
    """Freeze the pack as sent, record the disclosure in the sharing log, and close."""
    sar = SubjectAccessRequest.objects.select_for_update().select_related("subject").get(pk=sar.pk)
    _editable(sar)
    if sar.built_at is None:
        raise ValidationError(_("Build the pack before releasing it"))
    if not sar.identity_verified_on:
        raise ValidationError(_("Record the date identity was verified before releasing"))
    pending = undecided(sar)
    if pending:
        raise ValidationError(
            _("%(n)s flagged items have no decision. Decide each one before releasing the pack")
            % {"n": pending}
        )
    items = list(PackItem.objects.filter(request=sar, gone=False))
    now = timezone.now()
    html = render_pack(sar, items, released_at=now)
    family = selectors.families_of(sar.subject).first()
    withheld = [i for i in items if i.decision == Decision.WITHHOLD]
    record = access_services.record_disclosure(
        by=by,
        path=sar.get_absolute_url(),
        what=(
            f"Subject access pack SAR-{sar.pk} for {sar.subject.full_name}: "
            f"{sum(1 for i in items if i.released_text is not None)} items released, "
            f"{len(withheld)} withheld"
        ),
        family=family,
        # The sharing log requires a family or an internal record: a subject in no family
        # is recorded as internal (the release is still in the log, with its recipient).
        internal=family is None,
        person=sar.subject,
        recipient=f"{sar.requester_name} ({sar.get_requester_kind_display()})"[:200],
        purpose=RELEASE_PURPOSE,
        lawful_basis=RELEASE_BASIS,
        override_reason=(
            "A subject access request: the law requires the disclosure; consent is not the basis"
        ),
    )
    assert record.decision == SharingDecision.SHARED
    sar.pack_html = html
    sar.pack_sha256 = hashlib.sha256(html.encode()).hexdigest()
    sar.released_at = now
    sar.released_by = by
    sar.status = Status.RELEASED
    sar.sharing_record = record
    sar.stamp(by)
    sar.version += 1
    sar.save()
    _audit(
        sar,
        by,
        audit.Verb.SHARED,
        sha256=sar.pack_sha256,
        sharing_record=record.pk,
        withheld={i.key: i.exemption for i in withheld},
    )
    return sar
