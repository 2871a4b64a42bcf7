"""Fillers for meeting records (group case supervision and other meetings) in the document
engine, so a meeting has a printable record and a PDF. The subject is the `meetings.Meeting`;
every section is filled: the record was written in the meetings app and signed off there.

What the record shows (attendance, contributions, the previous meeting and its RAG, goal
ratings since the last meeting, decisions, actions) comes from `meetings.snapshots.record_of`:
the snapshot kept at sign-off, the same one the meeting page and printable record render, so
the PDF of a signed-off record does not change when the family's record moves on. Who may see
which person is still decided by the reader, at render time.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from familyworkbook.documents.facts import Basis, Fact, FillContext, Filled, Source, Table, filler
from familyworkbook.documents.fillers import parenting as p
from familyworkbook.documents.fillers.statement import meeting_source
from familyworkbook.meetings.models import ATTENDED, AttendanceStatus, Meeting
from familyworkbook.meetings.snapshots import record_of
from familyworkbook.people.models import Person
from familyworkbook.workbook.models import ChangeStage, RatedBy


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


def _record(ctx: FillContext, m: Meeting) -> dict:
    """What the record shows: the snapshot kept at sign-off (one query), else computed now."""
    return record_of(m)


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
    rec = _record(ctx, m)
    rows = [
        [_("Meeting"), str(m.type.name)],
        [_("Date"), p.day(m.held_on or m.starts_at.date())],
        [_("Time"), m.starts_at.strftime("%H:%M")],
        [_("Length"), _("%(n)s minutes") % {"n": m.duration_minutes}],
        [_("Chair"), Fact(text=rec["chair"], source=src)],
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
                % {"who": rec["signed_off_by"], "d": p.day(m.signed_off_at.date())},
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
    rec = _record(ctx, m)
    visible = set(Person.objects.visible_to(ctx.user).values_list("pk", flat=True))
    authors = {c["author_id"] for c in rec["contributions"]}
    table = Table(
        columns=[_("Name"), _("Discipline"), _("Attendance"), _("Written contribution")],
        caption=_("Attendance and apologies"),
    )
    order = {
        s: i
        for i, s in enumerate(
            [*ATTENDED, AttendanceStatus.APOLOGY, AttendanceStatus.ABSENT, AttendanceStatus.INVITED]
        )
    }
    rows = rec["attendance"]
    for a in sorted(rows, key=lambda a: (order.get(a["status"], 9), a["discipline"], a["id"])):
        if a["person_id"] and a["person_id"] not in visible:
            continue
        table.rows.append(
            [
                a["name"],
                a["discipline_label"] or str(_("Family member")),
                Fact(
                    text=a["status_label"],
                    source=_part(
                        m, "meetings.Attendance", a["id"], _("Attendance %(id)s") % {"id": a["id"]}
                    ),
                ),
                _("Yes") if a["worker_id"] and a["worker_id"] in authors else "–",
            ]
        )
    return Filled(tables=[table])


@filler("meeting.contributions")
def contributions(ctx: FillContext) -> Filled:
    m = meeting_of(ctx)
    if m is None:
        return _missing()
    out = Filled()
    for c in _record(ctx, m)["contributions"]:
        out.facts.append(
            Fact(
                text=f"{c['author']} ({c['chapter_label']}): {c['text']}",
                source=Source(
                    model="meetings.Contribution",
                    pk=c["id"],
                    date=c["created_at"].date(),
                    author=c["author"],
                    basis=Basis.OBSERVED,
                    label=_("Contribution %(id)s") % {"id": c["id"]},
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
    """Goals and ratings since the last meeting of this kind, as the record kept them."""
    m = meeting_of(ctx)
    if m is None or m.family_id is None:
        return _missing() if m is None else Filled()
    rec = _record(ctx, m)
    visible = set(
        Person.objects.visible_to(ctx.user)
        .filter(pk__in={r["person_id"] for r in rec["ratings"]})
        .values_list("pk", flat=True)
    )
    since = rec["previous"]["held_on"] if rec["previous"] else None
    table = Table(
        columns=[_("Whose goal"), _("Goal"), _("Rated by"), _("Rating"), _("Date")],
        caption=_("Goal ratings since the last meeting") if since else _("Goal ratings"),
    )
    for r in rec["ratings"]:
        if r["person_id"] not in visible:
            continue
        source = Source(
            model="workbook.GoalRating",
            pk=r["id"],
            date=r["rated_on"],
            author=r["rater"],
            basis=Basis.OBSERVED if r["rated_by"] == RatedBy.WORKER else Basis.REPORTED,
            label=_("Goal rating %(id)s") % {"id": r["id"]},
            url=reverse("workbook:goal", args=[m.family_id, r["goal_id"]]),
        )
        table.rows.append(
            [
                r["person"],
                r["goal"],
                r["rated_by_label"],
                Fact(text=f"{r['score']}/10", source=source),
                p.day(r["rated_on"]),
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
    prev = _record(ctx, m)["previous"]
    if prev and prev["rag"]:
        out.facts.append(
            Fact(
                text=_("At the previous meeting (%(d)s): %(rag)s.")
                % {"d": p.day(prev["held_on"]), "rag": prev["rag_label"]},
                source=Source(
                    model="meetings.Meeting",
                    pk=prev["id"],
                    date=prev["held_on"],
                    author=prev["chair"],
                    basis=Basis.RECORDED,
                    label=_("%(type)s record %(id)s") % {"type": prev["type"], "id": prev["id"]},
                    url=reverse("meetings:meeting", args=[prev["id"]]),
                ),
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
        .filter(pk__in=_record(ctx, m)["change_stages"])
        .filter(person__in=Person.objects.visible_to(ctx.user))
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
                text=d["text"],
                source=_part(
                    m, "meetings.Decision", d["id"], _("Decision %(id)s") % {"id": d["id"]}
                ),
            )
            for d in _record(ctx, m)["decisions"]
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
    for a in _record(ctx, m)["actions"]:
        table.rows.append(
            [
                Fact(
                    text=a["text"],
                    source=_part(
                        m, "meetings.Action", a["id"], _("Action %(id)s") % {"id": a["id"]}
                    ),
                ),
                a["owner"],
                p.day(a["due_on"]),
                a["status_label"] + (f": {a['outcome']}" if a["outcome"] else ""),
                _("From %(d)s") % {"d": p.day(a["carried_from_held_on"])}
                if a["carried_from_id"]
                else "–",
            ]
        )
    out = Filled(tables=[table] if table.rows else [])
    if not table.rows:
        out.notes.append(_("No actions."))
    return out


@filler("meeting.amendments")
def amendments(ctx: FillContext) -> Filled:
    """Amendments after sign-off: beside the kept record, dated and attributed, never in it."""
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
