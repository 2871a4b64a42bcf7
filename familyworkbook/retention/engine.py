"""Working out when each family record's retention ends (R17).

The strictest (longest) applicable rule wins. Everything is computed in bulk, a chunk of
families at a time, so a council of 20,000 families is a few dozen queries, not 20,000.

Fail-safe: a record whose end date cannot be worked out (an open case, a looked-after child
with no date of birth, a record type with no rule) is never reported as expired. It is
reported as "cannot be worked out" so IG staff can put the data right.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db.models import Max

from familyworkbook.cases.models import (
    Case,
    CinEpisode,
    CpPlan,
    LookedAfterEpisode,
    Section47,
    Visit,
)
from familyworkbook.core.codes import ReasonEpisodeCeased
from familyworkbook.people.models import Family, FamilyMembership, Person
from familyworkbook.retention.models import (
    LegalHold,
    RecordType,
    RetentionRule,
    Trigger,
    add_years,
)
from familyworkbook.workbook.models import Entry

ADOPTED_CODES = {ReasonEpisodeCeased.E11, ReasonEpisodeCeased.E12}
DUE_SOON_DAYS = 90
CHUNK = 2000


class Status:
    OPEN = "open"  # a case is open: retention has not started
    UNKNOWN = "unknown"  # a date the rule needs is missing
    KEPT = "kept"  # retention ends in the future
    EXPIRED = "expired"


@dataclass
class Assessment:
    family_id: int
    reference: str
    status: str
    rule: RetentionRule | None = None
    trigger_on: dt.date | None = None
    expires_on: dt.date | None = None
    held: bool = False
    record_types: list[str] = field(default_factory=list)
    missing: str = ""

    @property
    def destroyable(self) -> bool:
        return self.status == Status.EXPIRED and not self.held

    def due_within(self, today: dt.date, days: int) -> bool:
        return (
            self.status == Status.KEPT
            and self.expires_on is not None
            and today < self.expires_on <= today + dt.timedelta(days=days)
        )


def current_rules() -> dict[str, RetentionRule]:
    return {r.record_type: r for r in RetentionRule.objects.current()}


@dataclass
class _Child:
    born: dt.date | None
    died: dt.date | None
    types: set[str] = field(default_factory=set)
    adopted_on: dt.date | None = None


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def assess_families(
    family_ids: Iterable[int], *, today: dt.date, rules: dict[str, RetentionRule] | None = None
) -> list[Assessment]:
    """Assess one chunk of families (pass at most a few thousand ids)."""
    ids = list(family_ids)
    if not ids:
        return []
    rules = current_rules() if rules is None else rules
    families = dict(Family.objects.filter(pk__in=ids).values_list("pk", "reference"))

    members: dict[int, set[int]] = defaultdict(set)
    for family_id, person_id in FamilyMembership.objects.filter(family_id__in=ids).values_list(
        "family_id", "person_id"
    ):
        members[family_id].add(person_id)
    person_ids = {p for people in members.values() for p in people}

    open_families: set[int] = set()
    last_contact: dict[int, dt.date] = {}

    def later(family_id: int, on: dt.date | None) -> None:
        if on and (family_id not in last_contact or on > last_contact[family_id]):
            last_contact[family_id] = on

    for family_id, opened_on, closed_on in Case.objects.filter(
        family_id__in=ids, archived_at__isnull=True
    ).values_list("family_id", "opened_on", "closed_on"):
        if closed_on is None:
            open_families.add(family_id)
        later(family_id, closed_on or opened_on)
    for family_id, on in (
        Visit.objects.filter(case__family_id__in=ids)
        .values("case__family_id")
        .annotate(last=Max("visited_on"))
        .values_list("case__family_id", "last")
    ):
        later(family_id, on)
    for family_id, on in (
        Entry.objects.filter(family_id__in=ids)
        .values("family_id")
        .annotate(last=Max("happened_on"))
        .values_list("family_id", "last")
    ):
        later(family_id, on)

    children: dict[int, _Child] = {}
    for pk, born, died in Person.objects.filter(pk__in=person_ids).values_list(
        "pk", "date_of_birth", "date_of_death"
    ):
        children[pk] = _Child(born=born, died=died)
    for child_id, ceased_on, reason in LookedAfterEpisode.objects.filter(
        child_id__in=person_ids
    ).values_list("child_id", "ceased_on", "reason_ceased"):
        child = children[child_id]
        died_young = (
            child.died is not None
            and child.born is not None
            and child.died < add_years(child.born, 18)
        )
        child.types.add(RecordType.LOOKED_AFTER_DIED if died_young else RecordType.LOOKED_AFTER)
        if reason in ADOPTED_CODES and ceased_on:
            child.types.add(RecordType.ADOPTED)
            child.adopted_on = max(filter(None, [child.adopted_on, ceased_on]))
    for child_id in CpPlan.objects.filter(episode__child_id__in=person_ids).values_list(
        "episode__child_id", flat=True
    ):
        children[child_id].types.add(RecordType.CHILD_PROTECTION)
    for child_id in Section47.objects.filter(episode__child_id__in=person_ids).values_list(
        "episode__child_id", flat=True
    ):
        children[child_id].types.add(RecordType.CHILD_PROTECTION)
    for child_id in CinEpisode.objects.filter(child_id__in=person_ids).values_list(
        "child_id", flat=True
    ):
        children[child_id].types.add(RecordType.CHILD_IN_NEED)

    held_families = set(
        LegalHold.objects.in_force().filter(family_id__in=ids).values_list("family_id", flat=True)
    )
    held_people = set(
        LegalHold.objects.in_force()
        .filter(person_id__in=person_ids)
        .values_list("person_id", flat=True)
    )

    results = []
    for family_id in ids:
        if family_id not in families:
            continue
        people = members.get(family_id, set())
        held = family_id in held_families or bool(people & held_people)
        assessment = Assessment(family_id=family_id, reference=families[family_id], status="")
        assessment.held = held
        if family_id in open_families:
            assessment.status = Status.OPEN
            results.append(assessment)
            continue
        contact = last_contact.get(family_id)
        # (record type, child or None) pairs that apply to this family.
        applicable: list[tuple[str, _Child | None]] = [(RecordType.FAMILY, None)]
        for person_id in sorted(people):
            child = children[person_id]
            applicable += [(t, child) for t in sorted(child.types)]
        assessment.record_types = sorted({t for t, _ in applicable})
        best: tuple[dt.date, dt.date, RetentionRule] | None = None
        for record_type, child in applicable:
            rule = rules.get(record_type)
            if rule is None:
                assessment.missing = f"no current rule for {record_type}"
                break
            trigger_on = _trigger(rule.trigger, child, contact)
            if trigger_on is None:
                assessment.missing = f"{rule.get_trigger_display()} not recorded"
                break
            ends = rule.ends_on(trigger_on)
            if best is None or ends > best[0]:
                best = (ends, trigger_on, rule)
        if assessment.missing or best is None:
            assessment.status = Status.UNKNOWN
        else:
            assessment.expires_on, assessment.trigger_on, assessment.rule = best
            assessment.status = Status.EXPIRED if today >= best[0] else Status.KEPT
        results.append(assessment)
    return results


def _trigger(trigger: str, child: _Child | None, contact: dt.date | None) -> dt.date | None:
    if trigger == Trigger.LAST_CONTACT:
        return contact
    if child is None:
        return None
    if trigger == Trigger.DATE_OF_BIRTH:
        return child.born
    if trigger == Trigger.ADULTHOOD_OR_LAST_CONTACT:
        if child.born is None or contact is None:
            return None
        return max(add_years(child.born, 18), contact)
    if trigger == Trigger.DATE_OF_DEATH:
        return child.died
    if trigger == Trigger.ADOPTION_ORDER:
        return child.adopted_on
    return None


def assess_all(*, today: dt.date, chunk: int = CHUNK, progress=None) -> Iterator[Assessment]:
    """Every family in the council, archived ones included (archived is not destroyed)."""
    ids = list(Family.objects.order_by("pk").values_list("pk", flat=True))
    rules = current_rules()
    done = 0
    for part in _chunks(ids, chunk):
        yield from assess_families(part, today=today, rules=rules)
        done += len(part)
        if progress:
            progress(done, len(ids))


def assess_family(family_id: int, *, today: dt.date) -> Assessment | None:
    found = assess_families([family_id], today=today)
    return found[0] if found else None
