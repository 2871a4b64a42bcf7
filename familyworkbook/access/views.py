"""Pages for those who answer for access: who has seen a record, the audit search, the subject
access draft, the sharing log and emergency (break-glass) access.

Each page is refused with 404 to anyone the policy does not allow, like a missing record.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from familyworkbook import audit
from familyworkbook.access import disclosure, policy, records, selectors, services
from familyworkbook.access.forms import (
    AuditSearchForm,
    BreakGlassForm,
    DecisionForm,
    DisclosureForm,
    ProtectedAccessRequestForm,
    SharingForm,
)
from familyworkbook.access.models import ApprovalStatus, ProtectedAccessRequest, SharingRecord
from familyworkbook.cases.formflow import add_service_errors
from familyworkbook.core import scoping
from familyworkbook.people.models import Family, Person


def _require(allowed: bool) -> None:
    if not allowed:
        raise Http404


@login_required
@require_GET
def who_has_seen_person(request: HttpRequest, person_id: int) -> HttpResponse:
    _require(policy.may_see_who_has_seen(request.user))
    person = records.get_person_for(request.user, person_id, request=request)
    return render(
        request,
        "access/who_has_seen.html",
        {
            "record_name": person.full_name,
            "back": person.get_absolute_url(),
            "rows": audit.who_has_seen(person),
        },
    )


@login_required
@require_GET
def who_has_seen_family(request: HttpRequest, family_id: int) -> HttpResponse:
    _require(policy.may_see_who_has_seen(request.user))
    family = records.get_family_for(request.user, family_id, request=request)
    return render(
        request,
        "access/who_has_seen.html",
        {
            "record_name": str(family),
            "back": family.get_absolute_url(),
            "rows": audit.who_has_seen(family),
        },
    )


@login_required
@require_GET
def audit_search(request: HttpRequest) -> HttpResponse:
    _require(policy.holds(request.user, policy.SEARCH_AUDIT_PERMISSION))
    form = AuditSearchForm(request.GET or None)
    page = None
    if form.is_valid():
        criteria = {k: v for k, v in form.cleaned_data.items() if v}
        audit.record(
            actor=request.user, verb=audit.Verb.SEARCHED, data={"audit": criteria}, request=request
        )
        events = selectors.audit_search(**criteria)
        page = Paginator(events, selectors.AUDIT_PAGE).get_page(request.GET.get("page"))
    return render(request, "access/audit_search.html", {"form": form, "page_obj": page})


@login_required
@require_GET
def subject_access(request: HttpRequest, person_id: int) -> HttpResponse:
    _require(policy.holds(request.user, policy.SUBJECT_ACCESS_PERMISSION))
    # Information governance prepares the draft for anyone on the record, in or out of a
    # team's scope: the read is audited like any other.
    person = scoping.get_for(
        request.user,
        Person.objects.filter(archived_at__isnull=True),
        person_id,
        audit_read=True,
        label=lambda p: p.full_name,
        request=request,
    )
    draft = selectors.subject_access_draft(person)
    return render(request, "access/subject_access.html", {"draft": draft, "person": person})


@login_required
@require_GET
def sharing_log(request: HttpRequest, family_id: int) -> HttpResponse:
    family = records.get_family_for(request.user, family_id, request=request)
    entries = (
        SharingRecord.objects.filter(family=family, archived_at__isnull=True)
        .select_related("created_by", "organisation", "person")
        .order_by("-decided_on", "-pk")
    )
    return render(request, "access/sharing_log.html", {"family": family, "entries": entries})


@login_required
@require_http_methods(["GET", "POST"])
def record_sharing(request: HttpRequest, family_id: int) -> HttpResponse:
    family = records.get_family_for(request.user, family_id, request=request)
    people = (
        Person.objects.visible_to(request.user)
        .filter(memberships__family=family, memberships__archived_at__isnull=True)
        .distinct()
    )
    form = SharingForm(request.POST if request.method == "POST" else None, people=people)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_sharing(family=family, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Sharing decision recorded"))
            return redirect(reverse("access:sharing_log", args=[family.pk]))
    return render(request, "access/sharing_form.html", {"form": form, "family": family})


@login_required
@require_http_methods(["GET", "POST"])
def break_glass(request: HttpRequest) -> HttpResponse:
    form = BreakGlassForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        family = Family.objects.filter(
            reference=form.cleaned_data["reference"], archived_at__isnull=True
        ).first()
        if family is None:
            form.add_error("reference", _("No family has that reference. Check it and try again."))
        elif Family.objects.visible_to(request.user).filter(pk=family.pk).exists():
            return redirect(family)
        else:
            try:
                services.break_glass(
                    family=family, reason=form.cleaned_data["reason"], by=request.user
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Emergency access given for 4 hours"))
                return redirect(family)
    return render(request, "access/break_glass.html", {"form": form})


@login_required
@require_GET
def break_glass_review(request: HttpRequest) -> HttpResponse:
    _require(policy.actor_of(request.user).is_manager)
    uses = selectors.break_glass_to_review(request.user)
    return render(request, "access/break_glass_review.html", {"uses": uses})


@login_required
@require_POST
def mark_reviewed(request: HttpRequest, glass_id: int) -> HttpResponse:
    _require(policy.actor_of(request.user).is_manager)
    glass = scoping.get_for(request.user, selectors.break_glass_to_review(request.user), glass_id)
    if glass.reviewed_at is None:
        services.review_break_glass(glass, by=request.user)
        messages.success(request, _("Marked as reviewed"))
    return redirect(reverse("access:break_glass_review"))


@login_required
@require_http_methods(["GET", "POST"])
def disclose(request: HttpRequest) -> HttpResponse:
    """R6: the disclosure record for an export, print or download, then back to the file."""
    token = request.POST.get("t") or request.GET.get("t", "")
    data = disclosure.read_token(request, token) if token else None
    if data is None:
        return render(request, "access/disclose_expired.html", status=400)
    family = None
    if data["family"] is not None:
        family = records.get_family_for(request.user, data["family"], request=request)
    people = (
        Person.objects.visible_to(request.user).filter(
            memberships__family=family, memberships__archived_at__isnull=True
        )
        if family is not None
        else Person.objects.none()
    ).distinct()
    form = DisclosureForm(
        request.POST if request.method == "POST" else None,
        people=people,
        internal=data["internal"],
    )
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        try:
            record = services.record_disclosure(
                by=request.user,
                path=data["path"],
                what=data["what"],
                family=family,
                internal=data["internal"],
                **fields,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(disclosure.with_disclosure(data["path"], record))
    return render(
        request,
        "access/disclose.html",
        {"form": form, "family": family, "what": data["what"], "token": token, "data": data},
    )


# --- R7: two people for a new disclosure of protected details --------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def request_protected_access(request: HttpRequest, person_id: int) -> HttpResponse:
    """Ask for someone to see this person's protected details; the page is the same for every
    person, so it says nothing about whether protected details are held."""
    person = records.get_person_for(request.user, person_id, request=request)
    form = ProtectedAccessRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_protected_access(
                person=person,
                grantee=form.cleaned_data["grantee"],
                reason=form.cleaned_data["reason"],
                code=form.cleaned_data["code"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Request sent. A second approver will decide; you will see the outcome.")
            )
            return redirect(person.get_absolute_url())
    return render(request, "access/protected_request_form.html", {"form": form, "person": person})


def _approvable(user) -> Any:  # type: ignore[no-untyped-def]
    _require(policy.may_approve_protected(user))
    queryset = ProtectedAccessRequest.objects.filter(archived_at__isnull=True).select_related(
        "person", "grantee", "requested_by", "decided_by"
    )
    if not policy.holds(user, policy.APPROVE_PROTECTED_PERMISSION):
        # A manager decides for the people in their scope; information governance for all.
        queryset = queryset.filter(person__in=Person.objects.visible_to(user).values("pk"))
    return queryset


@login_required
@require_GET
def approvals(request: HttpRequest) -> HttpResponse:
    """Information governance's (and managers') notice of requests waiting for a second approver."""
    queryset = _approvable(request.user)
    return render(
        request,
        "access/approvals.html",
        {
            "pending": list(queryset.filter(status=ApprovalStatus.PENDING)),
            "decided": list(queryset.exclude(status=ApprovalStatus.PENDING)[:50]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def approval(request: HttpRequest, approval_id: int) -> HttpResponse:
    item = scoping.get_for(request.user, _approvable(request.user), approval_id, request=request)
    form = DecisionForm(request.POST if request.method == "POST" else None)
    own = request.user.pk in {item.requested_by_id, item.grantee_id}
    if request.method == "POST" and form.is_valid():
        try:
            services.decide_protected_access(
                item,
                by=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Decision recorded"))
            return redirect(reverse("access:approvals"))
    return render(request, "access/approval.html", {"item": item, "form": form, "own": own})
