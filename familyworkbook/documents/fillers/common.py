"""Shared fillers and helpers: family members, children and their legal status, visits,
significant chronology entries with their basis, and the court chronology.

Every read goes through the generating user's access: people via `Person.objects.visible_to`,
entries via `Entry.objects.visible_to`. Health-confidential detail is never read (only the
summary shared with the team). Each fact carries a Source pointing at the record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.urls import NoReverseMatch, reverse

from familyworkbook.cases.models import (
    CareProceedings,
    CinEpisode,
    CinPlan,
    CpPlan,
    CpReview,
    LookedAfterEpisode,
    PreProceedings,
    Section47,
    Visit,
)
from familyworkbook.core import clock
from familyworkbook.core.codes import CinClosureReason, ReasonEpisodeCeased, plain
from familyworkbook.documents.facts import (
    Basis,
    Fact,
    FillContext,
    Filled,
    Source,
    Table,
    filler,
)
from familyworkbook.people.models import FamilyMembership, Person, PersonKind
from familyworkbook.workbook.models import Entry, EntryKind

# Kinds of contact where the author saw for themselves what they recorded.
OBSERVED_KINDS = {
    EntryKind.HOME_VISIT,
    EntryKind.JOINT_VISIT,
    EntryKind.SESSION,
    EntryKind.DIRECT_WORK,
    EntryKind.GROUP,
}


def d(value: dt.date | None) -> str:
    return value.strftime("%-d %b %Y") if value else ""


def in_window(ctx: FillContext, day: dt.date | None) -> bool:
    if day is None:
        return False
    if ctx.start and day < ctx.start:
        return False
    return not (ctx.end and day > ctx.end)


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


# --- People ------------------------------------------------------------------------------


def memberships(ctx: FillContext) -> list[FamilyMembership]:
    """The family's current members the user may see, household first."""
    visible = Person.objects.visible_to(ctx.user).values("pk")
    return list(
        FamilyMembership.objects.filter(
            family=ctx.family, archived_at__isnull=True, ended_on__isnull=True, person__in=visible
        )
        .select_related("person")
        .order_by("kind", "person__date_of_birth", "person__pk")
    )


def children_of(ctx: FillContext) -> list[Person]:
    kids = [
        m.person for m in memberships(ctx) if m.person.kind in (PersonKind.CHILD, PersonKind.UNBORN)
    ]
    if ctx.child is not None:
        kids = [k for k in kids if k.pk == ctx.child.pk]
    return kids


def person_source(person: Person, *, basis: str = Basis.RECORDED) -> Source:
    return Source(
        model="people.Person",
        pk=person.pk,
        date=None,
        author="",
        basis=basis,
        label=f"Person record {person.pk}",
        url=person.get_absolute_url(),
    )


def legal_status(child: Person, on: dt.date) -> tuple[str, Source | None]:
    """The child's legal status on a date, most protective first, with its record."""
    live = {"archived_at__isnull": True}
    lac = (
        LookedAfterEpisode.objects.filter(child=child, started_on__lte=on, **live)
        .exclude(ceased_on__lt=on)
        .order_by("-started_on")
        .first()
    )
    if lac:
        return (
            f"Looked after: {lac.get_legal_status_display()}",
            Source(
                "cases.LookedAfterEpisode",
                lac.pk,
                lac.started_on,
                "",
                Basis.RECORDED,
                f"Looked-after episode {lac.pk}",
                child.get_absolute_url(),
            ),
        )
    plan = (
        CpPlan.objects.filter(episode__child=child, started_on__lte=on, **live)
        .exclude(ended_on__lt=on)
        .order_by("-started_on")
        .first()
    )
    if plan:
        return (
            f"Child protection plan ({plan.get_initial_category_display()}) since {d(plan.started_on)}",
            Source(
                "cases.CpPlan",
                plan.pk,
                plan.started_on,
                "",
                Basis.RECORDED,
                f"Child protection plan {plan.pk}",
                child.get_absolute_url(),
            ),
        )
    cin = (
        CinPlan.objects.filter(episode__child=child, started_on__lte=on, **live)
        .exclude(ended_on__lt=on)
        .order_by("-started_on")
        .first()
    )
    if cin:
        return (
            f"Child in need plan since {d(cin.started_on)}",
            Source(
                "cases.CinPlan",
                cin.pk,
                cin.started_on,
                "",
                Basis.RECORDED,
                f"Child in need plan {cin.pk}",
                child.get_absolute_url(),
            ),
        )
    episode = (
        CinEpisode.objects.filter(child=child, referral_on__lte=on, **live)
        .exclude(closed_on__lt=on)
        .order_by("-referral_on")
        .first()
    )
    if episode:
        return (
            f"Child in need (referred {d(episode.referral_on)})",
            Source(
                "cases.CinEpisode",
                episode.pk,
                episode.referral_on,
                "",
                Basis.RECORDED,
                f"Episode of need {episode.pk}",
                child.get_absolute_url(),
            ),
        )
    return "No open episode", None


def _age(person: Person, on: dt.date) -> str:
    if person.kind == PersonKind.UNBORN:
        return (
            f"Unborn (due {d(person.expected_date_of_birth)})"
            if person.expected_date_of_birth
            else "Unborn"
        )
    age = person.age_on(on)
    return "" if age is None else str(age)


@filler("common.children")
def children_table(ctx: FillContext) -> Filled:
    """Every child in the family with date of birth, age and legal status."""
    on = ctx.end or clock.today()
    table = Table(
        columns=["Child", "Date of birth", "Age", "Legal status"],
        caption="Children in the family",
    )
    for child in children_of(ctx):
        status, source = legal_status(child, on)
        table.rows.append(
            [
                Fact(child.full_name, person_source(child)),
                d(child.date_of_birth) or d(child.expected_date_of_birth),
                _age(child, on),
                Fact(status, source) if source else status,
            ]
        )
    notes = [] if table.rows else ["No children are recorded in this family."]
    return Filled(tables=[table], notes=notes)


@filler("common.family_members")
def family_members(ctx: FillContext) -> Filled:
    """The genogram as a table: each member, how they belong, and their recorded relationships."""
    from familyworkbook.people.models import Relationship

    on = ctx.end or clock.today()
    members = memberships(ctx)
    ids = {m.person_id for m in members}
    relations: dict[int, list[str]] = {}
    names = {m.person_id: m.person.full_name for m in members}
    rels = Relationship.objects.filter(
        archived_at__isnull=True, person_id__in=ids, other_id__in=ids
    ).order_by("pk")
    for r in rels:
        pr = " (parental responsibility)" if r.parental_responsibility else ""
        relations.setdefault(r.person_id, []).append(
            f"{r.get_kind_display()} of {names.get(r.other_id, '')}{pr}"
        )
    table = Table(
        columns=["Name", "Date of birth", "Age", "Lives in the household", "Relationships"],
        caption="Family members (genogram)",
    )
    for m in members:
        p = m.person
        table.rows.append(
            [
                Fact(p.full_name, person_source(p)),
                d(p.date_of_birth) or d(p.expected_date_of_birth),
                _age(p, on),
                "Yes" if m.kind == "household" else "No (wider family or network)",
                "; ".join(relations.get(p.pk, [])),
            ]
        )
    return Filled(tables=[table], notes=[] if members else ["No family members are recorded."])


# --- Entries and the chronology -------------------------------------------------------------


def entry_basis(entry: Entry) -> str:
    return Basis.OBSERVED if entry.kind in OBSERVED_KINDS else Basis.REPORTED


def entry_source(entry: Entry) -> Source:
    return Source(
        model="workbook.Entry",
        pk=entry.pk,
        date=entry.happened_on,
        author=entry.author.name if entry.author else "",
        basis=entry_basis(entry),
        label=f"Workbook entry {entry.pk}",
        url=entry.get_absolute_url(),
    )


def entries(ctx: FillContext, *, significant_only: bool = False) -> list[Entry]:
    """The family's entries in the window the user may see, oldest first, with tags."""
    qs = (
        Entry.objects.visible_to(ctx.user)
        .filter(family=ctx.family)
        .select_related("author__user")
        .prefetch_related("tagged")
        .order_by("happened_on", "pk")
    )
    if ctx.start:
        qs = qs.filter(happened_on__gte=ctx.start)
    if ctx.end:
        qs = qs.filter(happened_on__lte=ctx.end)
    if significant_only:
        qs = qs.filter(is_significant=True)
    rows = list(qs)
    if ctx.child is not None:
        rows = [e for e in rows if not e.tagged.all() or ctx.child in e.tagged.all()]
    return rows


def shared_text(entry: Entry) -> str:
    """What an entry says that the team may read (never the health-confidential detail)."""
    return entry.what_happened


def about(entry: Entry) -> str:
    return ", ".join(p.full_name for p in entry.tagged.all())


def statutory_events(
    ctx: FillContext, children: Iterable[Person]
) -> list[tuple[dt.date, str, str, Source]]:
    """(date, event, detail, source) for each statutory event of the children in the window."""
    kids = {c.pk: c for c in children}
    ids = list(kids)
    live = {"archived_at__isnull": True}
    out: list[tuple[dt.date, str, str, Source]] = []

    def add(
        on: dt.date | None, title: str, child_id: int, model: str, pk: int, detail: str = ""
    ) -> None:
        if on is None or not in_window(ctx, on):
            return
        child = kids[child_id]
        src = Source(
            model,
            pk,
            on,
            "",
            Basis.RECORDED,
            f"{model.split('.')[1]} {pk}",
            child.get_absolute_url(),
        )
        out.append((on, f"{title}: {child.full_name}", detail, src))

    for ep in CinEpisode.objects.filter(child_id__in=ids, **live):
        add(
            ep.referral_on,
            "Referral received",
            ep.child_id,
            "cases.CinEpisode",
            ep.pk,
            ep.get_referral_source_display(),
        )
        add(
            ep.closed_on,
            "Episode of need closed",
            ep.child_id,
            "cases.CinEpisode",
            ep.pk,
            plain(CinClosureReason, ep.closure_reason) if ep.closed_on else "",
        )
    for s in Section47.objects.filter(episode__child_id__in=ids, **live).select_related("episode"):
        add(s.started_on, "Section 47 enquiry started", s.episode.child_id, "cases.Section47", s.pk)
        add(
            s.icpc_on,
            "Initial child protection conference",
            s.episode.child_id,
            "cases.Section47",
            s.pk,
        )
    for p in CpPlan.objects.filter(episode__child_id__in=ids, **live).select_related("episode"):
        add(
            p.started_on,
            "Child protection plan started",
            p.episode.child_id,
            "cases.CpPlan",
            p.pk,
            p.get_initial_category_display(),
        )
        add(p.ended_on, "Child protection plan ended", p.episode.child_id, "cases.CpPlan", p.pk)
    for r in CpReview.objects.filter(plan__episode__child_id__in=ids, **live).select_related(
        "plan__episode"
    ):
        add(
            r.held_on,
            "Review child protection conference",
            r.plan.episode.child_id,
            "cases.CpReview",
            r.pk,
        )
    for lac in LookedAfterEpisode.objects.filter(child_id__in=ids, **live):
        add(
            lac.started_on,
            f"Became looked after ({lac.get_legal_status_display()})",
            lac.child_id,
            "cases.LookedAfterEpisode",
            lac.pk,
        )
        add(
            lac.ceased_on,
            "Looked-after episode changed"
            if lac.reason_ceased == "X1"
            else "Stopped being looked after",
            lac.child_id,
            "cases.LookedAfterEpisode",
            lac.pk,
            plain(ReasonEpisodeCeased, lac.reason_ceased) if lac.ceased_on else "",
        )
    for plo in PreProceedings.objects.filter(child_id__in=ids, **live):
        add(
            plo.started_on,
            "Pre-proceedings (PLO) started",
            plo.child_id,
            "cases.PreProceedings",
            plo.pk,
        )
        add(
            plo.ended_on,
            "Pre-proceedings ended",
            plo.child_id,
            "cases.PreProceedings",
            plo.pk,
            plo.get_outcome_display() if plo.ended_on else "",
        )
    for cp in CareProceedings.objects.filter(child_id__in=ids, **live):
        add(cp.issued_on, "Care proceedings issued", cp.child_id, "cases.CareProceedings", cp.pk)
        add(
            cp.concluded_on,
            "Care proceedings concluded",
            cp.child_id,
            "cases.CareProceedings",
            cp.pk,
            cp.get_final_order_display() if cp.concluded_on else "",
        )
    return out


def chronology_rows(ctx: FillContext) -> list[tuple[dt.date, Fact, Fact | str]]:
    """(date, event, impact) for significant entries and statutory events in the window."""
    rows: list[tuple[dt.date, int, Fact, Fact | str]] = []
    for on, title, detail, src in statutory_events(ctx, children_of(ctx)):
        text = f"{title}. {detail}" if detail else title
        rows.append((on, 0, Fact(text, src), ""))
    for e in entries(ctx, significant_only=True):
        src = entry_source(e)
        rows.append(
            (
                e.happened_on,
                1,
                Fact(e.headline or shared_text(e)[:200], src, about=about(e)),
                Fact(e.meaning_for_child, src) if e.meaning_for_child.strip() else "",
            )
        )
    rows.sort(key=lambda r: (r[0], r[1]))
    return [(on, event, impact) for on, _, event, impact in rows]


@filler("common.chronology")
def short_chronology(ctx: FillContext) -> Filled:
    """Significant events in the window: date, event, impact on the child."""
    table = Table(columns=["Date", "Event", "Impact on the child"], caption="Significant events")
    for on, event, impact in chronology_rows(ctx):
        table.rows.append([d(on), event, impact])
    notes = [] if table.rows else ["No significant events are recorded in this period."]
    return Filled(tables=[table], notes=notes)


@filler("court.chronology")
def court_chronology(ctx: FillContext) -> Filled:
    """The court chronology (PD12A): serial number, date, event, impact, source reference.

    Significant entries and statutory events only (not visits or routine tasks), in the
    window, numbered; frozen with the document, apart from the full case chronology.
    """
    table = Table(
        columns=["No.", "Date", "Event", "Impact on the child", "Source"],
        caption="Chronology of significant events",
    )
    for n, (on, event, impact) in enumerate(chronology_rows(ctx), start=1):
        table.rows.append([str(n), d(on), event, impact, event.source.reference()])
    notes = [] if table.rows else ["No significant events are recorded in this period."]
    return Filled(tables=[table], notes=notes)


@filler("common.visits")
def visits(ctx: FillContext) -> Filled:
    """Statutory visits in the window: when, whether the child was seen and seen alone, by whom."""
    kids = children_of(ctx)
    table = Table(
        columns=["Date", "Child", "Visit", "Seen", "Seen alone", "By"],
        caption="Visits to the children",
    )
    qs = Visit.objects.filter(child__in=kids, archived_at__isnull=True).select_related(
        "by__user", "child"
    )
    if ctx.start:
        qs = qs.filter(visited_on__gte=ctx.start)
    if ctx.end:
        qs = qs.filter(visited_on__lte=ctx.end)
    for v in qs.order_by("visited_on", "pk"):
        src = Source(
            "cases.Visit",
            v.pk,
            v.visited_on,
            v.by.name if v.by else "",
            Basis.RECORDED,
            f"Visit {v.pk}",
            v.child.get_absolute_url(),
        )
        table.rows.append(
            [
                d(v.visited_on),
                v.child.full_name,
                Fact(v.get_kind_display(), src),
                "Yes" if v.seen else "No",
                "Yes" if v.seen_alone else "No",
                v.by.name if v.by else "",
            ]
        )
    notes = [] if table.rows else ["No visits are recorded in this period."]
    return Filled(tables=[table], notes=notes)
