"""Background work for insights: recalculating the precomputed KPI dashboards."""

from __future__ import annotations

from django_tasks import task

from familyworkbook.insights import summaries


@task()
def refresh_dashboard_summaries() -> int:
    """Recalculate every scope's dashboard for the default period; returns the rows written."""
    return summaries.refresh()
