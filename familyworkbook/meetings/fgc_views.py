"""Family Group Conference pages: referral, the victim's decision, invitations, the record and
the review. The rules (who may be invited, the preparation window) are in `services`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from familyworkbook.access.records import get_family_for
from familyworkbook.cases.formflow import form_page
from familyworkbook.meetings import forms as mf
from familyworkbook.meetings import services
from familyworkbook.meetings.models import FamilyGroupConference, Meeting
from familyworkbook.meetings.views import meeting_for
from familyworkbook.people.models import Person, PersonKind
from familyworkbook.teams.models import Role, Worker

GET_POST = ["GET", "POST"]


def _members(family: Any, *, adults_only: bool = False) -> Any:
    qs = Person.objects.filter(
        memberships__family=family,
        memberships__ended_on__isnull=True,
        memberships__archived_at__isnull=True,
        archived_at__isnull=True,
    )
    if adults_only:
        qs = qs.filter(kind=PersonKind.ADULT)
    return qs.order_by("pk")


def fgc_for(request: HttpRequest, meeting_id: int) -> FamilyGroupConference:
    meeting = meeting_for(request, meeting_id)
    try:
        return meeting.fgc
    except FamilyGroupConference.DoesNotExist:
        raise Http404 from None


def _context(family: Any, heading: str, back: str) -> dict[str, Any]:
    return {"family": family, "heading": heading, "back": back}


@login_required
@require_http_methods(GET_POST)
def refer(request: HttpRequest, family_id: int) -> HttpResponse:
    family = get_family_for(request.user, family_id, request=request)
    if services.worker_of(request.user) is None:
        raise Http404
    allocated = Worker.objects.filter(
        allocations__case__family=family, allocations__ended_on__isnull=True
    )
    coordinators = (
        (Worker.objects.filter(role=Role.FGC_COORDINATOR, left_on__isnull=True) | allocated)
        .distinct()
        .select_related("user")
    )
    adults = _members(family, adults_only=True)
    created: dict[str, FamilyGroupConference] = {}

    def save(form: mf.FgcReferralForm) -> None:
        d = form.cleaned_data
        created["fgc"] = services.refer_fgc(
            by=request.user,
            family=family,
            referred_on=d["referred_on"],
            starts_at=d["starts_at"],
            coordinator=d["coordinator"],
            da_victim=d["da_victim"],
            alleged_perpetrator=d["alleged_perpetrator"],
        )

    response = form_page(
        request,
        make_form=lambda data: mf.FgcReferralForm(data, coordinators=coordinators, adults=adults),
        save=save,
        success=_("Referred for a Family Group Conference"),
        success_url=reverse("meetings:family", args=[family.pk]),
        template="meetings/form.html",
        context=_context(
            family,
            _("Refer for a Family Group Conference"),
            reverse("meetings:family", args=[family.pk]),
        ),
    )
    if "fgc" in created:
        response["Location"] = created["fgc"].meeting.get_absolute_url()
    return response


@login_required
@require_http_methods(GET_POST)
def victim_request(request: HttpRequest, meeting_id: int) -> HttpResponse:
    fgc = fgc_for(request, meeting_id)
    m: Meeting = fgc.meeting
    return form_page(
        request,
        make_form=lambda data: mf.VictimRequestForm(
            data, initial={"requested": "yes" if fgc.victim_requests_perpetrator else "no"}
        ),
        save=lambda form: services.record_victim_request(
            fgc=fgc, by=request.user, requested=form.cleaned_data["requested"]
        ),
        success=_("The victim's decision is recorded"),
        success_url=m.get_absolute_url(),
        template="meetings/form.html",
        context=_context(m.family, _("The victim's decision"), m.get_absolute_url()),
    )


@login_required
@require_http_methods(GET_POST)
def invite(request: HttpRequest, meeting_id: int) -> HttpResponse:
    fgc = fgc_for(request, meeting_id)
    m: Meeting = fgc.meeting
    people = _members(m.family)
    return form_page(
        request,
        make_form=lambda data: mf.InviteForm(data, people=people),
        save=lambda form: services.invite_family_member(
            fgc=fgc, by=request.user, person=form.cleaned_data["person"]
        ),
        success=_("Invitation recorded"),
        success_url=m.get_absolute_url(),
        template="meetings/form.html",
        context=_context(m.family, _("Invite a family member"), m.get_absolute_url()),
    )


@login_required
@require_http_methods(GET_POST)
def record(request: HttpRequest, meeting_id: int) -> HttpResponse:
    fgc = fgc_for(request, meeting_id)
    m: Meeting = fgc.meeting
    initial = {
        "childrens_views": fgc.childrens_views,
        "private_time_held": fgc.private_time_held,
        "family_plan": fgc.family_plan,
    }
    return form_page(
        request,
        make_form=lambda data: mf.FgcRecordForm(data, initial=initial),
        save=lambda form: services.record_fgc(fgc=fgc, by=request.user, **form.cleaned_data),
        success=_("Conference record saved"),
        success_url=m.get_absolute_url(),
        template="meetings/form.html",
        context=_context(m.family, _("Record the conference"), m.get_absolute_url()),
    )


@login_required
@require_http_methods(GET_POST)
def review(request: HttpRequest, meeting_id: int) -> HttpResponse:
    fgc = fgc_for(request, meeting_id)
    m: Meeting = fgc.meeting
    created: dict[str, FamilyGroupConference] = {}

    def save(form: mf.FgcReviewForm) -> None:
        created["fgc"] = services.plan_fgc_review(
            fgc=fgc, by=request.user, starts_at=form.cleaned_data["starts_at"]
        )

    response = form_page(
        request,
        make_form=lambda data: mf.FgcReviewForm(data),
        save=save,
        success=_("Review conference planned"),
        success_url=m.get_absolute_url(),
        template="meetings/form.html",
        context=_context(m.family, _("Plan the review conference"), m.get_absolute_url()),
    )
    if "fgc" in created:
        response["Location"] = created["fgc"].meeting.get_absolute_url()
    return response
