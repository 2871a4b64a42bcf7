"""Measures pages: a person's scores over time, recording and correcting a questionnaire, and
the schedule of due and overdue questionnaires for a case and for a team (with a CSV download).

Views are thin: get the record through a `visible_to(user)` QuerySet (404 when missing or not
visible), bind the form, call the service, render. Reads of a person's measures are audited.
"""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from familyworkbook import audit
from familyworkbook.access.disclosure import require_disclosure
from familyworkbook.cases.formflow import form_page
from familyworkbook.cases.models import Case
from familyworkbook.cases.selectors import get_team_for
from familyworkbook.core import clock
from familyworkbook.measures import export, selectors, services
from familyworkbook.measures.forms import ChooseInstrumentForm, MeasureForm
from familyworkbook.measures.instruments import INFO
from familyworkbook.measures.models import MeasureResponse
from familyworkbook.people.models import Person


@login_required
@require_http_methods(["GET"])
def person(request: HttpRequest, person_id: int) -> HttpResponse:
    someone = get_object_or_404(Person.objects.visible_to(request.user), pk=person_id)
    audit.record(
        actor=request.user,
        verb=audit.Verb.VIEWED,
        target=someone,
        label="measures",
        data={"page": "measures"},
        request=request,
    )
    return render(
        request,
        "measures/person.html",
        {
            "person": someone,
            "series": selectors.person_series(someone),
            "history": selectors.person_history(someone),
            "cases": list(selectors.cases_for_person(request.user, someone)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def choose(request: HttpRequest, person_id: int) -> HttpResponse:
    someone = get_object_or_404(Person.objects.visible_to(request.user), pk=person_id)
    form = ChooseInstrumentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        url = reverse("measures:record", args=[someone.pk, form.cleaned_data["instrument"]])
        query = request.GET.urlencode()
        return redirect(f"{url}?{query}" if query else url)
    return render(
        request,
        "measures/choose.html",
        {"person": someone, "form": form, "instruments": INFO.values()},
    )


def _initial(request: HttpRequest) -> dict[str, str]:
    """Prefill the case and collection point from the schedule's "Record" links."""
    return {key: request.GET[key] for key in ("case", "collection_point") if key in request.GET}


@login_required
@require_http_methods(["GET", "POST"])
def record(request: HttpRequest, person_id: int, instrument: str) -> HttpResponse:
    someone = get_object_or_404(Person.objects.visible_to(request.user), pk=person_id)
    if instrument not in INFO:
        raise Http404
    cases = selectors.cases_for_person(request.user, someone)
    return form_page(
        request,
        make_form=lambda data: MeasureForm(
            data, instrument=instrument, person=someone, cases=cases, initial=_initial(request)
        ),
        save=lambda form: services.record_measure(person=someone, by=request.user, **form.values()),
        success=_("Questionnaire recorded and scored"),
        success_url=reverse("measures:person", args=[someone.pk]),
        template="measures/record.html",
        context={"person": someone, "meta": INFO[instrument], "correcting": None},
    )


@login_required
@require_http_methods(["GET"])
def detail(request: HttpRequest, measure_id: int) -> HttpResponse:
    measure = get_object_or_404(
        MeasureResponse.objects.visible_to(request.user).select_related(
            "person", "case__team", "created_by", "supersedes"
        ),
        pk=measure_id,
    )
    audit.record(
        actor=request.user, verb=audit.Verb.VIEWED, target=measure, label="measure", request=request
    )
    return render(
        request,
        "measures/detail.html",
        {
            "measure": measure,
            "person": measure.person,
            "superseded_by": MeasureResponse.objects.filter(supersedes=measure).first(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def correct(request: HttpRequest, measure_id: int) -> HttpResponse:
    old = get_object_or_404(
        MeasureResponse.objects.visible_to(request.user).select_related("person"), pk=measure_id
    )
    someone = old.person
    cases = selectors.cases_for_person(request.user, someone)
    initial = {
        "informant": old.informant,
        "completed_on": old.completed_on,
        "collection_point": old.collection_point,
        "case": old.case_id,
        **{f"item_{k}": v for k, v in old.responses.items()},
        **{f"impact_{k}": v for k, v in (old.impact or {}).items()},
    }
    if old.impact and "imppeer" in old.impact:
        initial["impact_impfrie"] = old.impact["imppeer"]
    return form_page(
        request,
        make_form=lambda data: MeasureForm(
            data,
            instrument=old.instrument,
            person=someone,
            cases=cases,
            correcting=True,
            initial={k: ("" if v is None else v) for k, v in initial.items()},
        ),
        save=lambda form: services.record_measure(
            person=someone, by=request.user, supersedes=old, **form.values()
        ),
        success=_("Correction recorded: the earlier record is kept in the history"),
        success_url=reverse("measures:person", args=[someone.pk]),
        template="measures/record.html",
        context={"person": someone, "meta": INFO[old.instrument], "correcting": old},
    )


@login_required
@require_http_methods(["GET"])
def case_schedule(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_object_or_404(
        Case.objects.visible_to(request.user).select_related("family", "team"), pk=case_id
    )
    audit.record(
        actor=request.user,
        verb=audit.Verb.VIEWED,
        target=case,
        label="measures schedule",
        request=request,
    )
    return render(
        request,
        "measures/case.html",
        {"case": case, "rows": selectors.case_schedule_rows(case, clock.today())},
    )


@login_required
@require_http_methods(["GET"])
def team(request: HttpRequest, team_id: int) -> HttpResponse:
    the_team = get_team_for(request.user, team_id)
    return render(
        request,
        "measures/team.html",
        {
            "team": the_team,
            "schedule": selectors.team_schedule(request.user, the_team, clock.today()),
        },
    )


@login_required
@require_http_methods(["GET"])
@require_disclosure("A team's outcome measures (CSV)", internal=True)
def team_csv(request: HttpRequest, team_id: int) -> HttpResponse:
    the_team = get_team_for(request.user, team_id)
    records = selectors.export_queryset(request.user, team=the_team)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = clock.today().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="measures-team-{the_team.pk}-{stamp}.csv"'
    )
    response["Cache-Control"] = "no-store"
    writer = csv.writer(response)
    lines = export.rows(records, pseudonymise=False)
    writer.writerow(next(lines))
    count = 0
    for values in lines:
        writer.writerow(values)
        count += 1
    audit.record(
        actor=request.user,
        verb=audit.Verb.EXPORTED,
        target=the_team,
        label="measures export",
        data={"what": "measures", "via": "team page", "pseudonymised": False, "rows": count},
        request=request,
    )
    return response
