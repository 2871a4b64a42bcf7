"""Fillers for child protection conference reports (initial and review).

Assessment Framework domains come from the Workbook entries by chapter (the child
practitioner's and social worker's direct work with the children: developmental needs;
the adult specialists' summaries: parenting capacity; social work with the family:
family and environment). Views are the children's own words. The three columns are
seeded from the risk and need analysis; scaling from goal ratings (worker and family).
"""

from __future__ import annotations

from collections import defaultdict

from familyworkbook.documents.facts import Basis, Fact, FillContext, Filled, Source, Table, filler
from familyworkbook.documents.fillers.common import (
    about,
    d,
    entries,
    entry_source,
    in_window,
    memberships,
)
from familyworkbook.workbook.models import Chapter, EntryKind

DOMAINS = {
    "developmental": {Chapter.CHILD_PRACTITIONER},
    "capacity": {
        Chapter.DA_SURVIVOR,
        Chapter.DA_PERPETRATOR,
        Chapter.SUBSTANCE_MISUSE,
        Chapter.MENTAL_HEALTH,
        Chapter.PSYCHOLOGY,
        Chapter.INTENSIVE,
    },
    "environment": {Chapter.SOCIAL_WORK, Chapter.OTHER},
}
LIMIT = 12  # the most recent entries per domain (a conference report is short)


@filler("conference.domain")
def domain(ctx: FillContext) -> Filled:
    """What the entries in the window say about one Assessment Framework domain
    (`options: {domain: developmental | capacity | environment}`)."""
    name = ctx.options.get("domain", "developmental")
    chapters = DOMAINS.get(name, set())
    found = [e for e in entries(ctx) if e.chapter in chapters]
    if name == "developmental":
        found += [
            e
            for e in entries(ctx)
            if e.chapter == Chapter.SOCIAL_WORK
            and e.kind == EntryKind.DIRECT_WORK
            and e not in found
        ]
        found.sort(key=lambda e: (e.happened_on, e.pk))
    facts = []
    for e in found[-LIMIT:]:
        # Specialists' entries: only the summary they share with the team.
        text = (
            e.shared_summary if e.chapter in Chapter.specialist_chapters() else e.meaning_for_child
        )
        text = (text or e.meaning_for_child).strip()
        if text:
            facts.append(Fact(f"{d(e.happened_on)}: {text}", entry_source(e), about=about(e)))
    notes = [] if facts else ["Nothing is recorded for this area in this period."]
    if len(found) > LIMIT:
        notes.append(f"The {LIMIT} most recent of {len(found)} entries are shown.")
    return Filled(facts=facts, notes=notes)


@filler("conference.views")
def views(ctx: FillContext) -> Filled:
    """The children's own words recorded in the window."""
    facts = [
        Fact(
            f"{d(e.happened_on)}: \u201c{e.child_words.strip()}\u201d",
            entry_source(e),
            about=about(e),
        )
        for e in entries(ctx)
        if e.child_words.strip()
    ]
    return Filled(
        facts=facts[-LIMIT:],
        notes=[] if facts else ["No child's own words are recorded in this period."],
    )


@filler("conference.three_columns")
def three_columns(ctx: FillContext) -> Filled:
    """What we are worried about / what is working well / what needs to happen, from the
    current risk and need analysis."""
    from familyworkbook.workbook.models import RiskNeedItem
    from familyworkbook.workbook.models.risk import RiskNeedKind

    columns: dict[str, list[Fact]] = defaultdict(list)
    key = {
        RiskNeedKind.WORRY: "worry",
        RiskNeedKind.STRENGTH: "well",
        RiskNeedKind.PROTECTIVE: "well",
        RiskNeedKind.MUST_CHANGE: "change",
    }
    items = (
        RiskNeedItem.objects.filter(family=ctx.family, archived_at__isnull=True)
        .select_related("about", "created_by")
        .order_by("identified_on", "pk")
    )
    for item in items:
        src = Source(
            "workbook.RiskNeedItem",
            item.pk,
            item.identified_on,
            item.created_by.get_full_name() if item.created_by else "",
            Basis.RECORDED,
            f"Risk and need item {item.pk}",
            f"/workbook/family/{ctx.family.pk}/risk/",
        )
        columns[key[item.kind]].append(
            Fact(item.text, src, about=item.about.full_name if item.about_id else "")
        )
    table = Table(
        columns=["What we are worried about", "What is working well", "What needs to happen"],
        caption="Worries, what is working well and what needs to happen",
    )
    depth = max((len(v) for v in columns.values()), default=0)
    for i in range(depth):
        table.rows.append(
            [columns[k][i] if i < len(columns[k]) else "" for k in ("worry", "well", "change")]
        )
    notes = [] if depth else ["No risk and need analysis is recorded."]
    return Filled(tables=[table], notes=notes)


def _ratings(ctx: FillContext):
    from familyworkbook.workbook.models import Goal, GoalRating

    goals = list(
        Goal.objects.filter(family=ctx.family, archived_at__isnull=True)
        .select_related("person")
        .order_by("set_on", "pk")
    )
    ratings = defaultdict(list)
    for r in GoalRating.objects.filter(goal__in=goals).order_by("rated_on", "pk"):
        ratings[(r.goal_id, r.rated_by)].append(r)
    return goals, ratings


def _rating_fact(r, goal) -> Fact:
    return Fact(
        f"{r.score}/10 ({d(r.rated_on)})",
        Source(
            "workbook.GoalRating",
            r.pk,
            r.rated_on,
            "",
            Basis.RECORDED,
            f"Goal rating {r.pk}",
            f"/workbook/family/{goal.family_id}/goals/{goal.pk}/",
        ),
    )


@filler("conference.scaling")
def scaling(ctx: FillContext) -> Filled:
    """0 to 10 scaling: the latest worker and family rating of each goal, in the window."""
    goals, ratings = _ratings(ctx)
    table = Table(
        columns=["Goal", "Whose goal", "Worker's latest rating", "Family's latest rating"],
        caption="Scaling: 0 (no progress) to 10 (goal met)",
    )
    for g in goals:
        cells = []
        for who in ("worker", "family"):
            rs = [r for r in ratings[(g.pk, who)] if in_window(ctx, r.rated_on)]
            cells.append(_rating_fact(rs[-1], g) if rs else "Not rated")
        table.rows.append([g.title, g.person.full_name if g.person_id else "Family", *cells])
    return Filled(tables=[table], notes=[] if goals else ["No goals are recorded."])


@filler("conference.progress")
def progress(ctx: FillContext) -> Filled:
    """Progress against the plan since the last conference (the window): goal ratings,
    Cycle of Change stages, measures, and core group attendance."""
    from familyworkbook.measures.models import MeasureResponse
    from familyworkbook.workbook.models import ChangeStage

    tables = []
    goals, ratings = _ratings(ctx)
    gt = Table(columns=["Goal", "Rated by", "At the start", "Now", "Change"], caption="Goals")
    for g in goals:
        for who in ("worker", "family"):
            rs = [r for r in ratings[(g.pk, who)] if in_window(ctx, r.rated_on)]
            if not rs:
                continue
            first, last = rs[0], rs[-1]
            gt.rows.append(
                [
                    g.title,
                    who.title(),
                    _rating_fact(first, g),
                    _rating_fact(last, g),
                    f"{last.score - first.score:+d}",
                ]
            )
    tables.append(gt)
    ct = Table(columns=["Person", "Issue", "At the start", "Now"], caption="Cycle of Change")
    stages = defaultdict(list)
    for s in (
        ChangeStage.objects.filter(family=ctx.family)
        .select_related("person")
        .order_by("assessed_on", "pk")
    ):
        if in_window(ctx, s.assessed_on):
            stages[(s.person_id, s.issue)].append(s)
    for (_, _issue), rows in stages.items():
        first, last = rows[0], rows[-1]

        def f(s):
            return Fact(
                f"{s.get_stage_display()} ({d(s.assessed_on)})",
                Source(
                    "workbook.ChangeStage",
                    s.pk,
                    s.assessed_on,
                    "",
                    Basis.RECORDED,
                    f"Cycle of Change {s.pk}",
                    f"/workbook/family/{ctx.family.pk}/cycle-of-change/",
                ),
            )

        ct.rows.append(
            [
                first.person.full_name if first.person_id else "",
                first.get_issue_display(),
                f(first),
                f(last),
            ]
        )
    tables.append(ct)
    people = [m.person for m in memberships(ctx)]
    mt = Table(columns=["Person", "Questionnaire", "First", "Latest"], caption="Measures")
    series = defaultdict(list)
    for m in (
        MeasureResponse.objects.visible_to(ctx.user)
        .current()
        .filter(person__in=people)
        .select_related("person")
        .order_by("completed_on", "pk")
    ):
        if in_window(ctx, m.completed_on):
            series[(m.person_id, m.instrument, m.informant)].append(m)

    def score(m):
        total = next(
            (v for k, v in (m.scores or {}).items() if "total" in k and isinstance(v, int | float)),
            None,
        )
        text = (
            f"{total} ({d(m.completed_on)})"
            if total is not None
            else f"completed {d(m.completed_on)}"
        )
        return Fact(
            text,
            Source(
                "measures.MeasureResponse",
                m.pk,
                m.completed_on,
                "",
                Basis.RECORDED,
                f"Questionnaire {m.pk}",
                "",
            ),
        )

    for rows in series.values():
        mt.rows.append(
            [
                rows[0].person.full_name,
                f"{rows[0].get_instrument_display()} ({rows[0].get_informant_display()})",
                score(rows[0]),
                score(rows[-1]),
            ]
        )
    tables.append(mt)
    at = Table(
        columns=["Core group meeting", "Attended", "Did not attend"],
        caption="Core group attendance",
    )
    from familyworkbook.meetings.models import Meeting

    meetings = (
        Meeting.objects.visible_to(ctx.user)
        .filter(family=ctx.family, type__slug="core_group", held_on__isnull=False)
        .prefetch_related("attendances__person", "attendances__worker__user")
        .order_by("held_on", "pk")
    )
    for m in meetings:
        if not in_window(ctx, m.held_on):
            continue
        came, missed = [], []
        for a in m.attendances.all():
            who = a.person.full_name if a.person_id else (a.worker.name if a.worker_id else "")
            (came if a.attended else missed).append(who)
        src = Source("meetings.Meeting", m.pk, m.held_on, "", Basis.RECORDED, f"Meeting {m.pk}", "")
        at.rows.append(
            [Fact(f"Core group, {d(m.held_on)}", src), ", ".join(came), ", ".join(missed)]
        )
    tables.append(at)
    notes = []
    if not any(t.rows for t in tables):
        notes.append(
            "No goal ratings, Cycle of Change stages, measures or core groups are recorded in this period."
        )
    return Filled(tables=tables, notes=notes)
