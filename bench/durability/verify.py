"""Is every acknowledged write still there, whole, with its audit rows? (R19)

An acknowledged write is a Workbook visit entry the app answered with a redirect to the new
entry: the transaction had committed. Recording one is a multi-row save in one transaction
(workbook.services.entries.record_entry): the entry, who was present, a statutory
`cases.Visit` per child on the case, the entry's links to those visits, an audit event for
each visit and one for the entry. The check reads them back in a few bulk queries:

- lost: no entry with that id, or the entry does not hold the writer's marker;
- partial: the entry is there but a row of the same save is missing (present members, or
  visits: one per child on the family's open case, each linked);
- audit missing: the entry, or one of its visits, has no "created" audit event.

Needs Django set up (the drill's `app.in_process`, or pytest-django in the tests).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Ack:
    """One acknowledged write, as the writer logged it."""

    marker: str
    entry_id: int
    family_id: int
    present: int  # how many family members the writer ticked as present
    visits: int  # how many statutory visits the save must make (children on the case)


@dataclass
class Findings:
    checked: int = 0
    lost: list[str] = field(default_factory=list)
    partial: list[str] = field(default_factory=list)
    audit_missing: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.lost or self.partial or self.audit_missing)

    def as_dict(self) -> dict[str, Any]:
        return {
            "checked": self.checked,
            "lost": len(self.lost),
            "partial": len(self.partial),
            "audit_missing": len(self.audit_missing),
            "examples": (self.lost + self.partial + self.audit_missing)[:10],
        }


def _chunks(items: list[Any], size: int = 2000) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def check(acks: list[Ack]) -> Findings:
    from django.db.models import Count

    from familyworkbook.audit.models import AuditEvent
    from familyworkbook.workbook.models import Entry

    found = Findings(checked=len(acks))
    by_id = {a.entry_id: a for a in acks}
    entries: dict[int, dict[str, Any]] = {}
    present: dict[int, int] = {}
    links: dict[int, list[int]] = {}
    for ids in _chunks(list(by_id)):
        for row in Entry.objects.filter(pk__in=ids).values("pk", "what_happened", "family_id"):
            entries[row["pk"]] = row
        for row in (
            Entry.present.through.objects.filter(entry_id__in=ids)
            .values("entry_id")
            .annotate(n=Count("pk"))
        ):
            present[row["entry_id"]] = row["n"]
        for entry_id, visit_id in Entry.visits.through.objects.filter(
            entry_id__in=ids, visit__archived_at__isnull=True
        ).values_list("entry_id", "visit_id"):
            links.setdefault(entry_id, []).append(visit_id)
    audited: set[tuple[str, str]] = set()
    visit_ids = [v for vs in links.values() for v in vs]
    for target_type, ids in [("workbook.entry", list(by_id)), ("cases.visit", visit_ids)]:
        for chunk in _chunks([str(i) for i in ids]):
            audited.update(
                AuditEvent.objects.filter(
                    target_type=target_type, target_id__in=chunk, verb="created"
                ).values_list("target_type", "target_id")
            )
    for entry_id, ack in by_id.items():
        row = entries.get(entry_id)
        if (
            row is None
            or ack.marker not in row["what_happened"]
            or row["family_id"] != ack.family_id
        ):
            found.lost.append(f"entry {entry_id} ({ack.marker}) is missing or not the one written")
            continue
        if present.get(entry_id, 0) != ack.present or len(links.get(entry_id, [])) != ack.visits:
            found.partial.append(
                f"entry {entry_id}: {present.get(entry_id, 0)} of {ack.present} present, "
                f"{len(links.get(entry_id, []))} of {ack.visits} visits"
            )
        missing = [("workbook.entry", str(entry_id))] + [
            ("cases.visit", str(v)) for v in links.get(entry_id, [])
        ]
        missing = [m for m in missing if m not in audited]
        if missing:
            found.audit_missing.append(f"entry {entry_id}: no audit event for {missing}")
    return found


def committed_markers(markers: list[str]) -> set[str]:
    """Which of these markers are in the database (for writes that were never acknowledged)."""
    from familyworkbook.workbook.models import Entry

    hits: set[str] = set()
    for chunk in _chunks(markers, 500):
        for text in Entry.objects.filter(
            what_happened__in=[marker_text(m) for m in chunk]
        ).values_list("what_happened", flat=True):
            hits.add(text.split()[1])
    return hits


def marker_text(marker: str) -> str:
    """What a writer types as 'what happened': the marker, findable again exactly."""
    return f"Durability-drill {marker} home visit."
