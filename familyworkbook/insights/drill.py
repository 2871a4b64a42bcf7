"""Drill-downs from the KPI dashboard: the cases behind one figure (a table cell).

A figure is named by its table's slug, the column's index and the quarter (the row). Each
drillable column maps to a filter on the scope's cases, which already come through the access
policy (`Scope.case_set`), so a drill-down never lists a case its reader may not see. The
figures count children or episodes; the list is of their cases (families), which is where a
reader acts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from familyworkbook.cases.models import (
    Allocation,
    Case,
    CinEpisode,
    CpPlan,
    LookedAfterEpisode,
    PreProceedings,
)
from familyworkbook.insights.periods import Quarter
from familyworkbook.teams.models import Role


def _open_on(start: str, end: str, day: dt.date) -> Q:
    return Q(**{f"{start}__lte": day}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": day}))


def _has(model: Any, case_field: str, condition: Q) -> Exists:
    return Exists(
        model.objects.filter(condition, archived_at__isnull=True, **{case_field: OuterRef("pk")})
    )


def _open_cin(q: Quarter) -> Exists:
    return _has(CinEpisode, "case", _open_on("referral_on", "closed_on", q.end))


def _open_cp(q: Quarter) -> Exists:
    return _has(CpPlan, "episode__case", _open_on("started_on", "ended_on", q.end))


def _open_cla(q: Quarter) -> Exists:
    return _has(LookedAfterEpisode, "case", _open_on("started_on", "ceased_on", q.end))


def _open_plo(q: Quarter) -> Exists:
    return _has(PreProceedings, "case", _open_on("started_on", "ended_on", q.end))


def _referred(q: Quarter) -> Exists:
    return _has(CinEpisode, "case", Q(referral_on__gte=q.start, referral_on__lte=q.end))


def _re_referred(q: Quarter) -> Exists:
    episodes = CinEpisode.objects.with_re_referral().filter(
        case=OuterRef("pk"),
        archived_at__isnull=True,
        referral_on__gte=q.start,
        referral_on__lte=q.end,
        is_re_referral=True,
    )
    return Exists(episodes)


def _specialist(roles: list[str]) -> Callable[[Quarter], Exists]:
    def condition(q: Quarter) -> Exists:
        return _has(
            Allocation,
            "case",
            Q(role__in=roles, started_on__lte=q.end)
            & (Q(ended_on__isnull=True) | Q(ended_on__gte=q.start)),
        )

    return condition


_SPECIALISTS = [r for r in Role if r in Role.adult_specialists()]

# table slug → {column index: (what the list is, condition on a case for the quarter)}
DRILLS: dict[str, dict[int, tuple[Callable[[], str], Callable[[Quarter], Exists]]]] = {
    "open": {
        1: (lambda: _("cases with a child in need at the quarter end"), _open_cin),
        2: (
            lambda: _("cases with a child on a child protection plan at the quarter end"),
            _open_cp,
        ),
        4: (lambda: _("cases with a child looked after at the quarter end"), _open_cla),
        6: (lambda: _("cases with a child in pre-proceedings at the quarter end"), _open_plo),
    },
    "new": {
        1: (lambda: _("cases with a referral in the quarter"), _referred),
        2: (lambda: _("cases with a re-referral in the quarter"), _re_referred),
    },
    "specialists": {
        1: (
            lambda: _("cases with an adult specialist in the quarter"),
            _specialist([r.value for r in _SPECIALISTS]),
        ),
        **{
            2 + i: (
                (lambda label=r.label: _("cases with a %(role)s in the quarter") % {"role": label}),
                _specialist([r.value]),
            )
            for i, r in enumerate(_SPECIALISTS)
        },
    },
}


def with_programme(cases: Iterable[Case], day: dt.date) -> list[Case]:
    """The cases, each given `programme`: its family's progress through the programme by
    `day`, read from the same selector as the family's Workbook overview (two or three
    queries for the whole page), so a list of cases and the overview never disagree."""
    from familyworkbook.workbook import selectors as workbook
    from familyworkbook.workbook.models import DEFAULT_PROGRAMME, Programme

    rows = list(cases)
    progress = workbook.programme_progress_by_family(
        {c.family_id for c in rows}, Programme.objects.latest_of(DEFAULT_PROGRAMME), until=day
    )
    for case in rows:
        case.programme = progress[case.family_id]  # type: ignore[attr-defined]
    return rows


def drillable(slug: str) -> list[int]:
    return sorted(DRILLS.get(slug, {}))


def cases_behind(
    cases: QuerySet[Case], slug: str, column: int, q: Quarter
) -> tuple[str, QuerySet[Case]] | None:
    """(what the list is, the cases) for one figure, or None if it has no drill-down."""
    found = DRILLS.get(slug, {}).get(column)
    if found is None:
        return None
    label, condition = found
    return label(), cases.filter(condition(q)).select_related("family", "team").order_by(
        "family__name", "pk"
    )
