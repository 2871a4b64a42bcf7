"""Recording a session or visit in the Workbook, editing it, and keeping drafts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from familyworkbook import audit
from familyworkbook.people.models import Family, Person
from familyworkbook.teams.models import User, Worker
from familyworkbook.workbook.models import (
    DEFAULT_PROGRAMME,
    Chapter,
    Entry,
    EntryDraft,
    Module,
    Programme,
)
from familyworkbook.workbook.services._common import (
    refuse_stale,
    require_members,
    worker_of,
)
from familyworkbook.workbook.services.visits import sync_visits

ENTRY_LABEL = "Workbook entry"  # never the text: entries hold the family's story
REDACTED = ("confidential_detail",)


def _audit_data(entry: Entry) -> dict[str, Any]:
    return {
        "family": entry.family_id,
        "chapter": entry.chapter,
        "module": entry.module_id,
        "significant": entry.is_significant,
    }


@transaction.atomic
def record_entry(
    *,
    family: Family,
    by: User,
    happened_on: dt.date,
    kind: str,
    what_happened: str,
    meaning_for_child: str,
    what_happens_next: str,
    module: Module | None = None,
    present: list[Person] | tuple[Person, ...] = (),
    professionals_present: list[Worker] | tuple[Worker, ...] = (),
    tagged: list[Person] | tuple[Person, ...] = (),
    seen_alone: list[Person] | tuple[Person, ...] = (),
    **fields: Any,
) -> Entry:
    """Record an entry in the author's chapter, under the programme version of its module.

    The chapter comes from the author's role, not from the form: an entry is in the voice
    of whoever wrote it. The worker's draft for this family is cleared. A home or joint
    visit is also the statutory visit to each child on the case (`visits.sync_visits`),
    in this transaction: typed once.
    """
    require_members(family, present, "present")
    require_members(family, tagged, "tagged")
    _require_seen_alone_present(present, seen_alone)
    author = worker_of(by)
    programme = module.programme if module else Programme.objects.latest_of(DEFAULT_PROGRAMME)
    entry = Entry(
        family=family,
        author=author,
        chapter=Chapter.for_role(author.role) if author else Chapter.OTHER,
        happened_on=happened_on,
        kind=kind,
        module=module,
        programme=programme,
        programme_version=programme.version if programme else "",
        what_happened=what_happened,
        meaning_for_child=meaning_for_child,
        what_happens_next=what_happens_next,
        **fields,
    )
    entry.stamp(by)
    entry.full_clean()
    entry.save()
    entry.present.set(present)
    entry.professionals_present.set(professionals_present)
    entry.tagged.set(tagged)
    sync_visits(entry, by=by, present=present, seen_alone=seen_alone)
    EntryDraft.objects.filter(user=by, family=family).delete()
    audit.record(
        actor=by, verb=audit.Verb.CREATED, target=entry, label=ENTRY_LABEL, data=_audit_data(entry)
    )
    return entry


@transaction.atomic
def edit_entry(
    entry: Entry,
    *,
    by: User,
    expected_version: int | None,
    present: list[Person] | tuple[Person, ...] = (),
    professionals_present: list[Worker] | tuple[Worker, ...] = (),
    tagged: list[Person] | tuple[Person, ...] = (),
    seen_alone: list[Person] | tuple[Person, ...] = (),
    module: Module | None = None,
    **fields: Any,
) -> Entry:
    """Correct an entry. Only its author may: an entry is one professional's account.

    The statutory visits the entry recorded are corrected with it (date, seen, seen alone).
    """
    fresh = refuse_stale(entry, expected_version)
    if fresh.created_by_id != by.pk:
        raise ValidationError(_("Only the person who wrote an entry can change it"))
    require_members(fresh.family, present, "present")
    require_members(fresh.family, tagged, "tagged")
    _require_seen_alone_present(present, seen_alone)
    before = audit.snapshot(fresh)
    for name, value in fields.items():
        setattr(fresh, name, value)
    fresh.module = module
    if module is not None and module.programme_id != fresh.programme_id:
        fresh.programme = module.programme
        fresh.programme_version = module.programme.version
    fresh.full_clean()
    fresh.save_checked(by=by, expected_version=fresh.version)
    fresh.present.set(present)
    fresh.professionals_present.set(professionals_present)
    fresh.tagged.set(tagged)
    sync_visits(fresh, by=by, present=present, seen_alone=seen_alone)
    audit.record(
        actor=by,
        verb=audit.Verb.CHANGED,
        target=fresh,
        label=ENTRY_LABEL,
        data={
            **_audit_data(fresh),
            "changes": audit.changes(before, fresh, redact=REDACTED),
        },
    )
    return fresh


def _require_seen_alone_present(
    present: list[Person] | tuple[Person, ...], seen_alone: list[Person] | tuple[Person, ...]
) -> None:
    if {p.pk for p in seen_alone} - {p.pk for p in present}:
        raise ValidationError(
            {"seen_alone": _("A child seen alone must also be ticked as present")}
        )


def save_draft(*, family: Family, by: User, data: dict[str, list[str]]) -> EntryDraft:
    """Keep what the worker has typed so far. Not audited: a draft is not yet the record,
    and an autosave every few seconds would bury the audit trail in noise."""
    draft, _created = EntryDraft.objects.update_or_create(
        user=by, family=family, defaults={"data": data, "saved_at": timezone.now()}
    )
    return draft


def draft_for(*, family: Family, user: User) -> EntryDraft | None:
    return EntryDraft.objects.filter(user=user, family=family).first()


def discard_draft(*, family: Family, by: User) -> None:
    EntryDraft.objects.filter(user=by, family=family).delete()
