"""The data-quality page: whose records would fail a return today, and where to fix them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from familyworkbook.core import jobs
from familyworkbook.core.job_views import job_page
from familyworkbook.returns import quality, tasks
from familyworkbook.teams.models import Role, Team

MAY_REFRESH = {Role.TEAM_MANAGER, Role.SERVICE_MANAGER, Role.PERFORMANCE, Role.SYSTEM_ADMIN}


def _may_refresh(user) -> bool:  # type: ignore[no-untyped-def]
    worker = getattr(user, "worker", None)
    return user.is_superuser or (worker is not None and worker.role in MAY_REFRESH)


@login_required
@require_http_methods(["GET"])
def data_quality(request: HttpRequest) -> HttpResponse:
    snapshot = quality.latest_snapshot()
    context: dict = {"snapshot": snapshot, "may_refresh": _may_refresh(request.user)}
    if snapshot is not None:
        issues = quality.issues_for(request.user, snapshot)
        teams = (
            issues.order_by()
            .values("team_id", "team__name")
            .annotate(children=Count("child_id", distinct=True), issues=Count("pk"))
            .order_by("team__name")
        )
        team: Team | None = None
        team_id = request.GET.get("team", "")
        if team_id:
            if not team_id.isdigit():
                raise Http404
            team = Team.objects.filter(pk=int(team_id)).first()
            if team is None:
                raise Http404
            issues = issues.filter(team=team)
        workers = (
            issues.order_by()
            .values("worker_id", "worker__user__first_name", "worker__user__last_name")
            .annotate(children=Count("child_id", distinct=True), issues=Count("pk"))
            .order_by("worker__user__last_name", "worker__user__first_name")
        )
        page = Paginator(issues, settings.PAGE_SIZE).get_page(request.GET.get("page"))
        context.update(
            teams=list(teams),
            team=team,
            workers=list(workers) if team else [],
            page_obj=page,
            issues=list(page.object_list),
        )
    return render(request, "returns/data_quality.html", context)


@login_required
@require_http_methods(["POST"])
def refresh(request: HttpRequest) -> HttpResponse:
    if not _may_refresh(request.user):
        raise Http404
    job = jobs.start(
        tasks.refresh_quality_job,
        kind=tasks.QUALITY_JOB,
        label=_("Check the records against the return rules"),
        by=request.user,
    )
    return redirect("returns:job", job_id=job.pk)


@login_required
@require_http_methods(["GET"])
def job(request: HttpRequest, job_id: Any) -> HttpResponse:
    if not _may_refresh(request.user):
        raise Http404

    def summary(job: Any) -> list[tuple[str, Any]]:
        if job.status != job.Status.DONE:
            return []
        return [
            (_("Children with a problem"), job.result.get("children")),
            (_("Problems found"), job.result.get("issues")),
        ]

    return job_page(
        request,
        job_id,
        kind=tasks.QUALITY_JOB,
        back_url=reverse("returns:data_quality"),
        back_label=_("Data quality"),
        result_label=_("See the data-quality page"),
        summary=summary,
    )
