"""The record pages (family, person, caseloads) and the case and allocation forms.

Views are thin: get the record through `selectors.get_*_for(user, id)` (404 when it is
missing or not visible: the two look the same), bind the form, call the service, redirect.
Statutory event forms are in `event_views.py`.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from familyworkbook.cases import selectors, services
from familyworkbook.cases.formflow import form_page
from familyworkbook.cases.forms import AllocateForm, CloseCaseForm, EndAllocationForm, OpenCaseForm
from familyworkbook.cases.models import Case
from familyworkbook.core import scoping

# --- Pages ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def family(request: HttpRequest, family_id: int) -> HttpResponse:
    fam = selectors.get_family_for(request.user, family_id, request=request)
    page = selectors.family_page(request.user, fam)
    return render(
        request,
        "cases/family.html",
        {
            "family": fam,
            "page": page,
            "who_has_seen": scoping.allows(request.user, "see_who_has_seen"),
        },
    )


@login_required
@require_http_methods(["GET"])
def person(request: HttpRequest, person_id: int) -> HttpResponse:
    someone = selectors.get_person_for(request.user, person_id, request=request)
    page = selectors.person_page(request.user, someone)
    return render(
        request,
        "cases/person.html",
        {
            "person": someone,
            "page": page,
            "who_has_seen": scoping.allows(request.user, "see_who_has_seen"),
            "subject_access": scoping.allows(request.user, "prepare_subject_access"),
        },
    )


def _paginate(request: HttpRequest, queryset: QuerySet[Case]) -> Page:
    page = Paginator(queryset, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    page.elided_range = list(  # type: ignore[attr-defined]
        page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    )
    return page


@login_required
@require_http_methods(["GET"])
def my_caseload(request: HttpRequest) -> HttpResponse:
    worker = selectors.worker_of(request.user)
    cases = selectors.my_open_cases(request.user, worker)
    page = _paginate(request, cases)
    selectors.attach_children(page.object_list)
    for case in page.object_list:
        case.my_allocation = selectors.my_role_on(case, worker) if worker else None
    return render(
        request,
        "cases/my_caseload.html",
        {
            "worker": worker,
            "page_obj": page,
            "counts": selectors.caseload_counts(cases, worker),
        },
    )


@login_required
@require_http_methods(["GET"])
def team_caseloads(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "cases/team_caseloads.html",
        {
            "teams": selectors.teams_with_counts(request.user),
        },
    )


@login_required
@require_http_methods(["GET"])
def team_caseload(request: HttpRequest, team_id: int) -> HttpResponse:
    team = selectors.get_team_for(request.user, team_id)
    cases = selectors.team_open_cases(request.user, team)
    page = _paginate(request, cases)
    selectors.attach_children(page.object_list)
    return render(
        request,
        "cases/team_caseload.html",
        {
            "team": team,
            "page_obj": page,
            "workers": selectors.team_worker_caseloads(request.user, team),
            "open_cases": page.paginator.count,
        },
    )


# --- Cases and allocation ------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def open_case(request: HttpRequest, family_id: int) -> HttpResponse:
    fam = selectors.get_family_for(request.user, family_id)
    return form_page(
        request,
        make_form=lambda data: OpenCaseForm(data, family=fam, user=request.user),
        save=lambda form: services.open_case(family=fam, by=request.user, **form.cleaned_data),
        success=_("Case opened"),
        success_url=fam.get_absolute_url(),
        template="cases/open_case.html",
        context={"family": fam},
    )


@login_required
@require_http_methods(["GET", "POST"])
def close_case(request: HttpRequest, case_id: int) -> HttpResponse:
    case = selectors.get_case_for(request.user, case_id)
    return form_page(
        request,
        make_form=lambda data: CloseCaseForm(data, case=case),
        save=lambda form: services.close_case(
            case, by=request.user, expected_version=form.expected_version, **form.values()
        ),
        success=_("Case closed"),
        success_url=case.get_absolute_url(),
        template="cases/close_case.html",
        context={"case": case, "family": case.family},
    )


@login_required
@require_http_methods(["GET", "POST"])
def allocate(request: HttpRequest, case_id: int) -> HttpResponse:
    case = selectors.get_case_for(request.user, case_id)
    return form_page(
        request,
        make_form=lambda data: AllocateForm(data, case=case),
        save=lambda form: services.allocate_worker(case, by=request.user, **form.cleaned_data),
        success=_("Worker allocated"),
        success_url=case.get_absolute_url(),
        template="cases/allocate.html",
        context={
            "case": case,
            "family": case.family,
            "current": case.allocations.current().select_related("worker__user"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def end_allocation(request: HttpRequest, allocation_id: int) -> HttpResponse:
    allocation = selectors.get_allocation_for(request.user, allocation_id)
    return form_page(
        request,
        make_form=lambda data: EndAllocationForm(data, allocation=allocation),
        save=lambda form: services.end_allocation(
            allocation, by=request.user, expected_version=form.expected_version, **form.values()
        ),
        success=_("Allocation ended"),
        success_url=allocation.case.get_absolute_url(),
        template="cases/end_allocation.html",
        context={
            "allocation": allocation,
            "case": allocation.case,
            "family": allocation.case.family,
        },
    )
