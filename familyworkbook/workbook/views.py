"""The Workbook pages: the family's overview, entries and drafts, chapters, the chronology,
the guide to good recording, and intensive interventions. Risk, goals and Cycle of Change
pages are in `plan_views.py`.

Views are thin: reach the family through `Family.objects.visible_to(user)` (404 for missing
and not-allowed alike), bind the form, call the service, redirect.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from familyworkbook import audit
from familyworkbook.access.disclosure import require_disclosure
from familyworkbook.access.records import get_family_for
from familyworkbook.cases.formflow import CONFLICT, add_service_errors, form_page, refill_on_latest
from familyworkbook.core.models import StaleEditError
from familyworkbook.people.models import Family, Person
from familyworkbook.workbook import chronology as chrono
from familyworkbook.workbook import forms as wf
from familyworkbook.workbook import selectors, services
from familyworkbook.workbook.loader import recording_examples
from familyworkbook.workbook.models import (
    DEFAULT_PROGRAMME,
    SUPPORTING_CHANGE,
    Chapter,
    Entry,
    Intervention,
    Programme,
)
from familyworkbook.workbook.services._common import worker_of

GET_POST = ["GET", "POST"]
DRAFT_SKIP = {"csrfmiddlewaretoken", "version"}


def family_for(request: HttpRequest, family_id: int) -> Family:
    """The family through the access policy, or 404; the read (or refusal) is audited there."""
    return get_family_for(request.user, family_id, request=request)


def viewed(request: HttpRequest, target: Any, page: str, label: str = "Workbook") -> None:
    """A read of a record inside a family's Workbook (an entry, a goal) is evidence: audit it.

    The family itself is audited as read by `get_family_for`."""
    audit.record(
        actor=request.user,
        verb=audit.Verb.VIEWED,
        target=target,
        label=label,
        data={"page": page},
        request=request,
    )


def chapter_of(request: HttpRequest) -> str:
    worker = worker_of(request.user)
    return Chapter.for_role(worker.role) if worker else Chapter.OTHER


# --- Overview, chapters, entries -----------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def home(request: HttpRequest, family_id: int) -> HttpResponse:
    family = family_for(request, family_id)
    page = selectors.workbook_home(family, request.user)
    return render(request, "workbook/home.html", {"family": family, "page": page})


@login_required
@require_http_methods(["GET"])
def chapter(request: HttpRequest, family_id: int, chapter: str) -> HttpResponse:
    family = family_for(request, family_id)
    if chapter not in Chapter.values:
        raise Http404
    entries = selectors.entries_of(family, request.user).filter(chapter=chapter)
    page = Paginator(entries, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "workbook/chapter.html",
        {
            "family": family,
            "chapter": chapter,
            "chapter_label": Chapter(chapter).label,
            "page_obj": page,
            "example": chapter_example(chapter),
        },
    )


def _entry_for(request: HttpRequest, family: Family, entry_id: int) -> Entry:
    return get_object_or_404(
        Entry.objects.visible_to(request.user)
        .filter(family=family)
        .select_related("author__user", "module__programme", "created_by"),
        pk=entry_id,
    )


@login_required
@require_http_methods(["GET"])
def entry(request: HttpRequest, family_id: int, entry_id: int) -> HttpResponse:
    family = family_for(request, family_id)
    record = _entry_for(request, family, entry_id)
    viewed(request, record, "entry", label="Workbook entry")
    return render(
        request,
        "workbook/entry.html",
        {
            "family": family,
            "entry": record,
            "can_edit": record.created_by_id == request.user.pk,
            "show_confidential": record.confidential_visible_to(request.user),
        },
    )


def _entry_context(family: Family, form: Any, *, chapter: str, **extra: Any) -> dict[str, Any]:
    return {
        "family": family,
        "form": form,
        "prompts": {m.pk: m.prompts for m in form.fields["module"].queryset},
        "chapter": chapter,
        "example": chapter_example(chapter),
        **extra,
    }


@login_required
@require_http_methods(GET_POST)
def add_entry(request: HttpRequest, family_id: int) -> HttpResponse:
    family = family_for(request, family_id)
    chapter = chapter_of(request)
    draft = services.draft_for(family=family, user=request.user)

    def make_form(data: Any) -> wf.EntryForm:
        if data is not None:
            return wf.EntryForm(data, family=family, chapter=chapter)
        if draft is None:
            # A session counts toward the programme only if it names its module: start on
            # the module the family is working on (the overview's progress says which).
            current = selectors.family_progress(family).in_progress
            initial = {"module": current.module_id} if current else {}
            return wf.EntryForm(family=family, chapter=chapter, initial=initial)
        blank = wf.EntryForm(family=family, chapter=chapter)
        return wf.EntryForm(
            family=family, chapter=chapter, initial=wf.draft_initial(blank, draft.data)
        )

    if request.method == "POST":
        # Whatever happens next (errors, a refusal), what was typed is kept.
        services.save_draft(family=family, by=request.user, data=_draft_data(request))
    form = make_form(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.record_entry(family=family, by=request.user, **form.values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Entry recorded"))
            return redirect(created.get_absolute_url())
    return render(
        request,
        "workbook/entry_form.html",
        _entry_context(
            family,
            form,
            chapter=chapter,
            chapter_label=Chapter(chapter).label,
            draft=draft if request.method == "GET" else None,
            autosave_url=reverse("workbook:save_draft", args=[family.pk]),
        ),
    )


# The fields a stale-edit message may list: not the confidential detail, not the lists.
STALE_FIELDS = [
    "happened_on", "kind", "what_happened", "meaning_for_child", "what_needs_to_change",
    "what_happens_next", "child_words", "is_significant", "headline", "shared_summary",
]  # fmt: skip


@login_required
@require_http_methods(GET_POST)
def edit_entry(request: HttpRequest, family_id: int, entry_id: int) -> HttpResponse:
    family = family_for(request, family_id)
    record = _entry_for(request, family, entry_id)
    if record.created_by_id != request.user.pk:
        raise Http404  # only the author corrects an entry; others cannot even open the form

    def make_form(data: Any) -> wf.EditEntryForm:
        return wf.EditEntryForm(
            data,
            family=family,
            chapter=record.chapter,
            record=record,
            initial=wf.entry_initial(record),
        )

    form = make_form(request.POST if request.method == "POST" else None)
    status, differences = 200, None
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_entry(
                record, by=request.user, expected_version=form.expected_version, **form.values()
            )
        except StaleEditError as exc:
            form, differences = refill_on_latest(
                exc, mine=form, data=request.POST, make_form=make_form, fields=STALE_FIELDS
            )
            status = CONFLICT
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Entry updated"))
            return redirect(record.get_absolute_url())
    return render(
        request,
        "workbook/entry_form.html",
        _entry_context(
            family,
            form,
            chapter=record.chapter,
            chapter_label=record.get_chapter_display(),
            entry=record,
            stale_differences=differences,
        ),
        status=status,
    )


def _draft_data(request: HttpRequest) -> dict[str, list[str]]:
    # PostgreSQL's jsonb cannot hold a NUL character: a pasted one would make the draft a 500.
    return {
        k: [v.replace("\x00", "") for v in request.POST.getlist(k)]
        for k in request.POST
        if k not in DRAFT_SKIP
    }


@login_required
@require_POST
def save_draft(request: HttpRequest, family_id: int) -> JsonResponse:
    family = family_for(request, family_id)
    draft = services.save_draft(family=family, by=request.user, data=_draft_data(request))
    when = timezone.localtime(draft.saved_at)
    return JsonResponse(
        {
            "saved_at": when.isoformat(),
            "message": _("Draft saved at %(time)s") % {"time": f"{when:%H:%M}"},
        }
    )


@login_required
@require_POST
def discard_draft(request: HttpRequest, family_id: int) -> HttpResponse:
    family = family_for(request, family_id)
    services.discard_draft(family=family, by=request.user)
    messages.success(request, _("Draft discarded"))
    return redirect("workbook:add_entry", family_id=family.pk)


# --- Chronology ----------------------------------------------------------------------------


def _chronology_context(request: HttpRequest, family: Family) -> dict[str, Any]:
    people = selectors.members(family, request.user)
    children = [p for p in people if p.kind in selectors.CHILD_KINDS]
    child: Person | None = None
    wanted = request.GET.get("child")
    if wanted:
        child = next((c for c in children if str(c.pk) == wanted), None)
        if child is None:
            raise Http404
    return {
        "family": family,
        "children": children,
        "child": child,
        "events": chrono.chronology(family, children, child=child, user=request.user),
    }


@login_required
@require_http_methods(["GET"])
def chronology(request: HttpRequest, family_id: int) -> HttpResponse:
    family = family_for(request, family_id)
    context = _chronology_context(request, family)
    return render(request, "workbook/chronology.html", context)


@login_required
@require_http_methods(["GET"])
@require_disclosure("The family's chronology (print)")
def chronology_print(request: HttpRequest, family_id: int) -> HttpResponse:
    family = family_for(request, family_id)
    context = _chronology_context(request, family)
    audit.record(
        actor=request.user,
        verb=audit.Verb.PRINTED,
        target=family,
        label="Workbook",
        data={"page": "chronology", "child": context["child"].pk if context["child"] else None},
        request=request,
    )
    context["printed_at"] = formats.date_format(timezone.localtime(), "j F Y, H:i")
    return render(request, "workbook/chronology_print.html", context)


# --- The guide to good recording -----------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def guide(request: HttpRequest) -> HttpResponse:
    programmes = [
        p
        for p in (Programme.objects.latest_of(s) for s in (DEFAULT_PROGRAMME, SUPPORTING_CHANGE))
        if p
    ]
    mine = chapter_of(request)
    examples = _examples_by_chapter()
    return render(
        request,
        "workbook/guide.html",
        {
            "programmes": [(p, list(p.modules.order_by("number"))) for p in programmes],
            "examples": examples,
            "mine": next((e for e in examples if e["chapter"] == mine), None),
        },
    )


def _examples_by_chapter() -> list[dict[str, Any]]:
    """The worked examples (recording-examples.yaml) in chapter order, with module titles."""
    data = recording_examples()
    programme = Programme.objects.latest_of(DEFAULT_PROGRAMME)
    titles = (
        {m.slug: f"{m.number}. {m.title}" for m in programme.modules.all()} if programme else {}
    )
    examples = []
    for value, label in Chapter.choices:
        found = data.get(value)
        if not found:
            continue
        examples.append(
            {
                "chapter": value,
                "label": label,
                "general": found["general"],
                "modules": [
                    {"slug": slug, "title": titles.get(slug, slug), "text": text}
                    for slug, text in found["modules"].items()
                ],
            }
        )
    return examples


def chapter_example(chapter: str) -> str:
    return recording_examples().get(chapter, {}).get("general", "")


# --- Intensive interventions (Supporting Change) -------------------------------------------


def _intervention_for(request: HttpRequest, family: Family, intervention_id: int) -> Intervention:
    return get_object_or_404(
        Intervention.objects.visible_to(request.user).filter(family=family), pk=intervention_id
    )


def _workbook_url(family: Family) -> str:
    return reverse("workbook:home", args=[family.pk])


@login_required
@require_http_methods(GET_POST)
def start_intervention(request: HttpRequest, family_id: int) -> HttpResponse:
    family = family_for(request, family_id)
    programme = Programme.objects.latest_of(SUPPORTING_CHANGE)
    if programme is None:
        raise Http404
    return form_page(
        request,
        make_form=lambda data: wf.StartInterventionForm(data, family=family, programme=programme),
        save=lambda form: services.start_intervention(
            family=family, by=request.user, programme=programme, **form.values()
        ),
        success=_("Intervention started"),
        success_url=_workbook_url(family),
        template="workbook/form.html",
        context={"family": family, "heading": _("Start %(p)s") % {"p": programme.title}},
    )


@login_required
@require_http_methods(GET_POST)
def extend_intervention(request: HttpRequest, family_id: int, intervention_id: int) -> HttpResponse:
    family = family_for(request, family_id)
    intervention = _intervention_for(request, family, intervention_id)
    return form_page(
        request,
        make_form=lambda data: wf.ExtendInterventionForm(data, record=intervention),
        save=lambda form: services.extend_intervention(
            intervention, by=request.user, expected_version=form.expected_version, **form.values()
        ),
        success=_("Intervention extended"),
        success_url=_workbook_url(family),
        template="workbook/form.html",
        context={"family": family, "heading": _("Extend the intervention")},
    )


@login_required
@require_http_methods(GET_POST)
def end_intervention(request: HttpRequest, family_id: int, intervention_id: int) -> HttpResponse:
    family = family_for(request, family_id)
    intervention = _intervention_for(request, family, intervention_id)
    return form_page(
        request,
        make_form=lambda data: wf.EndInterventionForm(data, record=intervention),
        save=lambda form: services.end_intervention(
            intervention, by=request.user, expected_version=form.expected_version, **form.values()
        ),
        success=_("Intervention ended"),
        success_url=_workbook_url(family),
        template="workbook/form.html",
        context={"family": family, "heading": _("End the intervention")},
    )
