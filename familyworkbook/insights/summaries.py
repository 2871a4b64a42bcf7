"""The precomputed KPI dashboards (decision: insights-summary-table).

`refresh()` calculates the dashboard of every scope (the whole council, each service,
district and team) for the default period, counting every live case of the scope, and keeps
each as one `DashboardSummary` row. `read()` gives a page those tables back, as the same
`Table` objects the live calculation returns, when three things hold: a row exists for that
scope and period, and the user may open every live case of the scope (so the figures are the
ones the live calculation would show them). Otherwise the page calculates live.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise

from familyworkbook.cases.models import Case
from familyworkbook.core import clock
from familyworkbook.insights.periods import Scope, Table, without_jit
from familyworkbook.teams.models import District, Service, Team

_FIELDS = ("slug", "caption", "columns", "rows", "method", "chart", "series")


def _cell_out(value: Any) -> Any:
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    return str(value) if isinstance(value, Promise) else value


def _cell_in(value: Any) -> Any:
    return dt.date.fromisoformat(value["date"]) if isinstance(value, dict) else value


def dump(tables: list[Table]) -> list[dict[str, Any]]:
    """Tables as JSON: every field but `drill` (the page adds it); a date cell as {"date": ...}."""
    out = []
    for table in tables:
        row = {name: getattr(table, name) for name in _FIELDS}
        row["caption"], row["method"] = str(table.caption), str(table.method)
        row["columns"] = [str(c) for c in table.columns]
        row["rows"] = [[_cell_out(c) for c in r] for r in table.rows]
        out.append(row)
    return out


def load(data: list[dict[str, Any]]) -> list[Table]:
    tables = []
    for row in data:
        fields = dict(row)
        fields["rows"] = [[_cell_in(c) for c in r] for r in row["rows"]]
        tables.append(Table(**fields))
    return tables


def all_scopes() -> list[Scope]:
    """The whole council, then each service, district and team: what the scope list offers."""
    return (
        [Scope("council")]
        + [Scope("service", s) for s in Service.objects.order_by("name")]
        + [Scope("district", d) for d in District.objects.order_by("name")]
        + [Scope("team", t) for t in Team.objects.order_by("name")]
    )


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    from familyworkbook.insights.forms import default_period as period

    return period(today or clock.today())


def refresh(progress: Callable[[int, int, Scope], None] | None = None) -> int:
    """Recalculate every scope's dashboard for the default period; returns the rows written.

    Each scope is its own transaction (JIT off on PostgreSQL, as for the live page), so a
    page reads either the previous figures or the new ones, never half. Rows for other
    periods (a quarter that has rolled over) are deleted at the end.
    """
    from familyworkbook.insights import selectors
    from familyworkbook.insights.models import DashboardSummary

    date_from, date_to = default_period()
    scopes = all_scopes()
    for done, scope in enumerate(scopes, start=1):
        with without_jit():
            cases = scope.all_case_set()
            tables = selectors.dashboard_of_cases(cases, date_from, date_to)
            DashboardSummary.objects.update_or_create(
                scope_key=scope.key,
                date_from=date_from,
                date_to=date_to,
                defaults={
                    "tables": dump(tables),
                    "cases": cases.count(),
                    "computed_at": timezone.now(),
                },
            )
        if progress is not None:
            progress(done, len(scopes), scope)
    with transaction.atomic():
        DashboardSummary.objects.exclude(date_from=date_from, date_to=date_to).delete()
        DashboardSummary.objects.exclude(scope_key__in=[s.key for s in scopes]).delete()
    return len(scopes)


def sees_whole_scope(user: Any, scope: Scope) -> bool:
    """Whether the user may open every live case of the scope (one EXISTS query)."""
    live = scope.within(Case.objects.filter(archived_at__isnull=True))
    visible = scope.cases(user).order_by().values("pk")
    return not live.exclude(pk__in=visible).exists()


def read(
    user: Any, scope: Scope, date_from: dt.date, date_to: dt.date
) -> tuple[list[Table], dt.datetime] | None:
    """The precomputed tables and when they were calculated, or None (calculate live)."""
    from familyworkbook.insights.models import DashboardSummary

    row = (
        DashboardSummary.objects.filter(scope_key=scope.key, date_from=date_from, date_to=date_to)
        .only("tables", "computed_at")
        .first()
    )
    if row is None or not sees_whole_scope(user, scope):
        return None
    return load(row.tables), row.computed_at
