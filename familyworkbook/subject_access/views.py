"""Subject access request pages: information governance only; anyone else gets 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from familyworkbook.access import disclosure, policy
from familyworkbook.cases.formflow import add_service_errors
from familyworkbook.core import clock, jobs, scoping
from familyworkbook.core.job_views import job_page
from familyworkbook.core.models import StaleEditError
from familyworkbook.people.models import Family, Person
from familyworkbook.subject_access import selectors, services, tasks
from familyworkbook.subject_access.forms import DecideItemForm, OpenRequestForm, UpdateRequestForm
from familyworkbook.subject_access.models import Decision, PackItem, Status, SubjectAccessRequest


def _require_ig(user: Any) -> None:
    if not policy.holds(user, policy.SUBJECT_ACCESS_PERMISSION):
        raise Http404


def _subject(request: HttpRequest, person_id: int) -> Person:
    """Any person on the record, in or out of a team's scope: IG's job. The read is audited."""
    return scoping.get_for(
        request.user,
        Person.objects.filter(archived_at__isnull=True),
        person_id,
        audit_read=True,
        label=lambda p: p.full_name,
        request=request,
    )


def _sar(request: HttpRequest, sar_id: int) -> SubjectAccessRequest:
    _require_ig(request.user)
    sar = scoping.get_for(
        request.user,
        SubjectAccessRequest.objects.filter(archived_at__isnull=True).select_related(
            "subject", "assigned_to", "released_by"
        ),
        sar_id,
        request=request,
    )
    _subject(request, sar.subject_id)
    return sar


def _family_of(request: HttpRequest, sar_id: int) -> Any:
    """The family the print is recorded against. The disclosure form opens only families in
    the worker's own scope, and IG's work is council-wide: outside it, the print is recorded
    as an internal disclosure (the release itself is in the family's sharing log)."""
    sar = SubjectAccessRequest.objects.filter(pk=sar_id).first()
    if sar is None:
        return None
    return (
        Family.objects.visible_to(request.user)
        .filter(pk__in=selectors.families_of(sar.subject).values("pk"))
        .first()
    )


@login_required
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    _require_ig(request.user)
    today = clock.today()
    show = "all" if request.GET.get("show") == "all" else "open"
    requests = list(selectors.requests_for_list(show=show))
    open_requests = SubjectAccessRequest.objects.open()
    return render(
        request,
        "subject_access/list.html",
        {
            "requests": [(r, r.is_overdue(today)) for r in requests],
            "show": show,
            "open_count": open_requests.count(),
            "overdue_count": open_requests.overdue(today).count(),
            "due_soon_count": open_requests.due_within(today, 7).count(),
            "awaiting_id_count": open_requests.filter(due_on__isnull=True).count(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_requests(request: HttpRequest, person_id: int) -> HttpResponse:
    """Where the journey starts for one person: their requests, and a new one."""
    _require_ig(request.user)
    person = _subject(request, person_id)
    form = OpenRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            sar = services.open_request(subject=person, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Subject access request recorded"))
            return redirect(sar)
    requests = SubjectAccessRequest.objects.filter(
        subject=person, archived_at__isnull=True
    ).order_by("-received_on", "-pk")
    return render(
        request,
        "subject_access/person.html",
        {"person": person, "form": form, "requests": requests},
    )


@login_required
@require_GET
def request_detail(request: HttpRequest, sar_id: int) -> HttpResponse:
    sar = _sar(request, sar_id)
    items = list(PackItem.objects.filter(request=sar, gone=False).select_related("decided_by"))
    flagged_only = request.GET.get("show") == "flagged"
    shown = [i for i in items if i.third_party] if flagged_only else items
    return render(
        request,
        "subject_access/request.html",
        {
            "sar": sar,
            "person": sar.subject,
            "sections": list(selectors.sections_of(shown)),
            "flagged_only": flagged_only,
            "total": len(items),
            "flagged": sum(1 for i in items if i.third_party),
            "undecided": sum(1 for i in items if i.needs_decision),
            "withheld": sum(1 for i in items if i.decision == Decision.WITHHOLD),
            "redacted": sum(1 for i in items if i.decision == Decision.REDACT),
            "overdue": sar.is_overdue(clock.today()),
            "Status": Status,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_edit(request: HttpRequest, sar_id: int) -> HttpResponse:
    sar = _sar(request, sar_id)
    if not sar.is_open:
        raise Http404
    initial = {
        "version": sar.version,
        "identity_verified_on": sar.identity_verified_on,
        "is_complex": sar.is_complex,
        "complex_reason": sar.complex_reason,
        "extension_told_on": sar.extension_told_on,
        "status": sar.status,
        "withdrawn_reason": sar.withdrawn_reason,
        "assigned_to": sar.assigned_to_id,
    }
    form = UpdateRequestForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_request(
                sar,
                by=request.user,
                expected_version=form.cleaned_data["version"],
                **form.service_kwargs(),
            )
        except StaleEditError:
            form.add_error(
                None,
                _(
                    "Someone else changed this request after you opened this page. Nothing has "
                    "been saved. Check the request, then save again if you still need to."
                ),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Request updated"))
            return redirect(sar)
    return render(request, "subject_access/edit.html", {"sar": sar, "form": form})


@login_required
@require_POST
def build(request: HttpRequest, sar_id: int) -> HttpResponse:
    """Start building the pack as a background job; the job page shows its progress."""
    sar = _sar(request, sar_id)
    try:
        services.check_buildable(sar)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(sar)
    job = jobs.start(
        tasks.build_pack,
        kind=tasks.JOB_KIND,
        label=_("Build the pack for subject access request %(sar)s") % {"sar": sar},
        by=request.user,
        sar_id=sar.pk,
    )
    return redirect("subject_access:job", job_id=job.pk)


@login_required
@require_GET
def build_job(request: HttpRequest, job_id: Any) -> HttpResponse:
    _require_ig(request.user)

    def summary(job: Any) -> list[tuple[str, Any]]:
        if job.status != job.Status.DONE:
            return []
        counts = job.result or {}
        return [
            (_("Items"), counts.get("items")),
            (_("New"), counts.get("new")),
            (_("Changed"), counts.get("changed")),
            (_("Gone"), counts.get("gone")),
        ]

    return job_page(
        request,
        job_id,
        kind=tasks.JOB_KIND,
        back_url=reverse("subject_access:list"),
        back_label=_("All subject access requests"),
        result_label=_("Open the request and its pack"),
        summary=summary,
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_decide(request: HttpRequest, sar_id: int, item_id: int) -> HttpResponse:
    sar = _sar(request, sar_id)
    item = scoping.get_for(request.user, PackItem.objects.filter(request=sar, gone=False), item_id)
    if not sar.is_open:
        raise Http404
    initial = {
        "version": item.version,
        "decision": "" if item.decision == Decision.PENDING else item.decision,
        "redacted_text": item.redacted_text or item.text,
        "exemption": item.exemption,
        "reason": item.reason,
    }
    form = DecideItemForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        item.request = sar
        try:
            services.decide_item(
                item,
                by=request.user,
                expected_version=form.cleaned_data["version"],
                decision=form.cleaned_data["decision"],
                redacted_text=form.cleaned_data["redacted_text"],
                reason=form.cleaned_data["reason"],
                exemption=form.cleaned_data["exemption"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Decision recorded"))
            return redirect(f"{sar.get_absolute_url()}#item-{item.pk}")
    return render(request, "subject_access/item.html", {"sar": sar, "item": item, "form": form})


@login_required
@require_POST
def release(request: HttpRequest, sar_id: int) -> HttpResponse:
    sar = _sar(request, sar_id)
    try:
        services.release_pack(sar, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Pack released and recorded in the sharing log"))
    return redirect(sar)


def _released(request: HttpRequest, sar_id: int) -> SubjectAccessRequest:
    sar = _sar(request, sar_id)
    if sar.status != Status.RELEASED:
        raise Http404
    return sar


@login_required
@require_GET
@disclosure.require_disclosure("Subject access pack (print)", family_of=_family_of)
def pack(request: HttpRequest, sar_id: int) -> HttpResponse:
    """The pack exactly as released (frozen HTML), for printing."""
    sar = _released(request, sar_id)
    return HttpResponse(sar.pack_html)


@login_required
@require_GET
@disclosure.require_disclosure("Subject access pack (PDF)", family_of=_family_of)
def pack_pdf(request: HttpRequest, sar_id: int) -> HttpResponse:
    from familyworkbook.documents import engine

    sar = _released(request, sar_id)
    pdf = engine.render_pdf(sar.pack_html)
    response = HttpResponse(pdf.data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="SAR-{sar.pk}.pdf"'
    return response
