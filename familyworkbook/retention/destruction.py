"""Destroying one family record: find every row that hangs off it, then delete them all.

The walk starts from the family and the people who belong to no other family, and follows
every relation that points at a collected row, hidden ones included (`related_name="+"`,
e.g. a relationship's inverse and `other`, which `_meta.related_objects` leaves out), in
every installed app. So a model added next month (history event rows, say) is destroyed
with the family without anyone remembering to list it here.

- A row whose non-nullable key points at a collected row cannot exist without it: collected.
- A row that points at one only through a nullable key is collected when another of its
  keys also points into the record (a meeting whose case is the family's), and otherwise
  keeps its row with that key cleared (the next meeting in a series, an action carried
  forward into another family's meeting).
- The walk refuses if it would reach another family, a case of another family or a person
  who belongs to another family: nothing of theirs may go with it.

Deletion is plain SQL, model by model, inside the caller's transaction. Both databases
create Django's foreign keys DEFERRABLE INITIALLY DEFERRED, so the order rows go in does not
matter and a missed reference fails the commit (nothing is destroyed), never leaves an orphan.
PROTECT is a Django-level rule for ordinary deletes; here the whole graph goes at once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection, models
from django.db.models.fields.reverse_related import ManyToManyRel, ManyToOneRel

from familyworkbook.people.models import Family, FamilyMembership, Person

BATCH = 500
# Never walked into: the audit trail is kept for good (and its triggers refuse deletes);
# retention's own log and proposals outlive the record they describe.
KEPT_MODELS = {"audit.auditevent", "audit.auditchainhead", "retention.destructionrecord"}
# Rows of these models are destroyed with the record even when they point at it only
# through a nullable key: a released legal hold names who was held and why; an imported
# row's provenance keeps the extract's own columns verbatim (importing.SourceRecord).
ALWAYS_OWNED = {"retention.legalhold", "importing.sourcerecord"}


class DestructionBlockedError(Exception):
    """The record is tangled with another family's; a person must untangle it first."""


@dataclass
class Plan:
    family_id: int
    delete: dict[type[models.Model], set] = field(default_factory=lambda: defaultdict(set))
    clear: dict[tuple[type[models.Model], str], set] = field(
        default_factory=lambda: defaultdict(set)
    )

    def counts(self) -> dict[str, int]:
        return {m._meta.label_lower: len(pks) for m, pks in self.delete.items() if pks}

    def has(self, model: type[models.Model], pk: object) -> bool:
        return pk in self.delete.get(model, ())


def _batches(values: Iterable, size: int = BATCH) -> Iterator[list]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _reverse_relations(model: type[models.Model]) -> list[ManyToOneRel]:
    return [
        f
        for f in model._meta.get_fields(include_hidden=True)
        if isinstance(f, ManyToOneRel) and not isinstance(f, ManyToManyRel)
    ]


def _concrete(model: type[models.Model]) -> type[models.Model]:
    return model._meta.concrete_model or model


def exclusive_people(family_id: int) -> set[int]:
    """The family's people (past members too) who belong to no other family."""
    people = set(
        FamilyMembership.objects.filter(family_id=family_id).values_list("person_id", flat=True)
    )
    shared = set(
        FamilyMembership.objects.filter(person_id__in=people)
        .exclude(family_id=family_id)
        .values_list("person_id", flat=True)
    )
    return people - shared


def plan(family_id: int) -> Plan:
    result = Plan(family_id=family_id)
    result.delete[Family].add(family_id)
    people = exclusive_people(family_id)
    result.delete[Person].update(people)
    queue: list[tuple[type[models.Model], set]] = [(Family, {family_id}), (Person, people)]
    # Rows reached only through a nullable key, waiting to see whether they belong.
    candidates: dict[tuple[type[models.Model], str], set] = defaultdict(set)

    while True:
        while queue:
            model, pks = queue.pop()
            for rel in _reverse_relations(model):
                related = _concrete(rel.related_model)
                label = related._meta.label_lower
                if label in KEPT_MODELS or not pks:
                    continue
                fk = rel.field
                found: set = set()
                for batch in _batches(pks):
                    found.update(
                        related._base_manager.filter(**{f"{fk.attname}__in": batch}).values_list(
                            "pk", flat=True
                        )
                    )
                found -= result.delete[related]
                if not found:
                    continue
                # A history event (`pgh_obj`) is a copy of its row: it always goes with it.
                if fk.null and label not in ALWAYS_OWNED and fk.name != "pgh_obj":
                    candidates[(related, fk.attname)].update(found)
                    continue
                result.delete[related].update(found)
                queue.append((related, found))
        # Candidates that turn out to belong to the record (another key of theirs points in).
        adopted = False
        for (related, attname), pks in list(candidates.items()):
            owned = _owned(related, pks - result.delete[related], result, skip=attname)
            if owned:
                result.delete[related].update(owned)
                queue.append((related, owned))
                adopted = True
        if not adopted:
            break

    for (related, attname), pks in candidates.items():
        left = pks - result.delete[related]
        if left:
            result.clear[(related, attname)].update(left)
    _refuse_other_families(result, people)
    return result


def _owned(related: type[models.Model], pks: set, result: Plan, *, skip: str) -> set:
    """Which of these rows have another foreign key pointing at a collected row."""
    if not pks:
        return set()
    fks = [
        f
        for f in related._meta.concrete_fields
        if f.is_relation and f.many_to_one or (f.is_relation and f.one_to_one)
    ]
    fks = [f for f in fks if f.attname != skip and _concrete(f.related_model) in result.delete]
    if not fks:
        return set()
    owned: set = set()
    names = [f.attname for f in fks]
    for batch in _batches(pks):
        for row in related._base_manager.filter(pk__in=batch).values_list("pk", *names):
            pk, values = row[0], row[1:]
            for f, value in zip(fks, values, strict=True):
                if value is not None and result.has(_concrete(f.related_model), value):
                    owned.add(pk)
                    break
    return owned


def _refuse_other_families(result: Plan, people: set[int]) -> None:
    from familyworkbook.cases.models import Case

    if result.delete[Family] != {result.family_id}:
        raise DestructionBlockedError("The record links to another family's record")
    if not result.delete[Person] <= people:
        raise DestructionBlockedError("The record links to a person in another family")
    cases = result.delete.get(Case, set())
    if cases and Case.objects.filter(pk__in=cases).exclude(family_id=result.family_id).exists():
        raise DestructionBlockedError("The record links to another family's case")


def execute(result: Plan) -> dict[str, int]:
    """Clear the dangling nullable keys, delete every collected row, and return counts per table.

    Call inside a transaction. History rows written by database triggers while the rows
    go (django-pghistory snapshots a deleted row) are swept up afterwards.
    """
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for (model, attname), pks in result.clear.items():
            for batch in _batches(pks):
                model._base_manager.filter(pk__in=batch).update(**{attname: None})
        counts: dict[str, int] = defaultdict(int)
        for model, pks in result.delete.items():
            table, pk_column = model._meta.db_table, model._meta.pk.column
            for batch in _batches(pks):
                marks = ", ".join(["%s"] * len(batch))
                cursor.execute(
                    f"DELETE FROM {qn(table)} WHERE {qn(pk_column)} IN ({marks})",  # noqa: S608 - names from _meta, values bound
                    batch,
                )
                counts[model._meta.label_lower] += cursor.rowcount
        for label, n in _sweep_history(result).items():
            counts[label] += n
    return {label: n for label, n in sorted(counts.items()) if n}


def _sweep_history(result: Plan) -> dict[str, int]:
    """Delete history event rows (a `pgh_obj` key, with no database constraint) about the record."""
    counts: dict[str, int] = {}
    for model in apps.get_models():
        try:
            obj = model._meta.get_field("pgh_obj")
        except Exception:  # noqa: BLE001, S112 - models without history have no such field
            continue
        target = _concrete(obj.related_model)
        pks = result.delete.get(target)
        if not pks:
            continue
        n = 0
        for batch in _batches(pks):
            n += model._base_manager.filter(**{f"{obj.attname}__in": batch})._raw_delete(
                connection.alias
            )
        if n:
            counts[model._meta.label_lower] = n
    return counts


def rows_of(family_id: int) -> dict[str, int]:
    """How many rows the record has per table now (what destruction would remove)."""
    return plan(family_id).counts()
