"""Background work for returns: refreshing the data-quality snapshot."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django_tasks import task

from familyworkbook.core import jobs
from familyworkbook.returns import quality

QUALITY_JOB = "returns.data_quality"


@task()
def refresh_quality_snapshot() -> int:
    """Recompute which children's records would fail a return today; returns the snapshot id."""
    return quality.refresh().pk


@task()
def refresh_quality_job(job_id: str) -> str:
    """The same refresh as a job with a page: who asked, how far, and the snapshot it made."""

    def work(job: Any, progress: jobs.Progress) -> tuple[str, dict[str, Any]]:
        progress.report(0, 1, "Checking every child's record against the return rules")
        snapshot = quality.refresh()
        progress.report(1, 1, "Snapshot saved")
        return reverse("returns:data_quality"), {
            "snapshot": snapshot.pk,
            "children": snapshot.children_checked,
            "issues": snapshot.issues.count(),
        }

    return jobs.run(job_id, work)
