"""Reads for the access pages: who has seen a record, the audit search, the subject access draft."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from familyworkbook import audit
from familyworkbook.access.models import BreakGlass, Consent, SharingRecord
from familyworkbook.audit.models import AuditEvent
from familyworkbook.cases.models import (
    Allocation,
    CareProceedings,
    Case,
    CinEpisode,
    LookedAfterEpisode,
    PreProceedings,
    Visit,
)
from familyworkbook.people.models import (
    Address,
    Family,
    FamilyMembership,
    Person,
    Registration,
    Relationship,
)
from familyworkbook.teams.models import Team, User

AUDIT_PAGE = 100


def audit_search(
    *, actor: str = "", target_type: str = "", target_id: str = "", verb: str = ""
) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.select_related("actor").order_by("-sequence")
    if actor:
        events = events.filter(actor__username=actor)
    if target_type:
        events = events.filter(target_type=target_type)
    if target_id:
        events = events.filter(target_id=target_id)
    if verb:
        events = events.filter(verb=verb)
    return events


def break_glass_to_review(user: User) -> QuerySet[BreakGlass]:
    """Emergency access to families of the manager's teams' cases, newest first."""
    teams = Team.objects.filter(
        posts__holder__user=user, posts__disestablished_on__isnull=True
    ).values("pk")
    families = Case.objects.filter(team__in=teams).values("family_id")
    return (
        BreakGlass.objects.filter(family__in=families, archived_at__isnull=True)
        .select_related("user", "family", "reviewed_by")
        .order_by("reviewed_at", "-started_at")
    )


@dataclass
class Item:
    """One thing held about the subject; `third_party` marks it for review before release."""

    heading: str
    lines: list[str]
    third_party: bool = False


@dataclass
class SubjectAccessDraft:
    person: Person
    sections: list[tuple[str, list[Item]]] = field(default_factory=list)

    @property
    def third_party_count(self) -> int:
        return sum(1 for _, items in self.sections for item in items if item.third_party)


def _fields(record: Any, names: list[str]) -> list[str]:
    lines = []
    for name in names:
        value = getattr(record, f"get_{name}_display", lambda n=name: getattr(record, n))()
        if value not in (None, "", []):
            lines.append(f"{record._meta.get_field(name).verbose_name}: {value}")
    return lines


def subject_access_draft(person: Person) -> SubjectAccessDraft:
    """Everything held about one person, with items that also concern others flagged.

    The subject's own addresses are theirs, protected or not; other people's details never
    appear except by name, flagged as third-party for the IG officer to review.
    """
    draft = SubjectAccessDraft(person=person)
    draft.sections.append(
        (
            "Personal details",
            [
                Item(
                    person.full_name,
                    _fields(
                        person,
                        [
                            "kind",
                            "first_name",
                            "last_name",
                            "known_as",
                            "date_of_birth",
                            "sex",
                            "ethnicity",
                            "upn",
                            "nhs_number",
                            "la_child_id",
                            "main_language",
                        ],
                    ),
                )
            ],
        )
    )
    draft.sections.append(
        (
            "Addresses",
            [
                Item(str(a), _fields(a, ["kind", "from_date", "to_date"]))
                for a in Address.objects.filter(person=person, archived_at__isnull=True)
            ],
        )
    )
    draft.sections.append(
        (
            "Schools and GP practices",
            [
                # A hidden child's school or GP is flagged for review before release.
                Item(str(r), _fields(r, ["kind", "from_date", "to_date"]), third_party=r.hidden)
                for r in Registration.objects.filter(person=person, archived_at__isnull=True)
            ],
        )
    )
    memberships = FamilyMembership.objects.filter(
        person=person, archived_at__isnull=True
    ).select_related("family")
    draft.sections.append(
        (
            "Families",
            [
                Item(m.family.name, _fields(m, ["kind", "started_on", "ended_on"]))
                for m in memberships
            ],
        )
    )
    draft.sections.append(
        (
            "Relationships (name other people for review)",
            [
                Item(
                    f"{r.get_kind_display()} of {r.other.full_name}",
                    _fields(r, ["started_on", "ended_on"]),
                    third_party=True,
                )
                for r in Relationship.objects.filter(
                    person=person, archived_at__isnull=True
                ).select_related("other")
            ],
        )
    )
    statutory: list[Item] = []
    for model, date_field in [
        (CinEpisode, "referral_on"),
        (LookedAfterEpisode, "started_on"),
        (PreProceedings, "started_on"),
        (CareProceedings, "issued_on"),
    ]:
        for record in model.objects.filter(child=person, archived_at__isnull=True):
            statutory.append(
                Item(str(model._meta.verbose_name).capitalize(), _fields(record, [date_field]))
            )
    draft.sections.append(("Statutory episodes and proceedings", statutory))
    draft.sections.append(
        (
            "Visits",
            [
                Item(str(v.visited_on), _fields(v, ["kind", "seen"]))
                for v in Visit.objects.filter(child=person, archived_at__isnull=True)
            ],
        )
    )
    families = memberships.values("family_id")
    draft.sections.append(
        (
            "Workers involved (professionals' names are not normally withheld)",
            [
                Item(str(a.worker.name), [a.get_role_display()])
                for a in Allocation.objects.filter(case__family__in=families).select_related(
                    "worker__user"
                )
            ],
        )
    )
    draft.sections.append(
        (
            "Sharing decisions about them or their family (review: may name third parties)",
            [
                Item(str(s), [s.what, s.purpose], third_party=s.person_id != person.pk)
                for s in SharingRecord.objects.filter(
                    Q(person=person) | Q(family__in=families, person__isnull=True)
                )
            ],
        )
    )
    draft.sections.append(
        (
            "Consents",
            [
                Item(str(c), _fields(c, ["withdrawn_on", "notes"]))
                for c in Consent.objects.filter(person=person)
            ],
        )
    )
    draft.sections.append(
        (
            "Who has seen their record",
            [
                Item(
                    row["actor_label"],
                    [f"{row['times_seen']} times, last {row['last_seen_at']:%d %b %Y}"],
                )
                for row in audit.who_has_seen(person)
            ],
        )
    )
    return draft


def families_of(person: Person) -> QuerySet[Family]:
    return Family.objects.filter(memberships__person=person).distinct()
