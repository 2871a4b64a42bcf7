"""Retention pages for information-governance staff. Anyone else gets 404.

The pages name records by internal id and family reference only: IG staff decide on
retention without reading the case, and these pages never show names or content.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from familyworkbook import audit
from familyworkbook.access import policy
from familyworkbook.cases.formflow import add_service_errors
from familyworkbook.core import clock, jobs
from familyworkbook.core.job_views import job_page
from familyworkbook.core.models import StaleEditError
from familyworkbook.people.models import Family
from familyworkbook.retention import engine, services, tasks
from familyworkbook.retention import review as review_lists
from familyworkbook.retention.forms import (
    ApproveForm,
    HoldForm,
    ProposeForm,
    ReasonForm,
    RuleForm,
)
from familyworkbook.retention.models import (
    MANAGE_PERMISSION,
    DestructionProposal,
    DestructionRecord,
    LegalHold,
    ProposalStatus,
    RetentionRule,
)

GET_POST = ["GET", "POST"]
STALE = _(
    "Someone else changed this after you opened the page. Nothing has been saved. "
    "Open it again to see their change."
)


def _require_ig(request: HttpRequest) -> None:
    if not policy.holds(request.user, MANAGE_PERMISSION):  # type: ignore[arg-type]
        raise Http404


@login_required
@require_GET
def review(request: HttpRequest) -> HttpResponse:
    """The lists of the viewer's latest retention review (a job: it assesses every family)."""
    _require_ig(request)
    job_id = request.GET.get("job", "")
    if job_id:
        try:
            job = jobs.for_viewer(request.user, uuid.UUID(job_id), kind=tasks.REVIEW_JOB)
        except ValueError:
            raise Http404 from None
    else:
        job = jobs.latest(request.user, kind=tasks.REVIEW_JOB)
    context: dict[str, Any] = {
        "job": job,
        "today": clock.today(),
        "due_days": engine.DUE_SOON_DAYS,
        "proposals": DestructionProposal.objects.filter(
            status=ProposalStatus.PENDING
        ).select_related("rule", "proposed_by"),
    }
    if job is not None and job.status == job.Status.DONE:
        lists = review_lists.rows(job.result)
        context.update(lists, reviewed=True)
        context["pending_ids"] = set(
            DestructionProposal.objects.filter(status=ProposalStatus.PENDING).values_list(
                "family_pk", flat=True
            )
        )
        # The list names families by reference: who read it, and when, is evidence too.
        audit.record(
            actor=request.user,
            verb=audit.Verb.VIEWED,
            label="Retention review",
            data={
                "expired": len(lists["expired"]),
                "held": lists["held"],
                "due": len(lists["due"]),
            },
            request=request,
        )
    return render(request, "retention/review.html", context)


@login_required
@require_POST
def review_run(request: HttpRequest) -> HttpResponse:
    _require_ig(request)
    job = jobs.start(
        tasks.run_review, kind=tasks.REVIEW_JOB, label=_("Retention review"), by=request.user
    )
    return redirect("retention:job", job_id=job.pk)


@login_required
@require_GET
def review_job(request: HttpRequest, job_id: Any) -> HttpResponse:
    _require_ig(request)

    def summary(job: Any) -> list[tuple[str, Any]]:
        if job.status != job.Status.DONE:
            return []
        return [
            (_("Expired, no hold"), len(job.result["expired"])),
            (_("Expired, under a legal hold"), job.result["held"]),
            (
                _("Due in the next %(days)s days") % {"days": engine.DUE_SOON_DAYS},
                len(job.result["due"]),
            ),
        ]

    return job_page(
        request,
        job_id,
        kind=tasks.REVIEW_JOB,
        back_url=reverse("retention:review"),
        back_label=_("Retention review"),
        result_label=_("See the records whose retention has ended"),
        summary=summary,
    )


@login_required
@require_GET
def rules(request: HttpRequest) -> HttpResponse:
    _require_ig(request)
    return render(request, "retention/rules.html", {"rules": RetentionRule.objects.current()})


@login_required
@require_http_methods(GET_POST)
def rule_edit(request: HttpRequest, rule_id: int) -> HttpResponse:
    _require_ig(request)
    rule = get_object_or_404(RetentionRule.objects.current(), pk=rule_id)
    initial = {f: getattr(rule, f) for f in services.RULE_FIELDS} | {"version": rule.version}
    form = RuleForm(request.POST or None, initial=initial, rule=rule)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.change_rule(
                rule, by=request.user, expected_version=data.pop("version"), **data
            )
        except StaleEditError:
            form.add_error(None, STALE)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Retention rule saved"))
            return redirect("retention:rules")
    return _form_page(
        request,
        form,
        heading=rule.get_record_type_display(),
        back="retention:rules",
        button=_("Save rule"),
    )


@login_required
@require_GET
def holds(request: HttpRequest) -> HttpResponse:
    _require_ig(request)
    return render(
        request,
        "retention/holds.html",
        {"holds": LegalHold.objects.current().select_related("placed_by", "released_by")},
    )


@login_required
@require_http_methods(GET_POST)
def hold_add(request: HttpRequest) -> HttpResponse:
    _require_ig(request)
    form = HoldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        services.place_hold(
            by=request.user, reason=d["reason"], family=d["family"], person=d["person"]
        )
        messages.success(request, _("Legal hold placed"))
        return redirect("retention:holds")
    return _form_page(
        request,
        form,
        heading=_("Place a legal hold"),
        back="retention:holds",
        button=_("Place hold"),
    )


@login_required
@require_http_methods(GET_POST)
def hold_release(request: HttpRequest, hold_id: int) -> HttpResponse:
    _require_ig(request)
    hold = get_object_or_404(LegalHold.objects.in_force(), pk=hold_id)
    form = ReasonForm(request.POST or None, initial={"version": hold.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.release_hold(
                hold,
                by=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except StaleEditError:
            form.add_error(None, STALE)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Legal hold released"))
            return redirect("retention:holds")
    return _form_page(
        request,
        form,
        heading=_("Release hold %(n)s") % {"n": hold.pk},
        back="retention:holds",
        button=_("Release hold"),
    )


@login_required
@require_http_methods(GET_POST)
def propose(request: HttpRequest, record_id: int) -> HttpResponse:
    _require_ig(request)
    family = get_object_or_404(Family, pk=record_id)
    today = clock.today()
    assessment = engine.assess_family(family.pk, today=today)
    if assessment is None or not assessment.destroyable:
        raise Http404
    form = ProposeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.propose_destruction(
                family=family, by=request.user, note=form.cleaned_data["note"], today=today
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Destruction proposed: a different person must approve it"))
            return redirect("retention:proposal", proposal_id=proposal.pk)
    return _form_page(
        request,
        form,
        heading=_("Propose destroying family record %(n)s") % {"n": family.pk},
        back="retention:review",
        button=_("Propose destruction"),
        assessment=assessment,
    )


@login_required
@require_http_methods(GET_POST)
def proposal(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """A proposal; a different IG officer approves it here, which destroys the record."""
    _require_ig(request)
    item = get_object_or_404(
        DestructionProposal.objects.select_related("rule", "proposed_by", "decided_by"),
        pk=proposal_id,
    )
    form = ApproveForm(request.POST or None, initial={"version": item.version})
    own = item.proposed_by_id == request.user.pk
    if request.method == "POST" and form.is_valid():
        try:
            record = services.approve_destruction(
                item, by=request.user, expected_version=form.cleaned_data["version"]
            )
        except StaleEditError:
            form.add_error(None, STALE)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Family record %(n)s destroyed: %(rows)s rows")
                % {"n": record.record_pk, "rows": record.rows},
            )
            return redirect("retention:destroyed")
    return render(
        request,
        "retention/proposal.html",
        {
            "proposal": item,
            "form": form,
            "own": own,
            "pending": item.status == ProposalStatus.PENDING,
        },
    )


@login_required
@require_http_methods(GET_POST)
def proposal_cancel(request: HttpRequest, proposal_id: int) -> HttpResponse:
    _require_ig(request)
    item = get_object_or_404(
        DestructionProposal.objects.filter(status=ProposalStatus.PENDING), pk=proposal_id
    )
    form = ReasonForm(request.POST or None, initial={"version": item.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_proposal(
                item,
                by=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except StaleEditError:
            form.add_error(None, STALE)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Proposal cancelled"))
            return redirect("retention:review")
    return _form_page(
        request,
        form,
        heading=_("Cancel proposal %(n)s") % {"n": item.pk},
        back="retention:review",
        button=_("Cancel proposal"),
    )


@login_required
@require_GET
def destroyed(request: HttpRequest) -> HttpResponse:
    _require_ig(request)
    return render(
        request,
        "retention/destroyed.html",
        {"records": DestructionRecord.objects.select_related("proposed_by", "approved_by")[:200]},
    )


def _form_page(
    request: HttpRequest, form: Any, *, heading: str, back: str, button: str, **extra: Any
) -> HttpResponse:
    return render(
        request,
        "retention/form.html",
        {"form": form, "heading": heading, "back": back, "button": button, **extra},
    )
