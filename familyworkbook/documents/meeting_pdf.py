"""A meeting record as a PDF (issue 5, "Printable record and PDF"), made by the document
engine from the `meeting_record` schema (fillers/meetings.py). Agreed with D1 in
CONTRACT-CHANGES.md: this view, its URL and the link on the meeting page.

The meeting is reached through `Meeting.objects.visible_to` (404 for not allowed and not
found alike); the download needs a disclosure record like every other download, and is
audited. The first download makes a `meeting_record` document for the meeting; later ones
reuse it, so the family's documents list shows one draft per meeting, not one per click.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods

from familyworkbook import audit
from familyworkbook.access.disclosure import require_disclosure
from familyworkbook.core import clock
from familyworkbook.documents import engine, services
from familyworkbook.documents.models import Document
from familyworkbook.meetings.models import Meeting

TYPE_KEY = "meeting_record"


def _meeting_family(request: HttpRequest, meeting_id: int) -> int | None:
    return Meeting.objects.filter(pk=meeting_id).values_list("family_id", flat=True).first()


def document_for(meeting: Meeting, user: object) -> Document:
    """The meeting's record document (made on first use)."""
    existing = (
        Document.objects.visible_to(user)
        .filter(
            type_key=TYPE_KEY,
            subject_type=meeting._meta.label_lower,
            subject_id=meeting.pk,
            family=meeting.family,
        )
        .order_by("-pk")
        .first()
    )
    if existing is not None:
        return existing
    return services.create_document(
        family=meeting.family, type_key=TYPE_KEY, by=user, case=meeting.case, subject=meeting
    )


@login_required
@require_http_methods(["GET"])
@require_disclosure("A meeting record (PDF)", family_of=_meeting_family)
def meeting_pdf(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_object_or_404(
        Meeting.objects.visible_to(request.user).select_related("family", "case", "type"),
        pk=meeting_id,
    )
    if meeting.family_id is None:
        raise Http404  # team meetings have the printable record only
    document = document_for(meeting, request.user)
    content = engine.build(document, request.user).content
    data = engine.render_pdf(engine.render_html(content)).data
    audit.record(
        actor=request.user,
        verb=audit.Verb.DOWNLOADED,
        target=meeting,
        label="Meeting record (PDF)",
        data={"document": document.pk, "format": "pdf"},
        request=request,
    )
    name = f"{slugify(meeting.type.name)}-{meeting.family.reference}-{clock.today()}.pdf"
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
