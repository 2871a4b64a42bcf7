"""Background work for the import page: a dry run or an import of an extract folder."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django_tasks import task

from familyworkbook.core import jobs
from familyworkbook.importing import services

IMPORT_JOB = "importing.import"


@task()
def run_import(job_id: str, source: str, dry_run: bool) -> str:
    """Run `services.run_import` on the folder; the job's result is the run's page."""

    def work(job: Any, progress: jobs.Progress) -> tuple[str, dict[str, Any]]:
        progress.report(0, 0, "Reading the extract")

        def report(stage: str, done: int, total: int) -> None:
            progress.report(done, total, stage)

        run = services.run_import(source, dry_run=dry_run, by=job.started_by, progress=report)
        return reverse("imports:run", args=[run.pk]), {
            "run": run.pk,
            "status": run.status,
            "dry_run": run.dry_run,
            "families": run.families,
        }

    return jobs.run(job_id, work)
