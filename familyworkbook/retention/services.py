"""Changes with rules: editing retention rules, legal holds, and two-person destruction.

Every change is one transaction with its audit event, written last. Audit labels name
records by internal id only ("Family 1234"): an audit row outlives the record it describes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from familyworkbook import audit
from familyworkbook.core import clock
from familyworkbook.core.models import StaleEditError
from familyworkbook.people.models import Family, Person
from familyworkbook.retention import destruction, engine
from familyworkbook.retention.models import (
    TRIGGERS_FOR,
    DestructionProposal,
    DestructionRecord,
    LegalHold,
    ProposalStatus,
    RetentionRule,
)

RULE_FIELDS = ["trigger", "years", "legal_source", "notes"]


@transaction.atomic
def change_rule(
    rule: RetentionRule,
    *,
    by: Any,
    expected_version: int,
    trigger: str,
    years: int,
    legal_source: str,
    notes: str = "",
) -> RetentionRule:
    if trigger not in TRIGGERS_FOR[rule.record_type]:
        raise ValidationError({"trigger": _("Select a date this kind of record can be kept from")})
    if not 1 <= years <= 150:
        raise ValidationError({"years": _("Years kept must be between 1 and 150")})
    before = audit.snapshot(rule, RULE_FIELDS)
    rule.trigger, rule.years, rule.legal_source, rule.notes = trigger, years, legal_source, notes
    rule.save_checked(by=by, expected_version=expected_version)
    audit.record(
        actor=by,
        verb=audit.Verb.CHANGED,
        target=rule,
        label=f"Retention rule {rule.pk} ({rule.record_type})",
        data={"changes": audit.changes(before, rule, RULE_FIELDS)},
    )
    return rule


@transaction.atomic
def place_hold(
    *, by: Any, reason: str, family: Family | None = None, person: Person | None = None
) -> LegalHold:
    if (family is None) == (person is None):
        raise ValueError("A hold is on a family or on a person")
    if not reason.strip():
        raise ValidationError({"reason": _("Enter the reason for the hold")})
    hold = LegalHold(family=family, person=person, reason=reason.strip(), placed_by=by)
    hold.stamp(by)
    hold.save()
    what = f"family {family.pk}" if family else f"person {person.pk}"  # type: ignore[union-attr]
    audit.record(
        actor=by,
        verb=audit.Verb.CREATED,
        target=hold,
        label=f"Legal hold {hold.pk} on {what}",
    )
    return hold


@transaction.atomic
def release_hold(hold: LegalHold, *, by: Any, reason: str, expected_version: int) -> LegalHold:
    if not reason.strip():
        raise ValidationError({"reason": _("Enter the reason for releasing the hold")})
    if not hold.in_force:
        raise ValidationError(_("This hold has already been released"))
    hold.released_at = timezone.now()
    hold.released_by = by
    hold.released_reason = reason.strip()
    hold.save_checked(by=by, expected_version=expected_version)
    audit.record(
        actor=by,
        verb=audit.Verb.CLOSED,
        target=hold,
        label=f"Legal hold {hold.pk} released",
    )
    return hold


def _destroyable(family_id: int, today: dt.date) -> engine.Assessment:
    assessment = engine.assess_family(family_id, today=today)
    if assessment is None:
        raise ValidationError(_("This record no longer exists"))
    if assessment.held:
        raise ValidationError(_("This record is under a legal hold: it cannot be destroyed"))
    if assessment.status != engine.Status.EXPIRED:
        raise ValidationError(_("This record's retention has not ended: it cannot be destroyed"))
    return assessment


@transaction.atomic
def propose_destruction(
    *, family: Family, by: Any, note: str, today: dt.date | None = None
) -> DestructionProposal:
    """The first of two people: propose destroying a record whose retention has ended."""
    today = today or clock.today()
    if not note.strip():
        raise ValidationError({"note": _("Enter a note saying what you checked")})
    assessment = _destroyable(family.pk, today)
    if DestructionProposal.objects.filter(
        family_pk=family.pk, status=ProposalStatus.PENDING
    ).exists():
        raise ValidationError(_("Destruction of this record has already been proposed"))
    proposal = DestructionProposal(
        family=family,
        family_pk=family.pk,
        rule=assessment.rule,
        trigger_on=assessment.trigger_on,
        expired_on=assessment.expires_on,
        note=note.strip(),
        proposed_by=by,
    )
    proposal.stamp(by)
    proposal.save()
    audit.record(
        actor=by,
        verb=audit.Verb.CREATED,
        target=proposal,
        label=f"Proposal {proposal.pk} to destroy family {family.pk}",
        data={"family": family.pk, "rule": assessment.rule.pk},  # type: ignore[union-attr]
    )
    return proposal


@transaction.atomic
def cancel_proposal(
    proposal: DestructionProposal, *, by: Any, reason: str, expected_version: int
) -> DestructionProposal:
    if not reason.strip():
        raise ValidationError({"reason": _("Enter the reason for cancelling")})
    if proposal.status != ProposalStatus.PENDING:
        raise ValidationError(_("This proposal has already been decided"))
    proposal.status = ProposalStatus.CANCELLED
    proposal.decided_by = by
    proposal.decided_at = timezone.now()
    proposal.cancel_reason = reason.strip()
    proposal.save_checked(by=by, expected_version=expected_version)
    audit.record(
        actor=by,
        verb=audit.Verb.CLOSED,
        target=proposal,
        label=f"Proposal {proposal.pk} to destroy family {proposal.family_pk} cancelled",
    )
    return proposal


@transaction.atomic
def approve_destruction(
    proposal: DestructionProposal, *, by: Any, expected_version: int, today: dt.date | None = None
) -> DestructionRecord:
    """The second person: approve, and destroy the record in this one transaction.

    Everything is checked again now: a hold placed, contact recorded or a rule lengthened
    since the proposal all stop it. The proposal row is locked, so two approvers at once
    cannot both destroy (the second finds it decided, or its version moved on).
    """
    today = today or clock.today()
    locked = DestructionProposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.version != expected_version:
        raise StaleEditError(proposal, expected=expected_version, actual=locked.version)
    if locked.status != ProposalStatus.PENDING:
        raise ValidationError(_("This proposal has already been decided"))
    if locked.proposed_by_id == by.pk:
        raise ValidationError(
            _("You proposed this destruction: a different person must approve it")
        )
    family_id = locked.family_id
    if family_id is None:
        raise ValidationError(_("This record no longer exists"))
    assessment = _destroyable(family_id, today)
    try:
        plan = destruction.plan(family_id)
    except destruction.DestructionBlockedError as exc:
        raise ValidationError(
            _("This record cannot be destroyed as it is: %(why)s") % {"why": exc}
        ) from exc
    counts = destruction.execute(plan)
    now = timezone.now()
    locked.status = ProposalStatus.APPROVED
    locked.decided_by = by
    locked.decided_at = now
    locked.family = None
    locked.save_checked(by=by, expected_version=expected_version)
    rule = assessment.rule
    record = DestructionRecord.objects.create(
        record_type="people.family",
        record_pk=family_id,
        proposal=locked,
        rule_record_type=rule.record_type,  # type: ignore[union-attr]
        rule_years=rule.years,  # type: ignore[union-attr]
        rule_legal_source=rule.legal_source,  # type: ignore[union-attr]
        trigger_on=assessment.trigger_on,
        expired_on=assessment.expires_on,
        proposed_by_id=locked.proposed_by_id,
        proposed_at=locked.created_at,
        approved_by=by,
        destroyed_at=now,
        counts=counts,
    )
    transaction.on_commit(clear_caches)
    audit.record(
        actor=by,
        verb=audit.Verb.APPROVED,
        target_type="people.family",
        target_id=family_id,
        label=f"Family {family_id} destroyed (destruction record {record.pk})",
        data={
            "destroyed": True,
            "destruction_record": record.pk,
            "proposal": locked.pk,
            "rule": rule.pk,  # type: ignore[union-attr]
            "rows": record.rows,
        },
    )
    proposal.refresh_from_db()
    return record


def clear_caches() -> None:
    """Empty every configured cache after a destruction commits.

    Nothing in Family Workbook caches record content today (a search of the code finds no
    cache use), so this is belt and braces for the day something does. Session caches are
    left alone: clearing them would sign everyone out.
    """
    session_cache = getattr(settings, "SESSION_CACHE_ALIAS", None)
    uses_cache_sessions = "cache" in getattr(settings, "SESSION_ENGINE", "")
    for alias in settings.CACHES:
        if uses_cache_sessions and alias == session_cache:
            continue
        caches[alias].clear()
