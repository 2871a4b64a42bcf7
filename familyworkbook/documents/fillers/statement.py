"""Fillers for the social work evidence statement (neutral headings; a council loads its own).

Facts only: the statement's analysis (threshold and harm, why now, the child's lived
experience, capacity to change, the balance of realistic options, the welfare checklist
applied to this child) is written by the social worker and left as required gaps by the
schema. The genogram is `genogram.family`. The welfare checklist is the statutory text of the
Children Act 1989 s1(3), reproduced under the Open Government Licence v3.0.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from familyworkbook.access.models import SharingRecord
from familyworkbook.cases.models import (
    CareProceedings,
    Case,
    CinEpisode,
    CinPlan,
    CpPlan,
    LookedAfterEpisode,
    PreProceedings,
    Visit,
)
from familyworkbook.core import clock
from familyworkbook.documents.facts import Basis, Fact, FillContext, Filled, Source, Table, filler
from familyworkbook.documents.fillers import parenting as p
from familyworkbook.meetings.models import Attendance, Meeting, MeetingStatus
from familyworkbook.people.models import MembershipKind, Person, Relationship
from familyworkbook.workbook.models import RiskNeedKind

RECENT_YEARS = 2  # the chronology summary lists significant events of the last two years


def _children_ids(ctx: FillContext) -> list[int]:
    return [c.pk for c in p.children(ctx)]


def legal_status(child: Person, on: dt.date) -> tuple[str, Any]:
    """The child's current legal status in words, and the record it comes from."""
    live = {"archived_at__isnull": True}
    lac = LookedAfterEpisode.objects.filter(child=child, ceased_on__isnull=True, **live).first()
    if lac:
        return (
            _("Looked after: %(status)s; placement: %(placement)s")
            % {
                "status": lac.get_legal_status_display(),
                "placement": lac.get_placement_type_display(),
            },
            lac,
        )
    cp = CareProceedings.objects.filter(child=child, concluded_on__isnull=True, **live).first()
    if cp:
        return _("Care proceedings issued %(d)s") % {"d": p.day(cp.issued_on)}, cp
    plo = PreProceedings.objects.filter(child=child, ended_on__isnull=True, **live).first()
    if plo:
        return _("Pre-proceedings (PLO) since %(d)s") % {"d": p.day(plo.started_on)}, plo
    plan = CpPlan.objects.filter(episode__child=child, ended_on__isnull=True, **live).first()
    if plan:
        return (
            _("Child protection plan (%(cat)s) since %(d)s")
            % {"cat": plan.get_latest_category_display().lower(), "d": p.day(plan.started_on)},
            plan,
        )
    cin = CinPlan.objects.filter(episode__child=child, ended_on__isnull=True, **live).first()
    if cin:
        return _("Child in need plan since %(d)s") % {"d": p.day(cin.started_on)}, cin
    ep = CinEpisode.objects.filter(child=child, closed_on__isnull=True, **live).first()
    if ep:
        return _("Child in need (referral %(d)s)") % {"d": p.day(ep.referral_on)}, ep
    return _("No statutory status recorded"), None


def _status_cell(child: Person, on: dt.date) -> str | Fact:
    text, record = legal_status(child, on)
    if record is None:
        return text
    date = next(
        getattr(record, f) for f in ("started_on", "issued_on", "referral_on") if hasattr(record, f)
    )
    return Fact(
        text=text,
        source=p.statutory_source(record, f"cases.{type(record).__name__}", date),
        about=child.full_name,
    )


@filler("statement.cover")
def cover(ctx: FillContext) -> Filled:
    """The children: name, sex, date of birth and current legal status (and placement type)."""
    on = ctx.end or clock.today()
    table = Table(
        columns=[_("Child"), _("Sex"), _("Date of birth"), _("Legal status and placement")],
        caption=_("The children this statement is about"),
    )
    for child in p.children(ctx):
        born = child.date_of_birth or child.expected_date_of_birth
        table.rows.append(
            [child.full_name, child.get_sex_display(), p.day(born), _status_cell(child, on)]
        )
    return Filled(tables=[table])


@filler("statement.family")
def family(ctx: FillContext) -> Filled:
    """Family composition: who lives in the household, relationships, PR, language."""
    kids = set(_children_ids(ctx))
    pr: dict[int, list[str]] = {}
    for link in p.carer_links(ctx):
        mark = _(" (parental responsibility)") if link.parental_responsibility else ""
        pr.setdefault(link.person_id, []).append(
            f"{link.get_kind_display()} of {link.other.first_name}{mark}"
        )
    table = Table(
        columns=[_("Name"), _("Date of birth"), _("Relationship to the children"), _("Language")],
        caption=_("Family composition"),
    )
    for person in p.visible_people(ctx):
        born = person.date_of_birth or person.expected_date_of_birth
        role = "; ".join(pr.get(person.pk, [])) or (_("Child") if person.pk in kids else "–")
        language = person.main_language + (
            _(" (needs an interpreter)") if person.interpreter_needed else ""
        )
        table.rows.append([person.full_name, p.day(born), role, language])
    return Filled(tables=[table])


def _case_facts(ctx: FillContext) -> list[Fact]:
    facts = []
    for case in (
        Case.objects.visible_to(ctx.user)
        .filter(family=ctx.family)
        .select_related("team", "created_by")
        .order_by("opened_on", "pk")
    ):
        facts.append(
            Fact(
                text=_("%(team)s involved from %(start)s%(end)s.")
                % {
                    "team": case.team.name,
                    "start": p.day(case.opened_on),
                    "end": _(" to %(d)s") % {"d": p.day(case.closed_on)} if case.closed_on else "",
                },
                source=p.statutory_source(case, "cases.Case", case.opened_on),
            )
        )
    return facts


@filler("statement.chronology_summary")
def chronology_summary(ctx: FillContext) -> Filled:
    """How long the council has been involved, the statutory history, and recent significant
    events (the last two years; older history is summarised by the statutory facts)."""
    out = Filled(facts=[*_case_facts(ctx), *p.episode_facts(ctx, p.children(ctx))])
    end = ctx.end or clock.today()
    since = max(ctx.start or dt.date.min, end.replace(year=end.year - RECENT_YEARS))
    significant = p.entries(ctx).filter(is_significant=True, happened_on__gte=since)
    out.facts.extend(
        Fact(
            text=f"{p.day(e.happened_on)}: {e.headline}",
            source=p.entry_source(e),
        )
        for e in significant
    )
    out.notes.append(
        _("Significant events since %(d)s are listed; the court chronology gives them in full.")
        % {"d": p.day(since)}
    )
    return out


def _rag_meetings(ctx: FillContext) -> list[Meeting]:
    qs = (
        Meeting.objects.visible_to(ctx.user)
        .filter(family=ctx.family, type__records_rag=True)
        .held()
        .exclude(rag="")
        .select_related("type", "chair__user")
        .order_by("held_on", "pk")
    )
    return list(p.in_window(qs, "held_on", ctx))


def meeting_source(meeting: Meeting) -> Source:
    return Source(
        model="meetings.Meeting",
        pk=meeting.pk,
        date=meeting.held_on,
        author=p.worker_name(meeting.chair),
        basis=Basis.RECORDED,
        label=_("%(type)s record %(id)s") % {"type": meeting.type.name, "id": meeting.pk},
        url=meeting.get_absolute_url(),
    )


def rag_table(meetings: list[Meeting], caption: str) -> Table:
    table = Table(columns=[_("Meeting"), _("Date"), _("RAG rating"), _("Why")], caption=caption)
    for m in meetings:
        table.rows.append(
            [
                str(m.type.name),
                p.day(m.held_on),
                Fact(text=str(m.get_rag_display()), source=meeting_source(m)),
                p.excerpt(m.rag_reason, 200) or "–",
            ]
        )
    return table


@filler("statement.harm")
def harm(ctx: FillContext) -> Filled:
    """The facts the harm analysis rests on: recorded worries and protective factors, parental
    risks, plans and their durations, goal and RAG trends. The analysis itself is written."""
    out = Filled()
    out.facts.extend(p.risk_fact(i) for i in p.risk_items(ctx, RiskNeedKind.WORRY))
    out.facts.extend(
        p.risk_fact(i) for i in p.risk_items(ctx, RiskNeedKind.PROTECTIVE, RiskNeedKind.STRENGTH)
    )
    out.facts.extend(p.trio_fact(f) for f in p.trio_flags(ctx))
    out.facts.extend(
        f
        for f in p.episode_facts(ctx, p.children(ctx))
        if f.source.model in {"cases.CpPlan", "cases.LookedAfterEpisode", "cases.PreProceedings"}
    )
    goal_table, notes = p.goals_table(ctx, p.goals(ctx), _("Goals: first and latest ratings"))
    if goal_table.rows:
        out.tables.append(goal_table)
    out.notes.extend(notes)
    meetings = _rag_meetings(ctx)
    if meetings:
        out.tables.append(rag_table(meetings, _("Group supervision RAG ratings over time")))
    return out


def voice_facts(ctx: FillContext, child: Person) -> list[Fact]:
    """The child's own words from the Workbook, and the child's voice recorded at meetings."""
    facts = [
        p.child_words_fact(e, child)
        for e in p.entries(ctx)
        if e.child_words.strip() and (not e.tagged.all() or p._involves(e, child))
    ]
    return facts


@filler("statement.child_impact")
def child_impact(ctx: FillContext) -> Filled:
    """Per child: their words, how often they were seen (and alone), their worries and measures."""
    out = Filled()
    for child in p.children(ctx):
        out.facts.extend(voice_facts(ctx, child))
        visits = list(
            p.in_window(
                Visit.objects.filter(child=child, archived_at__isnull=True).select_related(
                    "by__user", "created_by"
                ),
                "visited_on",
                ctx,
            ).order_by("visited_on", "pk")
        )
        if visits:
            alone = sum(1 for v in visits if v.seen_alone)
            seen = sum(1 for v in visits if v.seen)
            last = visits[-1]
            out.facts.append(
                Fact(
                    text=_(
                        "%(child)s: %(n)s statutory visits recorded; seen at %(seen)s, seen "
                        "alone at %(alone)s; latest %(last)s."
                    )
                    % {
                        "child": child.full_name,
                        "n": len(visits),
                        "seen": seen,
                        "alone": alone,
                        "last": p.day(last.visited_on),
                    },
                    source=Source(
                        model="cases.Visit",
                        pk=last.pk,
                        date=last.visited_on,
                        author=p.worker_name(last.by) or p.user_name(last.created_by),
                        basis=Basis.RECORDED,
                        label=_("Visit %(id)s") % {"id": last.pk},
                    ),
                    about=child.full_name,
                )
            )
        out.facts.extend(p.risk_fact(i) for i in p.risk_items(ctx).filter(about=child))
        recs = p.measures(ctx, [child])
        if recs:
            out.tables.append(p.measures_table(recs, _("%(c)s: measures") % {"c": child.full_name}))
    return out


@filler("statement.parenting")
def parenting(ctx: FillContext) -> Filled:
    """Per parent: sessions attended by module, goals (worker vs family), Cycle of Change and
    measures. The capacity and capacity-to-change analysis is written."""
    out = Filled()
    rows = list(p.entries(ctx))
    for parent in p.parents(ctx):
        attended = [e for e in rows if parent.pk in {x.pk for x in e.present.all()}]
        if attended:
            out.facts.append(
                Fact(
                    text=_("%(name)s attended %(n)s recorded sessions, the latest on %(d)s.")
                    % {
                        "name": parent.full_name,
                        "n": len(attended),
                        "d": p.day(attended[-1].happened_on),
                    },
                    source=p.entry_source(attended[-1]),
                    about=parent.full_name,
                )
            )
        table, notes = p.goals_table(
            ctx, p.goals(ctx, parent), _("%(n)s: goals and ratings") % {"n": parent.full_name}
        )
        if table.rows:
            out.tables.append(table)
        out.notes.extend(notes)
        stages = p.change_stages(ctx, parent)
        if stages:
            out.tables.append(
                p.change_table(ctx, stages, _("%(n)s: Cycle of Change") % {"n": parent.full_name})
            )
        recs = p.measures(ctx, [parent])
        if recs:
            out.tables.append(
                p.measures_table(recs, _("%(n)s: measures") % {"n": parent.full_name})
            )
    return out


@filler("statement.wider_family")
def wider_family(ctx: FillContext) -> Filled:
    """The wider family and network on record, and any Family Group Conference."""
    out = Filled()
    network = (
        Person.objects.visible_to(ctx.user)
        .filter(
            memberships__family=ctx.family,
            memberships__kind=MembershipKind.NETWORK,
            memberships__ended_on__isnull=True,
            memberships__archived_at__isnull=True,
        )
        .distinct()
    )
    kids = _children_ids(ctx)
    table = Table(
        columns=[_("Name"), _("Relationship to the children"), _("Contact")],
        caption=_("Wider family and network"),
    )
    for person in network:
        kinds = sorted(
            {
                str(r.get_kind_display()).lower()
                for r in Relationship.objects.visible_to(ctx.user)
                .ongoing()
                .filter(person=person, other_id__in=kids)
            }
        )
        membership = person.memberships.filter(family=ctx.family, ended_on__isnull=True).first()
        table.rows.append(
            [
                person.full_name,
                ", ".join(kinds) or "–",
                membership.get_contact_display() if membership else "–",
            ]
        )
    if table.rows:
        out.tables.append(table)
    else:
        out.notes.append(_("No wider family or network members are recorded."))
    fgcs = (
        Meeting.objects.visible_to(ctx.user)
        .filter(family=ctx.family, fgc__isnull=False)
        .select_related("fgc", "type", "chair__user")
    )
    for m in fgcs.order_by("starts_at"):
        held = _("held %(d)s") % {"d": p.day(m.held_on)} if m.held_on else _("not yet held")
        plan = (
            _("; the family's plan: %(plan)s") % {"plan": p.excerpt(m.fgc.family_plan, 240)}
            if m.fgc.family_plan
            else ""
        )
        out.facts.append(
            Fact(
                text=_("Family Group Conference referred %(r)s, %(held)s%(plan)s")
                % {"r": p.day(m.fgc.referred_on), "held": held, "plan": plan},
                source=meeting_source(m)
                if m.held_on
                else Source(
                    model="meetings.Meeting",
                    pk=m.pk,
                    date=m.fgc.referred_on,
                    author=p.worker_name(m.chair),
                    label=_("Family Group Conference %(id)s") % {"id": m.pk},
                ),
            )
        )
    return out


DEFAULT_OPTIONS = [
    gettext_noop("The children live at home with their parents, with support"),
    gettext_noop("The children live with wider family or friends"),
    gettext_noop("The children live in foster care"),
]


@filler("statement.options")
def options(ctx: FillContext) -> Filled:
    """Realistic options seeded with recorded strengths and worries: a starting point for the
    balance sheet, which the social worker writes (the options come from the schema)."""
    out = Filled()
    strengths = [
        p.risk_fact(i) for i in p.risk_items(ctx, RiskNeedKind.STRENGTH, RiskNeedKind.PROTECTIVE)
    ]
    worries = [p.risk_fact(i) for i in p.risk_items(ctx, RiskNeedKind.WORRY)]
    names = [
        m.full_name
        for m in Person.objects.visible_to(ctx.user).filter(
            memberships__family=ctx.family,
            memberships__kind=MembershipKind.NETWORK,
            memberships__ended_on__isnull=True,
        )
    ]
    option_list = ctx.options.get("realistic_options") or [_(o) for o in DEFAULT_OPTIONS]
    for i, option in enumerate(option_list):
        table = Table(columns=[_("For (recorded)"), _("Against (recorded)")], caption=str(option))
        if i == 0:
            for k in range(max(len(strengths), len(worries))):
                table.rows.append(
                    [
                        strengths[k] if k < len(strengths) else "",
                        worries[k] if k < len(worries) else "",
                    ]
                )
        elif i == 1 and names:
            table.rows.append([_("Network members on record: %(n)s") % {"n": ", ".join(names)}, ""])
        if not table.rows:
            table.rows.append([_("Nothing recorded yet"), _("Nothing recorded yet")])
        out.tables.append(table)
    out.notes.append(
        _("These are recorded facts only. The balance of the options is the author's to write.")
    )
    return out


@filler("statement.views")
def views(ctx: FillContext) -> Filled:
    """The children's and parents' views as recorded (meetings, the Workbook)."""
    out = Filled()
    for m in (
        Meeting.objects.visible_to(ctx.user)
        .filter(family=ctx.family)
        .held()
        .exclude(childs_voice="")
        .select_related("type", "chair__user")
        .order_by("held_on")
    ):
        if ctx.start and m.held_on and m.held_on < ctx.start:
            continue
        out.facts.append(
            Fact(
                text=_("The child's voice at the %(type)s: “%(v)s”")
                % {"type": m.type.name.lower(), "v": p.excerpt(m.childs_voice, 240)},
                source=replace(meeting_source(m), basis=Basis.REPORTED),
            )
        )
    parents_said = p.parents_view(ctx)
    out.facts.extend(parents_said.facts)
    out.notes.extend(parents_said.notes)
    return out


@filler("statement.fairness")
def fairness(ctx: FillContext) -> Filled:
    """Procedural fairness from the records: pre-proceedings meetings, meetings the family
    attended, interpreters, and what was shared with whom (the sharing log)."""
    out = Filled()
    out.facts.extend(
        f for f in p.episode_facts(ctx, p.children(ctx)) if f.source.model == "cases.PreProceedings"
    )
    people = list(p.visible_people(ctx))
    for person in people:
        if person.interpreter_needed:
            out.facts.append(
                Fact(
                    text=_("%(n)s's main language is %(l)s; an interpreter is needed.")
                    % {"n": person.full_name, "l": person.main_language},
                    source=Source(
                        model="people.Person",
                        pk=person.pk,
                        date=person.modified_at.date(),
                        author=p.user_name(person.modified_by),
                        label=_("Person record %(id)s") % {"id": person.pk},
                        url=person.get_absolute_url(),
                    ),
                    about=person.full_name,
                )
            )
    attendances = (
        Attendance.objects.filter(
            meeting__in=Meeting.objects.visible_to(ctx.user).filter(family=ctx.family),
            person__in=[x.pk for x in people],
            archived_at__isnull=True,
        )
        .select_related("meeting__type", "meeting__chair__user", "person")
        .order_by("meeting__starts_at", "pk")
    )
    table = Table(
        columns=[_("Meeting"), _("Date"), _("Family member"), _("Attendance")],
        caption=_("Meetings the family were invited to"),
    )
    for a in attendances:
        m = a.meeting
        if ctx.start and m.starts_at.date() < ctx.start:
            continue
        table.rows.append(
            [
                str(m.type.name),
                p.day(m.held_on or m.starts_at.date()),
                a.person.full_name,
                Fact(text=str(a.get_status_display()), source=meeting_source(m))
                if m.status != MeetingStatus.PLANNED
                else str(a.get_status_display()),
            ]
        )
    if table.rows:
        out.tables.append(table)
    out.facts.extend(_document_shares(ctx, people))
    shares = p.in_window(
        SharingRecord.objects.filter(family=ctx.family, archived_at__isnull=True)
        .filter(Q(person__isnull=True) | Q(person__in=Person.objects.visible_to(ctx.user)))
        .select_related("created_by"),
        "decided_on",
        ctx,
    )
    for s in shares.order_by("decided_on", "pk"):
        out.facts.append(
            Fact(
                text=_("%(d)s: %(decision)s with %(to)s: %(what)s")
                % {
                    "d": p.day(s.decided_on),
                    "decision": s.get_decision_display(),
                    "to": s.recipient,
                    "what": p.excerpt(s.what, 160),
                },
                source=Source(
                    model="access.SharingRecord",
                    pk=s.pk,
                    date=s.decided_on,
                    author=p.user_name(s.created_by),
                    label=_("Sharing decision %(id)s") % {"id": s.pk},
                ),
            )
        )
    return out


def _document_shares(ctx: FillContext, people: list[Person]) -> list[Fact]:
    """Reports shared with family members, and the comments they sent back."""
    from familyworkbook.documents.models import Document, ParentComment, Share

    documents = Document.objects.visible_to(ctx.user).filter(family=ctx.family)
    ids = [x.pk for x in people]
    facts = []
    shares = p.in_window(
        Share.objects.filter(
            document__in=documents, recipient_person_id__in=ids, archived_at__isnull=True
        ).select_related("document", "recipient_person", "created_by"),
        "shared_on",
        ctx,
    )
    for share in shares.order_by("shared_on", "pk"):
        facts.append(
            Fact(
                text=_("%(d)s: “%(title)s” shared with %(who)s (%(how)s).")
                % {
                    "d": p.day(share.shared_on),
                    "title": share.document.title,
                    "who": share.recipient_person.full_name,
                    "how": share.get_method_display().lower(),
                },
                source=Source(
                    model="documents.Share",
                    pk=share.pk,
                    date=share.shared_on,
                    author=p.user_name(share.created_by),
                    label=_("Document share %(id)s") % {"id": share.pk},
                ),
                about=share.recipient_person.full_name,
            )
        )
    comments = p.in_window(
        ParentComment.objects.filter(
            document__in=documents, person_id__in=ids, archived_at__isnull=True
        ).select_related("document", "person", "created_by"),
        "received_on",
        ctx,
    )
    for c in comments.order_by("received_on", "pk"):
        facts.append(
            Fact(
                text=_("%(d)s: %(who)s commented on “%(title)s” (%(kind)s).")
                % {
                    "d": p.day(c.received_on),
                    "who": c.person.full_name,
                    "title": c.document.title,
                    "kind": c.get_kind_display().lower(),
                },
                source=Source(
                    model="documents.ParentComment",
                    pk=c.pk,
                    date=c.received_on,
                    author=p.user_name(c.created_by),
                    basis=Basis.REPORTED,
                    label=_("Comment %(id)s") % {"id": c.pk},
                ),
                about=c.person.full_name,
            )
        )
    return facts


# Children Act 1989 s1(3), as enacted and in force (legislation.gov.uk); Open Government
# Licence v3.0. The statutory wording stays in English: a court reads it as enacted.
WELFARE_CHECKLIST = [
    "(a) the ascertainable wishes and feelings of the child concerned (considered in the light "
    "of his age and understanding);",
    "(b) his physical, emotional and educational needs;",
    "(c) the likely effect on him of any change in his circumstances;",
    "(d) his age, sex, background and any characteristics of his which the court considers "
    "relevant;",
    "(e) any harm which he has suffered or is at risk of suffering;",
    "(f) how capable each of his parents, and any other person in relation to whom the court "
    "considers the question to be relevant, is of meeting his needs;",
    "(g) the range of powers available to the court under this Act in the proceedings in question.",
]
WELFARE_SOURCE = Source(
    model="legislation",
    pk="ukpga/1989/41/section/1",
    date=dt.date(1989, 11, 16),
    author="",
    basis=Basis.DOCUMENT,
    label="Children Act 1989, s1(3)",
    url="https://www.legislation.gov.uk/ukpga/1989/41/section/1",
)


@filler("statement.welfare_checklist")
def welfare_checklist(ctx: FillContext) -> Filled:
    table = Table(
        columns=[_("Welfare checklist, Children Act 1989 s1(3)")],
        caption=_("The court shall have regard in particular to:"),
    )
    for item in WELFARE_CHECKLIST:
        table.rows.append([Fact(text=item, source=WELFARE_SOURCE)])
    return Filled(
        tables=[table],
        notes=[
            _("Contains public sector information licensed under the Open Government Licence v3.0.")
        ],
    )
