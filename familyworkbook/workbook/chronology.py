"""The family's chronology: significant Workbook entries and statutory events, never typed twice.

Each source is read in one query (so the page costs the same whatever the family's size),
turned into `Event`s and merged in date order. Statutory events come from `cases`; entries
come from those flagged significant. Filtering by child keeps that child's statutory events
and the entries about them or about the whole family (entries tagged with nobody).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from familyworkbook.cases.models import (
    Assessment,
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
from familyworkbook.core.codes import CinClosureReason, ReasonEpisodeCeased, ReasonNewEpisode, plain
from familyworkbook.people.models import Family, Person
from familyworkbook.workbook.models import Entry, Intervention
from familyworkbook.workbook.selectors import about_visible, visible_people


@dataclass(frozen=True)
class Event:
    on: dt.date
    title: str
    source: str  # "entry" or "statutory" or "intervention"
    people: tuple[str, ...] = ()
    by: str = ""
    url: str = ""
    detail: str = ""
    sort_key: tuple[int, int] = field(default=(0, 0))


def _d(value: dt.date) -> str:
    return f"{value:%d/%m/%Y}"


def _statutory(children: dict[int, Person]) -> Iterator[Event]:
    ids = list(children)

    def ev(on: dt.date, title: str, child_id: int, detail: str = "", order: int = 0) -> Event:
        child = children[child_id]
        return Event(
            on=on,
            title=title,
            source="statutory",
            people=(child.full_name,),
            url=child.get_absolute_url(),
            detail=detail,
            sort_key=(1, order),
        )

    live = {"archived_at__isnull": True}
    for ep in CinEpisode.objects.filter(child_id__in=ids, **live):
        yield ev(
            ep.referral_on, _("Referral received"), ep.child_id, ep.get_referral_source_display()
        )
        if ep.closed_on:
            yield ev(
                ep.closed_on,
                _("Episode of need closed"),
                ep.child_id,
                plain(CinClosureReason, ep.closure_reason),
                9,
            )
    for a in Assessment.objects.filter(episode__child_id__in=ids, **live).select_related("episode"):
        yield ev(a.started_on, _("Assessment started"), a.episode.child_id, order=1)
        if a.authorised_on:
            yield ev(a.authorised_on, _("Assessment authorised"), a.episode.child_id, order=2)
    for s in Section47.objects.filter(episode__child_id__in=ids, **live).select_related("episode"):
        yield ev(s.started_on, _("Section 47 enquiry started"), s.episode.child_id, order=1)
        if s.icpc_on:
            yield ev(
                s.icpc_on, _("Initial child protection conference"), s.episode.child_id, order=2
            )
    for p in CinPlan.objects.filter(episode__child_id__in=ids, **live).select_related("episode"):
        yield ev(p.started_on, _("Child in need plan started"), p.episode.child_id, order=3)
        if p.ended_on:
            yield ev(p.ended_on, _("Child in need plan ended"), p.episode.child_id, order=8)
    plan_child: dict[int, int] = {}
    for p in CpPlan.objects.filter(episode__child_id__in=ids, **live).select_related("episode"):
        plan_child[p.pk] = p.episode.child_id
        yield ev(
            p.started_on,
            _("Child protection plan started"),
            p.episode.child_id,
            p.get_initial_category_display(),
            3,
        )
        if p.ended_on:
            yield ev(p.ended_on, _("Child protection plan ended"), p.episode.child_id, order=8)
    # By the plans just read, not by a join through every plan and episode in the county:
    # PostgreSQL chose a hash join over all reviews for that (0.3 s at 20,000 families).
    for r in CpReview.objects.filter(plan_id__in=list(plan_child), **live):
        yield ev(r.held_on, _("Review child protection conference"), plan_child[r.plan_id], order=4)
    for lac in LookedAfterEpisode.objects.filter(child_id__in=ids, **live):
        yield ev(
            lac.started_on,
            _("Looked after: %(status)s") % {"status": lac.get_legal_status_display()},
            lac.child_id,
            plain(ReasonNewEpisode, lac.reason_new_episode),
            5,
        )
        if lac.ceased_on:
            yield ev(
                lac.ceased_on,
                _("Looked-after episode ended"),
                lac.child_id,
                plain(ReasonEpisodeCeased, lac.reason_ceased),
                8,
            )
    for plo in PreProceedings.objects.filter(child_id__in=ids, **live):
        yield ev(plo.started_on, _("Pre-proceedings (PLO) meeting"), plo.child_id, order=5)
        if plo.ended_on:
            yield ev(
                plo.ended_on, _("Pre-proceedings ended"), plo.child_id, plo.get_outcome_display(), 8
            )
    for cp in CareProceedings.objects.filter(child_id__in=ids, **live):
        yield ev(cp.issued_on, _("Care proceedings issued"), cp.child_id, order=6)
        if cp.concluded_on:
            yield ev(
                cp.concluded_on,
                _("Care proceedings concluded"),
                cp.child_id,
                cp.get_final_order_display(),
                8,
            )
    for v in Visit.objects.filter(child_id__in=ids, **live).select_related("by__user"):
        if v.seen_alone:
            seen = _("seen alone")
        elif v.seen:
            seen = _("seen")
        else:
            seen = _("not seen")
        yield Event(
            on=v.visited_on,
            title=v.get_kind_display(),
            source="statutory",
            people=(children[v.child_id].full_name,),
            by=v.by.name if v.by else "",
            url=children[v.child_id].get_absolute_url(),
            detail=_("Child %(seen)s") % {"seen": seen},
            sort_key=(1, 7),
        )


def _entries(family: Family, child: Person | None, user: Any = None) -> Iterator[Event]:
    # With `user`, only the tagged people they may see are named, and an entry tagged only
    # with people they may not see (a restricted child) is left out.
    entries = (
        Entry.objects.significant()
        .filter(family=family)
        .select_related("author__user")
        .prefetch_related("tagged")
        .order_by("happened_on", "pk")
    )
    rows = [(e, sorted(e.tagged.all(), key=lambda p: p.pk)) for e in entries]
    visible = None
    if user is not None:
        named = {p.pk for _e, people in rows for p in people}
        visible = set(visible_people(user).filter(pk__in=named).values_list("pk", flat=True))
    for e, everyone in rows:
        tagged = [p for p in everyone if visible is None or p.pk in visible]
        if everyone and not tagged:
            continue
        if child is not None and tagged and child.pk not in {p.pk for p in tagged}:
            continue
        yield Event(
            on=e.happened_on,
            title=e.headline,
            source="entry",
            people=tuple(p.full_name for p in tagged),
            by=f"{e.author.name}, {e.get_chapter_display()}"
            if e.author
            else e.get_chapter_display(),
            url=e.get_absolute_url(),
            detail=e.get_kind_display(),
            sort_key=(2, e.pk),
        )


def _interventions(family: Family, child: Person | None, user: Any = None) -> Iterator[Event]:
    rows = about_visible(
        Intervention.objects.filter(family=family, archived_at__isnull=True), user, field="child"
    ).select_related("child", "programme")
    for i in rows:
        if child is not None and i.child_id != child.pk:
            continue
        people = (i.child.full_name,)
        yield Event(
            on=i.started_on,
            title=_("%(p)s started") % {"p": i.programme.title},
            source="intervention",
            people=people,
            detail=i.readiness_band,
        )
        if i.extended_to and i.extension_agreed_on:
            yield Event(
                on=i.extension_agreed_on,
                title=_("Intervention extended to %(date)s") % {"date": _d(i.extended_to)},
                source="intervention",
                people=people,
                detail=i.extension_reason,
            )
        if i.ended_on:
            yield Event(
                on=i.ended_on,
                title=_("Intervention ended"),
                source="intervention",
                people=people,
                detail=i.get_outcome_display(),
            )


def chronology(
    family: Family, children: Iterable[Person], *, child: Person | None = None, user: Any = None
) -> list[Event]:
    """The family's events in date order (earliest first); for one child when `child` is given.

    `children` are the children to show statutory events of; with `user`, entries and
    interventions about a person they may not see are left out too (a restricted record)."""
    kids = {c.pk: c for c in children if child is None or c.pk == child.pk}
    events = [
        *_statutory(kids),
        *_entries(family, child, user),
        *_interventions(family, child, user),
    ]
    events.sort(key=lambda e: (e.on, e.sort_key))
    return events
