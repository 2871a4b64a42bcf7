"""Risk and need, goals (with the progress chart) and Cycle of Change pages and their forms."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from familyworkbook.cases.formflow import form_page
from familyworkbook.people.models import Family
from familyworkbook.workbook import plan_forms as pf
from familyworkbook.workbook import selectors, services
from familyworkbook.workbook.charts import rating_chart
from familyworkbook.workbook.models import (
    DecisionalBalance,
    Goal,
    GoalAction,
    GoalRating,
    PriorityIssue,
    RiskNeedItem,
    ScalingAnswer,
    ToxicTrioFlag,
)
from familyworkbook.workbook.views import family_for, viewed

GET_POST = ["GET", "POST"]


def _in_family(request: HttpRequest, model: type[Model], family: Family, pk: int) -> Any:
    return get_object_or_404(model.objects.visible_to(request.user).filter(family=family), pk=pk)


def _form(
    request: HttpRequest,
    family: Family,
    *,
    heading: str,
    make_form: Any,
    save: Any,
    success: str,
    back: str,
    caption: str = "",
) -> HttpResponse:
    return form_page(
        request,
        make_form=make_form,
        save=save,
        success=success,
        success_url=back,
        template="workbook/form.html",
        context={"family": family, "heading": heading, "back": back, "caption": caption},
    )


# --- Risk and need -------------------------------------------------------------------------


def _risk_url(family: Family) -> str:
    return reverse("workbook:risk", args=[family.pk])


@login_required
@require_http_methods(["GET"])
def risk(request: HttpRequest, family_id: int) -> HttpResponse:
    family = family_for(request, family_id)
    return render(
        request,
        "workbook/risk.html",
        {
            "family": family,
            "groups": selectors.risk_need(family),
            "flags": selectors.trio_flags(family, request.user),
            "priorities": selectors.priority_issues(family),
        },
    )


@login_required
@require_http_methods(GET_POST)
def add_risk_item(request: HttpRequest, family_id: int) -> HttpResponse:
    family = family_for(request, family_id)
    return _form(
        request,
        family,
        heading=_("Add to the risk and need analysis"),
        make_form=lambda data: pf.RiskNeedItemForm(data, family=family),
        save=lambda form: services.add_risk_need_item(
            family=family, by=request.user, **form.cleaned_data
        ),
        success=_("Added to the risk and need analysis"),
        back=_risk_url(family),
    )


@login_required
@require_http_methods(GET_POST)
def edit_risk_item(request: HttpRequest, family_id: int, item_id: int) -> HttpResponse:
    family = family_for(request, family_id)
    item = _in_family(request, RiskNeedItem, family, item_id)
    initial = {
        "kind": item.kind,
        "about": item.about_id,
        "text": item.text,
        "identified_on": item.identified_on,
    }
    return _form(
        request,
        family,
        heading=_("Change a risk and need item"),
        make_form=lambda data: pf.EditRiskNeedItemForm(
            data, record=item, family=family, initial=initial
        ),
        save=lambda form: services.edit_risk_need_item(
            item, by=request.user, expected_version=form.expected_version, **form.values()
        ),
        success=_("Risk and need item updated"),
        back=_risk_url(family),
    )


@login_required
@require_http_methods(GET_POST)
def add_priority(request: HttpRequest, family_id: int) -> HttpResponse:
    family = family_for(request, family_id)
    return _form(
        request,
        family,
        heading=_("Add a priority issue"),
        make_form=lambda data: pf.PriorityIssueForm(data),
        save=lambda form: services.add_priority_issue(
            family=family, by=request.user, **form.cleaned_data
        ),
        success=_("Priority issue added"),
        back=_risk_url(family),
    )


@login_required
@require_http_methods(GET_POST)
def resolve_priority(request: HttpRequest, family_id: int, issue_id: int) -> HttpResponse:
    family = family_for(request, family_id)
    issue = _in_family(request, PriorityIssue, family, issue_id)
    return _form(
        request,
        family,
        heading=_("Mark the priority issue resolved"),
        caption=issue.title,
        make_form=lambda data: pf.ResolvePriorityIssueForm(data, record=issue),
        save=lambda form: services.resolve_priority_issue(
            issue, by=request.user, expected_version=form.expected_version, **form.values()
        ),
        success=_("Priority issue resolved"),
        back=_risk_url(family),
    )


@login_required
@require_http_methods(GET_POST)
def add_flag(request: HttpRequest, family_id: int) -> HttpResponse:
    family = family_for(request, family_id)
    return _form(
        request,
        family,
        heading=_("Add a toxic-trio flag"),
        make_form=lambda data: pf.TrioFlagForm(data, family=family),
        save=lambda form: services.flag_toxic_trio(
            family=family, by=request.user, **form.cleaned_data
        ),
        success=_("Flag added"),
        back=_risk_url(family),
    )


@login_required
@require_http_methods(GET_POST)
def end_flag(request: HttpRequest, family_id: int, flag_id: int) -> HttpResponse:
    family = family_for(request, family_id)
    flag = _in_family(request, ToxicTrioFlag, family, flag_id)
    return _form(
        request,
        family,
        heading=_("End the flag"),
        caption=str(flag),
        make_form=lambda data: pf.EndTrioFlagForm(data, record=flag),
        save=lambda form: services.end_toxic_trio_flag(
            flag, by=request.user, expected_version=form.expected_version, **form.values()
        ),
        success=_("Flag ended"),
        back=_risk_url(family),
    )


# --- Goals ---------------------------------------------------------------------------------


def _goals_url(family: Family) -> str:
    return reverse("workbook:goals", args=[family.pk])


@login_required
@require_http_methods(["GET"])
def goals(request: HttpRequest, family_id: int) -> HttpResponse:
    family = family_for(request, family_id)
    return render(
        request,
        "workbook/goals.html",
        {"family": family, "goals": selectors.goals_of(family, request.user)},
    )


@login_required
@require_http_methods(GET_POST)
def add_goal(request: HttpRequest, family_id: int) -> HttpResponse:
    family = family_for(request, family_id)
    return _form(
        request,
        family,
        heading=_("Set a goal"),
        make_form=lambda data: pf.GoalForm(data, family=family),
        save=lambda form: services.set_goal(family=family, by=request.user, **form.cleaned_data),
        success=_("Goal set"),
        back=_goals_url(family),
    )


def _goal_for(request: HttpRequest, family: Family, goal_id: int) -> Goal:
    return get_object_or_404(
        Goal.objects.visible_to(request.user).filter(family=family).select_related("person"),
        pk=goal_id,
    )


@login_required
@require_http_methods(["GET"])
def goal(request: HttpRequest, family_id: int, goal_id: int) -> HttpResponse:
    family = family_for(request, family_id)
    record = _goal_for(request, family, goal_id)
    ratings = list(GoalRating.objects.filter(goal=record).order_by("rated_on", "pk"))
    worker = [(r.rated_on, r.score) for r in ratings if r.rated_by == "worker"]
    member = [(r.rated_on, r.score) for r in ratings if r.rated_by == "family"]
    chart = rating_chart(
        worker,
        member,
        worker_name=_("Worker's rating"),
        family_name=_("%(name)s's rating") % {"name": record.person.full_name},
    )
    viewed(request, record, "goal", label="Goal")
    return render(
        request,
        "workbook/goal.html",
        {
            "family": family,
            "goal": record,
            "ratings": ratings,
            "chart": chart,
            "actions": GoalAction.objects.filter(goal=record, archived_at__isnull=True).order_by(
                "due_on", "pk"
            ),
        },
    )


@login_required
@require_http_methods(GET_POST)
def goal_status(request: HttpRequest, family_id: int, goal_id: int) -> HttpResponse:
    family = family_for(request, family_id)
    record = _goal_for(request, family, goal_id)
    initial = {"status": record.status, "status_reason": record.status_reason}
    return _form(
        request,
        family,
        heading=_("Update the goal's status"),
        caption=record.title,
        make_form=lambda data: pf.GoalStatusForm(data, record=record, initial=initial),
        save=lambda form: services.update_goal_status(
            record, by=request.user, expected_version=form.expected_version, **form.values()
        ),
        success=_("Goal updated"),
        back=record.get_absolute_url(),
    )


@login_required
@require_http_methods(GET_POST)
def add_action(request: HttpRequest, family_id: int, goal_id: int) -> HttpResponse:
    family = family_for(request, family_id)
    record = _goal_for(request, family, goal_id)
    return _form(
        request,
        family,
        heading=_("Add an action"),
        caption=record.title,
        make_form=lambda data: pf.ActionForm(data),
        save=lambda form: services.add_action(goal=record, by=request.user, **form.cleaned_data),
        success=_("Action added"),
        back=record.get_absolute_url(),
    )


@login_required
@require_http_methods(GET_POST)
def update_action(
    request: HttpRequest, family_id: int, goal_id: int, action_id: int
) -> HttpResponse:
    family = family_for(request, family_id)
    record = _goal_for(request, family, goal_id)
    action = get_object_or_404(
        GoalAction.objects.visible_to(request.user).filter(goal=record), pk=action_id
    )
    initial = {"status": action.status, "outcome": action.outcome}
    return _form(
        request,
        family,
        heading=_("Update the action"),
        caption=action.description[:80],
        make_form=lambda data: pf.UpdateActionForm(data, record=action, initial=initial),
        save=lambda form: services.update_action(
            action, by=request.user, expected_version=form.expected_version, **form.values()
        ),
        success=_("Action updated"),
        back=record.get_absolute_url(),
    )


@login_required
@require_http_methods(GET_POST)
def rate_goal(request: HttpRequest, family_id: int, goal_id: int) -> HttpResponse:
    family = family_for(request, family_id)
    record = _goal_for(request, family, goal_id)
    return _form(
        request,
        family,
        heading=_("Rate progress towards the goal"),
        caption=record.title,
        make_form=lambda data: pf.RatingForm(data),
        save=lambda form: services.rate_goal(goal=record, by=request.user, **form.cleaned_data),
        success=_("Rating added"),
        back=record.get_absolute_url(),
    )


# --- Cycle of Change -----------------------------------------------------------------------


def _change_url(family: Family) -> str:
    return reverse("workbook:change", args=[family.pk])


@login_required
@require_http_methods(["GET"])
def change(request: HttpRequest, family_id: int) -> HttpResponse:
    family = family_for(request, family_id)
    return render(
        request,
        "workbook/change.html",
        {
            "family": family,
            "tracks": selectors.change_tracks(family, request.user),
            "balances": DecisionalBalance.objects.visible_to(request.user)
            .filter(family=family)
            .select_related("person"),
            "scaling": ScalingAnswer.objects.visible_to(request.user)
            .filter(family=family)
            .select_related("person")
            .order_by("-asked_on", "-pk"),
        },
    )


@login_required
@require_http_methods(GET_POST)
def add_stage(request: HttpRequest, family_id: int) -> HttpResponse:
    family = family_for(request, family_id)
    return _form(
        request,
        family,
        heading=_("Record a stage in the Cycle of Change"),
        make_form=lambda data: pf.ChangeStageForm(data, family=family),
        save=lambda form: services.record_change_stage(
            family=family, by=request.user, **form.cleaned_data
        ),
        success=_("Stage recorded"),
        back=_change_url(family),
    )


@login_required
@require_http_methods(GET_POST)
def add_balance(request: HttpRequest, family_id: int) -> HttpResponse:
    family = family_for(request, family_id)
    return _form(
        request,
        family,
        heading=_("Record a cost-benefit analysis"),
        make_form=lambda data: pf.DecisionalBalanceForm(data, family=family),
        save=lambda form: services.record_decisional_balance(
            family=family, by=request.user, **form.cleaned_data
        ),
        success=_("Cost-benefit analysis recorded"),
        back=_change_url(family),
    )


@login_required
@require_http_methods(GET_POST)
def add_scaling(request: HttpRequest, family_id: int) -> HttpResponse:
    family = family_for(request, family_id)
    return _form(
        request,
        family,
        heading=_("Record a scaling question"),
        make_form=lambda data: pf.ScalingForm(data, family=family),
        save=lambda form: services.record_scaling(
            family=family, by=request.user, **form.cleaned_data
        ),
        success=_("Scaling answer recorded"),
        back=_change_url(family),
    )
