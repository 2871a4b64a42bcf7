"""Background work for returns: refreshing the data-quality snapshot."""

from __future__ import annotations

from django_tasks import task

from familyworkbook.returns import quality


@task()
def refresh_quality_snapshot() -> int:
    """Recompute which children's records would fail a return today; returns the snapshot id."""
    return quality.refresh().pk
