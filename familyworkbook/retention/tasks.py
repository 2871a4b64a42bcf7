"""Background work for retention: the council-wide retention review."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django_tasks import task

from familyworkbook.core import clock, jobs
from familyworkbook.retention import review

REVIEW_JOB = "retention.review"


@task()
def run_review(job_id: str) -> str:
    """Assess every family's retention; the job keeps the lists the review page shows."""

    def work(job: Any, progress: jobs.Progress) -> tuple[str, dict[str, Any]]:
        progress.report(0, 0, "Working out when each family record's retention ends")

        def report(done: int, total: int) -> None:
            progress.report(done, total, "Working out when each family record's retention ends")

        result = review.compute(today=clock.today(), progress=report)
        return f"{reverse('retention:review')}?job={job.pk}", result

    return jobs.run(job_id, work)
