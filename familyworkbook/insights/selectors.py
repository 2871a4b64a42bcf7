"""Key performance indicators for a scope (team, district, service, council) and period.

Every figure is computed from the record with SQL aggregates: one query per measure for
all quarters at once (conditional `Count(..., filter=Q(...))`), so the number of queries
on the dashboard does not grow with the data or with the number of quarters. Nothing is a
hand-kept counter. Cases come only through `Case.objects.visible_to(user)`, so a figure
never counts a case the user could not open.

Each measure is returned as a `Table`: a caption, column headings, rows and the method in
words, which the page shows beside the chart and the downloads contain.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext as _

from familyworkbook.cases.models import (
    Allocation,
    CareProceedings,
    Case,
    CinEpisode,
    CpPlan,
    EpisodeSecondaryNeed,
    LookedAfterEpisode,
    PreProceedings,
    Visit,
    VisitKind,
)
from familyworkbook.core.codes import PrimaryNeed, SecondaryNeed
from familyworkbook.insights.periods import (  # noqa: F401 - re-exported for the pages
    MAX_QUARTERS,
    Quarter,
    Scope,
    Table,
    quarter_of,
    quarters_between,
    scope_choices,
    scope_from_key,
    without_jit,
)
from familyworkbook.insights.periods import share as _share
from familyworkbook.teams.models import Role

# Local visiting standards, in calendar days since the previous visit of the same kind
# (CP: every 10 working days; looked after: every 6 weeks; child in need: every 4 weeks).
VISIT_TIMESCALE_DAYS = {VisitKind.CP: 14, VisitKind.CLA: 42, VisitKind.CIN: 28}


def _open_on(start: str, end: str, day: dt.date) -> Q:
    return Q(**{f"{start}__lte": day}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": day}))


def _overlaps(start: str, end: str, q: Quarter) -> Q:
    return Q(**{f"{start}__lte": q.end}) & (
        Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": q.start})
    )


# --- Measures ------------------------------------------------------------------------------


def open_counts(cases: QuerySet[Case], quarters: list[Quarter]) -> Table:
    """Children open at each quarter end: in need (all), on a CP plan, looked after, in PLO."""

    first, last = quarters[0].end, quarters[-1].end

    def counts(qs: QuerySet, start: str, end: str, child: str) -> dict[str, int]:
        # Only records open at some quarter end can count: skip the closed history first.
        qs = qs.filter(
            Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": first}),
            **{f"{start}__lte": last},
        )
        return qs.aggregate(
            **{
                f"q{i}": Count(child, distinct=True, filter=_open_on(start, end, q.end))
                for i, q in enumerate(quarters)
            }
        )

    cin = counts(
        CinEpisode.objects.filter(case__in=cases, archived_at__isnull=True),
        "referral_on",
        "closed_on",
        "child",
    )
    cp = counts(
        CpPlan.objects.filter(episode__case__in=cases, archived_at__isnull=True),
        "started_on",
        "ended_on",
        "episode__child",
    )
    cla = counts(
        LookedAfterEpisode.objects.filter(case__in=cases, archived_at__isnull=True),
        "started_on",
        "ceased_on",
        "child",
    )
    plo = counts(
        PreProceedings.objects.filter(case__in=cases, archived_at__isnull=True),
        "started_on",
        "ended_on",
        "child",
    )
    rows = []
    for i, q in enumerate(quarters):
        n = cin[f"q{i}"]
        rows.append(
            [
                q.end,
                n,
                cp[f"q{i}"],
                _share(cp[f"q{i}"], n),
                cla[f"q{i}"],
                _share(cla[f"q{i}"], n),
                plo[f"q{i}"],
                _share(plo[f"q{i}"], n),
            ]
        )
    return Table(
        "open",
        _("Children open at each quarter end"),
        [
            _("Quarter end"),
            _("Children in need"),
            _("On a child protection plan"),
            _("CP share (%)"),
            _("Looked after"),
            _("Looked-after share (%)"),
            _("In pre-proceedings (PLO)"),
            _("PLO share (%)"),
        ],
        rows,
        _(
            "Children counted once each, on the last day of each quarter (or of the period). "
            "Children in need: an episode of need open that day (referral on or before it, "
            "not closed before it), including those on a plan or looked after, as in the CIN "
            "census. Shares are of the children in need."
        ),
        chart="lines",
        series=[1, 2, 4, 6],
    )


def new_cases(cases: QuerySet[Case], quarters: list[Quarter]) -> Table:
    """Referrals (new episodes of need) per quarter and the share that are re-referrals."""
    episodes = CinEpisode.objects.with_re_referral().filter(
        case__in=cases,
        archived_at__isnull=True,
        referral_on__gte=quarters[0].start,
        referral_on__lte=quarters[-1].end,
    )
    aggregates: dict[str, Any] = {}
    for i, q in enumerate(quarters):
        within = Q(referral_on__gte=q.start, referral_on__lte=q.end)
        aggregates[f"n{i}"] = Count("pk", filter=within)
        aggregates[f"r{i}"] = Count("pk", filter=within & Q(is_re_referral=True))
    result = episodes.aggregate(**aggregates)
    rows = [
        [q.end, result[f"n{i}"], result[f"r{i}"], _share(result[f"r{i}"], result[f"n{i}"])]
        for i, q in enumerate(quarters)
    ]
    return Table(
        "new",
        _("New referrals and re-referrals"),
        [_("Quarter end"), _("New referrals"), _("Re-referrals"), _("Re-referral share (%)")],
        rows,
        _(
            "Episodes of need whose referral date falls in the quarter. A re-referral is a "
            "referral within 12 months of the close of an earlier episode for the same child."
        ),
        series=[1, 2],
    )


def _episodes_in(cases: QuerySet[Case], date_from: dt.date, date_to: dt.date) -> QuerySet:
    return CinEpisode.objects.filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=date_from),
        case__in=cases,
        archived_at__isnull=True,
        referral_on__lte=date_to,
    )


def needs(cases: QuerySet[Case], date_from: dt.date, date_to: dt.date) -> tuple[Table, Table]:
    """Primary needs (one per episode) and secondary needs (any number) over the period."""
    episodes = _episodes_in(cases, date_from, date_to)
    primary = dict(episodes.values_list("primary_need").annotate(n=Count("pk")).order_by())
    secondary = dict(
        EpisodeSecondaryNeed.objects.filter(episode__in=episodes.values("pk"))
        .values_list("need")
        .annotate(n=Count("pk"))
        .order_by()
    )
    total = sum(primary.values())
    primary_rows = [
        [label, primary.get(code, 0), _share(primary.get(code, 0), total)]
        for code, label in PrimaryNeed.choices
    ]
    if primary.get(""):
        primary_rows.append([_("Not yet recorded"), primary[""], _share(primary[""], total)])
    secondary_rows = [
        [label, secondary.get(code, 0), _share(secondary.get(code, 0), total)]
        for code, label in SecondaryNeed.choices
    ]
    return (
        Table(
            "primary_needs",
            _("Primary need"),
            [_("Primary need"), _("Episodes"), _("Share (%)")],
            primary_rows,
            _("Episodes of need open at any time in the period, by their primary need."),
            series=[1],
        ),
        Table(
            "secondary_needs",
            _("Secondary needs"),
            [_("Secondary need"), _("Episodes"), _("Share of episodes (%)")],
            secondary_rows,
            _(
                "Episodes of need open at any time in the period with each secondary need "
                "recorded; an episode may have several, so shares do not add up to 100."
            ),
            series=[1],
        ),
    )


def age_at(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


AGE_BANDS = ((0, 0), (1, 4), (5, 9), (10, 15), (16, 17))


def ages(cases: QuerySet[Case], day: dt.date) -> Table:
    """Ages of children open on `day`: bands and average, from one grouped query.

    Grouped by date of birth, so the rows returned are bounded by the number of distinct
    birth dates (at most 18 × 366) however many children there are.
    """
    by_birth = (
        CinEpisode.objects.filter(
            _open_on("referral_on", "closed_on", day),
            case__in=cases,
            archived_at__isnull=True,
            child__date_of_birth__isnull=False,
        )
        .values_list("child__date_of_birth")
        .annotate(n=Count("child", distinct=True))
        .order_by()
    )
    counts = {band: 0 for band in AGE_BANDS}
    total = years = 0
    for born, n in by_birth:
        age = age_at(born, day)
        total += n
        years += age * n
        for low, high in AGE_BANDS:
            if low <= age <= high or (high == 17 and age > 17):
                counts[(low, high)] += n
                break
    rows = [
        [_("Under 1") if high == 0 else f"{low}–{high}", n, _share(n, total)]
        for (low, high), n in counts.items()
    ]
    average = round(years / total, 1) if total else None
    rows.append([_("Average age (years)"), average, None])
    return Table(
        "ages",
        _("Age of children open at the end of the period"),
        [_("Age"), _("Children"), _("Share (%)")],
        rows,
        _(
            "Children with an episode of need open on %(day)s, by age in whole years on that "
            "day; the average is the mean of those ages."
        )
        % {"day": day.strftime("%d/%m/%Y")},
        series=[1],
    )


DURATION_BANDS = ((0, 90), (91, 182), (183, 365), (366, 730), (731, None))


def cp_durations(cases: QuerySet[Case], quarters: list[Quarter]) -> Table:
    """CP plans ended in each quarter: how many, and how long they had lasted (in bands)."""
    plans = CpPlan.objects.filter(
        episode__case__in=cases, archived_at__isnull=True, ended_on__isnull=False
    ).annotate(length=F("ended_on") - F("started_on"))
    aggregates: dict[str, Any] = {}
    for i, q in enumerate(quarters):
        ended = Q(ended_on__gte=q.start, ended_on__lte=q.end)
        aggregates[f"n{i}"] = Count("pk", filter=ended)
        for b, (low, high) in enumerate(DURATION_BANDS):
            band = Q(length__gte=dt.timedelta(days=low))
            if high is not None:
                band &= Q(length__lte=dt.timedelta(days=high))
            aggregates[f"b{i}_{b}"] = Count("pk", filter=ended & band)
    result = plans.aggregate(**aggregates)
    rows = [
        [q.end, result[f"n{i}"]] + [result[f"b{i}_{b}"] for b in range(len(DURATION_BANDS))]
        for i, q in enumerate(quarters)
    ]
    return Table(
        "cp_duration",
        _("Child protection plans ended, by how long they lasted"),
        [
            _("Quarter end"),
            _("Plans ended"),
            _("Up to 3 months"),
            _("3 to 6 months"),
            _("6 to 12 months"),
            _("1 to 2 years"),
            _("Over 2 years"),
        ],
        rows,
        _(
            "Plans whose end date falls in the quarter, by days from start to end: up to 90, "
            "91–182, 183–365, 366–730, over 730."
        ),
        series=[2, 3, 4, 5, 6],
    )


def days_in_care(cases: QuerySet[Case], quarters: list[Quarter]) -> Table:
    """Children looked after during each quarter and the days they spent in care in it.

    Days are summed in Python over the looked-after episodes overlapping the period,
    fetched as date pairs in one query (bounded by the looked-after population).
    """
    first, last = quarters[0].start, quarters[-1].end
    spells = LookedAfterEpisode.objects.filter(
        Q(ceased_on__isnull=True) | Q(ceased_on__gte=first),
        case__in=cases,
        archived_at__isnull=True,
        started_on__lte=last,
    ).values_list("child_id", "started_on", "ceased_on")
    days = [0] * len(quarters)
    children: list[set[int]] = [set() for _q in quarters]
    for child_id, started, ceased in spells:
        for i, q in enumerate(quarters):
            begin = max(started, q.start)
            # The day an episode ceases is not a day in care (SSDA903 counting).
            end = min((ceased - dt.timedelta(days=1)) if ceased else q.end, q.end)
            if end >= begin:
                days[i] += (end - begin).days + 1
                children[i].add(child_id)
    rows = [[q.end, len(children[i]), days[i]] for i, q in enumerate(quarters)]
    return Table(
        "days_in_care",
        _("Days in care"),
        [_("Quarter end"), _("Children looked after in the quarter"), _("Days in care")],
        rows,
        _(
            "Each looked-after episode counts every day from its start to the day before it "
            "ceased, within the quarter."
        ),
        series=[2],
    )


def care_proceedings(cases: QuerySet[Case], quarters: list[Quarter]) -> Table:
    qs = CareProceedings.objects.filter(case__in=cases, archived_at__isnull=True)
    aggregates: dict[str, Any] = {}
    for i, q in enumerate(quarters):
        aggregates[f"i{i}"] = Count("pk", filter=Q(issued_on__gte=q.start, issued_on__lte=q.end))
        aggregates[f"c{i}"] = Count(
            "pk", filter=Q(concluded_on__gte=q.start, concluded_on__lte=q.end)
        )
        aggregates[f"o{i}"] = Count(
            "child", distinct=True, filter=_open_on("issued_on", "concluded_on", q.end)
        )
    result = qs.aggregate(**aggregates)
    rows = [
        [q.end, result[f"i{i}"], result[f"c{i}"], result[f"o{i}"]] for i, q in enumerate(quarters)
    ]
    return Table(
        "proceedings",
        _("Care proceedings"),
        [
            _("Quarter end"),
            _("Issued"),
            _("Concluded"),
            _("Children in proceedings at quarter end"),
        ],
        rows,
        _("Applications by the date issued and the date concluded; children counted once."),
        series=[1, 2],
    )


def specialist_involvement(cases: QuerySet[Case], quarters: list[Quarter]) -> Table:
    """Cases with an adult specialist allocated at any time in each quarter, by discipline."""
    roles = [r for r in Role if r in Role.adult_specialists()]
    allocations = Allocation.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=quarters[0].start),
        case__in=cases,
        archived_at__isnull=True,
        role__in=[r.value for r in roles],
        started_on__lte=quarters[-1].end,
    )
    aggregates: dict[str, Any] = {}
    for i, q in enumerate(quarters):
        active = _overlaps("started_on", "ended_on", q)
        aggregates[f"any{i}"] = Count("case", distinct=True, filter=active)
        for r in roles:
            aggregates[f"{r.value}{i}"] = Count("case", distinct=True, filter=active & Q(role=r))
    result = allocations.aggregate(**aggregates)
    rows = [
        [q.end, result[f"any{i}"]] + [result[f"{r.value}{i}"] for r in roles]
        for i, q in enumerate(quarters)
    ]
    return Table(
        "specialists",
        _("Cases with adult specialist involvement"),
        [_("Quarter end"), _("Any adult specialist")] + [str(r.label) for r in roles],
        rows,
        _(
            "Cases with a worker allocated in an adult specialist role at any time in the "
            "quarter; a case with two disciplines counts under each, once under 'any'."
        ),
        series=list(range(2, 2 + len(roles))),
    )


def _visit_counts(cases: QuerySet[Case], quarters: list[Quarter]) -> dict[str, int]:
    """One SQL statement: each visit with the date of the previous visit of the same kind to
    the same child (LAG over a window), then conditional counts per quarter.

    Written in SQL because the ORM cannot aggregate over a window function; the visible
    cases come in as the ORM's own subquery and its parameters.
    """
    vendor = connection.vendor
    gap = (
        "(julianday(visited_on) - julianday(previous))"
        if vendor == "sqlite"
        else "(visited_on - previous)"
    )
    try:
        case_sql, case_params = cases.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # no cases in scope: every count is nought
        return {f"{c}{i}": 0 for i in range(len(quarters)) for c in "nsarw"}
    within = " OR ".join(f"(kind = %s AND {gap} <= %s)" for _kind in VISIT_TIMESCALE_DAYS)
    within_params: list[Any] = []
    for kind, days in VISIT_TIMESCALE_DAYS.items():
        within_params += [kind.value, days]
    kinds = [k.value for k in VISIT_TIMESCALE_DAYS]
    # Each visit is labelled with its quarter once, then counted by group: the conditions
    # are evaluated once per row, not once per row per quarter.
    quarter_of_visit = (
        "CASE "
        + " ".join(
            f"WHEN visited_on >= %s AND visited_on <= %s THEN {i}" for i in range(len(quarters))
        )
        + " END"
    )
    quarter_params: list[Any] = []
    for q in quarters:
        quarter_params += [q.start, q.end]
    table = Visit._meta.db_table
    sql = (
        f"SELECT quarter, COUNT(*), "  # noqa: S608 - no user text: all values are parameters
        f"COUNT(CASE WHEN seen THEN 1 END), COUNT(CASE WHEN seen_alone THEN 1 END), "
        f"COUNT(CASE WHEN previous IS NOT NULL AND kind IN (%s, %s, %s) THEN 1 END), "
        f"COUNT(CASE WHEN previous IS NOT NULL AND ({within}) THEN 1 END) FROM ("
        f"SELECT {quarter_of_visit} AS quarter, visited_on, kind, seen, seen_alone, previous "
        f"FROM (SELECT visited_on, kind, seen, seen_alone, LAG(visited_on) OVER ("
        f"PARTITION BY child_id, kind ORDER BY visited_on, id) AS previous "
        f"FROM {table} WHERE archived_at IS NULL AND visited_on <= %s "
        f"AND case_id IN ({case_sql})) AS visits_with_previous "
        f"WHERE visited_on >= %s) AS labelled WHERE quarter IS NOT NULL GROUP BY quarter"
    )
    params = [
        *kinds,
        *within_params,
        *quarter_params,
        quarters[-1].end,
        *case_params,
        quarters[0].start,
    ]
    result = {f"{c}{i}": 0 for i in range(len(quarters)) for c in "nsarw"}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for quarter, *counts in cursor.fetchall():
            for c, value in zip("nsarw", counts, strict=True):
                result[f"{c}{quarter}"] = value
    return result


def visits(cases: QuerySet[Case], quarters: list[Quarter]) -> Table:
    """Visits in each quarter: seen, seen alone, and repeat visits within the timescale."""
    result = _visit_counts(cases, quarters)
    rows = []
    for i, q in enumerate(quarters):
        n, r = result[f"n{i}"], result[f"r{i}"]
        rows.append(
            [
                q.end,
                n,
                _share(result[f"s{i}"], n),
                _share(result[f"a{i}"], n),
                r,
                _share(result[f"w{i}"], r),
            ]
        )
    return Table(
        "visits",
        _("Visits"),
        [
            _("Quarter end"),
            _("Visits"),
            _("Child seen (%)"),
            _("Child seen alone (%)"),
            _("Repeat visits"),
            _("Within timescale (%)"),
        ],
        rows,
        _(
            "Visits dated in the quarter. A repeat visit follows an earlier visit of the same "
            "kind to the same child; it is within timescale if that earlier visit was at most "
            "14 days before (child protection), 28 (child in need) or 42 (looked after)."
        ),
        chart="lines",
        series=[2, 3, 5],
    )


def dashboard(user: Any, scope: Scope, date_from: dt.date, date_to: dt.date) -> list[Table]:
    """Every KPI table for the scope and period, in a fixed number of queries, calculated
    now from the cases the user may open."""
    return dashboard_of_cases(scope.case_set(user), date_from, date_to)


def summarised_dashboard(
    user: Any, scope: Scope, date_from: dt.date, date_to: dt.date
) -> tuple[list[Table], dt.datetime | None]:
    """The dashboard from the summary table when it holds this scope and period and the
    user may open every case of the scope (a few queries whatever the county's size), else
    calculated now; the second value is when the figures were calculated (None: just now)."""
    from familyworkbook.insights import summaries

    stored = summaries.read(user, scope, date_from, date_to)
    if stored is not None:
        return stored
    return dashboard(user, scope, date_from, date_to), None


def dashboard_of_cases(cases: QuerySet[Case], date_from: dt.date, date_to: dt.date) -> list[Table]:
    """Every KPI table over `cases` for the period."""
    quarters = quarters_between(date_from, date_to)
    primary, secondary = needs(cases, date_from, date_to)
    return [
        open_counts(cases, quarters),
        new_cases(cases, quarters),
        primary,
        secondary,
        ages(cases, date_to),
        cp_durations(cases, quarters),
        days_in_care(cases, quarters),
        care_proceedings(cases, quarters),
        specialist_involvement(cases, quarters),
        visits(cases, quarters),
    ]
