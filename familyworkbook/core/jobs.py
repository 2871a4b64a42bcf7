"""Long work as background jobs, with progress a page can show.

A view calls ``start()`` with a django-tasks task that takes ``job_id`` first; the task
body calls ``run(job_id, work)``, where ``work(job)`` does the long part, calls
``job.report(done, total, stage)`` as it goes and returns ``(result_url, result)``.
The queue and the task's outcome stay django-tasks' own (``django_tasks_db``'s
DBTaskResult, named by ``Job.task_id``); the Job row keeps who, what for, how far and
where the result is. See docs/decisions/jobs-django-tasks-progress.md.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from django.http import Http404
from django.utils import timezone

from familyworkbook.core.models import Job

logger = logging.getLogger(__name__)

Status = Job.Status


def start(task: Any, *, kind: str, label: str, by: Any, **kwargs: Any) -> Job:
    """Record a job and enqueue ``task(job_id, **kwargs)``; returns the job.

    With the immediate backend (tests, the demo) the work has run when this returns.
    """
    job = Job.objects.create(id=uuid.uuid4(), kind=kind, label=label[:200], started_by=by)
    result = task.enqueue(str(job.pk), **kwargs)
    Job.objects.filter(pk=job.pk, task_id="").update(task_id=str(result.id))
    job.refresh_from_db()
    return job


def _update(job_id: Any, **fields: Any) -> None:
    # Outside any transaction the work opens, so the page sees progress as it happens.
    Job.objects.filter(pk=job_id).update(**fields)


class Progress:
    """What a job's work sees: ``report()`` writes how far it has got."""

    def __init__(self, job: Job) -> None:
        self.job = job

    def report(self, done: int, total: int, stage: str = "") -> None:
        fields: dict[str, Any] = {"done": max(done, 0), "total": max(total, 0)}
        if stage:
            fields["stage"] = stage[:200]
        _update(self.job.pk, **fields)


Work = Callable[[Job, Progress], "tuple[str, dict[str, Any]]"]


def run(job_id: str, work: Work) -> str:
    """Run ``work`` for the job, recording running, done (with its result) or failed."""
    job = Job.objects.select_related("started_by").get(pk=job_id)
    _update(job.pk, status=Status.RUNNING)
    try:
        result_url, result = work(job, Progress(job))
    except Exception as exc:
        message = " ".join(getattr(exc, "messages", None) or [str(exc)]) or type(exc).__name__
        _update(job.pk, status=Status.FAILED, error=message[:500], finished_at=timezone.now())
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        raise
    _update(
        job.pk,
        status=Status.DONE,
        result_url=result_url[:300],
        result=result,
        finished_at=timezone.now(),
    )
    return str(job.pk)


def task_status(job: Job) -> str | None:
    """The library's own record of the task, where the backend keeps one (django_tasks_db)."""
    if not job.task_id:
        return None
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - the database backend is a dependency
        return None
    return DBTaskResult.objects.filter(pk=job.task_id).values_list("status", flat=True).first()


def for_viewer(user: Any, job_id: Any, *, kind: str) -> Job:
    """The job, for the user who started it; anyone else gets 404 (a job names its subject)."""
    job = Job.objects.filter(pk=job_id, kind=kind, started_by_id=getattr(user, "pk", None)).first()
    if job is None:
        raise Http404
    # The worker died or the task raised before run() recorded it: the library knows.
    if not job.finished and task_status(job) == "FAILED":
        job.status = Status.FAILED
        job.error = job.error or "The task failed before it could record why."
    return job


def latest(user: Any, *, kind: str) -> Job | None:
    return Job.objects.filter(kind=kind, started_by=user).order_by("-started_at").first()
