"""Forms that record a child's statutory events. Each redirects to the child's page.

Records are reached only through a child the user may see (`selectors.get_child_for` and
`selectors.get_child_record_for`), so an episode or plan id from another record gives 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from familyworkbook.cases import event_forms as ef
from familyworkbook.cases import selectors, services
from familyworkbook.cases.formflow import form_page
from familyworkbook.cases.models import (
    CareProceedings,
    CinEpisode,
    CinPlan,
    CpPlan,
    LookedAfterEpisode,
    PreProceedings,
)
from familyworkbook.people.models import Person

GET_POST = ["GET", "POST"]


def _page(
    request: HttpRequest,
    child: Person,
    *,
    template: str,
    success: str,
    extra: dict[str, Any] | None = None,
    **kwargs: Any,
) -> HttpResponse:
    return form_page(
        request,
        success=success,
        success_url=child.get_absolute_url(),
        template=f"cases/events/{template}",
        context={"child": child, **(extra or {})},
        **kwargs,
    )


# --- Episodes of need ----------------------------------------------------------------------


@login_required
@require_http_methods(GET_POST)
def record_referral(request: HttpRequest, person_id: int) -> HttpResponse:
    child = selectors.get_child_for(request.user, person_id)
    cases = selectors.open_cases_for_child(request.user, child)
    return _page(
        request,
        child,
        template="referral.html",
        success=_("Referral recorded"),
        make_form=lambda data: ef.ReferralForm(data, child=child, cases=cases),
        save=lambda form: services.record_referral(
            child=child, by=request.user, **form.cleaned_data
        ),
    )


@login_required
@require_http_methods(GET_POST)
def close_episode(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = selectors.get_child_record_for(request.user, CinEpisode, episode_id)
    return _page(
        request,
        episode.child,
        template="close_episode.html",
        success=_("Episode of need closed"),
        extra={"episode": episode},
        make_form=lambda data: ef.CloseEpisodeForm(data, episode=episode),
        save=lambda form: services.close_episode(
            episode, by=request.user, expected_version=form.expected_version, **form.values()
        ),
    )


@login_required
@require_http_methods(GET_POST)
def record_assessment(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = selectors.get_child_record_for(request.user, CinEpisode, episode_id)
    return _page(
        request,
        episode.child,
        template="assessment.html",
        success=_("Assessment recorded"),
        extra={"episode": episode},
        make_form=lambda data: ef.AssessmentForm(data, episode=episode),
        save=lambda form: services.record_assessment(
            episode=episode, by=request.user, **form.cleaned_data
        ),
    )


@login_required
@require_http_methods(GET_POST)
def record_s47(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = selectors.get_child_record_for(request.user, CinEpisode, episode_id)
    return _page(
        request,
        episode.child,
        template="s47.html",
        success=_("Section 47 enquiry recorded"),
        extra={"episode": episode},
        make_form=lambda data: ef.Section47Form(data, episode=episode),
        save=lambda form: services.record_s47(
            episode=episode, by=request.user, **form.cleaned_data
        ),
    )


# --- Plans ---------------------------------------------------------------------------------


@login_required
@require_http_methods(GET_POST)
def record_cp_plan(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = selectors.get_child_record_for(request.user, CinEpisode, episode_id)

    def save(form: ef.CpPlanForm) -> CpPlan:
        data = {k: v for k, v in form.cleaned_data.items() if k != "start_differs_from_conference"}
        return services.record_cp_plan(episode=episode, by=request.user, **data)

    return _page(
        request,
        episode.child,
        template="cp_plan.html",
        success=_("Child protection plan recorded"),
        extra={"episode": episode, "icpc_on": services.icpc_date_for(episode)},
        make_form=lambda data: ef.CpPlanForm(data, episode=episode),
        save=save,
    )


@login_required
@require_http_methods(GET_POST)
def end_cp_plan(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.get_child_record_for(request.user, CpPlan, plan_id)
    return _page(
        request,
        plan.episode.child,
        template="end_cp_plan.html",
        success=_("Child protection plan ended"),
        extra={"plan": plan},
        make_form=lambda data: ef.EndPlanForm(data, plan=plan),
        save=lambda form: services.end_cp_plan(
            plan, by=request.user, expected_version=form.expected_version, **form.values()
        ),
    )


@login_required
@require_http_methods(GET_POST)
def record_cp_review(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.get_child_record_for(request.user, CpPlan, plan_id)
    return _page(
        request,
        plan.episode.child,
        template="cp_review.html",
        success=_("Child protection review recorded"),
        extra={"plan": plan},
        make_form=lambda data: ef.CpReviewForm(data, plan=plan),
        save=lambda form: services.record_cp_review(
            plan=plan, by=request.user, **form.cleaned_data
        ),
    )


@login_required
@require_http_methods(GET_POST)
def record_cin_plan(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = selectors.get_child_record_for(request.user, CinEpisode, episode_id)
    return _page(
        request,
        episode.child,
        template="cin_plan.html",
        success=_("Child in need plan recorded"),
        extra={"episode": episode},
        make_form=lambda data: ef.CinPlanForm(data, episode=episode),
        save=lambda form: services.record_cin_plan(
            episode=episode, by=request.user, **form.cleaned_data
        ),
    )


@login_required
@require_http_methods(GET_POST)
def end_cin_plan(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.get_child_record_for(request.user, CinPlan, plan_id)
    return _page(
        request,
        plan.episode.child,
        template="end_cin_plan.html",
        success=_("Child in need plan ended"),
        extra={"plan": plan},
        make_form=lambda data: ef.EndPlanForm(data, plan=plan),
        save=lambda form: services.end_cin_plan(
            plan, by=request.user, expected_version=form.expected_version, **form.values()
        ),
    )


# --- Looked after, pre-proceedings, proceedings, visits ------------------------------------


@login_required
@require_http_methods(GET_POST)
def record_lac_episode(request: HttpRequest, person_id: int) -> HttpResponse:
    child = selectors.get_child_for(request.user, person_id)
    cases = selectors.open_cases_for_child(request.user, child)
    return _page(
        request,
        child,
        template="lac_episode.html",
        success=_("Looked-after episode recorded"),
        make_form=lambda data: ef.LookedAfterForm(data, child=child, cases=cases),
        save=lambda form: services.record_lac_episode(
            child=child, by=request.user, **form.cleaned_data
        ),
    )


@login_required
@require_http_methods(GET_POST)
def end_lac_episode(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = selectors.get_child_record_for(request.user, LookedAfterEpisode, episode_id)
    return _page(
        request,
        episode.child,
        template="end_lac_episode.html",
        success=_("Looked-after episode ended"),
        extra={"episode": episode},
        make_form=lambda data: ef.EndLookedAfterForm(data, episode=episode),
        save=lambda form: services.end_lac_episode(
            episode, by=request.user, expected_version=form.expected_version, **form.values()
        ),
    )


@login_required
@require_http_methods(GET_POST)
def record_plo(request: HttpRequest, person_id: int) -> HttpResponse:
    child = selectors.get_child_for(request.user, person_id)
    cases = selectors.open_cases_for_child(request.user, child)
    return _page(
        request,
        child,
        template="plo.html",
        success=_("Pre-proceedings recorded"),
        make_form=lambda data: ef.PreProceedingsForm(data, child=child, cases=cases),
        save=lambda form: services.record_plo(child=child, by=request.user, **form.cleaned_data),
    )


@login_required
@require_http_methods(GET_POST)
def end_plo(request: HttpRequest, plo_id: int) -> HttpResponse:
    plo = selectors.get_child_record_for(request.user, PreProceedings, plo_id)
    return _page(
        request,
        plo.child,
        template="end_plo.html",
        success=_("Pre-proceedings ended"),
        extra={"plo": plo},
        make_form=lambda data: ef.EndPreProceedingsForm(data, plo=plo),
        save=lambda form: services.end_plo(
            plo, by=request.user, expected_version=form.expected_version, **form.values()
        ),
    )


@login_required
@require_http_methods(GET_POST)
def record_proceedings(request: HttpRequest, person_id: int) -> HttpResponse:
    child = selectors.get_child_for(request.user, person_id)
    cases = selectors.open_cases_for_child(request.user, child)
    return _page(
        request,
        child,
        template="proceedings.html",
        success=_("Care proceedings recorded"),
        make_form=lambda data: ef.CareProceedingsForm(data, child=child, cases=cases),
        save=lambda form: services.record_proceedings(
            child=child, by=request.user, **form.cleaned_data
        ),
    )


@login_required
@require_http_methods(GET_POST)
def conclude_proceedings(request: HttpRequest, proceedings_id: int) -> HttpResponse:
    proceedings = selectors.get_child_record_for(request.user, CareProceedings, proceedings_id)
    return _page(
        request,
        proceedings.child,
        template="conclude_proceedings.html",
        success=_("Care proceedings concluded"),
        extra={"proceedings": proceedings},
        make_form=lambda data: ef.ConcludeProceedingsForm(data, proceedings=proceedings),
        save=lambda form: services.conclude_proceedings(
            proceedings, by=request.user, expected_version=form.expected_version, **form.values()
        ),
    )


@login_required
@require_http_methods(GET_POST)
def record_visit(request: HttpRequest, person_id: int) -> HttpResponse:
    child = selectors.get_child_for(request.user, person_id)
    cases = selectors.open_cases_for_child(request.user, child)
    worker = selectors.worker_of(request.user)
    return _page(
        request,
        child,
        template="visit.html",
        success=_("Visit recorded"),
        make_form=lambda data: ef.VisitForm(data, child=child, cases=cases, worker=worker),
        save=lambda form: services.record_visit(child=child, by=request.user, **form.cleaned_data),
    )
