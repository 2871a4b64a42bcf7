"""Reads for the Workbook pages, each in a fixed number of queries whatever the family's size.

Every read starts from a record the view reached through `visible_to(user)`; nothing here
widens what a user may see.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Min, Prefetch, Q, QuerySet

from familyworkbook.cases.models import Allocation
from familyworkbook.people.models import Family, Person, PersonKind
from familyworkbook.workbook.models import (
    DEFAULT_PROGRAMME,
    ChangeStage,
    Chapter,
    Entry,
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


def members(family: Family) -> list[Person]:
    return list(
        Person.objects.filter(
            memberships__family=family,
            memberships__ended_on__isnull=True,
            memberships__archived_at__isnull=True,
            archived_at__isnull=True,
        ).order_by("kind", "date_of_birth", "pk")
    )


def entries_of(family: Family) -> QuerySet[Entry]:
    """Entries as list pages show them: author, module and tagged people loaded up front."""
    return (
        Entry.objects.filter(family=family, archived_at__isnull=True)
        .select_related("author__user", "module")
        .prefetch_related(Prefetch("tagged", queryset=Person.objects.order_by("pk")))
        .order_by("-happened_on", "-pk")
    )


# --- Programme progress --------------------------------------------------------------------


@dataclass
class ModuleProgress:
    number: int
    title: str
    focus: str
    sessions: int = 0
    completed: bool = False
    first_on: dt.date | None = None
    last_on: dt.date | None = None
    by: list[str] = field(default_factory=list)

    @property
    def started(self) -> bool:
        return self.sessions > 0


def programme_progress(family: Family, programme: Programme | None) -> list[ModuleProgress]:
    """Per module of the programme: sessions, first and last dates, completed, and by whom.

    Sessions recorded under an earlier version of the same programme count towards the
    module with the same slug, so a new version does not reset a family's progress.
    """
    if programme is None:
        return []
    modules = list(Module.objects.filter(programme=programme).order_by("number"))
    rows = {
        m.slug: ModuleProgress(number=m.number, title=m.title, focus=m.get_focus_display())
        for m in modules
    }
    entries = Entry.objects.filter(
        family=family, archived_at__isnull=True, module__programme__slug=programme.slug
    )
    for agg in entries.values("module__slug").annotate(
        sessions=Count("pk"),
        completed=Count("pk", filter=Q(completes_module=True)),
        first_on=Min("happened_on"),
        last_on=Max("happened_on"),
    ):
        row = rows.get(agg["module__slug"])
        if row:
            row.sessions = agg["sessions"]
            row.completed = agg["completed"] > 0
            row.first_on, row.last_on = agg["first_on"], agg["last_on"]
    authors = (
        entries.filter(author__isnull=False)
        .values("module__slug", "author__user__first_name", "author__user__last_name")
        .distinct()
        .order_by("module__slug", "author__user__first_name", "author__user__last_name")
    )
    for a in authors:
        row = rows.get(a["module__slug"])
        if row:
            row.by.append(f"{a['author__user__first_name']} {a['author__user__last_name']}".strip())
    return list(rows.values())


# --- Goals ---------------------------------------------------------------------------------


def goals_of(family: Family) -> list[Goal]:
    """Goals with `latest_worker` and `latest_family` ratings and their actions loaded."""
    goals = list(
        Goal.objects.filter(family=family, archived_at__isnull=True)
        .select_related("person")
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


def change_tracks(family: Family) -> list[ChangeTrack]:
    """One track per adult per issue, with its full history (latest last)."""
    grouped: dict[tuple[int, str], list[ChangeStage]] = defaultdict(list)
    for row in (
        ChangeStage.objects.filter(family=family)
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


def trio_flags(family: Family) -> list[ToxicTrioFlag]:
    return list(
        ToxicTrioFlag.objects.filter(family=family, archived_at__isnull=True)
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
    progress: list[ModuleProgress]
    chapters: list[ChapterSummary]
    recent: list[Entry]
    interventions: list[Intervention]
    entry_count: int

    @property
    def modules_started(self) -> int:
        return sum(1 for m in self.progress if m.started)

    @property
    def modules_completed(self) -> int:
        return sum(1 for m in self.progress if m.completed)


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


def workbook_home(family: Family) -> WorkbookHome:
    programme = Programme.objects.latest_of(DEFAULT_PROGRAMME)
    chapters = chapters_of(family)
    return WorkbookHome(
        members=members(family),
        involved=list(
            Allocation.objects.current()
            .filter(case__family=family, case__closed_on__isnull=True)
            .select_related("worker__user", "case__team")
            .order_by("-is_lead", "started_on", "pk")
        ),
        priorities=priority_issues(family, open_only=True),
        goals=goals_of(family),
        tracks=change_tracks(family),
        flags=[f for f in trio_flags(family) if f.ended_on is None],
        programme=programme,
        progress=programme_progress(family, programme),
        chapters=chapters,
        recent=list(entries_of(family)[:RECENT_ENTRIES]),
        interventions=list(
            Intervention.objects.filter(family=family, archived_at__isnull=True)
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
