"""Background work for subject access: building a request's pack from the record."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from familyworkbook.core import jobs
from familyworkbook.subject_access import services
from familyworkbook.subject_access.models import SubjectAccessRequest

JOB_KIND = "subject_access.build_pack"


@task()
def build_pack(job_id: str, sar_id: int) -> str:
    """Collect everything held about the subject into the request's items (services.build_pack)."""

    def work(job: Any, progress: jobs.Progress) -> tuple[str, dict[str, Any]]:
        sar = SubjectAccessRequest.objects.get(pk=sar_id)
        progress.report(0, 1, "Collecting everything held about the subject")
        counts = services.build_pack(sar, by=job.started_by)
        progress.report(1, 1, "Pack built")
        return sar.get_absolute_url(), counts

    return jobs.run(job_id, work)
