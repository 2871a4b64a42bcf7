"""Everything held about one person, as pack items, and the reads for the IG pages.

This extends the draft in `access.selectors.subject_access_draft` (people, addresses,
episodes, sharing, consents, who has seen) to the whole record: cases and plans, Workbook
entries, goals with their actions and ratings, risk and change work, interventions,
meetings, documents and measures. Each item carries a stable key so a rebuilt pack keeps
the reviewer's decisions.

Third party: an item is flagged when it names or concerns someone other than the subject
(other family members named, present or tagged; a family-level record; a meeting about the
family). Professionals acting in their role are not third parties (ICO guidance).
Protected details of OTHER people (another person's safe address, a hidden child's school)
are never in an item: they are not read, and any copy in free text is scrubbed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from familyworkbook import audit
from familyworkbook.access.models import Consent, SharingRecord
from familyworkbook.cases.models import (
    Allocation,
    Assessment,
    CareProceedings,
    Case,
    CinEpisode,
    CinPlan,
    CpPlan,
    LookedAfterEpisode,
    PreProceedings,
    Section47,
    Visit,
)
from familyworkbook.documents.models import Document
from familyworkbook.measures.models import MeasureResponse
from familyworkbook.meetings.models import Meeting
from familyworkbook.people.models import (
    Address,
    Family,
    FamilyMembership,
    Person,
    Registration,
    Relationship,
)
from familyworkbook.subject_access.models import OPEN_STATUSES, SubjectAccessRequest
from familyworkbook.workbook.models.change import ChangeStage, DecisionalBalance, ScalingAnswer
from familyworkbook.workbook.models.entries import Entry
from familyworkbook.workbook.models.goals import Goal, GoalAction, GoalRating
from familyworkbook.workbook.models.interventions import Intervention
from familyworkbook.workbook.models.risk import PriorityIssue, RiskNeedItem, ToxicTrioFlag

# Bookkeeping every record carries: not information about the person.
SKIP_FIELDS = {
    "id",
    "created_at",
    "created_by",
    "modified_at",
    "modified_by",
    "version",
    "archived_at",
    "inverse",
    "superseded_by",
    "supersedes",
    "responses",  # questionnaire item codes: the scores carry the meaning
    "recorded_at",
}

# The kinds of record a complete pack covers: the section names, in order.
SECTIONS = [
    "Personal details",
    "Addresses",
    "Schools and GP practices",
    "Families",
    "Relationships",
    "Cases and workers",
    "Statutory episodes, assessments and plans",
    "Visits",
    "Workbook entries",
    "Goals, actions and ratings",
    "Risk, need and change",
    "Interventions",
    "Meetings",
    "Documents",
    "Measures",
    "Sharing decisions",
    "Consents",
    "Who has seen their record",
]


@dataclass
class Item:
    key: str
    section: str
    heading: str
    lines: list[str] = field(default_factory=list)
    third_party: bool = False
    note: str = ""

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def _key(record: models.Model) -> str:
    return f"{record._meta.label_lower}:{record.pk}"


def describe(record: models.Model, *, skip: Iterable[str] = ()) -> list[str]:
    """'Field: value' for each field of the record that holds something."""
    lines = []
    skipped = SKIP_FIELDS | set(skip)
    for f in record._meta.concrete_fields:
        if f.name in skipped or f.primary_key:
            continue
        if f.is_relation:
            if getattr(record, f.attname) is None:
                continue
            value: Any = getattr(record, f.name)
        elif f.choices:
            value = getattr(record, f"get_{f.name}_display")()
        else:
            value = getattr(record, f.attname)
        if value in (None, "", [], {}) or value is False:
            continue
        if isinstance(value, bool):
            value = "Yes"
        elif isinstance(value, dt.datetime):
            value = f"{timezone.localtime(value):%-d %B %Y %H:%M}"
        elif isinstance(value, dt.date):
            value = f"{value:%-d %B %Y}"
        if hasattr(value, "full_name"):
            value = value.full_name
        elif isinstance(value, dict):
            value = ", ".join(f"{k}: {v}" for k, v in value.items())
        elif isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        lines.append(f"{str(f.verbose_name).capitalize()}: {value}")
    return lines


class _Names:
    """Spots other family members named in free text (first name or full name)."""

    def __init__(self, subject: Person, others: Iterable[Person]) -> None:
        names = set()
        for p in others:
            for name in {p.first_name, p.known_as, p.full_name}:
                if name and len(name) >= 2 and name.lower() != subject.first_name.lower():
                    names.add(name)
        self.pattern = (
            re.compile(
                r"(?<!\w)(" + "|".join(re.escape(n) for n in sorted(names, key=len)) + r")(?!\w)",
                re.IGNORECASE,
            )
            if names
            else None
        )

    def named(self, text: str) -> list[str]:
        if self.pattern is None:
            return []
        return sorted({m.group(0) for m in self.pattern.finditer(text or "")})


@dataclass
class Collector:
    subject: Person
    items: list[Item] = field(default_factory=list)

    def add(self, section: str, record: models.Model | None, heading: str, lines, **kw) -> Item:
        key = kw.pop("key", None) or _key(record)  # type: ignore[arg-type]
        item = Item(key=key, section=section, heading=heading, lines=list(lines), **kw)
        self.items.append(item)
        return item


def families_of(person: Person) -> QuerySet[Family]:
    return Family.objects.filter(
        memberships__person=person, memberships__archived_at__isnull=True
    ).distinct()


def collect(subject: Person) -> list[Item]:
    """Every item held about `subject`, third-party items flagged, others' protected details
    scrubbed. Reads everything: callers are information governance, behind the gate."""
    c = Collector(subject)
    families = list(families_of(subject))
    family_ids = [f.pk for f in families]
    others = list(
        Person.objects.filter(memberships__family__in=family_ids).exclude(pk=subject.pk).distinct()
    )
    names = _Names(subject, others)
    _people(c, subject, families)
    _cases(c, subject, family_ids)
    _workbook(c, subject, family_ids, names)
    _meetings(c, family_ids, names)
    _documents(c, subject, family_ids)
    _measures(c, subject)
    _access(c, subject, family_ids)
    _scrub_others_protected(c, subject, family_ids)
    return c.items


# --- Sections -------------------------------------------------------------------------------


def _people(c: Collector, subject: Person, families: list[Family]) -> None:
    c.add("Personal details", subject, subject.full_name, describe(subject))
    for a in Address.objects.filter(person=subject, archived_at__isnull=True):
        # Their own addresses are theirs, protected or not.
        c.add("Addresses", a, str(a), describe(a, skip=["person"]))
    for r in Registration.objects.filter(person=subject, archived_at__isnull=True):
        c.add(
            "Schools and GP practices",
            r,
            str(r),
            describe(r, skip=["person"]),
            third_party=r.hidden,
            note="A hidden child's school or GP: check it is safe to release" if r.hidden else "",
        )
    for m in FamilyMembership.objects.filter(
        person=subject, archived_at__isnull=True
    ).select_related("family"):
        c.add("Families", m, m.family.name, describe(m, skip=["person", "family"]))
    for r in Relationship.objects.filter(person=subject, archived_at__isnull=True).select_related(
        "other"
    ):
        c.add(
            "Relationships",
            r,
            f"{r.get_kind_display()} of {r.other.full_name}",
            describe(r, skip=["person", "other", "kind"]),
            third_party=True,
            note=f"Names {r.other.full_name}",
        )


def _cases(c: Collector, subject: Person, family_ids: list[int]) -> None:
    for case in Case.objects.filter(family__in=family_ids, archived_at__isnull=True).select_related(
        "team", "family"
    ):
        c.add(
            "Cases and workers",
            case,
            f"{case.family.name}: {case.team}",
            describe(case, skip=["family"]),
            third_party=True,
            note="A case with the whole family",
        )
    for a in Allocation.objects.filter(case__family__in=family_ids).select_related("worker__user"):
        # Professionals' names are not normally withheld.
        c.add("Cases and workers", a, str(a.worker.name), describe(a, skip=["case", "worker"]))
    section = "Statutory episodes, assessments and plans"
    episodes = CinEpisode.objects.filter(child=subject, archived_at__isnull=True)
    for model, lookup in [
        (CinEpisode, {"child": subject}),
        (Assessment, {"episode__in": episodes}),
        (Section47, {"episode__in": episodes}),
        (CinPlan, {"episode__in": episodes}),
        (CpPlan, {"episode__in": episodes}),
        (LookedAfterEpisode, {"child": subject}),
        (PreProceedings, {"child": subject}),
        (CareProceedings, {"child": subject}),
    ]:
        for record in model.objects.filter(archived_at__isnull=True, **lookup):
            c.add(
                section,
                record,
                str(model._meta.verbose_name).capitalize(),
                describe(record, skip=["child", "case", "episode"]),
            )
    for v in Visit.objects.filter(child=subject, archived_at__isnull=True).select_related(
        "by__user"
    ):
        c.add("Visits", v, f"Visit on {v.visited_on:%d %B %Y}", describe(v, skip=["child", "case"]))


ENTRY_TEXT = [
    "what_happened",
    "meaning_for_child",
    "what_needs_to_change",
    "what_happens_next",
    "child_words",
    "shared_summary",
]


def _workbook(c: Collector, subject: Person, family_ids: list[int], names: _Names) -> None:
    entries = (
        Entry.objects.filter(family__in=family_ids, archived_at__isnull=True)
        .select_related("author__user")
        .prefetch_related(
            Prefetch("tagged", queryset=Person.objects.only("pk", "first_name", "last_name")),
            Prefetch("present", queryset=Person.objects.only("pk", "first_name", "last_name")),
        )
        .order_by("happened_on", "pk")
    )
    for e in entries:
        tagged = {p.pk: p for p in e.tagged.all()}
        present = {p.pk: p for p in e.present.all()}
        lines = [
            f"{str(Entry._meta.get_field('chapter').verbose_name).capitalize()}: "
            f"{e.get_chapter_display()}"
        ]
        if e.author_id:
            lines.append(f"Written by: {e.author.name}")
        if present:
            lines.append(
                "Family members present: " + ", ".join(p.full_name for p in present.values())
            )
        if e.others_present:
            lines.append(f"Anyone else present: {e.others_present}")
        for name in ENTRY_TEXT:
            value = getattr(e, name)
            if value:
                lines.append(
                    f"{str(Entry._meta.get_field(name).verbose_name).capitalize()}: {value}"
                )
        if e.confidential_detail and subject.pk in tagged and len(tagged) == 1:
            # Health-confidential detail about this person alone is theirs.
            lines.append(f"Health-confidential detail: {e.confidential_detail}")
        people = (set(tagged) | set(present)) - {subject.pk}
        named = names.named("\n".join(lines[1:]))
        reasons = []
        if people:
            reasons.append("about or with other family members")
        if not tagged:
            reasons.append("about the whole family")
        if named:
            reasons.append("names " + ", ".join(named))
        c.add(
            "Workbook entries",
            e,
            f"{e.get_kind_display()} on {e.happened_on:%d %B %Y}"
            + (f": {e.headline}" if e.headline else ""),
            lines,
            third_party=bool(reasons),
            note="; ".join(reasons),
        )
    goals = (
        Goal.objects.filter(family__in=family_ids, archived_at__isnull=True)
        .filter(Q(person=subject) | Q(person__isnull=True))
        .prefetch_related(
            Prefetch("actions", queryset=GoalAction.objects.filter(archived_at__isnull=True)),
            Prefetch(
                "ratings",
                queryset=GoalRating.objects.select_related("rater_worker__user").order_by("pk"),
            ),
        )
    )
    for g in goals:
        lines = describe(g, skip=["family", "person"])
        for a in g.actions.all():
            lines.append(f"Action: {a.description} ({a.owner}, {a.get_status_display()})")
        for r in g.ratings.all():
            lines.append("Rating: " + "; ".join(describe(r, skip=["goal", "recorded_by"])))
        family_level = g.person_id is None
        named = names.named("\n".join(lines))
        c.add(
            "Goals, actions and ratings",
            g,
            g.title,
            lines,
            third_party=family_level or bool(named),
            note="; ".join(
                (["a goal for the whole family"] if family_level else [])
                + (["names " + ", ".join(named)] if named else [])
            ),
        )
    section = "Risk, need and change"
    for risk in RiskNeedItem.objects.filter(family__in=family_ids, archived_at__isnull=True).filter(
        Q(about=subject) | Q(about__isnull=True)
    ):
        c.add(
            section,
            risk,
            risk.get_kind_display(),
            describe(risk, skip=["family", "about"]),
            third_party=risk.about_id is None,
            note="about the whole family" if risk.about_id is None else "",
        )
    for issue in PriorityIssue.objects.filter(family__in=family_ids, archived_at__isnull=True):
        c.add(
            section,
            issue,
            issue.title,
            describe(issue, skip=["family"]),
            third_party=True,
            note="about the whole family",
        )
    for model in (ToxicTrioFlag, ChangeStage, DecisionalBalance, ScalingAnswer):
        rows = model.objects.filter(family__in=family_ids, person=subject).select_related()
        if any(f.name == "archived_at" for f in model._meta.get_fields()):
            rows = rows.filter(archived_at__isnull=True)
        for row in rows:
            lines = describe(row, skip=["family", "person"])
            named = names.named("\n".join(lines))
            c.add(
                section,
                row,
                str(model._meta.verbose_name).capitalize(),
                lines,
                third_party=bool(named),
                note=("names " + ", ".join(named)) if named else "",
            )
    for i in Intervention.objects.filter(
        family__in=family_ids, archived_at__isnull=True
    ).select_related("programme", "referred_by__user", "keyworker__user"):
        about_them = i.child_id == subject.pk
        c.add(
            "Interventions",
            i,
            str(i.programme),
            describe(i, skip=["family"]),
            third_party=not about_them,
            note="" if about_them else "about a child in the family",
        )


def _meetings(c: Collector, family_ids: list[int], names: _Names) -> None:
    meetings = (
        Meeting.objects.filter(family__in=family_ids, archived_at__isnull=True)
        .select_related("type", "chair__user")
        .prefetch_related("decisions", "contributions__author__user", "attendances__person")
    )
    for m in meetings:
        lines = describe(m, skip=["family", "case", "team", "previous", "signed_off_by", "type"])
        for a in m.attendances.all():
            if a.person_id:
                lines.append(f"Attendance: {a.person.full_name}: {a.get_status_display()}")
        for contribution in m.contributions.all():
            lines.append(f"Contribution from {contribution.author.name}: {contribution.text}")
        for d in m.decisions.all():
            lines.append(f"Decision: {d.text}")
        named = names.named("\n".join(lines))
        c.add(
            "Meetings",
            m,
            f"{m.type} on {m.starts_at:%d %B %Y}",
            lines,
            third_party=True,
            note="; ".join(
                ["a meeting about the family"] + (["names " + ", ".join(named)] if named else [])
            ),
        )


def _documents(c: Collector, subject: Person, family_ids: list[int]) -> None:
    documents = (
        Document.objects.filter(family__in=family_ids, archived_at__isnull=True)
        .filter(Q(child=subject) | Q(child__isnull=True))
        .select_related("author")
        .prefetch_related("written")
    )
    for d in documents:
        lines = describe(
            d, skip=["family", "case", "child", "subject_type", "subject_id", "schema_version"]
        )
        for w in d.written.all():
            if w.text and w.archived_at is None:
                lines.append(f"{w.key.replace('_', ' ').capitalize()}: {w.text}")
        about_them = d.child_id == subject.pk
        c.add(
            "Documents",
            d,
            d.title,
            lines,
            third_party=not about_them,
            note="" if about_them else "a document about the whole family",
        )


def _measures(c: Collector, subject: Person) -> None:
    for m in MeasureResponse.objects.current().filter(person=subject):
        c.add(
            "Measures",
            m,
            f"{m.get_instrument_display()} on {m.completed_on:%d %B %Y}",
            describe(m, skip=["person", "case", "scorer_version"]),
        )


def _access(c: Collector, subject: Person, family_ids: list[int]) -> None:
    for s in SharingRecord.objects.filter(
        Q(person=subject) | Q(family__in=family_ids, person__isnull=True), archived_at__isnull=True
    ).filter(internal=False):
        about_them = s.person_id == subject.pk
        c.add(
            "Sharing decisions",
            s,
            f"{s.get_decision_display()}: {s.recipient} ({s.decided_on:%d %B %Y})",
            [
                f"What: {s.what}",
                f"Why: {s.purpose}",
                f"Lawful basis: {s.get_lawful_basis_display()}",
            ],
            third_party=not about_them,
            note="" if about_them else "a sharing decision about the whole family",
        )
    for consent in Consent.objects.filter(person=subject):
        c.add("Consents", consent, str(consent), describe(consent, skip=["person"]))
    for row in audit.who_has_seen(subject):
        c.add(
            "Who has seen their record",
            None,
            row["actor_label"],
            [f"{row['times_seen']} times, last on {row['last_seen_at']:%d %B %Y}"],
            key=f"seen:{row['actor_id']}",
        )


WITHHELD = "[withheld]"


def others_protected_patterns(subject: Person, family_ids: list[int]) -> list[re.Pattern]:
    """A pattern for each protected value (a safe address, a hidden child's school or GP)
    of every OTHER member of the subject's families: the access policy's protection rules
    (baseline and those held in data) decide which rows and fields are protected."""
    from django.apps import apps

    from familyworkbook.access import policy
    from familyworkbook.access.models import ProtectionRule

    labels = {r.model_label for r in policy.BASELINE_RULES} | set(
        ProtectionRule.objects.filter(archived_at__isnull=True).values_list(
            "model_label", flat=True
        )
    )
    others = (
        FamilyMembership.objects.filter(family__in=family_ids)
        .exclude(person=subject)
        .values("person_id")
    )
    values: set[str] = set()
    for label in sorted(labels):
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue
        if not any(f.name == "person" for f in model._meta.get_fields()):
            continue
        for row in model._default_manager.filter(person__in=others):
            for name in policy.redacted_fields(row):
                value = str(getattr(row, name, "") or "").strip()
                if len(value) >= 3:
                    values.add(value)
                    if name == "postcode":
                        values.add(value.replace(" ", ""))
    return [
        re.compile(r"(?<!\w)" + re.escape(v).replace(r"\ ", r"\s*") + r"(?!\w)", re.IGNORECASE)
        for v in sorted(values, key=len, reverse=True)
    ]


def scrub(text: str, patterns: list[re.Pattern]) -> str:
    for p in patterns:
        text = p.sub(WITHHELD, text)
    return text


def _scrub_others_protected(c: Collector, subject: Person, family_ids: list[int]) -> None:
    """No other person's protected detail leaves in the pack, even typed into free text."""
    patterns = others_protected_patterns(subject, family_ids)
    if not patterns:
        return
    for item in c.items:
        item.heading = scrub(item.heading, patterns)
        item.lines = [scrub(line, patterns) for line in item.lines]


# --- The IG pages ---------------------------------------------------------------------------


def requests_for_list(*, show: str = "open") -> QuerySet[SubjectAccessRequest]:
    requests = SubjectAccessRequest.objects.filter(archived_at__isnull=True).select_related(
        "subject", "assigned_to"
    )
    if show == "open":
        requests = requests.filter(status__in=OPEN_STATUSES)
    return requests.order_by(models.F("due_on").asc(nulls_last=True), "received_on", "pk")


def sections_of(items: Iterable[Any]) -> Iterator[tuple[str, list[Any]]]:
    """Items grouped by section, in SECTIONS order (every section, even if empty)."""
    grouped: dict[str, list[Any]] = {s: [] for s in SECTIONS}
    for item in items:
        grouped.setdefault(item.section, []).append(item)
    yield from grouped.items()
