"""Fillers for the parenting assessment and its plain-English version for the parent.

The assessment is mapped onto the Assessment Framework (DH 2000): the child's developmental
needs, the six dimensions of parenting capacity per parent, and family and environment. The
eight Family Safeguarding modules (and the Supporting Change modules) are mapped onto those
dimensions by `MODULE_DIMENSIONS` below: an entry recorded in a module is evidence for each
dimension its module maps to, for each parent present at or tagged in the session. A council
that changes its programme adds its modules' slugs here (unknown modules fall under "family
and environment", so no entry is silently dropped).

Every fact carries its `Source`. What a worker recorded about a session they held is
`observed`; a child's or parent's words are `reported`; a worry on the risk and need analysis
is stated as "a recorded worry", never as a finding. Health-confidential detail is never read.
The helpers at the top are shared by the other D2 filler modules (statement, letters,
intervention, meetings).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from familyworkbook.cases.models import CinEpisode, CpPlan, LookedAfterEpisode, PreProceedings
from familyworkbook.core import clock
from familyworkbook.documents.facts import Basis, Fact, FillContext, Filled, Source, Table, filler
from familyworkbook.measures.models import MeasureResponse
from familyworkbook.people.models import PARENTING_KINDS, Person, PersonKind, Relationship
from familyworkbook.workbook.models import (
    ChangeStage,
    DecisionalBalance,
    Entry,
    Goal,
    GoalRating,
    RatedBy,
    RiskNeedItem,
    RiskNeedKind,
    ScalingAnswer,
    ToxicTrioFlag,
)

CHILD_KINDS = (PersonKind.CHILD, PersonKind.UNBORN)
EXCERPT = 320  # characters of an entry quoted in a document; the reference leads to the rest
GAP_FLAG = 3  # a worker and family rating this far apart (0-10) is flagged

# --- The Assessment Framework ----------------------------------------------------------------

BASIC_CARE = "basic_care"
SAFETY = "safety"
WARMTH = "emotional_warmth"
STIMULATION = "stimulation"
BOUNDARIES = "guidance_boundaries"
STABILITY = "stability"
CHILD_NEEDS = "child_needs"
FAMILY_ENVIRONMENT = "family_environment"

CAPACITY_DIMENSIONS = [
    (BASIC_CARE, gettext_noop("Basic care")),
    (SAFETY, gettext_noop("Ensuring safety")),
    (WARMTH, gettext_noop("Emotional warmth")),
    (STIMULATION, gettext_noop("Stimulation")),
    (BOUNDARIES, gettext_noop("Guidance and boundaries")),
    (STABILITY, gettext_noop("Stability")),
]

# Module slug -> the Framework dimensions its entries evidence (documented in the schema too).
MODULE_DIMENSIONS: dict[str, tuple[str, ...]] = {
    # Family Safeguarding programme (eight modules)
    "story": (FAMILY_ENVIRONMENT, STABILITY),
    "child-needs": (CHILD_NEEDS, BASIC_CARE, SAFETY, STIMULATION),
    "child-world": (CHILD_NEEDS, WARMTH),
    "boundaries": (BOUNDARIES, STABILITY, STIMULATION),
    "relationships": (SAFETY, WARMTH, FAMILY_ENVIRONMENT),
    "substance-use": (SAFETY, BASIC_CARE),
    "wellbeing": (WARMTH, STABILITY),
    "network": (FAMILY_ENVIRONMENT, STABILITY, SAFETY),
    # Supporting Change intervention
    "intake": (FAMILY_ENVIRONMENT,),
    "circle-of-security": (WARMTH, SAFETY),
    "nvr": (BOUNDARIES,),
    "group-work": (SAFETY, WARMTH),
    "direct-work": (CHILD_NEEDS,),
    "exit": (FAMILY_ENVIRONMENT, STABILITY),
}


def dimensions_of(module_slug: str | None) -> tuple[str, ...]:
    if not module_slug:
        return ()
    return MODULE_DIMENSIONS.get(module_slug, (FAMILY_ENVIRONMENT,))


# --- Shared helpers (used by the other D2 filler modules) -------------------------------------


def day(value: dt.date | None) -> str:
    return value.strftime("%-d %B %Y") if value else _("undated")


def user_name(user: Any) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def worker_name(worker: Any) -> str:
    return worker.name if worker is not None else ""


def excerpt(text: str, limit: int = EXCERPT) -> str:
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return f"{cut}…"


def in_window(qs: QuerySet, field: str, ctx: FillContext) -> QuerySet:
    if ctx.start:
        qs = qs.filter(**{f"{field}__gte": ctx.start})
    if ctx.end:
        qs = qs.filter(**{f"{field}__lte": ctx.end})
    return qs


def visible_people(ctx: FillContext) -> QuerySet[Person]:
    """Current members of the family the generating user may see (restricted people left out)."""
    return (
        Person.objects.visible_to(ctx.user)
        .filter(
            memberships__family=ctx.family,
            memberships__ended_on__isnull=True,
            memberships__archived_at__isnull=True,
        )
        .distinct()
        .order_by("kind", "date_of_birth", "pk")
    )


def children(ctx: FillContext) -> list[Person]:
    if ctx.child is not None:
        return [p for p in visible_people(ctx) if p.pk == ctx.child.pk]
    return [p for p in visible_people(ctx) if p.kind in CHILD_KINDS]


def adults(ctx: FillContext) -> list[Person]:
    return [p for p in visible_people(ctx) if p.kind == PersonKind.ADULT]


def carer_links(ctx: FillContext) -> QuerySet[Relationship]:
    """Current parenting relationships (carer -> child) between people the user may see."""
    kids = [c.pk for c in children(ctx)]
    return (
        Relationship.objects.visible_to(ctx.user)
        .ongoing()
        .filter(other_id__in=kids, kind__in=sorted(PARENTING_KINDS))
        .select_related("person", "other")
        .order_by("person__date_of_birth", "person__pk", "other__date_of_birth")
    )


def parents(ctx: FillContext) -> list[Person]:
    """Adults who parent or care for a child of the family, first those with PR."""
    seen: dict[int, Person] = {}
    links = list(carer_links(ctx))
    for link in sorted(links, key=lambda r: not r.parental_responsibility):
        if link.person.kind == PersonKind.ADULT:
            seen.setdefault(link.person.pk, link.person)
    return list(seen.values())


def entries(ctx: FillContext) -> QuerySet[Entry]:
    qs = (
        Entry.objects.visible_to(ctx.user)
        .filter(family=ctx.family)
        .select_related("author__user", "module")
        .prefetch_related("present", "tagged")
        .order_by("happened_on", "pk")
    )
    return in_window(qs, "happened_on", ctx)


def entry_source(entry: Entry, basis: str = Basis.OBSERVED) -> Source:
    return Source(
        model="workbook.Entry",
        pk=entry.pk,
        date=entry.happened_on,
        author=worker_name(entry.author),
        basis=basis,
        label=_("Workbook entry %(id)s") % {"id": entry.pk},
        url=entry.get_absolute_url(),
    )


def entry_fact(entry: Entry, *, about: str = "") -> Fact:
    module = f"{entry.module.title}: " if entry.module_id else ""
    text = entry.headline or excerpt(entry.shared_summary or entry.what_happened)
    return Fact(
        text=f"{entry.get_kind_display()} ({module}{day(entry.happened_on)}). {text}".replace(
            "(: ", "("
        ),
        source=entry_source(entry),
        about=about,
    )


def child_words_fact(entry: Entry, child: Person | None) -> Fact:
    name = child.full_name if child else _("The child")
    return Fact(
        text=_("%(name)s said: “%(words)s”") % {"name": name, "words": excerpt(entry.child_words)},
        source=entry_source(entry, Basis.REPORTED),
        about=child.full_name if child else "",
    )


def risk_items(ctx: FillContext, *kinds: str) -> QuerySet[RiskNeedItem]:
    qs = (
        RiskNeedItem.objects.visible_to(ctx.user)
        .filter(family=ctx.family)
        .filter(Q(about__isnull=True) | Q(about__in=Person.objects.visible_to(ctx.user)))
        .select_related("about", "created_by")
        .order_by("identified_on", "pk")
    )
    if kinds:
        qs = qs.filter(kind__in=kinds)
    if ctx.end:
        qs = qs.filter(identified_on__lte=ctx.end)
    return qs


RISK_PREFIX = {
    RiskNeedKind.WORRY: gettext_noop("Recorded worry"),
    RiskNeedKind.STRENGTH: gettext_noop("Recorded strength"),
    RiskNeedKind.PROTECTIVE: gettext_noop("Recorded protective factor"),
    RiskNeedKind.MUST_CHANGE: gettext_noop("Recorded as needing to change"),
}


def risk_fact(item: RiskNeedItem, *, prefix: bool = True) -> Fact:
    about = item.about.full_name if item.about_id else ""
    who = f" ({about})" if about else ""
    text = f"{_(RISK_PREFIX[item.kind])}{who}: {item.text}" if prefix else item.text
    return Fact(
        text=text,
        source=Source(
            model="workbook.RiskNeedItem",
            pk=item.pk,
            date=item.identified_on,
            author=user_name(item.created_by),
            basis=Basis.RECORDED,
            label=_("Risk and need item %(id)s") % {"id": item.pk},
            url=reverse("workbook:risk", args=[item.family_id]),
        ),
        about=about,
    )


def goals(ctx: FillContext, person: Person | None = None) -> list[Goal]:
    qs = (
        Goal.objects.visible_to(ctx.user)
        .filter(family=ctx.family, person__in=Person.objects.visible_to(ctx.user))
        .select_related("person")
        .prefetch_related("ratings__rater_worker__user", "ratings__recorded_by", "actions")
        .order_by("person__kind", "person__date_of_birth", "set_on", "pk")
    )
    if person is not None:
        qs = qs.filter(person=person)
    if ctx.end:
        qs = qs.filter(set_on__lte=ctx.end)
    return list(qs)


def rating_source(rating: GoalRating) -> Source:
    author = worker_name(rating.rater_worker) or user_name(rating.recorded_by)
    basis = Basis.OBSERVED if rating.rated_by == RatedBy.WORKER else Basis.REPORTED
    return Source(
        model="workbook.GoalRating",
        pk=rating.pk,
        date=rating.rated_on,
        author=author,
        basis=basis,
        label=_("Goal rating %(id)s") % {"id": rating.pk},
        url=rating.goal.get_absolute_url(),
    )


def ratings_in(goal: Goal, ctx: FillContext) -> list[GoalRating]:
    rows = sorted(goal.ratings.all(), key=lambda r: (r.rated_on, r.pk))
    if ctx.start:
        rows = [r for r in rows if r.rated_on >= ctx.start]
    if ctx.end:
        rows = [r for r in rows if r.rated_on <= ctx.end]
    return rows


def first_last(rows: list[GoalRating], by: str) -> tuple[GoalRating | None, GoalRating | None]:
    mine = [r for r in rows if r.rated_by == by]
    return (mine[0], mine[-1]) if mine else (None, None)


def rating_cell(rating: GoalRating | None) -> str | Fact:
    if rating is None:
        return _("Not rated")
    return Fact(text=f"{rating.score}/10 ({day(rating.rated_on)})", source=rating_source(rating))


def goals_table(ctx: FillContext, goal_list: list[Goal], caption: str) -> tuple[Table, list[str]]:
    """Goals with first and latest worker and family ratings; big gaps flagged in the notes."""
    table = Table(
        columns=[
            _("Whose goal"),
            _("Goal"),
            _("Worker: first"),
            _("Worker: latest"),
            _("Family: first"),
            _("Family: latest"),
            _("Gap (latest)"),
        ],
        caption=caption,
    )
    notes: list[str] = []
    for goal in goal_list:
        rows = ratings_in(goal, ctx)
        w_first, w_last = first_last(rows, RatedBy.WORKER)
        f_first, f_last = first_last(rows, RatedBy.FAMILY_MEMBER)
        gap = ""
        if w_last and f_last:
            diff = f_last.score - w_last.score
            gap = f"{diff:+d}"
            if abs(diff) >= GAP_FLAG:
                gap += " ⚑"
                notes.append(
                    _(
                        "Worker and family see “%(goal)s” differently: the family rates it "
                        "%(family)s/10 and the worker %(worker)s/10."
                    )
                    % {"goal": goal.title, "family": f_last.score, "worker": w_last.score}
                )
        table.rows.append(
            [
                goal.person.full_name,
                goal.title,
                rating_cell(w_first),
                rating_cell(w_last),
                rating_cell(f_first),
                rating_cell(f_last),
                gap or "–",
            ]
        )
    return table, notes


def change_stages(ctx: FillContext, person: Person | None = None) -> list[ChangeStage]:
    qs = (
        ChangeStage.objects.visible_to(ctx.user)
        .filter(family=ctx.family, person__in=Person.objects.visible_to(ctx.user))
        .select_related("person", "recorded_by")
        .order_by("person__pk", "issue", "assessed_on", "pk")
    )
    if person is not None:
        qs = qs.filter(person=person)
    return list(in_window(qs, "assessed_on", ctx))


def stage_fact(row: ChangeStage) -> Fact:
    return Fact(
        text=_("%(person)s, %(issue)s: %(stage)s. %(why)s")
        % {
            "person": row.person.full_name,
            "issue": row.get_issue_display().lower(),
            "stage": row.get_stage_display(),
            "why": excerpt(row.rationale, 200),
        },
        source=Source(
            model="workbook.ChangeStage",
            pk=row.pk,
            date=row.assessed_on,
            author=user_name(row.recorded_by),
            basis=Basis.OBSERVED,
            label=_("Cycle of Change assessment %(id)s") % {"id": row.pk},
        ),
        about=row.person.full_name,
    )


def change_table(ctx: FillContext, rows: list[ChangeStage], caption: str) -> Table:
    """One row per adult and issue: stage at the start and now, and every step between."""
    tracks: dict[tuple[int, str], list[ChangeStage]] = defaultdict(list)
    for row in rows:
        tracks[(row.person_id, row.issue)].append(row)
    table = Table(
        columns=[_("Adult"), _("Issue"), _("First stage"), _("Latest stage"), _("Steps")],
        caption=caption,
    )
    for track in tracks.values():
        first, last = track[0], track[-1]
        table.rows.append(
            [
                first.person.full_name,
                first.get_issue_display(),
                Fact(
                    text=f"{first.get_stage_display()} ({day(first.assessed_on)})",
                    source=stage_fact(first).source,
                ),
                Fact(
                    text=f"{last.get_stage_display()} ({day(last.assessed_on)})",
                    source=stage_fact(last).source,
                ),
                " → ".join(str(r.get_stage_display()) for r in track),
            ]
        )
    return table


def measures(ctx: FillContext, people: Iterable[Person] | None = None) -> list[MeasureResponse]:
    qs = (
        MeasureResponse.objects.visible_to(ctx.user)
        .current()
        .filter(person__in=[p.pk for p in (people if people is not None else visible_people(ctx))])
        .select_related("person", "created_by")
        .order_by("person__pk", "instrument", "informant", "completed_on", "pk")
    )
    return list(in_window(qs, "completed_on", ctx))


def measure_source(record: MeasureResponse) -> Source:
    return Source(
        model="measures.MeasureResponse",
        pk=record.pk,
        date=record.completed_on,
        author=user_name(record.created_by),
        basis=Basis.RECORDED,
        label=_("Measure %(id)s") % {"id": record.pk},
        url=record.get_absolute_url(),
    )


def measure_text(record: MeasureResponse) -> str:
    head = record.headline
    band = f" ({head['band']})" if head.get("band") else ""
    return f"{head['label']}: {head['display'] or '–'}{band}"


def measures_table(records: list[MeasureResponse], caption: str) -> Table:
    """First and latest score of each instrument (and informant) per person."""
    series: dict[tuple[int, str, str], list[MeasureResponse]] = defaultdict(list)
    for r in records:
        series[(r.person_id, r.instrument, r.informant)].append(r)
    table = Table(
        columns=[_("Person"), _("Measure"), _("Completed by"), _("First"), _("Latest")],
        caption=caption,
    )
    for rows in series.values():
        first, last = rows[0], rows[-1]
        table.rows.append(
            [
                first.person.full_name,
                str(first.info.short_name),
                first.get_informant_display(),
                Fact(
                    text=f"{measure_text(first)}, {day(first.completed_on)}",
                    source=measure_source(first),
                ),
                Fact(
                    text=f"{measure_text(last)}, {day(last.completed_on)}",
                    source=measure_source(last),
                )
                if last is not first
                else "–",
            ]
        )
    return table


def trio_flags(ctx: FillContext) -> list[ToxicTrioFlag]:
    qs = (
        ToxicTrioFlag.objects.visible_to(ctx.user)
        .filter(family=ctx.family, person__in=Person.objects.visible_to(ctx.user))
        .select_related("person", "specialist__user", "created_by")
        .order_by("flagged_on", "pk")
    )
    if ctx.end:
        qs = qs.filter(flagged_on__lte=ctx.end)
    return list(qs)


def trio_fact(flag: ToxicTrioFlag) -> Fact:
    since = _("since %(date)s") % {"date": day(flag.flagged_on)}
    if flag.ended_on:
        since = _("%(start)s to %(end)s") % {
            "start": day(flag.flagged_on),
            "end": day(flag.ended_on),
        }
    specialist = (
        _(", working with %(name)s") % {"name": worker_name(flag.specialist)}
        if flag.specialist_id
        else ""
    )
    return Fact(
        text=_("%(person)s: %(issue)s flagged as a concern %(since)s%(specialist)s.")
        % {
            "person": flag.person.full_name,
            "issue": flag.get_issue_display().lower(),
            "since": since,
            "specialist": specialist,
        },
        source=Source(
            model="workbook.ToxicTrioFlag",
            pk=flag.pk,
            date=flag.flagged_on,
            author=user_name(flag.created_by),
            basis=Basis.RECORDED,
            label=_("Parental risk flag %(id)s") % {"id": flag.pk},
        ),
        about=flag.person.full_name,
    )


def episode_facts(ctx: FillContext, kids: list[Person]) -> list[Fact]:
    """Each child's statutory status: episodes of need, plans, care and pre-proceedings."""
    facts: list[Fact] = []
    ids = [k.pk for k in kids]
    for ep in CinEpisode.objects.filter(child_id__in=ids, archived_at__isnull=True).select_related(
        "child", "created_by"
    ):
        facts.append(
            Fact(
                text=_("%(child)s: referral received %(date)s%(closed)s.")
                % {
                    "child": ep.child.full_name,
                    "date": day(ep.referral_on),
                    "closed": _(", episode closed %(d)s") % {"d": day(ep.closed_on)}
                    if ep.closed_on
                    else "",
                },
                source=statutory_source(ep, "cases.CinEpisode", ep.referral_on),
                about=ep.child.full_name,
            )
        )
    for plan in CpPlan.objects.filter(
        episode__child_id__in=ids, archived_at__isnull=True
    ).select_related("episode__child", "created_by"):
        end = plan.ended_on or ctx.end or clock.today()
        facts.append(
            Fact(
                text=_(
                    "%(child)s: child protection plan (%(category)s) from %(start)s%(end)s, "
                    "%(days)s days."
                )
                % {
                    "child": plan.episode.child.full_name,
                    "category": plan.get_latest_category_display().lower(),
                    "start": day(plan.started_on),
                    "end": _(" to %(d)s") % {"d": day(plan.ended_on)} if plan.ended_on else "",
                    "days": (end - plan.started_on).days,
                },
                source=statutory_source(plan, "cases.CpPlan", plan.started_on),
                about=plan.episode.child.full_name,
            )
        )
    for lac in LookedAfterEpisode.objects.filter(
        child_id__in=ids, archived_at__isnull=True
    ).select_related("child", "created_by"):
        facts.append(
            Fact(
                text=_("%(child)s: looked after (%(status)s) from %(start)s%(end)s.")
                % {
                    "child": lac.child.full_name,
                    "status": lac.get_legal_status_display().lower(),
                    "start": day(lac.started_on),
                    "end": _(" to %(d)s") % {"d": day(lac.ceased_on)} if lac.ceased_on else "",
                },
                source=statutory_source(lac, "cases.LookedAfterEpisode", lac.started_on),
                about=lac.child.full_name,
            )
        )
    for plo in PreProceedings.objects.filter(
        child_id__in=ids, archived_at__isnull=True
    ).select_related("child", "created_by"):
        facts.append(
            Fact(
                text=_("%(child)s: pre-proceedings (PLO) meeting %(start)s%(outcome)s.")
                % {
                    "child": plo.child.full_name,
                    "start": day(plo.started_on),
                    "outcome": _("; ended %(d)s: %(o)s")
                    % {"d": day(plo.ended_on), "o": plo.get_outcome_display().lower()}
                    if plo.ended_on
                    else "",
                },
                source=statutory_source(plo, "cases.PreProceedings", plo.started_on),
                about=plo.child.full_name,
            )
        )
    return facts


def statutory_source(record: Any, model: str, on: dt.date) -> Source:
    return Source(
        model=model,
        pk=record.pk,
        date=on,
        author=user_name(record.created_by),
        basis=Basis.RECORDED,
        label=f"{record._meta.verbose_name.capitalize()} {record.pk}",
    )


def _involves(entry: Entry, person: Person) -> bool:
    return person.pk in {p.pk for p in entry.present.all()} | {p.pk for p in entry.tagged.all()}


# --- Parenting assessment sections -----------------------------------------------------------


@filler("parenting.scope")
def scope(ctx: FillContext) -> Filled:
    """Who is assessed, over which period, and each child's statutory status."""
    kids = children(ctx)
    out = Filled()
    table = Table(columns=[_("Name"), _("Date of birth"), _("In this assessment")])
    for child in kids:
        born = child.date_of_birth or child.expected_date_of_birth
        table.rows.append([child.full_name, day(born), _("Child")])
    for parent in parents(ctx):
        table.rows.append([parent.full_name, day(parent.date_of_birth), _("Parent or carer")])
    table.caption = _("Who this assessment is about")
    out.tables.append(table)
    out.facts.extend(episode_facts(ctx, kids))
    span = entries(ctx)
    first, last = span.first(), span.last()
    if first and last:
        out.notes.append(
            _("The assessment draws on sessions from %(start)s to %(end)s.")
            % {"start": day(first.happened_on), "end": day(last.happened_on)}
        )
    else:
        out.notes.append(_("No sessions are recorded in this period."))
    return out


@filler("parenting.methods")
def methods(ctx: FillContext) -> Filled:
    """Sessions per module, who was present, the professionals involved and the measures used."""
    out = Filled()
    rows = list(entries(ctx))
    by_module: dict[str, list[Entry]] = defaultdict(list)
    for e in rows:
        by_module[e.module.title if e.module_id else _("Other contact")].append(e)
    table = Table(
        columns=[_("Module"), _("Sessions"), _("First"), _("Latest"), _("Family members present")],
        caption=_("Sessions held, by programme module"),
    )
    for title, group in by_module.items():
        present = sorted({p.full_name for e in group for p in e.present.all()})
        table.rows.append(
            [
                title,
                str(len(group)),
                Fact(text=day(group[0].happened_on), source=entry_source(group[0])),
                Fact(text=day(group[-1].happened_on), source=entry_source(group[-1])),
                ", ".join(present) or "–",
            ]
        )
    out.tables.append(table)
    authors = sorted(
        {f"{worker_name(e.author)} ({e.get_chapter_display()})" for e in rows if e.author_id}
    )
    if authors:
        out.notes.append(
            _("Professionals who recorded sessions: %(who)s.") % {"who": "; ".join(authors)}
        )
    recs = measures(ctx)
    if recs:
        out.tables.append(measures_table(recs, _("Standardised measures used")))
    else:
        out.notes.append(_("No standardised measures are recorded in this period."))
    return out


@filler("parenting.child_needs")
def child_needs(ctx: FillContext) -> Filled:
    """Per child: sessions evidencing developmental needs, the child's words, worries, measures."""
    out = Filled()
    rows = list(entries(ctx))
    for child in children(ctx):
        mine = [
            e for e in rows if CHILD_NEEDS in dimensions_of(e.module.slug if e.module_id else None)
        ]
        mine = [e for e in mine if not e.tagged.all() or _involves(e, child)]
        out.facts.extend(entry_fact(e, about=child.full_name) for e in mine)
        out.facts.extend(
            child_words_fact(e, child)
            for e in rows
            if e.child_words.strip() and (not e.tagged.all() or _involves(e, child))
        )
        out.facts.extend(risk_fact(i) for i in risk_items(ctx).filter(about=child))
        recs = measures(ctx, [child])
        if recs:
            out.tables.append(
                measures_table(recs, _("%(name)s: measures") % {"name": child.full_name})
            )
    if not out.facts:
        out.notes.append(_("No sessions about the children's needs are recorded in this period."))
    return out


@filler("parenting.capacity")
def capacity(ctx: FillContext) -> Filled:
    """Per parent, the six dimensions of parenting capacity: the sessions evidencing each."""
    out = Filled()
    rows = list(entries(ctx))
    for parent in parents(ctx):
        table = Table(
            columns=[_("Dimension"), _("Evidence from sessions")],
            caption=_("%(name)s: parenting capacity") % {"name": parent.full_name},
        )
        for key, label in CAPACITY_DIMENSIONS:
            evidence = [
                e
                for e in rows
                if key in dimensions_of(e.module.slug if e.module_id else None)
                and _involves(e, parent)
            ]
            if not evidence:
                table.rows.append([_(label), _("No sessions recorded for this dimension")])
            for e in evidence:
                table.rows.append([_(label), entry_fact(e, about=parent.full_name)])
        out.tables.append(table)
        goal_table, notes = goals_table(
            ctx, goals(ctx, parent), _("%(name)s: goals and ratings") % {"name": parent.full_name}
        )
        if goal_table.rows:
            out.tables.append(goal_table)
        out.notes.extend(notes)
    if not out.tables:
        out.notes.append(_("No parent or carer of the children is recorded."))
    return out


@filler("parenting.family_environment")
def family_environment(ctx: FillContext) -> Filled:
    """Household and network, and the sessions on the family's story and support network."""
    out = Filled()
    table = Table(
        columns=[_("Name"), _("Relationship to the children"), _("Lives in the household")],
        caption=_("Household and wider family"),
    )
    kid_ids = {c.pk for c in children(ctx)}
    links = (
        Relationship.objects.visible_to(ctx.user)
        .ongoing()
        .filter(other_id__in=kid_ids)
        .select_related("person")
    )
    roles: dict[int, set[str]] = defaultdict(set)
    for link in links:
        roles[link.person_id].add(str(link.get_kind_display()).lower())
    people = list(visible_people(ctx).prefetch_related("memberships"))
    for person in people:
        household = any(
            m.family_id == ctx.family.pk and m.kind == "household" and m.ended_on is None
            for m in person.memberships.all()
        )
        role = ", ".join(sorted(roles.get(person.pk, set()))) or (
            _("child") if person.pk in kid_ids else "–"
        )
        table.rows.append([person.full_name, role, _("Yes") if household else _("No")])
    out.tables.append(table)
    for e in entries(ctx):
        if FAMILY_ENVIRONMENT in dimensions_of(e.module.slug if e.module_id else None):
            out.facts.append(entry_fact(e))
    return out


@filler("parenting.risks")
def risks(ctx: FillContext) -> Filled:
    """Specific risks (domestic abuse, substances, mental health), worries and strengths."""
    out = Filled()
    out.facts.extend(trio_fact(f) for f in trio_flags(ctx))
    out.facts.extend(
        risk_fact(i)
        for i in risk_items(ctx, RiskNeedKind.WORRY, RiskNeedKind.STRENGTH, RiskNeedKind.PROTECTIVE)
    )
    adult_recs = measures(ctx, adults(ctx))
    if adult_recs:
        out.tables.append(measures_table(adult_recs, _("Adults' measures")))
    if not out.facts:
        out.notes.append(_("No risks or strengths are recorded on the risk and need analysis."))
    return out


@filler("parenting.change_evidence")
def change_evidence(ctx: FillContext) -> Filled:
    """The data behind capacity to change: goal trajectories, Cycle of Change, measures."""
    out = Filled()
    goal_table, notes = goals_table(ctx, goals(ctx), _("Goals: worker and family ratings"))
    if goal_table.rows:
        out.tables.append(goal_table)
    out.notes.extend(notes)
    stages = change_stages(ctx)
    if stages:
        out.tables.append(change_table(ctx, stages, _("Cycle of Change, start and latest")))
        out.facts.extend(stage_fact(s) for s in stages)
    else:
        out.notes.append(_("No Cycle of Change assessments are recorded in this period."))
    return out


@filler("parenting.parents_view")
def parents_view(ctx: FillContext) -> Filled:
    """The parents' own view: cost-benefit analyses, scaling answers and their goal ratings."""
    out = Filled()
    parent_ids = [p.pk for p in parents(ctx)]
    balances = in_window(
        DecisionalBalance.objects.visible_to(ctx.user)
        .filter(family=ctx.family, person_id__in=parent_ids)
        .select_related("person", "created_by"),
        "completed_on",
        ctx,
    )
    for b in balances:
        out.facts.append(
            Fact(
                text=_(
                    "%(person)s on %(issue)s. Changing would be good because: %(good)s. "
                    "Not so good: %(bad)s."
                )
                % {
                    "person": b.person.full_name,
                    "issue": b.get_issue_display().lower(),
                    "good": excerpt(b.changing_good, 160),
                    "bad": excerpt(b.changing_bad, 160),
                },
                source=Source(
                    model="workbook.DecisionalBalance",
                    pk=b.pk,
                    date=b.completed_on,
                    author=user_name(b.created_by),
                    basis=Basis.REPORTED,
                    label=_("Cost-benefit analysis %(id)s") % {"id": b.pk},
                ),
                about=b.person.full_name,
            )
        )
    answers = in_window(
        ScalingAnswer.objects.visible_to(ctx.user)
        .filter(family=ctx.family, person_id__in=parent_ids)
        .select_related("person", "recorded_by"),
        "asked_on",
        ctx,
    )
    for a in answers:
        out.facts.append(
            Fact(
                text=_("%(person)s answered “%(question)s” with %(score)s/10.")
                % {"person": a.person.full_name, "question": a.question, "score": a.score},
                source=Source(
                    model="workbook.ScalingAnswer",
                    pk=a.pk,
                    date=a.asked_on,
                    author=user_name(a.recorded_by),
                    basis=Basis.REPORTED,
                    label=_("Scaling answer %(id)s") % {"id": a.pk},
                ),
                about=a.person.full_name,
            )
        )
    for goal in goals(ctx):
        if goal.person_id not in parent_ids:
            continue
        for r in ratings_in(goal, ctx):
            if r.rated_by == RatedBy.FAMILY_MEMBER and r.note.strip():
                out.facts.append(
                    Fact(
                        text=_("%(person)s on “%(goal)s” (%(score)s/10): “%(note)s”")
                        % {
                            "person": goal.person.full_name,
                            "goal": goal.title,
                            "score": r.score,
                            "note": excerpt(r.note, 200),
                        },
                        source=rating_source(r),
                        about=goal.person.full_name,
                    )
                )
    if not out.facts:
        out.notes.append(_("The parents' own views are not yet recorded in the Workbook."))
    return out


# --- The plain-English version for the parent ------------------------------------------------
# Short sentences, no jargon. The fixed text is marked for translation; what workers recorded
# is quoted as they wrote it.

PARENT_HEADINGS = [
    gettext_noop("Why we did this assessment"),
    gettext_noop("What we did"),
    gettext_noop("What is going well"),
    gettext_noop("What we are worried about"),
    gettext_noop("What needs to change"),
    gettext_noop("What we think"),
    gettext_noop("What happens next"),
    gettext_noop("If you do not agree"),
]


@filler("parenting_parent.why")
def parent_why(ctx: FillContext) -> Filled:
    out = Filled()
    out.notes.append(
        _(
            "We wanted to understand how your children are doing. We also wanted to understand "
            "what help your family needs. This letter tells you what we found."
        )
    )
    worries = risk_items(ctx, RiskNeedKind.WORRY)
    if ctx.start:
        # The worries that led to the assessment: those recorded by the time it began.
        worries = worries.filter(identified_on__lte=ctx.start) or worries
    out.facts.extend(risk_fact(item, prefix=False) for item in worries)
    return out


@filler("parenting_parent.what_we_did")
def parent_what_we_did(ctx: FillContext) -> Filled:
    out = Filled()
    rows = list(entries(ctx))
    if rows:
        out.notes.append(
            _("We met with your family %(n)s times between %(start)s and %(end)s.")
            % {"n": len(rows), "start": day(rows[0].happened_on), "end": day(rows[-1].happened_on)}
        )
    modules = []
    for e in rows:
        if e.module_id and e.module.title not in modules:
            modules.append(e.module.title)
    table = Table(columns=[_("What we talked about"), _("Times")], caption=_("Our sessions"))
    for title in modules:
        table.rows.append(
            [title, str(sum(1 for e in rows if e.module_id and e.module.title == title))]
        )
    if table.rows:
        out.tables.append(table)
    names = sorted({worker_name(e.author) for e in rows if e.author_id})
    if names:
        out.notes.append(
            _("The people who worked with you: %(names)s.") % {"names": ", ".join(names)}
        )
    return out


@filler("parenting_parent.going_well")
def parent_going_well(ctx: FillContext) -> Filled:
    out = Filled()
    out.facts.extend(
        risk_fact(i, prefix=False)
        for i in risk_items(ctx, RiskNeedKind.STRENGTH, RiskNeedKind.PROTECTIVE)
    )
    for goal in goals(ctx):
        rows = ratings_in(goal, ctx)
        first, last = first_last(rows, RatedBy.WORKER)
        if first and last and last.score > first.score:
            out.facts.append(
                Fact(
                    text=_("“%(goal)s” has gone up from %(a)s to %(b)s out of 10.")
                    % {"goal": goal.title, "a": first.score, "b": last.score},
                    source=rating_source(last),
                    about=goal.person.full_name,
                )
            )
    if not out.facts:
        out.notes.append(_("We have not written down what is going well yet."))
    return out


@filler("parenting_parent.worries")
def parent_worries(ctx: FillContext) -> Filled:
    out = Filled()
    out.facts.extend(risk_fact(i, prefix=False) for i in risk_items(ctx, RiskNeedKind.WORRY))
    if not out.facts:
        out.notes.append(_("We have not written down any worries."))
    return out


@filler("parenting_parent.must_change")
def parent_must_change(ctx: FillContext) -> Filled:
    out = Filled()
    out.facts.extend(risk_fact(i, prefix=False) for i in risk_items(ctx, RiskNeedKind.MUST_CHANGE))
    table = Table(
        columns=[_("Goal"), _("Who"), _("What will help"), _("By when")], caption=_("Goals")
    )
    for goal in goals(ctx):
        if goal.status != "open":
            continue
        actions = [a for a in goal.actions.all() if a.archived_at is None and a.status == "open"]
        if not actions:
            table.rows.append([goal.title, goal.person.full_name, "–", "–"])
        for a in actions:
            table.rows.append([goal.title, a.owner, a.description, day(a.due_on)])
    if table.rows:
        out.tables.append(table)
    return out


@filler("parenting_parent.disagree")
def parent_disagree(ctx: FillContext) -> Filled:
    return Filled(
        notes=[
            _("You can tell us if you think something here is wrong."),
            _("You can tell us if you do not agree with what we think."),
            _("We will write down what you say. It will stay with this report."),
            _("You can ask a solicitor or an advocate to help you."),
        ]
    )
