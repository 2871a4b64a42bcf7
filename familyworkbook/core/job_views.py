"""The page of one background job: progress while it runs, then its result or what went wrong."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from familyworkbook.core import jobs

REFRESH_SECONDS = 2


def job_page(
    request: HttpRequest,
    job_id: Any,
    *,
    kind: str,
    back_url: str,
    back_label: str,
    result_label: str,
    summary: list[tuple[str, Any]] | None = None,
) -> HttpResponse:
    """Render the job for the user who started it (404 for anyone else).

    While the job is unfinished the response carries an HTTP ``Refresh`` header, so the
    browser reloads the page without JavaScript.
    """
    job = jobs.for_viewer(request.user, job_id, kind=kind)
    response = render(
        request,
        "core/job.html",
        {
            "job": job,
            "back_url": back_url,
            "back_label": back_label,
            "result_label": result_label,
            "summary": summary(job) if callable(summary) else (summary or []),
            "refresh_seconds": REFRESH_SECONDS,
        },
    )
    if not job.finished:
        response["Refresh"] = str(REFRESH_SECONDS)
    return response
