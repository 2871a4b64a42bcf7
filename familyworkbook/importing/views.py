"""The import pages, for system administrators only (anyone else gets 404).

The latest runs; one run's reconciliation (counts per table with a chart beside them, the
families, the problems a page at a time); the report as CSV or HTML; and a form that starts
a dry run or an import of an extract folder on the server as a background job. Reading a
run's page, or downloading its report, is audited: the problems name records of the extract.
"""

from __future__ import annotations

import io
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from familyworkbook import audit
from familyworkbook.access.disclosure import require_disclosure
from familyworkbook.core import jobs
from familyworkbook.core.job_views import job_page
from familyworkbook.importing import report, selectors, tasks
from familyworkbook.importing.forms import StartImportForm, import_root
from familyworkbook.importing.models import ImportRun
from familyworkbook.insights import charts
from familyworkbook.insights.periods import Table
from familyworkbook.meetings.type_views import require_system_admin

PROBLEMS_PER_PAGE = 100


@login_required
@require_GET
def run_list(request: HttpRequest) -> HttpResponse:
    require_system_admin(request)
    runs = [(run, report.families(run)) for run in selectors.latest_runs()]
    return render(request, "importing/runs.html", {"runs": runs})


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    require_system_admin(request)
    form = StartImportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        dry_run = form.dry_run
        source = form.cleaned_data["path"]
        label = (_("Dry run of %(path)s") if dry_run else _("Import of %(path)s")) % {
            "path": source
        }
        job = jobs.start(
            tasks.run_import,
            kind=tasks.IMPORT_JOB,
            label=label,
            by=request.user,
            source=source,
            dry_run=dry_run,
        )
        return redirect("imports:job", job_id=job.pk)
    return render(request, "importing/start.html", {"form": form, "root": import_root()})


@login_required
@require_GET
def job(request: HttpRequest, job_id: Any) -> HttpResponse:
    require_system_admin(request)

    def summary(job: Any) -> list[tuple[str, Any]]:
        if job.status != job.Status.DONE:
            return []
        families = report.counts_of((job.result or {}).get("families"))
        return [
            (_("Families read"), families["read"]),
            (_("Families imported"), families["imported"]),
            (_("Families updated"), families["updated"]),
            (_("Families unchanged"), families["unchanged"]),
            (_("Families rejected"), families["rejected"]),
        ]

    return job_page(
        request,
        job_id,
        kind=tasks.IMPORT_JOB,
        back_url=reverse("imports:runs"),
        back_label=_("Imports"),
        result_label=_("See the reconciliation report"),
        summary=summary,
    )


def _chart(rows: list[report.TableRow]) -> Any:
    table = Table(
        slug="import-counts",
        caption=_("Rows per table"),
        columns=[_("Table"), _("Imported"), _("Updated"), _("Unchanged"), _("Rejected")],
        rows=[[r.table, r.imported, r.updated, r.unchanged, r.rejected] for r in rows],
        method="",
        series=[1, 2, 3, 4],
    )
    return charts.render(table)


@login_required
@require_GET
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    require_system_admin(request)
    run = get_object_or_404(ImportRun.objects.select_related("started_by"), pk=run_id)
    rows = report.table_rows(run)
    tables = selectors.problem_tables(run)
    table = request.GET.get("table", "")
    if table not in tables:
        table = ""
    page = Paginator(selectors.problems(run, table), PROBLEMS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    page.elided_range = list(  # type: ignore[attr-defined]
        page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    )
    audit.record(
        actor=request.user,
        verb=audit.Verb.VIEWED,
        target=run,
        label=_("Import run %(n)s") % {"n": run.pk},
        data={"table": table, "page": page.number},
        request=request,
    )
    return render(
        request,
        "importing/run.html",
        {
            "run": run,
            "rows": rows,
            "totals": report.totals(run),
            "families": report.families(run),
            "all_reconcile": report.run_reconciles(run),
            "chart": _chart(rows) if rows else None,
            "tables": tables,
            "table": table,
            "page_obj": page,
        },
    )


def _download(request: HttpRequest, run: ImportRun, file_format: str) -> None:
    audit.record(
        actor=request.user,
        verb=audit.Verb.DOWNLOADED,
        target=run,
        label=_("Import run %(n)s report") % {"n": run.pk},
        data={"format": file_format},
        request=request,
    )


@login_required
@require_GET
@require_disclosure("An SSD import's problems report (CSV)", internal=True)
def report_csv(request: HttpRequest, run_id: int) -> HttpResponse:
    require_system_admin(request)
    run = get_object_or_404(ImportRun, pk=run_id)
    stream = io.StringIO()
    report.write_csv(run, stream)
    _download(request, run, "csv")
    # A byte order mark, so that Excel reads the file as UTF-8.
    response = HttpResponse("\ufeff" + stream.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-problems.csv"'
    return response


@login_required
@require_GET
@require_disclosure("An SSD import's report (HTML)", internal=True)
def report_html(request: HttpRequest, run_id: int) -> HttpResponse:
    require_system_admin(request)
    run = get_object_or_404(ImportRun.objects.select_related("started_by"), pk=run_id)
    body = report.render_html(run)
    _download(request, run, "html")
    response = HttpResponse(body, content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-report.html"'
    return response
