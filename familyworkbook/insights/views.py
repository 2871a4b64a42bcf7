"""Insights pages and their downloads. Thin: bind the GET form, ask the selectors, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from familyworkbook.access.disclosure import require_disclosure
from familyworkbook.core import clock
from familyworkbook.insights import (
    appendix,
    charts,
    costs,
    downloads,
    drill,
    fidelity,
    selectors,
    services,
    workforce,
)
from familyworkbook.insights.forms import (
    PeriodForm,
    ScopeForm,
    SupervisionForm,
    TrainingForm,
    initial_data,
)
from familyworkbook.teams.models import Team


def _form(request: HttpRequest, form_class: type[PeriodForm] = ScopeForm) -> PeriodForm:
    if "date_from_day" in request.GET:
        return form_class(request.GET)
    # A link may name just the scope (e.g. from a team's caseload page): default the period.
    key = request.GET.get("scope")
    if not key:
        team = Team.objects.of_user(request.user).order_by("name").first()
        key = f"team:{team.pk}" if team else "council"
    return form_class(initial_data(clock.today(), key))


def form_query(form: PeriodForm) -> str:
    data = form.cleaned_data
    parts: dict[str, Any] = {"scope": data["scope"]} if "scope" in data else {}
    for name in ("date_from", "date_to"):
        day = data[name]
        parts.update({f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year})
    return urlencode(parts)


def _with_charts(tables: list[selectors.Table]) -> list[tuple[selectors.Table, Any]]:
    return [(t, charts.render(t)) for t in tables]


# Each page: its form, and a function from (user, cleaned form) to its context.
def _dashboard(user: Any, form: Any) -> dict[str, Any]:
    tables, computed_at = selectors.summarised_dashboard(
        user, form.chosen_scope, form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    )
    for table in tables:
        table.drill = drill.drillable(table.slug)
    return {"tables": tables, "computed_at": computed_at, "as_at": _as_at(computed_at)}


def _as_at(moment: Any) -> str:
    """'07:10 today', '18:02 yesterday' or '07:10 on 3 December 2026' (real time, not the
    record clock: it says when the job ran)."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    days = (timezone.localdate() - local.date()).days
    when = {0: _("today"), 1: _("yesterday")}.get(days) or _("on %(day)s") % {
        "day": f"{local.day} {local:%B %Y}"
    }
    return f"{local:%H:%M} {when}"


def _workforce(user: Any, form: Any) -> dict[str, Any]:
    return workforce.workforce(
        form.chosen_scope, form.cleaned_data["date_to"], form.cleaned_data["date_from"]
    )


def _costs(user: Any, form: Any) -> dict[str, Any]:
    return costs.calculator(user, form.cleaned_data["date_from"], form.cleaned_data["date_to"])


def _fidelity(user: Any, form: Any) -> dict[str, Any]:
    return fidelity.monitor(
        user, form.chosen_scope, form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    )


def _appendix(user: Any, form: Any) -> dict[str, Any]:
    return {
        "tables": appendix.appendix(
            user, form.chosen_scope, form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        )
    }


PAGES: dict[str, tuple[type[PeriodForm], Callable[[Any, Any], dict[str, Any]], str]] = {
    "dashboard": (ScopeForm, _dashboard, "insights/dashboard.html"),
    "workforce": (ScopeForm, _workforce, "insights/workforce.html"),
    "costs": (PeriodForm, _costs, "insights/costs.html"),
    "fidelity": (ScopeForm, _fidelity, "insights/fidelity.html"),
    "appendix": (ScopeForm, _appendix, "insights/appendix.html"),
}


def _page(request: HttpRequest, name: str) -> HttpResponse:
    form_class, compute, template = PAGES[name]
    form = _form(request, form_class)
    context: dict[str, Any] = {"form": form, "tables": [], "page": name}
    if form.is_valid():
        with selectors.without_jit():
            result = compute(request.user, form)
        context.update(result)
        context.update(
            scope=getattr(form, "chosen_scope", None),
            date_from=form.cleaned_data["date_from"],
            date_to=form.cleaned_data["date_to"],
            query=form_query(form),
            tables=_with_charts(result["tables"]),
        )
    return render(request, template, context)


@login_required
@require_http_methods(["GET"])
def dashboard(request: HttpRequest) -> HttpResponse:
    return _page(request, "dashboard")


@login_required
@require_http_methods(["GET"])
def workforce_page(request: HttpRequest) -> HttpResponse:
    return _page(request, "workforce")


@login_required
@require_http_methods(["GET"])
def costs_page(request: HttpRequest) -> HttpResponse:
    return _page(request, "costs")


@login_required
@require_http_methods(["GET"])
def fidelity_page(request: HttpRequest) -> HttpResponse:
    return _page(request, "fidelity")


@login_required
@require_http_methods(["GET"])
def appendix_page(request: HttpRequest) -> HttpResponse:
    return _page(request, "appendix")


@login_required
@require_http_methods(["GET"])
@require_disclosure("An insights table (download)", internal=True)
def download(request: HttpRequest, page: str, slug: str, file_format: str) -> HttpResponse:
    if file_format not in ("csv", "xlsx") or page not in PAGES:
        raise Http404
    form_class, compute, template = PAGES[page]
    form = form_class(request.GET)
    if not form.is_valid():
        return render(request, template, {"form": form, "tables": [], "page": page}, status=400)
    with selectors.without_jit():
        tables = {t.slug: t for t in compute(request.user, form)["tables"]}
    table = tables.get(slug)
    if table is None:
        raise Http404
    scope = getattr(form, "chosen_scope", None) or selectors.Scope("council")
    date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    services.record_export(
        by=request.user,
        table=table,
        scope=scope,
        date_from=date_from,
        date_to=date_to,
        file_format=file_format,
        request=request,
    )
    name = downloads.filename(table, scope.label, date_to, file_format)
    if file_format == "csv":
        return downloads.as_csv(table, name)
    return downloads.as_xlsx(table, name)


# --- Fidelity drill-down ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def fidelity_behind(request: HttpRequest) -> HttpResponse:
    """The cases, people or posts behind one fidelity figure at the end of the period."""
    form = ScopeForm(request.GET)
    measure = request.GET.get("measure", "")
    if not form.is_valid():
        return render(
            request, "insights/fidelity.html", {"form": form, "tables": [], "page": "fidelity"}
        )
    found = fidelity.behind(request.user, form.chosen_scope, measure, form.cleaned_data["date_to"])
    if found is None:
        raise Http404
    context: dict[str, Any] = {
        "behind": found,
        "scope": form.chosen_scope,
        "query": form_query(form),
        "page": "fidelity",
    }
    if found.cases is not None:
        page = Paginator(found.cases, settings.PAGE_SIZE).get_page(request.GET.get("page"))
        if measure == "programme_use":
            page.object_list = drill.with_programme(page.object_list, found.quarter.end)
            context["with_programme"] = True
        context["page_obj"] = page
        context["page_query"] = urlencode({k: v for k, v in request.GET.items() if k != "page"})
    return render(request, "insights/fidelity_behind.html", context)


@login_required
@require_http_methods(["GET"])
def dashboard_cases(request: HttpRequest) -> HttpResponse:
    """The cases behind one figure of the KPI dashboard (a table, a column, a quarter)."""
    form = ScopeForm(request.GET)
    if not form.is_valid():
        return render(
            request, "insights/dashboard.html", {"form": form, "tables": [], "page": "dashboard"}
        )
    quarters = selectors.quarters_between(
        form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    )
    try:
        quarter = quarters[int(request.GET.get("row", ""))]
        column = int(request.GET.get("column", ""))
    except (ValueError, IndexError):
        raise Http404 from None
    scope = form.chosen_scope
    found = drill.cases_behind(
        scope.case_set(request.user), request.GET.get("table", ""), column, quarter
    )
    if found is None:
        raise Http404
    label, cases = found
    page = Paginator(cases, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = drill.with_programme(page.object_list, quarter.end)
    return render(
        request,
        "insights/dashboard_cases.html",
        {
            "label": label,
            "quarter": quarter,
            "scope": scope,
            "page_obj": page,
            "query": form_query(form),
            "page_query": urlencode({k: v for k, v in request.GET.items() if k != "page"}),
        },
    )


# --- The training register and the clinical supervision log ----------------------------------


def _recording_page(
    request: HttpRequest, form_class: Any, record: Any, rows: Any, template: str
) -> HttpResponse:
    # Not allowed looks like not found (404), as on every other page: a 403 would say the
    # page is there for someone else.
    if not services.may_record_workforce(request.user):
        raise Http404
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        record(by=request.user, data=form.cleaned_data, request=request)
        messages.success(request, _("Saved"))
        return redirect(request.path)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        template,
        {"form": form, "rows": rows[:RECENT_ROWS], "page": None},
        status=status,
    )


RECENT_ROWS = 50


@login_required
@require_http_methods(["GET", "POST"])
def training_register(request: HttpRequest) -> HttpResponse:
    from familyworkbook.insights.models import TrainingRecord

    rows = TrainingRecord.objects.filter(archived_at__isnull=True).select_related("worker__user")
    return _recording_page(
        request, TrainingForm, services.record_training, rows, "insights/training.html"
    )


@login_required
@require_http_methods(["GET", "POST"])
def supervision_log(request: HttpRequest) -> HttpResponse:
    from familyworkbook.insights.models import ClinicalSupervision

    rows = ClinicalSupervision.objects.filter(archived_at__isnull=True).select_related(
        "worker__user"
    )
    return _recording_page(
        request, SupervisionForm, services.record_supervision, rows, "insights/supervision.html"
    )
