"""Reads for the Workbook pages, each in a fixed number of queries whatever the family's size.

Every read starts from a record the view reached through `visible_to(user)`; nothing here
widens what a user may see.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, Max, Min, OuterRef, Prefetch, Q, QuerySet

from familyworkbook.cases.models import Allocation
from familyworkbook.people.models import Family, Person, PersonKind
from familyworkbook.workbook.models import (
    DEFAULT_PROGRAMME,
    ChangeStage,
    Chapter,
    Entry,
    EntryKind,
    Goal,
    GoalAction,
    GoalRating,
    Intervention,
    Module,
    PriorityIssue,
    Programme,
    RatedBy,
    RiskNeedItem,
    RiskNeedKind,
    ToxicTrioFlag,
)

RECENT_ENTRIES = 10
CHILD_KINDS = (PersonKind.CHILD, PersonKind.UNBORN)


def members(family: Family, user: Any = None) -> list[Person]:
    """The family's current members; with `user`, only those the access policy lets them
    see (a restricted record is left out here as on the family page, issue 22)."""
    return list(
        visible_people(user)
        .filter(
            memberships__family=family,
            memberships__ended_on__isnull=True,
            memberships__archived_at__isnull=True,
            archived_at__isnull=True,
        )
        .order_by("kind", "date_of_birth", "pk")
    )


def visible_people(user: Any = None) -> QuerySet[Person]:
    """People the access policy lets `user` see (everyone when no user is given: the
    documents and returns that read these selectors decide access themselves)."""
    return Person.objects.visible_to(user) if user is not None else Person.objects.all()


def about_visible(rows: QuerySet[Any], user: Any, field: str = "person") -> QuerySet[Any]:
    """Leave out rows about a person `user` may not see (a restricted record): their
    episodes, plans and Workbook records are reached through them, so hidden too."""
    if user is None:
        return rows
    return rows.filter(**{f"{field}__in": visible_people(user).values("pk")})


def entries_of(family: Family, user: Any = None) -> QuerySet[Entry]:
    """Entries as list pages show them: author, module and tagged people loaded up front.

    With `user`, the tagged people are only those they may see, and an entry tagged only
    with people they may not see (a restricted child) is left out."""
    rows = Entry.objects.filter(family=family, archived_at__isnull=True)
    tagged = Person.objects.order_by("pk")
    if user is not None:
        visible = visible_people(user).values("pk")
        through = Entry.tagged.through
        rows = rows.filter(
            ~Exists(through.objects.filter(entry=OuterRef("pk")))
            | Exists(through.objects.filter(entry=OuterRef("pk"), person__in=visible))
        )
        tagged = tagged.filter(pk__in=visible)
    return (
        rows.select_related("author__user", "module")
        .prefetch_related(Prefetch("tagged", queryset=tagged))
        .order_by("-happened_on", "-pk")
    )


# --- Programme progress --------------------------------------------------------------------
#
# One truth for "how far is this family through the programme": the Workbook overview, the
# add-entry form's default module, the fidelity monitor and its drill-down, and the evaluation
# extract all read it from here, so no two pages can count it differently.

# Kinds of contact that are programme sessions: one recorded without a module is counted as
# "not recorded against a module", never silently dropped.
PROGRAMME_SESSION_KINDS = (EntryKind.SESSION, EntryKind.GROUP)


@dataclass
class ModuleProgress:
    number: int
    title: str
    focus: str
    module_id: int | None = None
    slug: str = ""
    sessions: int = 0
    completed: bool = False
    first_on: dt.date | None = None
    last_on: dt.date | None = None
    by: list[str] = field(default_factory=list)

    @property
    def started(self) -> bool:
        return self.sessions > 0


@dataclass
class FamilyProgress:
    """One family's progress through one programme (the latest version of it)."""

    modules: list[ModuleProgress]
    unassigned: int = 0  # sessions (kind session or group) recorded without a module

    @property
    def total(self) -> int:
        return len(self.modules)

    @property
    def started(self) -> int:
        return sum(1 for m in self.modules if m.started)

    @property
    def completed(self) -> int:
        return sum(1 for m in self.modules if m.completed)

    @property
    def sessions(self) -> int:
        return sum(m.sessions for m in self.modules)

    @property
    def in_progress(self) -> ModuleProgress | None:
        """The module the family is working on: the first started and not completed, else the
        first not started yet; None once every module is completed."""
        return next((m for m in self.modules if m.started and not m.completed), None) or next(
            (m for m in self.modules if not m.completed), None
        )


def _modules_of(programme: Programme) -> list[Module]:
    return list(Module.objects.filter(programme=programme).order_by("number"))


def programme_sessions(
    programme: Programme, *, until: dt.date | None = None, modules: list[Module] | None = None
) -> QuerySet[Entry]:
    """The entries that count towards a family's progress in `programme`: not archived, on a
    module of the programme, by `until` when given. Sessions recorded under an earlier version
    count towards the module with the same slug, so a new version does not reset progress.

    The one rule: `programme_progress_by_family` aggregates it, and the fidelity monitor uses
    it as an EXISTS ("at least one module started") when it counts a whole council."""
    slugs = [m.slug for m in (modules if modules is not None else _modules_of(programme))]
    entries = Entry.objects.filter(
        archived_at__isnull=True,
        module__programme__slug=programme.slug,
        module__slug__in=slugs,
    )
    if until is not None:
        entries = entries.filter(happened_on__lte=until)
    return entries


def unassigned_sessions(*, until: dt.date | None = None) -> QuerySet[Entry]:
    """Programme-kind sessions recorded without a module (before the form asked for one)."""
    entries = Entry.objects.filter(
        archived_at__isnull=True, module__isnull=True, kind__in=PROGRAMME_SESSION_KINDS
    )
    if until is not None:
        entries = entries.filter(happened_on__lte=until)
    return entries


def programme_progress_by_family(
    families: Any,
    programme: Programme | None,
    *,
    until: dt.date | None = None,
    with_authors: bool = False,
) -> dict[int, FamilyProgress]:
    """Progress of each family in `families` (ids, or a queryset of families or ids): per
    module its sessions, first and last dates, completed, and (`with_authors`) by whom.

    A fixed number of queries whatever the number of families; every family asked about is in
    the answer, with nothing started if it has no sessions."""
    if isinstance(families, QuerySet):
        families = families.values_list("pk", flat=True) if families.model is Family else families
    ids = [getattr(f, "pk", f) for f in families]
    if programme is None:
        return {pk: FamilyProgress(modules=[]) for pk in ids}
    modules = _modules_of(programme)

    def blank() -> FamilyProgress:
        return FamilyProgress(
            modules=[
                ModuleProgress(
                    number=m.number,
                    title=m.title,
                    focus=m.get_focus_display(),
                    module_id=m.pk,
                    slug=m.slug,
                )
                for m in modules
            ]
        )

    out = {pk: blank() for pk in ids}
    index = {m.slug: i for i, m in enumerate(modules)}
    entries = programme_sessions(programme, until=until, modules=modules).filter(family_id__in=ids)
    for agg in (
        entries.values("family_id", "module__slug")
        .annotate(
            sessions=Count("pk"),
            completed=Count("pk", filter=Q(completes_module=True)),
            first_on=Min("happened_on"),
            last_on=Max("happened_on"),
        )
        .order_by()
    ):
        row = out[agg["family_id"]].modules[index[agg["module__slug"]]]
        row.sessions = agg["sessions"]
        row.completed = agg["completed"] > 0
        row.first_on, row.last_on = agg["first_on"], agg["last_on"]
    for agg in (
        unassigned_sessions(until=until)
        .filter(family_id__in=ids)
        .values("family_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        out[agg["family_id"]].unassigned = agg["n"]
    if with_authors:
        for a in (
            entries.filter(author__isnull=False)
            .values(
                "family_id", "module__slug", "author__user__first_name", "author__user__last_name"
            )
            .distinct()
            .order_by(
                "family_id", "module__slug", "author__user__first_name", "author__user__last_name"
            )
        ):
            row = out[a["family_id"]].modules[index[a["module__slug"]]]
            row.by.append(f"{a['author__user__first_name']} {a['author__user__last_name']}".strip())
    return out


def family_progress(family: Family, programme: Programme | None = None) -> FamilyProgress:
    """One family's progress in the default programme (or `programme`), authors included."""
    if programme is None:
        programme = Programme.objects.latest_of(DEFAULT_PROGRAMME)
    return programme_progress_by_family([family.pk], programme, with_authors=True)[family.pk]


def programme_progress(family: Family, programme: Programme | None) -> list[ModuleProgress]:
    """Per module of the programme: sessions, first and last dates, completed, and by whom."""
    if programme is None:
        return []
    return family_progress(family, programme).modules


# --- Goals ---------------------------------------------------------------------------------


def goals_of(family: Family, user: Any = None) -> list[Goal]:
    """Goals with `latest_worker` and `latest_family` ratings and their actions loaded; with
    `user`, not the goals of a member whose record they may not see (issue 22)."""
    rows = Goal.objects.filter(family=family, archived_at__isnull=True)
    rows = about_visible(rows, user)
    goals = list(
        rows.select_related("person")
        .prefetch_related(
            Prefetch("ratings", queryset=GoalRating.objects.order_by("rated_on", "pk")),
            Prefetch(
                "actions",
                queryset=GoalAction.objects.filter(archived_at__isnull=True).order_by(
                    "due_on", "pk"
                ),
            ),
        )
        .order_by("person__kind", "person__date_of_birth", "set_on", "pk")
    )
    for goal in goals:
        ratings = list(goal.ratings.all())
        goal.latest_worker = next(  # type: ignore[attr-defined]
            (r for r in reversed(ratings) if r.rated_by == RatedBy.WORKER), None
        )
        goal.latest_family = next(  # type: ignore[attr-defined]
            (r for r in reversed(ratings) if r.rated_by == RatedBy.FAMILY_MEMBER), None
        )
    return goals


# --- Cycle of Change -----------------------------------------------------------------------


@dataclass
class ChangeTrack:
    person: Person
    issue_label: str
    history: list[ChangeStage]

    @property
    def current(self) -> ChangeStage:
        return self.history[-1]


def change_tracks(family: Family, user: Any = None) -> list[ChangeTrack]:
    """One track per adult per issue, with its full history (latest last); with `user`,
    only of people they may see."""
    grouped: dict[tuple[int, str], list[ChangeStage]] = defaultdict(list)
    for row in (
        about_visible(ChangeStage.objects.filter(family=family), user)
        .select_related("person", "recorded_by")
        .order_by("person__pk", "issue", "assessed_on", "pk")
    ):
        grouped[(row.person_id, row.issue)].append(row)
    return [
        ChangeTrack(person=rows[0].person, issue_label=rows[0].get_issue_display(), history=rows)
        for rows in grouped.values()
    ]


# --- Risk and need -------------------------------------------------------------------------


@dataclass
class RiskNeedGroup:
    about: Person | None
    by_kind: list[tuple[str, list[RiskNeedItem]]]


def risk_need(family: Family) -> list[RiskNeedGroup]:
    """The analysis for the whole family first, then per child, in the four headings."""
    items = list(
        RiskNeedItem.objects.filter(family=family, archived_at__isnull=True)
        .select_related("about")
        .order_by("identified_on", "pk")
    )
    abouts: dict[int | None, Person | None] = {None: None}
    for item in items:
        if item.about_id is not None:
            abouts.setdefault(item.about_id, item.about)
    groups = []
    for key, person in abouts.items():
        mine = [i for i in items if i.about_id == key]
        groups.append(
            RiskNeedGroup(
                about=person,
                by_kind=[
                    (str(label), [i for i in mine if i.kind == kind])
                    for kind, label in RiskNeedKind.choices
                ],
            )
        )
    return groups


def trio_flags(family: Family, user: Any = None) -> list[ToxicTrioFlag]:
    """Toxic-trio flags; with `user`, only those about people they may see."""
    return list(
        about_visible(ToxicTrioFlag.objects.filter(family=family, archived_at__isnull=True), user)
        .select_related("person", "specialist__user")
        .order_by("ended_on", "person__pk", "issue")
    )


def priority_issues(family: Family, *, open_only: bool = False) -> list[PriorityIssue]:
    issues = PriorityIssue.objects.filter(family=family, archived_at__isnull=True)
    if open_only:
        issues = issues.filter(resolved_on__isnull=True)
    return list(issues.order_by("resolved_on", "rank", "identified_on", "pk"))


# --- The Workbook home ---------------------------------------------------------------------


@dataclass
class ChapterSummary:
    key: str
    label: str
    entries: int
    last_on: dt.date | None


@dataclass
class WorkbookHome:
    members: list[Person]
    involved: list[Allocation]
    priorities: list[PriorityIssue]
    goals: list[Goal]
    tracks: list[ChangeTrack]
    flags: list[ToxicTrioFlag]
    programme: Programme | None
    programme_progress: FamilyProgress
    supervision: Any  # the latest signed-off group case supervision (meetings.Meeting) or None
    chapters: list[ChapterSummary]
    recent: list[Entry]
    interventions: list[Intervention]
    entry_count: int

    @property
    def progress(self) -> list[ModuleProgress]:
        return self.programme_progress.modules

    @property
    def modules_started(self) -> int:
        return self.programme_progress.started

    @property
    def modules_completed(self) -> int:
        return self.programme_progress.completed


def chapters_of(family: Family) -> list[ChapterSummary]:
    counts = {
        row["chapter"]: row
        for row in Entry.objects.filter(family=family, archived_at__isnull=True)
        .values("chapter")
        .annotate(n=Count("pk"), last_on=Max("happened_on"))
        .order_by()
    }
    return [
        ChapterSummary(
            key=key,
            label=str(label),
            entries=counts.get(key, {}).get("n", 0),
            last_on=counts.get(key, {}).get("last_on"),
        )
        for key, label in Chapter.choices
    ]


def workbook_home(family: Family, user: Any = None) -> WorkbookHome:
    # Meetings depend on the Workbook (goal ratings); read its selector late, not at import.
    from familyworkbook.meetings.selectors import latest_signed_off_supervision

    programme = Programme.objects.latest_of(DEFAULT_PROGRAMME)
    chapters = chapters_of(family)
    return WorkbookHome(
        members=members(family, user),
        involved=list(
            Allocation.objects.current()
            .filter(case__family=family, case__closed_on__isnull=True)
            .select_related("worker__user", "case__team")
            .order_by("-is_lead", "started_on", "pk")
        ),
        priorities=priority_issues(family, open_only=True),
        goals=goals_of(family, user),
        tracks=change_tracks(family, user),
        flags=[f for f in trio_flags(family, user) if f.ended_on is None],
        programme=programme,
        programme_progress=family_progress(family, programme)
        if programme
        else FamilyProgress(modules=[]),
        supervision=latest_signed_off_supervision(family),
        chapters=chapters,
        recent=list(entries_of(family, user)[:RECENT_ENTRIES]),
        interventions=list(
            about_visible(
                Intervention.objects.filter(family=family, archived_at__isnull=True),
                user,
                field="child",
            )
            .select_related("child", "keyworker__user", "programme")
            .order_by("-started_on")
        ),
        entry_count=sum(c.entries for c in chapters),
    )


def chart_series(goal: Goal) -> dict[str, Any]:
    """The goal's ratings as two series (worker, family member) for the chart and table."""
    ratings = list(goal.ratings.all())
    return {
        "worker": [(r.rated_on, r.score) for r in ratings if r.rated_by == RatedBy.WORKER],
        "family": [(r.rated_on, r.score) for r in ratings if r.rated_by == RatedBy.FAMILY_MEMBER],
        "rows": ratings,
    }
