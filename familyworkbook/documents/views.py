"""Document pages: a family's documents, a new document, the draft with its gaps and page
warnings, writing a section, filing / signing / sharing (each freezes a version), parents'
comments, redactions, versions, and PDF / Word downloads.

Every page reaches the family through `get_family_for` (404 for not allowed and not found
alike; the read is audited there) and the document through `Document.objects.visible_to`.
Every view of a document and every download is audited.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from familyworkbook import audit
from familyworkbook.access import services as access_services
from familyworkbook.access.disclosure import require_disclosure
from familyworkbook.access.records import get_family_for
from familyworkbook.cases.formflow import (
    CONFLICT,
    add_service_errors,
    stale_differences,
    stale_message,
)
from familyworkbook.core import clock
from familyworkbook.core.fields import parse_id
from familyworkbook.core.models import StaleEditError
from familyworkbook.documents import engine, forms, schemas, services
from familyworkbook.documents.models import Document, DocumentVersion, WrittenSection
from familyworkbook.people.models import Family

GET_POST = ["GET", "POST"]
FORMATS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _document(request: HttpRequest, family_id: int, document_id: int) -> tuple[Family, Document]:
    family = get_family_for(request.user, family_id, request=request)
    document = get_object_or_404(
        Document.objects.visible_to(request.user).select_related("family", "child"),
        pk=document_id,
        family=family,
    )
    return family, document


def _audit(request: HttpRequest, verb: str, document: Document, **data: Any) -> None:
    audit.record(
        actor=request.user,
        verb=verb,
        target=document,
        label=f"{document.title} (document {document.pk})",
        data=data,
        request=request,
    )


@login_required
@require_http_methods(["GET"])
def documents(request: HttpRequest, family_id: int) -> HttpResponse:
    family = get_family_for(request.user, family_id, request=request)
    docs = list(
        Document.objects.visible_to(request.user).filter(family=family).select_related("author")
    )
    return render(
        request,
        "documents/list.html",
        {"family": family, "documents": docs, "types": schemas.all_types()},
    )


def _subjects(request: HttpRequest, family: Family, doc_type: Any, form: Any) -> list | None:
    """What each new document is about: [None] for the family; one per recipient for a
    letter (subject: person); the chosen meeting or intervention. None (with a form error)
    when there is nothing to write about."""
    if doc_type.subject == "person":
        from familyworkbook.documents.fillers.letters import recipients

        people = recipients(request.user, family)
        if not people:
            form.add_error(
                "type_key", _("No parent or person with parental responsibility is recorded")
            )
            return None
        return people
    if doc_type.subject in ("meeting", "intervention"):
        if doc_type.subject == "meeting":
            from familyworkbook.meetings.models import Meeting as Model
        else:
            from familyworkbook.workbook.models import Intervention as Model
        record = (
            Model.objects.filter(family=family, archived_at__isnull=True).order_by("-pk").first()
            if not request.POST.get("subject_id")
            else Model.objects.filter(
                family=family,
                archived_at__isnull=True,
                pk=parse_id(request.POST.get("subject_id")) or 0,
            ).first()
        )
        if record is None:
            form.add_error(
                "type_key",
                _("There is no %(what)s recorded for this family") % {"what": doc_type.subject},
            )
            return None
        return [record]
    return [None]


@login_required
@require_http_methods(GET_POST)
def new_document(request: HttpRequest, family_id: int) -> HttpResponse:
    family = get_family_for(request.user, family_id, request=request)
    form = forms.NewDocumentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        doc_type = schemas.get(data["type_key"])
        subjects = _subjects(request, family, doc_type, form)
        if subjects is not None:
            try:
                created = [
                    services.create_document(
                        family=family,
                        type_key=data["type_key"],
                        by=request.user,
                        window_start=data.get("window_start"),
                        window_end=data.get("window_end"),
                        event_on=data.get("event_on"),
                        subject=subject,
                    )
                    for subject in subjects
                ]
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if len(created) > 1:
                    messages.success(
                        request,
                        _("%(n)s drafts created, one for each recipient") % {"n": len(created)},
                    )
                    return redirect("documents:list", family.pk)
                messages.success(request, _("Draft created from the record"))
                return redirect(created[0].get_absolute_url())
    return render(request, "documents/new.html", {"family": family, "form": form})


@login_required
@require_http_methods(["GET"])
def document(request: HttpRequest, family_id: int, document_id: int) -> HttpResponse:
    family, doc = _document(request, family_id, document_id)
    built = engine.build(doc, request.user)
    pages, summary_pages, warnings = engine.measure(built.content)
    _audit(request, audit.Verb.VIEWED, doc, page="draft")
    return render(
        request,
        "documents/document.html",
        {
            "family": family,
            "document": doc,
            "doc": built.content,
            "body": engine.render_body(built.content),
            "gaps": engine.gaps(built.content),
            "pages": pages,
            "summary_pages": summary_pages,
            "warnings": warnings,
            "timing": services.share_timing(doc),
            "versions": list(doc.versions.select_related("frozen_by").order_by("-number")[:5]),
            "shares": list(doc.shares.select_related("recipient_person", "version")),
            "redactions": list(doc.redactions.filter(archived_at__isnull=True)),
            "doc_type": built.doc_type,
        },
    )


@login_required
@require_http_methods(GET_POST)
def write_section(
    request: HttpRequest, family_id: int, document_id: int, slug: str
) -> HttpResponse:
    family, doc = _document(request, family_id, document_id)
    doc_type = schemas.get(doc.type_key, doc.schema_version)
    try:
        section = doc_type.section(slug)
    except KeyError:
        raise Http404 from None
    if not section.is_written:
        raise Http404
    existing = WrittenSection.objects.filter(document=doc, key=slug).first()
    initial = {
        "text": existing.text if existing else "",
        "version": existing.version if existing else 0,
    }
    form = forms.WriteSectionForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    form.fields["text"].label = section.heading
    form.fields["text"].help_text = section.guidance
    status, differences = 200, None
    if request.method == "POST" and form.is_valid():
        try:
            services.write_section(
                document=doc,
                key=slug,
                text=form.cleaned_data["text"],
                by=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except StaleEditError as exc:
            mine = form.cleaned_data
            data = request.POST.copy()
            data["version"] = str(exc.actual)
            form = forms.WriteSectionForm(data)
            form.fields["text"].label = section.heading
            form.is_valid()
            current = WrittenSection.objects.filter(document=doc, key=slug).first()
            form.add_error(
                None,
                stale_message(current, form)
                if current
                else _("Someone else changed this section."),
            )
            if current:
                differences = stale_differences(current, mine, labels={"text": section.heading})
            status = CONFLICT
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Section saved"))
            return redirect(doc.get_absolute_url() + f"#section-{slug}")
    return render(
        request,
        "documents/form.html",
        {
            "family": family,
            "document": doc,
            "form": form,
            "heading": section.heading,
            "caption": doc.title,
            "back": doc.get_absolute_url(),
            "button": _("Save section"),
            "stale_differences": differences,
        },
        status=status,
    )


@login_required
@require_POST
def freeze(request: HttpRequest, family_id: int, document_id: int) -> HttpResponse:
    family, doc = _document(request, family_id, document_id)
    form = forms.FreezeForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        version = services.freeze(document=doc, reason=form.cleaned_data["reason"], by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Version %(n)s frozen (%(reason)s)")
            % {"n": version.number, "reason": version.get_reason_display()},
        )
    return redirect(doc.get_absolute_url())


@login_required
@require_http_methods(GET_POST)
def share(request: HttpRequest, family_id: int, document_id: int) -> HttpResponse:
    family, doc = _document(request, family_id, document_id)
    form = forms.ShareForm(request.POST if request.method == "POST" else None, family=family)
    approval_url = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.share(
                document=doc,
                by=request.user,
                purpose=data["purpose"],
                lawful_basis=data["lawful_basis"],
                method=data["method"],
                shared_on=data["shared_on"],
                recipient_person=data.get("recipient_person"),
                recipient_name=data.get("recipient_name") or "",
                include_protected=data.get("include_protected", False),
            )
        except services.ProtectedShareApprovalError as exc:
            add_service_errors(form, exc)
            person = data.get("recipient_person")
            query = (
                {"recipient_person": person.pk}
                if person
                else {"recipient_name": data.get("recipient_name") or ""}
            )
            approval_url = (
                reverse("documents:request_protected_share", args=[family.pk, doc.pk])
                + "?"
                + urlencode(query)
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Sharing recorded in the sharing log"))
            return redirect(doc.get_absolute_url())
    return render(
        request,
        "documents/share_form.html",
        {
            "family": family,
            "document": doc,
            "form": form,
            "heading": _("Share this document"),
            "caption": doc.title,
            "intro": _(
                "A version is frozen for the person you share it with: protected information "
                "they may not see is left out, and any redactions apply."
            ),
            "approval_url": approval_url,
            "back": doc.get_absolute_url(),
            "button": _("Record sharing"),
        },
    )


@login_required
@require_http_methods(GET_POST)
def request_protected_share(request: HttpRequest, family_id: int, document_id: int) -> HttpResponse:
    """R7: ask a second person to approve including protected details in one share of this
    document. Asks the engine whose protected details the recipient would otherwise not see."""
    family, doc = _document(request, family_id, document_id)
    initial = {
        "recipient_person": request.GET.get("recipient_person") or None,
        "recipient_name": request.GET.get("recipient_name", "")[:200],
    }
    form = forms.ProtectedShareRequestForm(
        request.POST if request.method == "POST" else None, family=family, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person, name = data.get("recipient_person"), data.get("recipient_name") or ""
        reader = services.share_reader(recipient_person=person, recipient_name=name)
        people = services.protected_withheld(doc, by=request.user, reader=reader)
        if not people:
            messages.success(
                request,
                _(
                    "This document holds no protected details that %(recipient)s may not see: "
                    "share it as usual."
                )
                % {"recipient": reader.description},
            )
            return redirect(reverse("documents:share", args=[family.pk, doc.pk]))
        try:
            access_services.request_protected_share(
                people=people,
                target=doc,
                target_label=f"{doc.title} (document {doc.pk})",
                recipient=name,
                recipient_person=person,
                reason=data["reason"],
                code=data["code"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Request sent. A second approver will decide; once approved, share the "
                    "document with protected details included."
                ),
            )
            return redirect(doc.get_absolute_url())
    return render(
        request,
        "documents/form.html",
        {
            "family": family,
            "document": doc,
            "form": form,
            "heading": _("Ask to include protected details in a share"),
            "caption": doc.title,
            "intro": _(
                "Protected details are a safe address, or a hidden child's school or GP "
                "practice. Including them in a share is a new disclosure: a second person (a "
                "team manager or information governance) must approve it first, and "
                "information governance is told of every request."
            ),
            "back": reverse("documents:share", args=[family.pk, doc.pk]),
            "button": _("Send request"),
        },
    )


@login_required
@require_http_methods(GET_POST)
def add_comment(request: HttpRequest, family_id: int, document_id: int) -> HttpResponse:
    family, doc = _document(request, family_id, document_id)
    doc_type = schemas.get(doc.type_key, doc.schema_version)
    form = forms.CommentForm(
        request.POST if request.method == "POST" else None, family=family, doc_type=doc_type
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_comment(document=doc, by=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Comment recorded: it appears in the report from now on"))
            return redirect(doc.get_absolute_url())
    return render(
        request,
        "documents/form.html",
        {
            "family": family,
            "document": doc,
            "form": form,
            "heading": _("Record a parent's comment or disagreement"),
            "caption": doc.title,
            "back": doc.get_absolute_url(),
            "button": _("Record comment"),
        },
    )


@login_required
@require_http_methods(GET_POST)
def redact(request: HttpRequest, family_id: int, document_id: int) -> HttpResponse:
    family, doc = _document(request, family_id, document_id)
    doc_type = schemas.get(doc.type_key, doc.schema_version)
    form = forms.RedactForm(request.POST if request.method == "POST" else None, doc_type=doc_type)
    if request.method == "POST" and form.is_valid():
        try:
            services.redact(document=doc, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Redaction recorded"))
            return redirect(doc.get_absolute_url())
    return render(
        request,
        "documents/form.html",
        {
            "family": family,
            "document": doc,
            "form": form,
            "heading": _("Withhold information from the shared document"),
            "caption": doc.title,
            "intro": _(
                "Only with a safeguarding reason agreed in advance. The reason is recorded and "
                "the shared document says that information was withheld."
            ),
            "back": doc.get_absolute_url(),
            "button": _("Record redaction"),
        },
    )


@login_required
@require_http_methods(GET_POST)
def fact_status(request: HttpRequest, family_id: int, document_id: int) -> HttpResponse:
    """Say how one fact in this document is known (observed, reported, disputed, a court
    finding) when the record's default is not right for it."""
    family, doc = _document(request, family_id, document_id)
    content = engine.build(doc, request.user).content
    facts: dict[str, str] = {}
    for source, text in engine.fact_texts(content):
        ref = engine.source_ref(source)
        facts.setdefault(ref, f"{text[:90]} ({source['reference']})")
    form = forms.FactStatusForm(
        request.POST if request.method == "POST" else None, facts=sorted(facts.items())
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_fact_status(document=doc, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The document now says how this fact is known"))
            return redirect(doc.get_absolute_url())
    return render(
        request,
        "documents/form.html",
        {
            "family": family,
            "document": doc,
            "form": form,
            "heading": _("Correct how a fact is known"),
            "caption": doc.title,
            "intro": _(
                "An allegation must never read as a fact. Say whether you saw it, were told it, "
                "it is disputed or a court found it. This changes this document only."
            ),
            "back": doc.get_absolute_url(),
            "button": _("Save"),
        },
    )


@login_required
@require_http_methods(["GET"])
def versions(request: HttpRequest, family_id: int, document_id: int) -> HttpResponse:
    family, doc = _document(request, family_id, document_id)
    rows = list(doc.versions.select_related("frozen_by").order_by("-number"))
    _audit(request, audit.Verb.VIEWED, doc, page="versions")
    return render(
        request,
        "documents/versions.html",
        {
            "family": family,
            "document": doc,
            "versions": [(v, services.verify(v)) for v in rows],
        },
    )


def _filename(doc: Document, suffix: str, ext: str) -> str:
    return f"{slugify(doc.title)}-{doc.family.reference}-{suffix}.{ext}"


def _file(data: bytes, file_format: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=FORMATS[file_format])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET"])
@require_disclosure("A document draft (download)")
def download_draft(
    request: HttpRequest, family_id: int, document_id: int, file_format: str
) -> HttpResponse:
    if file_format not in FORMATS:
        raise Http404
    family, doc = _document(request, family_id, document_id)
    content = engine.build(doc, request.user).content
    if file_format == "pdf":
        data = engine.render_pdf(engine.render_html(content)).data
    else:
        data = engine.render_docx(content)
    _audit(request, audit.Verb.DOWNLOADED, doc, format=file_format, version="draft")
    stamp = clock.today().isoformat()
    return _file(data, file_format, _filename(doc, f"draft-{stamp}", file_format))


@login_required
@require_http_methods(["GET"])
@require_disclosure("A document version (download)")
def download_version(
    request: HttpRequest, family_id: int, document_id: int, version_id: int, file_format: str
) -> HttpResponse:
    if file_format not in FORMATS:
        raise Http404
    family, doc = _document(request, family_id, document_id)
    version = get_object_or_404(DocumentVersion, pk=version_id, document=doc)
    if file_format == "pdf":
        data = engine.render_pdf(version.html).data
    else:
        data = engine.render_docx(version.content)
    _audit(
        request,
        audit.Verb.DOWNLOADED,
        doc,
        format=file_format,
        version=version.number,
        sha256=version.sha256,
    )
    return _file(data, file_format, _filename(doc, f"v{version.number}", file_format))
