"""Typed once: a Workbook entry recorded as a home or joint visit is the statutory visit.

When an entry's kind is a visit, each child on the family's open case gets a `cases.Visit`
on the entry's date, in the same transaction as the entry: seen if the child is ticked as
present, seen alone if ticked as seen alone, by the entry's author. The entry keeps the
links, so correcting the entry (date, who was present, seen alone, kind) corrects the
statutory visits with it; changing the entry to a kind that is not a visit archives them.
Creating goes through the cases app's own `record_visit` (its rules and audit); changes are
audited here, with the same version check as any edit.
"""

from __future__ import annotations

from collections.abc import Iterable

from familyworkbook import audit
from familyworkbook.cases import services as case_services
from familyworkbook.cases.models import (
    Case,
    CinEpisode,
    CinPlan,
    CpPlan,
    LookedAfterEpisode,
    Visit,
    VisitKind,
)
from familyworkbook.people.models import Person, PersonKind
from familyworkbook.teams.models import User
from familyworkbook.workbook.models import Entry, EntryKind

VISIT_KINDS = {EntryKind.HOME_VISIT, EntryKind.JOINT_VISIT}


def is_visit(kind: str) -> bool:
    return kind in VISIT_KINDS


def children_on_case(entry: Entry) -> list[tuple[Person, Case]]:
    """The family's children with an open episode on one of the family's open cases."""
    episodes = (
        CinEpisode.objects.open()
        .filter(
            case__family=entry.family_id,
            case__closed_on__isnull=True,
            case__archived_at__isnull=True,
            child__kind=PersonKind.CHILD,
            child__memberships__family=entry.family_id,
            child__memberships__ended_on__isnull=True,
            child__memberships__archived_at__isnull=True,
        )
        .select_related("child", "case")
        .order_by("child__date_of_birth", "child_id", "pk")
    )
    found: dict[int, tuple[Person, Case]] = {}
    for episode in episodes:
        found.setdefault(episode.child_id, (episode.child, episode.case))
    return list(found.values())


def visit_kind(entry: Entry, child: Person) -> str:
    """What the statutory visit counts as: joint if the entry was, else the child's status."""
    if entry.kind == EntryKind.JOINT_VISIT:
        return VisitKind.JOINT
    if LookedAfterEpisode.objects.filter(
        child=child, ceased_on__isnull=True, archived_at__isnull=True
    ).exists():
        return VisitKind.CLA
    if CpPlan.objects.open().filter(episode__child=child, episode__closed_on__isnull=True).exists():
        return VisitKind.CP
    if (
        CinPlan.objects.open()
        .filter(episode__child=child, episode__closed_on__isnull=True)
        .exists()
    ):
        return VisitKind.CIN
    return VisitKind.ASSESSMENT


def sync_visits(
    entry: Entry, *, by: User, present: Iterable[Person], seen_alone: Iterable[Person]
) -> list[Visit]:
    """Make the entry's statutory visits match it. Call inside the entry's transaction."""
    present_ids = {p.pk for p in present}
    alone_ids = {p.pk for p in seen_alone} & present_ids
    linked = {v.child_id: v for v in entry.visits.filter(archived_at__isnull=True)}
    if not is_visit(entry.kind):
        for visit in linked.values():
            visit.archive(by=by)
            audit.record(
                actor=by,
                verb=audit.Verb.ARCHIVED,
                target=visit,
                label="Visit",
                data={"why": "the Workbook entry that recorded it is no longer a visit"},
            )
        return []
    result = []
    for child, case in children_on_case(entry):
        seen = child.pk in present_ids
        alone = child.pk in alone_ids
        kind = visit_kind(entry, child)
        visit = linked.pop(child.pk, None)
        if visit is None:
            visit = case_services.record_visit(
                child=child,
                visited_on=entry.happened_on,
                kind=kind,
                seen=seen,
                seen_alone=alone,
                by=by,
                visitor=entry.author,
                case=case,
            )
            entry.visits.add(visit)
        else:
            changes = {
                "visited_on": entry.happened_on,
                "kind": kind,
                "seen": seen,
                "seen_alone": alone,
            }
            if any(getattr(visit, k) != v for k, v in changes.items()):
                before = audit.snapshot(visit)
                for name, value in changes.items():
                    setattr(visit, name, value)
                visit.full_clean()
                visit.save_checked(by=by, expected_version=visit.version)
                audit.record(
                    actor=by,
                    verb=audit.Verb.CHANGED,
                    target=visit,
                    label="Visit",
                    data={"changes": audit.changes(before, visit)},
                )
        result.append(visit)
    # A child no longer on the case keeps the visit they had: it happened.
    result.extend(linked.values())
    return result
