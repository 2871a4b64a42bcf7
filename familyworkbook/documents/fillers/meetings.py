"""Fillers for meeting records (group case supervision and other meetings) in the document
engine, so a meeting has a printable record and a PDF. The subject is the `meetings.Meeting`;
every section is filled: the record was written in the meetings app and signed off there.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from familyworkbook.documents.facts import Basis, Fact, FillContext, Filled, Source, Table, filler
from familyworkbook.documents.fillers import parenting as p
from familyworkbook.documents.fillers.statement import meeting_source
from familyworkbook.meetings.models import ATTENDED, AttendanceStatus, Meeting
from familyworkbook.people.models import Person
from familyworkbook.workbook.models import ChangeStage, GoalRating


def meeting_of(ctx: FillContext) -> Meeting | None:
    subject = ctx.subject
    if not isinstance(subject, Meeting):
        return None
    return (
        Meeting.objects.visible_to(ctx.user)
        .filter(pk=subject.pk)
        .select_related(
            "type", "family", "case__team", "team", "chair__user", "signed_off_by__user", "previous"
        )
        .first()
    )


def _missing() -> Filled:
    return Filled(notes=[_("Choose the meeting this record is about.")])


def _part(
    m: Meeting, model: str, pk: int, label: str, author: str = "", basis: str = Basis.RECORDED
) -> Source:
    return Source(
        model=model,
        pk=pk,
        date=m.held_on or m.starts_at.date(),
        author=author or p.worker_name(m.chair),
        basis=basis,
        label=label,
        url=m.get_absolute_url(),
    )


@filler("meeting.details")
def details(ctx: FillContext) -> Filled:
    m = meeting_of(ctx)
    if m is None:
        return _missing()
    src = meeting_source(m)
    rows = [
        [_("Meeting"), str(m.type.name)],
        [_("Date"), p.day(m.held_on or m.starts_at.date())],
        [_("Time"), m.starts_at.strftime("%H:%M")],
        [_("Length"), _("%(n)s minutes") % {"n": m.duration_minutes}],
        [_("Chair"), Fact(text=p.worker_name(m.chair), source=src)],
    ]
    if m.location:
        rows.append([_("Where"), m.location])
    if m.family_id:
        rows.append([_("Family"), str(m.family)])
    if m.case_id:
        rows.append([_("Team"), m.case.team.name])
    rows.append([_("Status"), str(m.get_status_display())])
    if m.signed_off_at:
        rows.append(
            [
                _("Signed off"),
                _("%(who)s on %(d)s")
                % {"who": p.worker_name(m.signed_off_by), "d": p.day(m.signed_off_at.date())},
            ]
        )
    out = Filled(tables=[Table(columns=[_("Detail"), _("")], rows=rows, caption=_("The meeting"))])
    if not m.is_signed_off:
        out.notes.append(_("This record has not been signed off by the chair."))
    return out


@filler("meeting.attendance")
def attendance(ctx: FillContext) -> Filled:
    """Who attended, sent apologies or did not attend, by discipline."""
    m = meeting_of(ctx)
    if m is None:
        return _missing()
    visible = set(Person.objects.visible_to(ctx.user).values_list("pk", flat=True))
    authors = {c.author_id for c in m.contributions.filter(archived_at__isnull=True)}
    table = Table(
        columns=[_("Name"), _("Discipline"), _("Attendance"), _("Written contribution")],
        caption=_("Attendance and apologies"),
    )
    rows = m.attendances.filter(archived_at__isnull=True).select_related("worker__user", "person")
    order = {
        s: i
        for i, s in enumerate(
            [*ATTENDED, AttendanceStatus.APOLOGY, AttendanceStatus.ABSENT, AttendanceStatus.INVITED]
        )
    }
    for a in sorted(rows, key=lambda a: (order.get(a.status, 9), a.discipline, a.pk)):
        if a.person_id and a.person_id not in visible:
            continue
        who = a.worker.name if a.worker_id else a.person.full_name
        discipline = a.get_discipline_display() if a.discipline else _("Family member")
        table.rows.append(
            [
                who,
                str(discipline),
                Fact(
                    text=str(a.get_status_display()),
                    source=_part(
                        m, "meetings.Attendance", a.pk, _("Attendance %(id)s") % {"id": a.pk}
                    ),
                ),
                _("Yes") if a.worker_id and a.worker_id in authors else "–",
            ]
        )
    return Filled(tables=[table])


@filler("meeting.contributions")
def contributions(ctx: FillContext) -> Filled:
    m = meeting_of(ctx)
    if m is None:
        return _missing()
    out = Filled()
    for c in m.contributions.filter(archived_at__isnull=True).select_related("author__user"):
        out.facts.append(
            Fact(
                text=f"{c.author.name} ({c.get_chapter_display()}): {c.text}",
                source=Source(
                    model="meetings.Contribution",
                    pk=c.pk,
                    date=c.created_at.date(),
                    author=c.author.name,
                    basis=Basis.OBSERVED,
                    label=_("Contribution %(id)s") % {"id": c.pk},
                    url=m.get_absolute_url(),
                ),
            )
        )
    if not out.facts:
        out.notes.append(_("No written contributions."))
    return out


@filler("meeting.discussion")
def discussion(ctx: FillContext) -> Filled:
    """What is working well, the worries and the child's voice, as recorded."""
    m = meeting_of(ctx)
    if m is None:
        return _missing()
    out = Filled()
    for label, text, basis in (
        (_("What is working well"), m.working_well, Basis.RECORDED),
        (_("What we are worried about"), m.worries, Basis.RECORDED),
        (_("The child's voice"), m.childs_voice, Basis.REPORTED),
    ):
        if text.strip():
            out.facts.append(
                Fact(
                    text=f"{label}: {text}",
                    source=_part(
                        m,
                        "meetings.Meeting",
                        m.pk,
                        _("Meeting record %(id)s") % {"id": m.pk},
                        basis=basis,
                    ),
                )
            )
    return out


@filler("meeting.ratings")
def ratings(ctx: FillContext) -> Filled:
    """Goals and ratings since the last meeting of this kind."""
    m = meeting_of(ctx)
    if m is None or m.family_id is None:
        return _missing() if m is None else Filled()
    since = m.previous.held_on if m.previous_id and m.previous and m.previous.held_on else None
    until = m.held_on or m.starts_at.date()
    qs = (
        GoalRating.objects.filter(
            goal__family=m.family,
            goal__archived_at__isnull=True,
            goal__person__in=Person.objects.visible_to(ctx.user),
            rated_on__lte=until,
        )
        .select_related("goal__person", "rater_worker__user", "recorded_by")
        .order_by("goal__pk", "rated_on", "pk")
    )
    if since:
        qs = qs.filter(rated_on__gt=since)
    table = Table(
        columns=[_("Whose goal"), _("Goal"), _("Rated by"), _("Rating"), _("Date")],
        caption=_("Goal ratings since the last meeting") if since else _("Goal ratings"),
    )
    for r in qs:
        table.rows.append(
            [
                r.goal.person.full_name,
                r.goal.title,
                str(r.get_rated_by_display()),
                Fact(text=f"{r.score}/10", source=p.rating_source(r)),
                p.day(r.rated_on),
            ]
        )
    out = Filled(tables=[table] if table.rows else [])
    if not table.rows:
        out.notes.append(_("No goals were rated since the last meeting."))
    return out


@filler("meeting.rag")
def rag(ctx: FillContext) -> Filled:
    m = meeting_of(ctx)
    if m is None:
        return _missing()
    if not m.type.records_rag:
        return Filled(notes=[_("This kind of meeting does not record a RAG rating.")])
    out = Filled()
    if m.rag:
        out.facts.append(
            Fact(
                text=_("RAG rating: %(rag)s. %(why)s")
                % {"rag": m.get_rag_display(), "why": m.rag_reason},
                source=meeting_source(m),
            )
        )
    prev = m.previous
    if prev and prev.rag:
        out.facts.append(
            Fact(
                text=_("At the previous meeting (%(d)s): %(rag)s.")
                % {"d": p.day(prev.held_on), "rag": prev.get_rag_display()},
                source=meeting_source(prev),
            )
        )
    elif prev is None:
        out.notes.append(_("This is the first meeting of its kind for the family."))
    return out


@filler("meeting.cycle_of_change")
def cycle_of_change(ctx: FillContext) -> Filled:
    m = meeting_of(ctx)
    if m is None or not m.family_id or not m.held_on:
        return Filled()
    rows = (
        ChangeStage.objects.visible_to(ctx.user)
        .filter(
            family=m.family, assessed_on=m.held_on, person__in=Person.objects.visible_to(ctx.user)
        )
        .select_related("person", "recorded_by")
        .order_by("person__pk", "issue", "pk")
    )
    out = Filled(facts=[p.stage_fact(r) for r in rows])
    if not out.facts and m.type.records_cycle_of_change:
        out.notes.append(_("No Cycle of Change stage was recorded at this meeting."))
    return out


@filler("meeting.decisions")
def decisions(ctx: FillContext) -> Filled:
    m = meeting_of(ctx)
    if m is None:
        return _missing()
    out = Filled(
        facts=[
            Fact(
                text=d.text,
                source=_part(m, "meetings.Decision", d.pk, _("Decision %(id)s") % {"id": d.pk}),
            )
            for d in m.decisions.filter(archived_at__isnull=True)
        ]
    )
    if not out.facts:
        out.notes.append(_("No decisions recorded."))
    return out


@filler("meeting.actions")
def actions(ctx: FillContext) -> Filled:
    m = meeting_of(ctx)
    if m is None:
        return _missing()
    table = Table(
        columns=[_("Action"), _("Owner"), _("Due"), _("Status"), _("Carried forward")],
        caption=_("Actions"),
    )
    for a in m.actions.filter(archived_at__isnull=True).select_related(
        "owner__user", "carried_from__meeting"
    ):
        table.rows.append(
            [
                Fact(
                    text=a.text,
                    source=_part(m, "meetings.Action", a.pk, _("Action %(id)s") % {"id": a.pk}),
                ),
                a.owner.name,
                p.day(a.due_on),
                str(a.get_status_display()) + (f": {a.outcome}" if a.outcome else ""),
                _("From %(d)s") % {"d": p.day(a.carried_from.meeting.held_on)}
                if a.carried_from_id
                else "–",
            ]
        )
    out = Filled(tables=[table] if table.rows else [])
    if not table.rows:
        out.notes.append(_("No actions."))
    return out


@filler("meeting.amendments")
def amendments(ctx: FillContext) -> Filled:
    m = meeting_of(ctx)
    if m is None:
        return _missing()
    return Filled(
        facts=[
            Fact(
                text=_("%(text)s (reason: %(why)s)") % {"text": a.text, "why": a.reason},
                source=Source(
                    model="meetings.Amendment",
                    pk=a.pk,
                    date=a.created_at.date(),
                    author=p.user_name(a.created_by),
                    label=_("Amendment %(id)s") % {"id": a.pk},
                    url=m.get_absolute_url(),
                ),
            )
            for a in m.amendments.filter(archived_at__isnull=True).select_related("created_by")
        ]
    )
