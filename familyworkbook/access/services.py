"""Writes with rules for access: break-glass, grants, sharing decisions. One transaction each,
audited in it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from familyworkbook import audit
from familyworkbook.access.models import (
    AccessGrant,
    ApprovalStatus,
    BreakGlass,
    Decision,
    GrantKind,
    LawfulBasis,
    ProtectedAccessRequest,
    SharingRecord,
)
from familyworkbook.core import clock
from familyworkbook.people.models import Family, Person
from familyworkbook.teams.models import User


@transaction.atomic
def break_glass(*, family: Family, reason: str, by: User) -> BreakGlass:
    """Open a family outside the user's scope for a few hours; the managers of the family's
    teams see it on their review list, and the audit records it."""
    reason = reason.strip()
    if len(reason) < 10:
        raise ValidationError({"reason": _("Explain why you need emergency access")})
    now = timezone.now()
    glass = BreakGlass(
        user=by,
        family=family,
        reason=reason,
        started_at=now,
        expires_at=now + dt.timedelta(hours=BreakGlass.DURATION_HOURS),
    )
    glass.stamp(by)
    glass.save()
    audit.record(
        actor=by,
        verb=audit.Verb.BREAK_GLASS,
        target=family,
        label=str(family),
        data={"reason": reason, "expires_at": glass.expires_at},
    )
    return glass


@transaction.atomic
def review_break_glass(glass: BreakGlass, *, by: User) -> BreakGlass:
    before = audit.snapshot(glass, ["reviewed_by", "reviewed_at"])
    glass.reviewed_by = by
    glass.reviewed_at = timezone.now()
    glass.save_checked(by=by, expected_version=glass.version)
    audit.record(
        actor=by,
        verb=audit.Verb.APPROVED,
        target=glass,
        data={"changes": audit.changes(before, glass, ["reviewed_by", "reviewed_at"])},
    )
    return glass


@transaction.atomic
def grant_access(
    *,
    user: User,
    person: Person,
    kind: str,
    reason: str,
    by: User,
    ends_at: dt.datetime | None = None,
) -> AccessGrant:
    if kind == GrantKind.PROTECTED:
        raise ValidationError(
            {"kind": _("Protected details need a second approver: ask through a request")}
        )
    grant = AccessGrant(user=user, person=person, kind=kind, reason=reason, ends_at=ends_at)
    grant.full_clean()
    grant.stamp(by)
    grant.save()
    audit.record(
        actor=by,
        verb=audit.Verb.CREATED,
        target=grant,
        data={"changes": audit.changes({}, grant)},
    )
    return grant


@transaction.atomic
def record_sharing(*, family: Family, by: User, **fields: Any) -> SharingRecord:
    """One decision to share or not: who (by), what, to whom, why, lawful basis or consent."""
    record = SharingRecord(family=family, **fields)
    if record.lawful_basis == LawfulBasis.CONSENT and record.consent_id is None:
        raise ValidationError({"consent": _("Select the consent this sharing relies on")})
    if record.lawful_basis == LawfulBasis.AGREEMENT and record.agreement_id is None:
        raise ValidationError({"agreement": _("Select the information-sharing agreement")})
    _check_complete(record)
    record.full_clean()
    record.stamp(by)
    record.save()
    verb = audit.Verb.SHARED if record.decision == Decision.SHARED else audit.Verb.NOT_SHARED
    audit.record(
        actor=by,
        verb=verb,
        target=family,
        label=str(family),
        data={"sharing_record": record.pk, "changes": audit.changes({}, record)},
    )
    return record


def _check_complete(record: SharingRecord) -> None:
    """R6: a disclosure relies on a consent or says why it is shared without one."""
    if (
        record.decision == Decision.SHARED
        and record.consent_id is None
        and not (record.override_reason or "").strip()
    ):
        raise ValidationError(
            {
                "override_reason": _(
                    "Select the consent relied on, or explain why it is shared without consent"
                )
            }
        )


@transaction.atomic
def record_disclosure(
    *,
    by: User,
    path: str,
    what: str,
    family: Family | None,
    internal: bool,
    **fields: Any,
) -> SharingRecord:
    """The disclosure record an export, print or download needs (R6), and its audit row."""
    record = SharingRecord(
        family=family,
        decision=Decision.SHARED,
        what=what,
        path=path[:500],
        internal=internal,
        decided_on=clock.today(),
        **fields,
    )
    if record.lawful_basis == LawfulBasis.CONSENT and record.consent_id is None:
        raise ValidationError({"consent": _("Select the consent this sharing relies on")})
    if record.lawful_basis == LawfulBasis.AGREEMENT and record.agreement_id is None:
        raise ValidationError({"agreement": _("Select the information-sharing agreement")})
    _check_complete(record)
    record.full_clean()
    record.stamp(by)
    record.save()
    audit.record(
        actor=by,
        verb=audit.Verb.SHARED,
        target=family if family is not None else record,
        label=str(family) if family is not None else "Internal disclosure",
        data={
            "sharing_record": record.pk,
            "path": record.path,
            "internal": internal,
            "changes": audit.changes({}, record),
        },
    )
    return record


# --- R7: a second approver for new disclosures of protected details --------------------------


def verify_step_up(user: User, code: str) -> bool:
    """The user's second factor, entered again now (a code already used does not pass)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    code = "".join((code or "").split())
    for device in TOTPDevice.objects.devices_for_user(user, confirmed=True):
        if device.verify_is_allowed()[0] and device.verify_token(code):
            return True
    return False


def _alert_information_governance(request: ProtectedAccessRequest) -> list[str]:
    """Email information governance (the request also waits on their approvals page).

    The message names no protected detail and no person: only that a request is waiting.
    """
    from django.conf import settings
    from django.contrib.auth.models import Permission
    from django.core.mail import send_mail
    from django.db.models import Q

    from familyworkbook.teams.models import User as UserModel

    permission = Permission.objects.get(
        content_type__app_label="access", codename="approve_protected_access"
    )
    recipients = sorted(
        set(
            UserModel.objects.filter(
                Q(groups__permissions=permission) | Q(user_permissions=permission),
                is_active=True,
            )
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )
    if recipients:
        send_mail(
            subject=str(_("A request to see protected details is waiting for approval")),
            message=str(
                _(
                    "Request %(id)s asks for someone to see protected details. "
                    "A second approver must decide it on the approvals page of Family Workbook."
                )
                % {"id": request.pk}
            ),
            from_email=getattr(settings, "DEFAULT_FROM_EMAIL", None),
            recipient_list=recipients,
            fail_silently=True,
        )
    return recipients


@transaction.atomic
def request_protected_access(
    *, person: Person, grantee: User, reason: str, by: User, code: str
) -> ProtectedAccessRequest:
    """Ask for `grantee` to see `person`'s protected details. Needs the requester's second
    factor again; creates no grant (a second approver does)."""
    from familyworkbook.access import policy

    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if len(reason) < 10:
        errors["reason"] = _("Explain why they need to see the protected details")
    if policy.actor_of(grantee).is_perpetrator_worker:
        errors["grantee"] = _("A domestic abuse perpetrator worker never sees protected details")
    if not grantee.is_active:
        errors["grantee"] = _("Select someone whose account is active")
    if errors:
        raise ValidationError(errors)
    if not verify_step_up(by, code):
        raise ValidationError(
            {
                "code": _(
                    "The code is not right, or it has already been used. Enter the newest code."
                )
            }
        )
    request = ProtectedAccessRequest(
        person=person,
        grantee=grantee,
        reason=reason,
        requested_by=by,
        stepped_up_at=timezone.now(),
    )
    request.full_clean()
    request.stamp(by)
    request.save()
    audit.record(
        actor=by,
        verb=audit.Verb.CREATED,
        target=request,
        label=f"Request {request.pk} to see protected details",
        data={
            "person": person.pk,
            "grantee": grantee.pk,
            "reason": reason,
            "step_up": "second factor re-entered",
        },
    )
    _alert_information_governance(request)
    return request


@transaction.atomic
def request_protected_share(
    *,
    people: list[Person],
    target: Any,
    target_label: str,
    reason: str,
    by: User,
    code: str,
    recipient: str = "",
    recipient_person: Person | None = None,
) -> list[ProtectedAccessRequest]:
    """Ask for one share of `target` (e.g. a document) to `recipient` to include the protected
    details of `people` (R7): one request per person, after one step-up. Needs the sharer's
    second factor again; a second approver decides; information governance is alerted.
    Nothing is shared here."""
    from familyworkbook.access import policy

    reason = (reason or "").strip()
    recipient = " ".join(
        (recipient_person.full_name if recipient_person else recipient or "").split()
    )
    errors: dict[str, str] = {}
    if not recipient:
        errors["recipient_name"] = _("Enter who would receive it")
    if len(reason) < 10:
        errors["reason"] = _("Explain why they need the protected details")
    if recipient_person is not None and any(
        policy.perpetrators_of(person).filter(pk=recipient_person.pk).exists() for person in people
    ):
        errors["recipient_person"] = _(
            "Protected details are never shared with someone alleged to have abused the person"
        )
    if not people:
        errors["recipient_person"] = _("This document holds no protected details to ask about")
    if errors:
        raise ValidationError(errors)
    if not verify_step_up(by, code):
        raise ValidationError(
            {
                "code": _(
                    "The code is not right, or it has already been used. Enter the newest code."
                )
            }
        )
    made = []
    for person in people:
        request = ProtectedAccessRequest(
            person=person,
            target_type=target._meta.label_lower,
            target_id=target.pk,
            target_label=target_label[:200],
            recipient=recipient[:200],
            recipient_person=recipient_person,
            reason=reason,
            requested_by=by,
            stepped_up_at=timezone.now(),
        )
        request.full_clean()
        request.stamp(by)
        request.save()
        audit.record(
            actor=by,
            verb=audit.Verb.CREATED,
            target=request,
            label=f"Request {request.pk} to share protected details",
            data={
                "person": person.pk,
                "target": f"{request.target_type}:{request.target_id}",
                "recipient": request.recipient,
                "reason": reason,
                "step_up": "second factor re-entered",
            },
        )
        _alert_information_governance(request)
        made.append(request)
    return made


def share_approvals(
    *, target: Any, recipient: str = "", recipient_person: Person | None = None
) -> Any:
    """Approved requests not yet used to share `target` with this recipient (R7)."""
    queryset = ProtectedAccessRequest.objects.filter(
        archived_at__isnull=True,
        status=ApprovalStatus.APPROVED,
        shared_in__isnull=True,
        target_type=target._meta.label_lower,
        target_id=target.pk,
    )
    if recipient_person is not None:
        return queryset.filter(recipient_person=recipient_person)
    return queryset.filter(
        recipient_person__isnull=True, recipient__iexact=" ".join((recipient or "").split())
    )


def use_share_approvals(
    requests: list[ProtectedAccessRequest], *, record: SharingRecord, by: User
) -> None:
    """Mark approvals as used by this share (each is good for one share), audited."""
    for request in requests:
        updated = ProtectedAccessRequest.objects.filter(
            pk=request.pk, shared_in__isnull=True, status=ApprovalStatus.APPROVED
        ).update(
            shared_in=record,
            modified_by=by,
            modified_at=timezone.now(),
            version=F("version") + 1,
        )
        if not updated:
            raise ValidationError(_("This approval has already been used for a share"))
        audit.record(
            actor=by,
            verb=audit.Verb.SHARED,
            target=request,
            label=f"Request {request.pk} to share protected details",
            data={"sharing_record": record.pk, "person": request.person_id},
        )


@transaction.atomic
def decide_protected_access(
    request: ProtectedAccessRequest, *, by: User, approve: bool, note: str = ""
) -> ProtectedAccessRequest:
    """The second approver's decision. Nobody approves their own request, or one for
    themselves; approval creates the grant. Two audit rows: the decision and the grant."""
    from familyworkbook.access import policy

    request = ProtectedAccessRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ApprovalStatus.PENDING:
        raise ValidationError(_("This request has already been decided"))
    if by.pk in {request.requested_by_id, request.grantee_id} - {None}:
        raise ValidationError(_("Someone else must approve this request"))
    if not policy.may_approve_protected(by):
        raise ValidationError(_("You cannot approve requests to see protected details"))
    before = audit.snapshot(request, ["status", "decided_by", "decided_at", "grant"])
    request.status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REFUSED
    request.decided_by = by
    request.decided_at = timezone.now()
    request.decision_note = (note or "").strip()
    if approve and not request.is_share:
        grant = AccessGrant(
            user=request.grantee,
            person=request.person,
            kind=GrantKind.PROTECTED,
            reason=f"{request.reason} (request {request.pk}, approved by {by.get_username()})",
        )
        grant.full_clean()
        grant.stamp(by)
        grant.save()
        request.grant = grant
    request.save_checked(by=by, expected_version=request.version)
    if request.grant is not None:
        audit.record(
            actor=by,
            verb=audit.Verb.CREATED,
            target=request.grant,
            data={"changes": audit.changes({}, request.grant), "request": request.pk},
        )
    audit.record(
        actor=by,
        verb=audit.Verb.APPROVED if approve else audit.Verb.CHANGED,
        target=request,
        label=f"Request {request.pk} to see protected details",
        data={
            "decision": request.status,
            "changes": audit.changes(
                before, request, ["status", "decided_by", "decided_at", "grant"]
            ),
        },
    )
    return request
