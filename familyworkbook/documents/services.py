"""Changes to documents, one transaction each, audited in it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from familyworkbook import audit
from familyworkbook.access import services as access_services
from familyworkbook.access.models import Decision, LawfulBasis, SharingRecord
from familyworkbook.core import clock
from familyworkbook.core.models import StaleEditError
from familyworkbook.documents import engine, schemas
from familyworkbook.documents.models import (
    CommentKind,
    Document,
    DocumentVersion,
    FactStatus,
    FreezeReason,
    ParentComment,
    Redaction,
    Share,
    Status,
    WrittenSection,
)
from familyworkbook.people.models import Family, Person


def _label(document: Document) -> str:
    return f"{document.title} (document {document.pk})"


@transaction.atomic
def create_document(
    *,
    family: Family,
    type_key: str,
    by: Any,
    window_start: dt.date | None = None,
    window_end: dt.date | None = None,
    event_on: dt.date | None = None,
    child: Person | None = None,
    case: Any = None,
    subject: Any = None,
) -> Document:
    try:
        doc_type = schemas.get(type_key)
    except KeyError:
        raise ValidationError({"type_key": _("Select a kind of document")}) from None
    if window_start is None or window_end is None:
        default_start, default_end = engine.default_window(doc_type)
        window_start = window_start or default_start
        window_end = window_end or default_end
    if window_start > window_end:
        raise ValidationError({"window_start": _("The start of the period must be before its end")})
    if child is not None and not family.memberships.filter(person=child).exists():
        raise ValidationError({"child": _("Select a child in this family")})
    document = Document(
        family=family,
        type_key=doc_type.key,
        schema_version=doc_type.version,
        title=doc_type.title,
        window_start=window_start,
        window_end=window_end,
        event_on=event_on,
        child=child,
        case=case,
        author=by,
    )
    if subject is not None:
        document.subject_type = subject._meta.label_lower
        document.subject_id = subject.pk
    document.stamp(by)
    document.save()
    audit.record(
        actor=by,
        verb=audit.Verb.CREATED,
        target=document,
        label=_label(document),
        data={"type": doc_type.key, "version": doc_type.version, "family": family.pk},
    )
    return document


@transaction.atomic
def write_section(
    *, document: Document, key: str, text: str, by: Any, expected_version: int | None
) -> WrittenSection:
    """Save a professional's section. `expected_version` is the version the writer opened
    (0 for a section not written before); a stale edit raises StaleEditError."""
    doc_type = schemas.get(document.type_key, document.schema_version)
    try:
        section = doc_type.section(key)
    except KeyError:
        raise ValidationError(_("This document has no such section")) from None
    if not section.is_written:
        raise ValidationError(_("This section is filled from the record, not written"))
    if document.status != Status.DRAFT and document.archived_at:
        raise ValidationError(_("This document is archived"))
    existing = WrittenSection.objects.filter(document=document, key=key).first()
    if existing is None:
        ws = WrittenSection(document=document, key=key, text=text.strip(), written_by=by)
        before: dict = {}
    else:
        if not expected_version:
            # Opened before anyone had written it; someone has since.
            raise StaleEditError(existing, expected=0, actual=existing.version)
        ws = existing
        before = audit.snapshot(ws, ["text"])
        ws.text = text.strip()
        ws.written_by = by
    ws.save_checked(by=by, expected_version=expected_version or None)
    audit.record(
        actor=by,
        verb=audit.Verb.CHANGED if existing else audit.Verb.CREATED,
        target=ws,
        label=f"{section.heading} in {_label(document)}",
        data={"changes": audit.changes(before, ws, ["text"])},
    )
    return ws


def _hash(html: str, content: dict) -> str:
    digest = hashlib.sha256()
    digest.update(html.encode("utf-8"))
    digest.update(b"\0")
    digest.update(json.dumps(content, sort_keys=True, separators=(",", ":")).encode("utf-8"))
    return digest.hexdigest()


def verify(version: DocumentVersion) -> bool:
    """Whether a frozen version still matches its hash."""
    return _hash(version.html, version.content) == version.sha256


@transaction.atomic
def freeze(
    *,
    document: Document,
    reason: str,
    by: Any,
    reader: engine.Reader | None = None,
) -> DocumentVersion:
    """Snapshot the document as it is now (for `reader`), with its hash; set its status."""
    reason = FreezeReason(reason)
    if reason == FreezeReason.SIGNED and engine.gaps(engine.build(document, by).content):
        raise ValidationError(_("Write every section before signing the document"))
    built = engine.build(document, by, reader=reader)
    html = engine.render_html(built.content)
    pages = engine.count_pages(html)
    # JSON round trip so what is hashed is exactly what the database gives back.
    content = json.loads(json.dumps(built.content))
    last = document.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = DocumentVersion(
        document=document,
        number=last + 1,
        reason=reason,
        recipient=(reader.description if reader else ""),
        html=html,
        content=content,
        sha256=_hash(html, content),
        pages=pages,
        frozen_by=by,
    )
    version.save()
    document.status = {
        FreezeReason.FILED: Status.FILED,
        FreezeReason.SHARED: Status.SHARED,
        FreezeReason.SIGNED: Status.SIGNED,
    }[reason]
    # A status change, not an edit of what someone opened: no stale check, but the version
    # moves on so an edit opened before the freeze is refused.
    Document.objects.filter(pk=document.pk).update(
        status=document.status,
        version=F("version") + 1,
        modified_at=timezone.now(),
        modified_by=by,
    )
    document.refresh_from_db(fields=["version", "modified_at", "modified_by"])
    audit.record(
        actor=by,
        verb=audit.Verb.APPROVED if reason == FreezeReason.SIGNED else audit.Verb.EXPORTED,
        target=document,
        label=_label(document),
        data={
            "frozen": reason,
            "version": version.number,
            "sha256": version.sha256,
            "pages": pages,
        },
    )
    return version


class ProtectedShareApprovalError(ValidationError):
    """R7: the share would include protected details (a safe address, a hidden child's school
    or GP) without an approved request for each person whose details it holds."""

    def __init__(self, people: list[Person], recipient: str) -> None:
        self.people = people
        self.recipient = recipient
        super().__init__(
            {
                "include_protected": _(
                    "This document holds protected details that %(recipient)s may not see. "
                    "To include them, a second person must approve first: ask for approval, "
                    "or share it without the protected details"
                )
                % {"recipient": recipient}
            }
        )


def protected_withheld(document: Document, *, by: Any, reader: engine.Reader) -> list[Person]:
    """The people whose protected details `by` sees in this document but the reader may not:
    sharing them with the reader would be a new disclosure (R7). Asked of the engine, which
    knows which protected rows it left out (by a fact's source or a value in the text)."""
    withheld = engine.build(document, by, reader=reader).withheld
    return list(Person.objects.filter(pk__in=withheld).order_by("pk"))


def share_reader(
    *, recipient_person: Person | None = None, recipient_name: str = ""
) -> engine.Reader:
    if recipient_person is not None:
        return engine.Reader(person=recipient_person)
    return engine.Reader(label=" ".join(recipient_name.split()))


@transaction.atomic
def share(
    *,
    document: Document,
    by: Any,
    purpose: str,
    lawful_basis: str,
    method: str,
    shared_on: dt.date,
    recipient_person: Person | None = None,
    recipient_name: str = "",
    organisation: Any = None,
    include_protected: bool = False,
) -> Share:
    """Freeze a version rendered for the recipient, record the share and the disclosure.

    Protected details the recipient may not see are left out. With `include_protected`,
    the ones the sharer sees are kept only when a second approver has approved this share
    for each person concerned (access.ProtectedAccessRequest, R7); otherwise the share is
    refused and nothing is recorded."""
    if (recipient_person is None) == (not recipient_name.strip()):
        raise ValidationError(
            {"recipient_person": _("Select a family member or name the professional, not both")}
        )
    if not purpose.strip():
        raise ValidationError({"purpose": _("Enter why the document is shared")})
    if lawful_basis not in LawfulBasis.values or lawful_basis in (
        LawfulBasis.CONSENT,
        LawfulBasis.AGREEMENT,
    ):
        raise ValidationError({"lawful_basis": _("Select the lawful basis")})
    if (
        recipient_person is not None
        and not document.family.memberships.filter(
            person=recipient_person, archived_at__isnull=True
        ).exists()
    ):
        raise ValidationError({"recipient_person": _("Select a member of this family")})
    reader = share_reader(recipient_person=recipient_person, recipient_name=recipient_name)
    approvals: list = []
    if include_protected:
        needed = protected_withheld(document, by=by, reader=reader)
        if needed:
            approvals = list(
                access_services.share_approvals(
                    target=document,
                    recipient=reader.description,
                    recipient_person=recipient_person,
                )
                .filter(person__in=needed)
                .select_related("decided_by")
                .select_for_update(of=("self",))
            )
            approved = {a.person_id for a in approvals}
            missing = [p for p in needed if p.pk not in approved]
            if missing:
                raise ProtectedShareApprovalError(missing, reader.description)
            reader = engine.Reader(
                person=reader.person, label=reader.label, approved_for=frozenset(approved)
            )
    version = freeze(document=document, reason=FreezeReason.SHARED, by=by, reader=reader)
    recipient = reader.description
    extra: dict[str, Any] = {}
    fields = {f.name for f in SharingRecord._meta.get_fields()}
    if "override_reason" in fields:
        # Sharing a report with the family is a public task, not a consent decision: the
        # reason is the lawful basis and the purpose.
        extra["override_reason"] = f"{LawfulBasis(lawful_basis).label}: {purpose.strip()}"
    if "path" in fields:
        extra["path"] = document.get_absolute_url()
    what = f"{document.title}, version {version.number} (sha256 {version.sha256[:12]})"
    if approvals:
        what += "; " + _("with protected details, approved by a second person (%(requests)s)") % {
            "requests": ", ".join(
                _("request %(id)s, approved by %(who)s")
                % {"id": a.pk, "who": a.decided_by.get_full_name() or a.decided_by.get_username()}
                for a in approvals
            )
        }
    record = access_services.record_sharing(
        family=document.family,
        by=by,
        person=document.child,
        decision=Decision.SHARED,
        what=what,
        recipient=recipient[:200],
        organisation=organisation,
        purpose=purpose.strip(),
        lawful_basis=lawful_basis,
        decided_on=shared_on,
        **extra,
    )
    item = Share(
        document=document,
        version=version,
        recipient_person=recipient_person,
        recipient_name=recipient_name.strip(),
        purpose=purpose.strip(),
        lawful_basis=lawful_basis,
        method=method,
        shared_on=shared_on,
        sharing_record=record,
    )
    item.full_clean(exclude=["sharing_record", "version", "document"])
    item.stamp(by)
    item.save()
    if approvals:
        access_services.use_share_approvals(approvals, record=record, by=by)
    audit.record(
        actor=by,
        verb=audit.Verb.SHARED,
        target=document,
        label=_label(document),
        data={
            "version": version.number,
            "method": method,
            "sharing_record": record.pk,
            "protected_approvals": [a.pk for a in approvals],
        },
    )
    return item


@transaction.atomic
def add_comment(
    *,
    document: Document,
    person: Person,
    kind: str,
    text: str,
    received_on: dt.date,
    by: Any,
    section_key: str = "",
) -> ParentComment:
    if not text.strip():
        raise ValidationError({"text": _("Enter what they said")})
    if kind not in CommentKind.values:
        raise ValidationError({"kind": _("Select whether it is a comment or a disagreement")})
    if not document.family.memberships.filter(person=person, archived_at__isnull=True).exists():
        raise ValidationError({"person": _("Select a member of this family")})
    doc_type = schemas.get(document.type_key, document.schema_version)
    if section_key and section_key not in {s.key for s in doc_type.sections}:
        raise ValidationError({"section_key": _("Select a section of this document")})
    comment = ParentComment(
        document=document,
        person=person,
        kind=kind,
        text=text.strip(),
        received_on=received_on,
        section_key=section_key,
    )
    comment.stamp(by)
    comment.save()
    audit.record(
        actor=by,
        verb=audit.Verb.CREATED,
        target=comment,
        label=f"Comment on {_label(document)}",
        data={"kind": kind, "section": section_key},
    )
    return comment


@transaction.atomic
def redact(
    *,
    document: Document,
    section_key: str,
    reason: str,
    agreed_by: str,
    by: Any,
    source_ref: str = "",
) -> Redaction:
    """Withhold a section, or one fact, from what is shared; never without a recorded reason."""
    errors = {}
    if len(reason.strip()) < 10:
        errors["reason"] = _("Enter the safeguarding reason for withholding this")
    if not agreed_by.strip():
        errors["agreed_by"] = _("Enter who agreed the redaction")
    doc_type = schemas.get(document.type_key, document.schema_version)
    if section_key not in {s.key for s in doc_type.sections}:
        errors["section_key"] = _("Select a section of this document")
    if errors:
        raise ValidationError(errors)
    item = Redaction(
        document=document,
        section_key=section_key,
        source_ref=source_ref.strip(),
        reason=reason.strip(),
        agreed_by=agreed_by.strip(),
    )
    item.stamp(by)
    item.save()
    audit.record(
        actor=by,
        verb=audit.Verb.CREATED,
        target=item,
        label=f"Redaction in {_label(document)}",
        data={"section": section_key, "fact": source_ref, "reason": reason.strip()},
    )
    return item


@transaction.atomic
def set_fact_status(*, document: Document, source_ref: str, basis: str, by: Any) -> FactStatus:
    from familyworkbook.documents.facts import Basis

    if basis not in Basis.values:
        raise ValidationError({"basis": _("Select how this is known")})
    item, created = FactStatus.objects.get_or_create(
        document=document, source_ref=source_ref, defaults={"basis": basis}
    )
    if not created:
        item.basis = basis
        item.save_checked(by=by, expected_version=None)
    audit.record(
        actor=by,
        verb=audit.Verb.CHANGED,
        target=document,
        label=_label(document),
        data={"fact": source_ref, "basis": basis},
    )
    return item


def share_timing(document: Document) -> dict | None:
    """For a document shared before an event: the deadline and whether a family member had
    it in time (None when the type sets no deadline or no event date is recorded)."""
    from familyworkbook.documents.workingdays import share_deadline

    doc_type = schemas.get(document.type_key, document.schema_version)
    days = doc_type.share_working_days
    if not days or not document.event_on:
        return None
    deadline = share_deadline(document.event_on, days)
    first = (
        document.shares.filter(recipient_person__isnull=False, archived_at__isnull=True)
        .order_by("shared_on")
        .values_list("shared_on", flat=True)
        .first()
    )
    return {
        "working_days": days,
        "deadline": deadline,
        "shared_on": first,
        "in_time": bool(first and first <= deadline),
        "overdue": first is None and clock.today() > deadline,
    }
