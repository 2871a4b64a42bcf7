"""The pilot evaluation's administrative-data appendix, computed from the record.

The Cambridgeshire evaluation (seed 004, Appendix A; SEED-NUMBERS.md §A) assembled these
tables by hand for four three-month periods: case volumes and timings, primary and secondary
needs of new cases, cases open at each period end by status, PLO, adult specialist
involvement, and posts with vacancies by role. Here they are worked out for any quarters,
for any scope, from the same tables the dashboard and workforce pages use where they agree,
in a bounded number of queries per quarter.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from familyworkbook.cases.models import Case, CinEpisode, CpPlan, EpisodeSecondaryNeed
from familyworkbook.core.codes import PrimaryNeed, SecondaryNeed
from familyworkbook.insights import selectors, workforce
from familyworkbook.insights.periods import Quarter, Scope, Table, quarters_between
from familyworkbook.insights.periods import share as _share
from familyworkbook.teams.models import Role


def volumes(cases: QuerySet[Case], quarters: list[Quarter]) -> Table:
    """Average age of children open at each quarter end, new cases, re-referral share, and the
    average length of CP plans ended in the quarter (weeks)."""
    new = {row[0]: row[1:] for row in selectors.new_cases(cases, quarters).rows}
    ended: dict[int, list[int]] = {i: [] for i in range(len(quarters))}
    for started, finished in CpPlan.objects.filter(
        episode__case__in=cases,
        archived_at__isnull=True,
        ended_on__gte=quarters[0].start,
        ended_on__lte=quarters[-1].end,
    ).values_list("started_on", "ended_on"):
        for i, q in enumerate(quarters):
            if q.start <= finished <= q.end:
                ended[i].append((finished - started).days)
    rows = []
    for i, q in enumerate(quarters):
        average_age = selectors.ages(cases, q.end).rows[-1][1]
        n, re_referrals, re_share = new[q.end]
        days = ended[i]
        weeks = round(sum(days) / len(days) / 7, 1) if days else None
        rows.append([q.end, average_age, n, re_referrals, re_share, weeks])
    return Table(
        "appendix_volumes",
        _("Case volumes and timings"),
        [
            _("Quarter end"),
            _("Average age of children open (years)"),
            _("New cases (referrals)"),
            _("Re-referrals"),
            _("Re-referrals (% of new cases)"),
            _("Average CP plan length at closure (weeks)"),
        ],
        rows,
        _(
            "Average age: children with an episode of need open on the quarter end. New cases: "
            "episodes of need referred in the quarter; a re-referral is within 12 months of an "
            "earlier episode closing. CP plan length: plans ended in the quarter, start to end."
        ),
        chart="lines",
        series=[2, 4, 5],
    )


def _need_table(
    slug: str,
    caption: str,
    method: str,
    choices: list[tuple[str, Any]],
    counts: dict[tuple[int, str], int],
    totals: dict[int, int],
    quarters: list[Quarter],
) -> Table:
    columns = [_("Category")]
    for q in quarters:
        columns += [f"{q.label}: {_('cases')}", f"{q.label}: %"]
    rows = []
    for code, label in choices:
        row: list[Any] = [str(label)]
        for i in range(len(quarters)):
            n = counts.get((i, code), 0)
            row += [n, _share(n, totals[i])]
        rows.append(row)
    return Table(
        slug, caption, columns, rows, method, series=[1 + 2 * i for i in range(len(quarters))]
    )


def needs(cases: QuerySet[Case], quarters: list[Quarter]) -> tuple[Table, Table]:
    """Primary need (one per new case) and secondary needs (several allowed), per quarter."""
    episodes = CinEpisode.objects.filter(
        case__in=cases,
        archived_at__isnull=True,
        referral_on__gte=quarters[0].start,
        referral_on__lte=quarters[-1].end,
    )

    def per_quarter(field: str, qs: QuerySet, date_field: str) -> dict[tuple[int, str], int]:
        aggregates = {}
        found: dict[tuple[int, str], int] = {}
        for i, q in enumerate(quarters):
            within = Q(**{f"{date_field}__gte": q.start, f"{date_field}__lte": q.end})
            aggregates[f"q{i}"] = Count("pk", filter=within)
        for row in qs.values(field).annotate(**aggregates).order_by():
            for i in range(len(quarters)):
                if row[f"q{i}"]:
                    found[(i, row[field])] = row[f"q{i}"]
        return found

    primary = per_quarter("primary_need", episodes, "referral_on")
    secondary = per_quarter(
        "need",
        EpisodeSecondaryNeed.objects.filter(episode__in=episodes.values("pk")),
        "episode__referral_on",
    )
    totals = {i: sum(n for (j, _c), n in primary.items() if j == i) for i in range(len(quarters))}
    primary_choices = list(PrimaryNeed.choices)
    if any(code == "" for _i, code in primary):
        primary_choices.append(("", _("Not yet recorded")))
    return (
        _need_table(
            "appendix_primary",
            _("Primary category of need (new cases)"),
            _("Episodes of need referred in each quarter, by primary need; shares of new cases."),
            primary_choices,
            primary,
            totals,
            quarters,
        ),
        _need_table(
            "appendix_secondary",
            _("Secondary categories of need (new cases)"),
            _(
                "Episodes of need referred in each quarter with each secondary need; several "
                "are allowed, so shares of new cases do not add up to 100."
            ),
            list(SecondaryNeed.choices),
            secondary,
            totals,
            quarters,
        ),
    )


APPENDIX_ROLES = [
    Role.TEAM_MANAGER,
    Role.SENIOR_PRACTITIONER,
    Role.SOCIAL_WORKER,
    Role.CHILD_PRACTITIONER,
    Role.DA_SURVIVOR_WORKER,
    Role.DA_PERPETRATOR_WORKER,
    Role.MENTAL_HEALTH_PRACTITIONER,
    Role.SUBSTANCE_MISUSE_WORKER,
    Role.PSYCHOLOGIST,
]


def posts(scope: Scope, quarters: list[Quarter]) -> Table:
    """Posts (full-time equivalent) and vacant FTE by role at each quarter end."""
    by_quarter = []
    for q in quarters:
        by_quarter.append(
            {
                r["role"]: r
                for r in workforce.posts_in(scope, q.end)
                .values("role")
                .annotate(
                    fte_total=Sum("fte"),
                    fte_vacant=Sum(
                        "fte", filter=Q(holder__isnull=True) & ~Q(vacant_since__gt=q.end)
                    ),
                )
                .order_by()
            }
        )
    columns = [_("Role")]
    for q in quarters:
        columns += [f"{q.end:%d/%m/%Y}: {_('posts (FTE)')}", f"{q.end:%d/%m/%Y}: {_('vacant')}"]
    rows = []
    for role in APPENDIX_ROLES:
        row: list[Any] = [str(role.label)]
        for found in by_quarter:
            r = found.get(role.value)
            row += [float(r["fte_total"] or 0), float(r["fte_vacant"] or 0)] if r else [0.0, 0.0]
        rows.append(row)
    return Table(
        "appendix_posts",
        _("Posts and vacancies by role (full-time equivalent)"),
        columns,
        rows,
        _(
            "Posts established at each quarter end serving the scope, each post once, in "
            "full-time equivalents; vacant: no holder now and not fallen vacant after that day."
        ),
        series=[2 + 2 * i for i in range(len(quarters))],
    )


def appendix(user: Any, scope: Scope, date_from: dt.date, date_to: dt.date) -> list[Table]:
    quarters = quarters_between(date_from, date_to)
    cases = scope.case_set(user)
    primary, secondary = needs(cases, quarters)
    return [
        volumes(cases, quarters),
        primary,
        secondary,
        selectors.open_counts(cases, quarters),
        selectors.specialist_involvement(cases, quarters),
        posts(scope, quarters),
    ]
