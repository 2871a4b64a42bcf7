"""Fillers for the end-of-intervention report (Supporting Change or another edge-of-care
intervention). The document's subject is the `workbook.Intervention`.

"At the start" means on or before the start date plus `BASELINE_DAYS` (the intake weeks,
when worries, goals and first measures are recorded); "at the end" means the latest record
up to the end date (or the planned end, while the intervention is still open). Missed
sessions are not recorded as such in the Workbook, so the report lists the weeks of the
intervention in which no session was recorded, and says that is what it shows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import replace

from django.utils.translation import gettext as _

from familyworkbook.documents.facts import Basis, Fact, FillContext, Filled, Table, filler
from familyworkbook.documents.fillers import parenting as p
from familyworkbook.documents.fillers.letters import intervention_source
from familyworkbook.documents.fillers.statement import meeting_source
from familyworkbook.measures.models import MeasureResponse
from familyworkbook.meetings.models import Meeting
from familyworkbook.workbook.models import (
    ChangeStage,
    Intervention,
    RatedBy,
    RiskNeedKind,
    StatusAtPoint,
)

BASELINE_DAYS = 14
AFTER_DAYS = 42  # a measure counts as "after" if completed in the last six weeks or just after


def intervention_of(ctx: FillContext) -> Intervention | None:
    """The intervention, if the generating user may see its family."""
    subject = ctx.subject
    if not isinstance(subject, Intervention):
        return None
    return (
        Intervention.objects.visible_to(ctx.user)
        .filter(pk=subject.pk)
        .select_related("child", "programme", "referred_by__user", "keyworker__user", "created_by")
        .first()
    )


def end_of(i: Intervention) -> dt.date:
    return i.ended_on or i.due_to_end_on


def window(ctx: FillContext, i: Intervention) -> FillContext:
    return replace(ctx, start=i.started_on, end=end_of(i))


def _missing(ctx: FillContext) -> Filled:
    return Filled(notes=[_("Choose the intervention this report is about.")])


@filler("intervention.referral")
def referral(ctx: FillContext) -> Filled:
    """Reason for referral, readiness for change, and the baseline worries and goals."""
    i = intervention_of(ctx)
    if i is None:
        return _missing(ctx)
    src = intervention_source(i)
    out = Filled()
    out.facts.append(
        Fact(
            text=_(
                "%(child)s was referred to %(programme)s (%(why)s) by %(by)s. It started on "
                "%(start)s, planned to end on %(end)s. Legal status at the start: %(status)s."
            )
            % {
                "child": i.child.full_name,
                "programme": i.programme.title,
                "why": i.get_eligibility_display().lower(),
                "by": p.worker_name(i.referred_by) or _("the social worker"),
                "start": p.day(i.started_on),
                "end": p.day(i.planned_end_on),
                "status": i.get_legal_status_at_start_display(),
            },
            source=src,
            about=i.child.full_name,
        )
    )
    out.facts.append(
        Fact(
            text=_("Readiness for change at intake: %(score)s (%(band)s).")
            % {"score": i.readiness_score, "band": i.readiness_band},
            source=src,
        )
    )
    if i.extended_to:
        out.facts.append(
            Fact(
                text=_("Extended to %(to)s, agreed by %(who)s: %(why)s")
                % {
                    "to": p.day(i.extended_to),
                    "who": i.extension_agreed_by,
                    "why": p.excerpt(i.extension_reason, 200),
                },
                source=replace(src, date=i.extension_agreed_on or i.started_on),
            )
        )
    baseline = i.started_on + dt.timedelta(days=BASELINE_DAYS)
    out.facts.extend(
        p.risk_fact(item)
        for item in p.risk_items(ctx, RiskNeedKind.WORRY).filter(identified_on__lte=baseline)
    )
    goals = [g for g in p.goals(ctx) if g.set_on <= baseline]
    if goals:
        table = Table(
            columns=[_("Whose goal"), _("Goal"), _("Set on")], caption=_("Goals at the start")
        )
        for g in goals:
            table.rows.append([g.person.full_name, g.title, p.day(g.set_on)])
        out.tables.append(table)
    return out


@filler("intervention.work")
def work(ctx: FillContext) -> Filled:
    """Modules and sessions, who attended, and the weeks with no recorded session."""
    i = intervention_of(ctx)
    if i is None:
        return _missing(ctx)
    wctx = window(ctx, i)
    rows = list(p.entries(wctx))
    out = Filled()
    by_module: dict[str, list] = defaultdict(list)
    for e in rows:
        title = e.module.title if e.module_id else _("Other contact")
        by_module[title].append(e)
    table = Table(
        columns=[_("Module"), _("Sessions"), _("First"), _("Latest"), _("Completed")],
        caption=_("Work offered"),
    )
    for module in i.programme.modules.order_by("number"):
        group = by_module.pop(module.title, [])
        table.rows.append(
            [
                module.title,
                str(len(group)),
                Fact(text=p.day(group[0].happened_on), source=p.entry_source(group[0]))
                if group
                else "–",
                Fact(text=p.day(group[-1].happened_on), source=p.entry_source(group[-1]))
                if group
                else "–",
                _("Yes") if any(e.completes_module for e in group) else _("No"),
            ]
        )
    for title, group in by_module.items():
        table.rows.append(
            [
                title,
                str(len(group)),
                Fact(text=p.day(group[0].happened_on), source=p.entry_source(group[0])),
                Fact(text=p.day(group[-1].happened_on), source=p.entry_source(group[-1])),
                "–",
            ]
        )
    out.tables.append(table)
    attendance = Table(
        columns=[_("Family member"), _("Sessions attended"), _("Of")],
        caption=_("Attendance"),
    )
    for person in p.visible_people(ctx):
        n = sum(1 for e in rows if person.pk in {x.pk for x in e.present.all()})
        attendance.rows.append([person.full_name, str(n), str(len(rows))])
    out.tables.append(attendance)
    weeks = max(1, ((end_of(i) - i.started_on).days // 7) + 1)
    held = {(e.happened_on - i.started_on).days // 7 + 1 for e in rows}
    gaps = [w for w in range(1, weeks + 1) if w not in held]
    if gaps:
        out.notes.append(
            _("No session is recorded in week(s) %(weeks)s of %(n)s.")
            % {"weeks": ", ".join(str(w) for w in gaps), "n": weeks}
        )
    else:
        out.notes.append(_("A session is recorded in every week of the intervention."))
    return out


@filler("intervention.goals")
def goals(ctx: FillContext) -> Filled:
    """Each goal's ratings at the start and at the end, by the worker and by the family."""
    i = intervention_of(ctx)
    if i is None:
        return _missing(ctx)
    wctx = window(ctx, i)
    table = Table(
        columns=[
            _("Whose goal"),
            _("Goal"),
            _("Worker: start"),
            _("Worker: end"),
            _("Family: start"),
            _("Family: end"),
            _("Change (worker / family)"),
        ],
        caption=_("Goals at the start and at the end"),
    )
    for goal in p.goals(wctx):
        rows = p.ratings_in(goal, wctx)
        w0, w1 = p.first_last(rows, RatedBy.WORKER)
        f0, f1 = p.first_last(rows, RatedBy.FAMILY_MEMBER)

        def change(a, b):  # noqa: ANN001, ANN202
            return f"{b.score - a.score:+d}" if a and b and a is not b else "–"

        table.rows.append(
            [
                goal.person.full_name,
                goal.title,
                p.rating_cell(w0),
                p.rating_cell(w1),
                p.rating_cell(f0),
                p.rating_cell(f1),
                f"{change(w0, w1)} / {change(f0, f1)}",
            ]
        )
    out = Filled(tables=[table] if table.rows else [])
    if not table.rows:
        out.notes.append(_("No goals were rated during the intervention."))
    return out


@filler("intervention.measures")
def measures(ctx: FillContext) -> Filled:
    """Standardised measures before and after, per person and questionnaire."""
    i = intervention_of(ctx)
    if i is None:
        return _missing(ctx)
    start, end = i.started_on, end_of(i)
    people = list(p.visible_people(ctx))
    records = list(
        MeasureResponse.objects.visible_to(ctx.user)
        .current()
        .filter(person__in=[x.pk for x in people])
        .filter(completed_on__lte=end + dt.timedelta(days=AFTER_DAYS))
        .select_related("person", "created_by")
        .order_by("completed_on", "pk")
    )
    series: dict[tuple, list[MeasureResponse]] = defaultdict(list)
    for r in records:
        series[(r.person_id, r.instrument, r.informant)].append(r)
    table = Table(
        columns=[_("Person"), _("Measure"), _("Completed by"), _("Before"), _("After")],
        caption=_("Measures before and after"),
    )
    for rows in series.values():
        before = [r for r in rows if r.completed_on <= start + dt.timedelta(days=BASELINE_DAYS)]
        after = [r for r in rows if r.completed_on >= end - dt.timedelta(days=AFTER_DAYS)]
        b = before[-1] if before else None
        a = after[-1] if after else None
        if a is not None and b is not None and a.pk == b.pk:
            a = None
        if a is None and b is None:
            continue
        table.rows.append(
            [
                rows[0].person.full_name,
                str(rows[0].info.short_name),
                rows[0].get_informant_display(),
                Fact(
                    text=f"{p.measure_text(b)}, {p.day(b.completed_on)}", source=p.measure_source(b)
                )
                if b
                else _("Not completed"),
                Fact(
                    text=f"{p.measure_text(a)}, {p.day(a.completed_on)}", source=p.measure_source(a)
                )
                if a
                else _("Not completed"),
            ]
        )
    out = Filled(tables=[table] if table.rows else [])
    if not table.rows:
        out.notes.append(_("No measures were completed before or after the intervention."))
    return out


@filler("intervention.motivation")
def motivation(ctx: FillContext) -> Filled:
    """Cycle of Change at the start and at the end, per adult and issue."""
    i = intervention_of(ctx)
    if i is None:
        return _missing(ctx)
    start, end = i.started_on + dt.timedelta(days=BASELINE_DAYS), end_of(i)
    rows = list(
        ChangeStage.objects.visible_to(ctx.user)
        .filter(family=ctx.family, assessed_on__lte=end)
        .select_related("person", "recorded_by")
        .order_by("person__pk", "issue", "assessed_on", "pk")
    )
    tracks: dict[tuple[int, str], list[ChangeStage]] = defaultdict(list)
    for row in rows:
        tracks[(row.person_id, row.issue)].append(row)
    table = Table(
        columns=[_("Adult"), _("Issue"), _("At the start"), _("At the end")],
        caption=_("Motivation to change (Cycle of Change)"),
    )
    for track in tracks.values():
        at_start = [r for r in track if r.assessed_on <= start]
        first = at_start[-1] if at_start else track[0]
        last = track[-1]
        table.rows.append(
            [
                first.person.full_name,
                first.get_issue_display(),
                Fact(
                    text=f"{first.get_stage_display()} ({p.day(first.assessed_on)})",
                    source=p.stage_fact(first).source,
                ),
                Fact(
                    text=f"{last.get_stage_display()} ({p.day(last.assessed_on)})",
                    source=p.stage_fact(last).source,
                )
                if last is not first
                else _("No later assessment"),
            ]
        )
    out = Filled(tables=[table] if table.rows else [])
    if not table.rows:
        out.notes.append(_("No Cycle of Change assessments are recorded."))
    return out


@filler("intervention.risk")
def risk(ctx: FillContext) -> Filled:
    """Risk then and now: group supervision RAG at the start and the end, legal status."""
    i = intervention_of(ctx)
    if i is None:
        return _missing(ctx)
    start, end = i.started_on, end_of(i)
    meetings = list(
        Meeting.objects.visible_to(ctx.user)
        .filter(family=ctx.family, type__records_rag=True, held_on__lte=end)
        .held()
        .exclude(rag="")
        .select_related("type", "chair__user")
        .order_by("held_on", "pk")
    )
    out = Filled()
    before = [m for m in meetings if m.held_on <= start + dt.timedelta(days=BASELINE_DAYS)]
    then = before[-1] if before else (meetings[0] if meetings else None)
    now = meetings[-1] if meetings else None
    table = Table(columns=[_("When"), _("RAG rating"), _("Why")], caption=_("Risk then and now"))
    for label, m in ((_("At the start"), then), (_("At the end"), now)):
        if m is None:
            table.rows.append([label, _("No rating recorded"), "–"])
        else:
            table.rows.append(
                [
                    label,
                    Fact(
                        text=f"{m.get_rag_display()} ({p.day(m.held_on)})", source=meeting_source(m)
                    ),
                    p.excerpt(m.rag_reason, 200) or "–",
                ]
            )
    out.tables.append(table)
    src = intervention_source(i)
    end_status = (
        StatusAtPoint(i.legal_status_at_end).label
        if i.legal_status_at_end
        else _("not recorded yet")
    )
    out.facts.append(
        Fact(
            text=_("Legal status at the start: %(a)s; at the end: %(b)s.")
            % {"a": i.get_legal_status_at_start_display(), "b": end_status},
            source=replace(src, date=i.ended_on or i.started_on),
            about=i.child.full_name,
        )
    )
    worries_now = p.risk_items(replace(ctx, end=end), RiskNeedKind.WORRY).filter(
        identified_on__gt=start + dt.timedelta(days=BASELINE_DAYS)
    )
    out.facts.extend(p.risk_fact(item) for item in worries_now)
    return out


@filler("intervention.views")
def views(ctx: FillContext) -> Filled:
    """The child's and the parents' words during the intervention."""
    i = intervention_of(ctx)
    if i is None:
        return _missing(ctx)
    wctx = window(ctx, i)
    out = Filled()
    for e in p.entries(wctx):
        if e.child_words.strip():
            tagged = [x for x in e.tagged.all() if x.kind in p.CHILD_KINDS]
            out.facts.append(p.child_words_fact(e, tagged[0] if len(tagged) == 1 else None))
    for goal in p.goals(wctx):
        for r in p.ratings_in(goal, wctx):
            if r.rated_by == RatedBy.FAMILY_MEMBER and r.note.strip():
                out.facts.append(
                    Fact(
                        text=_("%(who)s about “%(goal)s”: “%(note)s”")
                        % {
                            "who": goal.person.full_name,
                            "goal": goal.title,
                            "note": p.excerpt(r.note, 200),
                        },
                        source=p.rating_source(r),
                        about=goal.person.full_name,
                    )
                )
    if not out.facts:
        out.notes.append(_("No views are recorded for the period of the intervention."))
    return out


@filler("intervention.outcome")
def outcome(ctx: FillContext) -> Filled:
    """The outcome recorded when the intervention ended (or that it has not ended)."""
    i = intervention_of(ctx)
    if i is None:
        return _missing(ctx)
    if i.ended_on is None:
        return Filled(
            notes=[
                _("The intervention has not ended; it is due to end on %(d)s.")
                % {"d": p.day(i.due_to_end_on)}
            ]
        )
    facts = [
        Fact(
            text=_("Ended on %(d)s after %(w)s weeks: %(o)s.")
            % {"d": p.day(i.ended_on), "w": i.weeks, "o": i.get_outcome_display().lower()},
            source=replace(intervention_source(i), date=i.ended_on),
            about=i.child.full_name,
        )
    ]
    if i.outcome_notes.strip():
        facts.append(
            Fact(
                text=p.excerpt(i.outcome_notes, 600),
                source=replace(intervention_source(i), date=i.ended_on, basis=Basis.OBSERVED),
            )
        )
    return Filled(facts=facts)
