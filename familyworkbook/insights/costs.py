"""Cost avoidance and savings, from explicit assumptions that a person typed and can change.

Three figures are kept apart and never added together:

- avoided cost: for each child judged at risk of care (`AtRiskOfCare`), the days they lived
  at home while judged at risk, costed at the weekly placement cost in force at each
  quarter's end. Days stop when the judgement ends or the child becomes looked after.
  This is a counterfactual estimate, not money saved.
- realised savings: money actually not spent, as entered (`RealisedSaving`).
- partner savings: figures partners (police, NHS) report, by their own method.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Min, OuterRef, Q, Subquery, Sum
from django.utils.translation import gettext as _

from familyworkbook.cases.models import LookedAfterEpisode
from familyworkbook.insights.models import (
    AtRiskOfCare,
    CostAssumptions,
    PartnerSaving,
    RealisedSaving,
)
from familyworkbook.insights.periods import Quarter, Table, quarters_between
from familyworkbook.people.models import Person
from familyworkbook.teams.models import Organisation, OrganisationKind

PENNY = Decimal("0.01")


def council() -> Organisation | None:
    return Organisation.objects.filter(kind=OrganisationKind.COUNCIL).order_by("pk").first()


def assumptions_on(all_assumptions: list[CostAssumptions], day: dt.date) -> CostAssumptions:
    """The assumptions in force on `day` (latest `effective_from` on or before it), or the defaults."""
    for a in sorted(all_assumptions, key=lambda a: a.effective_from, reverse=True):
        if a.effective_from <= day:
            return a
    return CostAssumptions(effective_from=dt.date.min, source=_("defaults (no figures entered)"))


def money(value: Decimal) -> Decimal:
    return value.quantize(PENNY, rounding=ROUND_HALF_UP)


def _days_at_home(start: dt.date, stop: dt.date | None, q: Quarter) -> int:
    """Days from `start` to `stop` (exclusive; None = open) that fall in the quarter."""
    last = min(stop - dt.timedelta(days=1), q.end) if stop else q.end
    first = max(start, q.start)
    return (last - first).days + 1 if last >= first else 0


def calculator(user: Any, date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    """Avoided cost and realised savings per quarter (cumulative), and partner savings."""
    quarters = quarters_between(date_from, date_to)
    org = council()
    assumptions = list(CostAssumptions.objects.filter(council=org, archived_at__isnull=True))
    entered_care = (
        LookedAfterEpisode.objects.filter(
            child=OuterRef("child"),
            archived_at__isnull=True,
            started_on__gte=OuterRef("judged_on"),
        )
        .order_by()
        .values("child")
        .annotate(first=Min("started_on"))
        .values("first")
    )
    at_risk = (
        AtRiskOfCare.objects.filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=date_from),
            archived_at__isnull=True,
            judged_on__lte=date_to,
            child__in=Person.objects.visible_to(user).values("pk"),
        )
        .annotate(entered_care_on=Subquery(entered_care[:1]))
        .values_list("judged_on", "ended_on", "entered_care_on", "placement_kind")
    )
    avoided = [Decimal(0)] * len(quarters)
    days = [0] * len(quarters)
    children = [0] * len(quarters)
    went_into_care = 0
    for judged_on, ended_on, entered_on, kind in at_risk:
        stops = [d for d in (ended_on, entered_on) if d]
        stop = min(stops) if stops else None
        if entered_on and entered_on <= date_to:
            went_into_care += 1
        for i, q in enumerate(quarters):
            n = _days_at_home(judged_on, stop, q)
            if n:
                weekly = assumptions_on(assumptions, q.end).weekly(kind)
                avoided[i] += Decimal(n) * weekly / 7
                days[i] += n
                children[i] += 1
    realised_by_q = RealisedSaving.objects.filter(council=org, archived_at__isnull=True).aggregate(
        **{
            f"q{i}": Sum("amount", filter=Q(on__gte=q.start, on__lte=q.end))
            for i, q in enumerate(quarters)
        }
    )
    rows = []
    cumulative_avoided = cumulative_realised = Decimal(0)
    for i, q in enumerate(quarters):
        cumulative_avoided += money(avoided[i])
        realised = realised_by_q[f"q{i}"] or Decimal(0)
        cumulative_realised += realised
        rows.append(
            [
                q.end,
                children[i],
                days[i],
                money(avoided[i]),
                cumulative_avoided,
                money(realised),
                cumulative_realised,
            ]
        )
    current = assumptions_on(assumptions, date_to)
    method = _(
        "Avoided cost: for each child judged at risk of care, the days in the quarter they "
        "lived at home while judged at risk (until the judgement ended or they became looked "
        "after), × the weekly placement cost ÷ 7. Weekly costs in force on %(day)s: any "
        "placement £%(all)s, residential £%(res)s, foster £%(foster)s (source: %(source)s). "
        "This estimates cost that would have been spent had every such child entered care; it "
        "is not money saved. Realised savings are the amounts entered as actually saved, and "
        "are never added to avoided cost."
    ) % {
        "day": date_to.strftime("%d/%m/%Y"),
        "all": current.weekly_all,
        "res": current.weekly_residential,
        "foster": current.weekly_foster,
        "source": current.source,
    }
    table = Table(
        "costs",
        _("Cost avoided and savings realised"),
        [
            _("Quarter end"),
            _("Children at risk of care living at home"),
            _("Days at home"),
            _("Avoided cost (£)"),
            _("Cumulative avoided cost (£)"),
            _("Realised savings (£)"),
            _("Cumulative realised savings (£)"),
        ],
        rows,
        method,
        chart="lines",
        series=[4, 6],
    )
    partner_rows = [
        [str(PartnerSaving(partner=p).get_partner_display()), money(total), n]
        for p, total, n in PartnerSaving.objects.filter(
            council=org,
            archived_at__isnull=True,
            period_start__lte=date_to,
            period_end__gte=date_from,
        )
        .values_list("partner")
        .annotate(total=Sum("amount"), n=Count("pk"))
        .order_by("partner")
    ]
    partners = Table(
        "partner_savings",
        _("Savings reported by partners"),
        [_("Partner"), _("Amount (£)"), _("Figures entered")],
        partner_rows,
        _(
            "Amounts partner agencies reported for periods overlapping this one, by their own "
            "methods (each figure's method is recorded with it). Shown apart from the "
            "council's avoided cost and realised savings."
        ),
        series=[1],
    )
    return {
        "tables": [table, partners],
        "assumptions": current,
        "went_into_care": went_into_care,
    }
