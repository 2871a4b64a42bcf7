"""Pages for the SSDA903 facts about a looked-after child, beside the episodes.

One page lists them all for a child (`looked_after_facts`, linked from the child's page and
from the data-quality view); each fact has an add and a change form. Records are reached only
through a child the user may see (`selectors.get_child_for`, `get_child_record_for`), so an id
from another child's record gives 404, as a missing one does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from familyworkbook.cases import lac_forms as lf
from familyworkbook.cases import lac_services, selectors
from familyworkbook.cases.formflow import form_page
from familyworkbook.cases.lac_models import (
    AdoptionDecision,
    CareLeaverOutcome,
    LookedAfterOutcome,
    LookedAfterReview,
    MissingEpisode,
    PreviousPermanence,
    SocialWorkerChange,
    UascStatus,
)
from familyworkbook.cases.models import Allocation, LookedAfterEpisode
from familyworkbook.people.models import Person

GET_POST = ["GET", "POST"]


@dataclass(frozen=True)
class Fact:
    model: type
    form: type
    add_title: Promise
    change_title: Promise
    added: Promise
    changed: Promise
    intro: Promise | str = ""


FACTS: dict[str, Fact] = {
    "review": Fact(
        LookedAfterReview,
        lf.ReviewForm,
        gettext_lazy("Record a looked-after review"),
        gettext_lazy("Change a looked-after review"),
        gettext_lazy("Looked-after review recorded"),
        gettext_lazy("Looked-after review changed"),
    ),
    "missing": Fact(
        MissingEpisode,
        lf.MissingForm,
        gettext_lazy("Record missing or away from placement"),
        gettext_lazy("Change missing or away from placement"),
        gettext_lazy("Missing or away from placement recorded"),
        gettext_lazy("Missing or away from placement changed"),
    ),
    "oc2": Fact(
        LookedAfterOutcome,
        lf.OutcomeForm,
        gettext_lazy("Record the year's outcomes (OC2)"),
        gettext_lazy("Change the year's outcomes (OC2)"),
        gettext_lazy("Outcomes recorded"),
        gettext_lazy("Outcomes changed"),
        gettext_lazy(
            "For a child looked after for 12 months at 31 March: health, SDQ and offending."
        ),
    ),
    "oc3": Fact(
        CareLeaverOutcome,
        lf.CareLeaverForm,
        gettext_lazy("Record a care leaver's situation (OC3)"),
        gettext_lazy("Change a care leaver's situation (OC3)"),
        gettext_lazy("Care leaver's situation recorded"),
        gettext_lazy("Care leaver's situation changed"),
        gettext_lazy("Around the young person's 17th to 21st birthdays."),
    ),
    "adoption": Fact(
        AdoptionDecision,
        lf.AdoptionForm,
        gettext_lazy("Record a decision to place for adoption"),
        gettext_lazy("Change the adoption decision"),
        gettext_lazy("Adoption decision recorded"),
        gettext_lazy("Adoption decision changed"),
        gettext_lazy("Record the match and the adopters once they are known."),
    ),
    "prevperm": Fact(
        PreviousPermanence,
        lf.PreviousPermanenceForm,
        gettext_lazy("Record previous permanence"),
        gettext_lazy("Change previous permanence"),
        gettext_lazy("Previous permanence recorded"),
        gettext_lazy("Previous permanence changed"),
        gettext_lazy(
            "Needed for every period of care: whether the child had been adopted, or was "
            "under a special guardianship or child arrangements order, before it started."
        ),
    ),
}


def _hub(child: Person) -> str:
    return reverse("cases:lac_facts", args=[child.pk])


def _form(
    request: HttpRequest, child: Person, *, title: Any, success: Any, intro: Any = "", **kw: Any
) -> HttpResponse:
    return form_page(
        request,
        success=str(success),
        success_url=_hub(child),
        template="cases/lac/fact_form.html",
        context={"child": child, "title": title, "intro": intro, "back_url": _hub(child)},
        **kw,
    )


@login_required
@require_http_methods(["GET"])
def looked_after_facts(request: HttpRequest, person_id: int) -> HttpResponse:
    child = selectors.get_child_for(request.user, person_id)
    live = {"child": child, "archived_at__isnull": True}
    episodes = list(LookedAfterEpisode.objects.filter(**live).order_by("started_on", "pk"))
    case_ids = {e.case_id for e in episodes if e.case_id}
    allocations = list(
        Allocation.objects.filter(case_id__in=case_ids, is_lead=True, archived_at__isnull=True)
        .select_related("worker__user", "case__team", "social_worker_change")
        .order_by("started_on", "pk")
    )
    context = {
        "child": child,
        "episodes": episodes,
        "reviews": LookedAfterReview.objects.filter(**live).order_by("-held_on", "-pk"),
        "missing": MissingEpisode.objects.filter(**live).order_by("-started_on", "-pk"),
        "uasc": UascStatus.objects.filter(**live).first(),
        "outcomes": LookedAfterOutcome.objects.filter(**live).order_by("-year"),
        "leavers": CareLeaverOutcome.objects.filter(**live).order_by("-year"),
        "adoption": AdoptionDecision.objects.filter(**live).order_by("-decided_on", "-pk"),
        "prevperm": PreviousPermanence.objects.filter(**live).order_by("-care_started_on"),
        "allocations": allocations,
    }
    return render(request, "cases/lac/facts.html", context)


def add_fact(request: HttpRequest, person_id: int, kind: str) -> HttpResponse:
    fact = FACTS[kind]
    child = selectors.get_child_for(request.user, person_id)
    return _form(
        request,
        child,
        title=fact.add_title,
        success=fact.added,
        intro=fact.intro,
        make_form=lambda data: fact.form(data, child=child),
        save=lambda form: lac_services.record_fact(form.instance, by=request.user),
    )


def change_fact(request: HttpRequest, fact_id: int, kind: str) -> HttpResponse:
    fact = FACTS[kind]
    record = selectors.get_child_record_for(request.user, fact.model, fact_id)
    child = record.child
    return _form(
        request,
        child,
        title=fact.change_title,
        success=fact.changed,
        intro=fact.intro,
        make_form=lambda data: fact.form(data, child=child, instance=_fresh(record)),
        save=lambda form: lac_services.change_fact(
            record, by=request.user, expected_version=form.expected_version, **form.values()
        ),
    )


def _fresh(record: Any) -> Any:
    """A copy for the form to bind to: a ModelForm writes its data onto its instance."""
    return type(record)._default_manager.get(pk=record.pk)


# Decorated here so the per-kind URL patterns share one view each.
add_fact = login_required(require_http_methods(GET_POST)(add_fact))  # type: ignore[assignment]
change_fact = login_required(require_http_methods(GET_POST)(change_fact))  # type: ignore[assignment]


@login_required
@require_http_methods(GET_POST)
def uasc(request: HttpRequest, person_id: int) -> HttpResponse:
    """Record, or change, whether the child is an unaccompanied asylum-seeking child."""
    child = selectors.get_child_for(request.user, person_id)
    status = UascStatus.objects.filter(child=child, archived_at__isnull=True).first()
    if status is None:
        return _form(
            request,
            child,
            title=_("Record unaccompanied asylum-seeking child status"),
            success=_("Unaccompanied asylum-seeking child status recorded"),
            make_form=lambda data: lf.UascForm(data, child=child),
            save=lambda form: lac_services.record_fact(form.instance, by=request.user),
        )
    return _form(
        request,
        child,
        title=_("Change unaccompanied asylum-seeking child status"),
        success=_("Unaccompanied asylum-seeking child status changed"),
        make_form=lambda data: lf.UascForm(data, child=child, instance=_fresh(status)),
        save=lambda form: lac_services.change_fact(
            status, by=request.user, expected_version=form.expected_version, **form.values()
        ),
    )


@login_required
@require_http_methods(GET_POST)
def social_worker_change(request: HttpRequest, allocation_id: int) -> HttpResponse:
    """Why the lead social worker changed (SSDA903 SW_REASON), on the allocation that changed it.

    `?child=` names the looked-after child whose page to go back to (404 if not visible).
    """
    allocation = selectors.get_allocation_for(request.user, allocation_id)
    child_id = request.GET.get("child", "")
    child = selectors.get_child_for(request.user, child_id) if child_id else None
    back = _hub(child) if child else allocation.case.family.get_absolute_url()
    existing = SocialWorkerChange.objects.filter(
        allocation=allocation, archived_at__isnull=True
    ).first()
    form_class = lf.SocialWorkerChangeForm
    return form_page(
        request,
        success=_("Reason for the change of social worker recorded"),
        success_url=back,
        template="cases/lac/social_worker_change.html",
        context={"child": child, "allocation": allocation, "back_url": back},
        make_form=lambda data: form_class(
            data,
            instance=_fresh(existing) if existing else SocialWorkerChange(allocation=allocation),
        ),
        save=lambda form: lac_services.record_social_worker_change(
            allocation, by=request.user, expected_version=form.expected_version, **form.values()
        ),
    )
