"""Writes with rules for access: break-glass, grants, sharing decisions. One transaction each,
audited in it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from familyworkbook import audit
from familyworkbook.access.models import (
    AccessGrant,
    BreakGlass,
    Decision,
    LawfulBasis,
    SharingRecord,
)
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
    _check_complete(record)
    if record.lawful_basis == LawfulBasis.CONSENT and record.consent_id is None:
        raise ValidationError({"consent": _("Select the consent this sharing relies on")})
    if record.lawful_basis == LawfulBasis.AGREEMENT and record.agreement_id is None:
        raise ValidationError({"agreement": _("Select the information-sharing agreement")})
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
        decided_on=timezone.localdate(),
        **fields,
    )
    _check_complete(record)
    if record.lawful_basis == LawfulBasis.CONSENT and record.consent_id is None:
        raise ValidationError({"consent": _("Select the consent this sharing relies on")})
    if record.lawful_basis == LawfulBasis.AGREEMENT and record.agreement_id is None:
        raise ValidationError({"agreement": _("Select the information-sharing agreement")})
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
