"""The KPI dashboard and its downloads. Thin: bind the GET form, ask the selectors, render."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from familyworkbook.insights import charts, downloads, selectors, services
from familyworkbook.insights.forms import ScopeForm, initial_data
from familyworkbook.teams.models import Team


def _form(request: HttpRequest) -> ScopeForm:
    if "scope" in request.GET:
        return ScopeForm(request.GET)
    team = Team.objects.of_user(request.user).order_by("name").first()
    key = f"team:{team.pk}" if team else "council"
    return ScopeForm(initial_data(timezone.localdate(), key))


@login_required
@require_http_methods(["GET"])
def dashboard(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    context: dict = {"form": form, "tables": []}
    if form.is_valid():
        scope = form.chosen_scope
        date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        tables = selectors.dashboard(request.user, scope, date_from, date_to)
        context.update(
            scope=scope,
            date_from=date_from,
            date_to=date_to,
            query=form_query(form),
            tables=[(t, charts.render(t)) for t in tables],
        )
    return render(request, "insights/dashboard.html", context)


def form_query(form: ScopeForm) -> str:
    data = form.cleaned_data
    parts = {"scope": data["scope"]}
    for name in ("date_from", "date_to"):
        day: dt.date = data[name]
        parts.update({f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year})
    return urlencode(parts)


@login_required
@require_http_methods(["GET"])
def download(request: HttpRequest, slug: str, file_format: str) -> HttpResponse:
    if file_format not in ("csv", "xlsx"):
        raise Http404
    form = ScopeForm(request.GET)
    if not form.is_valid():
        return render(request, "insights/dashboard.html", {"form": form, "tables": []}, status=400)
    scope = form.chosen_scope
    date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    tables = {t.slug: t for t in selectors.dashboard(request.user, scope, date_from, date_to)}
    table = tables.get(slug)
    if table is None:
        raise Http404
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
