"""Document pages: access, audit, gaps and warnings, writing (stale edits refused), sharing,
parents' comments, redaction, versions and downloads."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest
from django.urls import reverse

from familyworkbook.audit.models import AuditEvent
from familyworkbook.core import clock
from familyworkbook.documents import services
from familyworkbook.documents.models import Document, ParentComment, Share
from familyworkbook.documents.tests.conftest import CANARY_LINE

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()  # noqa: DTZ011


def date_fields(name, day):
    return {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}


@pytest.fixture
def conference(casefile):
    return services.create_document(
        family=casefile.family,
        type_key="cp_conference_initial",
        by=casefile.sam.user,
        event_on=TODAY + dt.timedelta(days=14),
    )


def url(name, doc, *extra):
    return reverse(f"documents:{name}", args=[doc.family_id, doc.pk, *extra])


def test_create_a_document_from_the_family_page(client, signed_in, casefile):
    signed_in(client, casefile.sam)
    page = client.get(reverse("documents:list", args=[casefile.family.pk]))
    assert page.status_code == 200 and "Start a new document" in page.content.decode()
    response = client.post(
        reverse("documents:new", args=[casefile.family.pk]), {"type_key": "court_chronology"}
    )
    document = Document.objects.get(family=casefile.family)
    assert response.status_code == 302 and response.url == document.get_absolute_url()
    today = clock.today()  # the record's today when the draft was made, not at import time
    assert document.window_end == today and document.window_start.year == today.year - 2


def test_bad_input_shows_an_error_summary_and_creates_nothing(client, signed_in, casefile):
    signed_in(client, casefile.sam)
    response = client.post(
        reverse("documents:new", args=[casefile.family.pk]),
        {"type_key": "court_chronology", **date_fields("window_start", TODAY)},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in html
    assert "Enter both dates of the period, or neither" in html
    assert not Document.objects.exists()


def test_someone_outside_the_family_gets_404_everywhere(
    client, signed_in, casefile, conference, outsider
):
    signed_in(client, outsider)
    for target in (
        reverse("documents:list", args=[casefile.family.pk]),
        conference.get_absolute_url(),
        url("download_draft", conference, "pdf"),
        url("write_section", conference, "recommendation"),
    ):
        assert client.get(target).status_code == 404, target


def test_draft_page_shows_gaps_sources_timing_and_is_audited(
    client, signed_in, casefile, conference
):
    signed_in(client, casefile.sam)
    response = client.get(conference.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "3 sections still to be written" in html
    assert "Gap: to be written by Social worker" in html
    assert f"Workbook entry {casefile.entries[2].pk}" in html
    assert "Not yet shared" in html and "3 working days before the conference" in html
    assert CANARY_LINE not in html
    assert AuditEvent.objects.filter(
        verb="viewed", target_type="documents.document", target_id=str(conference.pk)
    ).exists()


def test_write_a_section_and_a_stale_edit_is_refused(client, signed_in, casefile, conference):
    signed_in(client, casefile.sam)
    target = url("write_section", conference, "recommendation")
    assert client.get(target).status_code == 200
    first = client.post(target, {"text": "Plan needed.", "version": 0})
    assert first.status_code == 302
    stale = client.post(target, {"text": "Someone else's older view.", "version": 0})
    html = stale.content.decode()
    assert (
        stale.status_code == 409
        and "govuk-error-summary" in html
        and "Nothing has been saved" in html
    )
    assert conference.written.get(key="recommendation").text == "Plan needed."
    assert stale.context["stale_differences"][0]["theirs"] == "Plan needed."
    assert stale.context["stale_differences"][0]["mine"] == "Someone else's older view."
    assert client.get(url("write_section", conference, "children")).status_code == 404


def test_share_with_a_parent_records_the_disclosure_and_comment_travels(
    client, signed_in, casefile, conference
):
    signed_in(client, casefile.sam)
    response = client.post(
        url("share", conference),
        {
            "recipient_person": casefile.alex.pk,
            "purpose": "So Alex can read it before the conference",
            "lawful_basis": "public_task",
            "method": "in_person",
            **date_fields("shared_on", TODAY),
        },
    )
    assert response.status_code == 302
    share = Share.objects.get(document=conference)
    assert share.version.number == 1 and share.sharing_record_id
    page = client.get(conference.get_absolute_url()).content.decode()
    assert "Shared in time" in page
    response = client.post(
        url("add_comment", conference),
        {
            "person": casefile.alex.pk,
            "kind": "disagreement",
            "section_key": "three_columns",
            "text": "I do not shout at night.",
            **date_fields("received_on", TODAY),
        },
    )
    assert response.status_code == 302
    assert ParentComment.objects.filter(document=conference).count() == 1
    page = client.get(conference.get_absolute_url()).content.decode()
    assert "I do not shout at night." in page
    version = services.freeze(document=conference, reason="filed", by=casefile.sam.user)
    assert "I do not shout at night." in version.html


def test_share_needs_a_recipient_and_a_purpose(client, signed_in, casefile, conference):
    signed_in(client, casefile.sam)
    response = client.post(
        url("share", conference), {"lawful_basis": "public_task", "method": "post"}
    )
    html = response.content.decode()
    assert "govuk-error-summary" in html and "Enter why you are sharing the document" in html
    assert not Share.objects.exists() and not conference.versions.exists()


def test_redaction_without_a_reason_is_refused(client, signed_in, casefile, conference):
    signed_in(client, casefile.sam)
    response = client.post(url("redact", conference), {"section_key": "views", "agreed_by": "Mo"})
    assert "Enter the safeguarding reason" in response.content.decode()
    assert not conference.redactions.exists()


def disclosed(client, path, user):
    """GET a download through the disclosure record R6 asks for (access.disclosure)."""
    from familyworkbook.access.models import SharingRecord

    first = client.get(path)
    if first.status_code != 302 or "disclos" not in first.url:
        return first
    record = SharingRecord(
        family=None,
        decision="shared",
        what="Document",
        recipient="Court",
        purpose="Filing with the court",
        lawful_basis="public_task",
        decided_on=TODAY,
        override_reason="Court proceedings",
        path=path,
        internal=True,
    )
    record.stamp(user)
    record.save()
    return client.get(f"{path}?disclosure={record.pk}")


# transaction=True: access.disclosure's probe closes the response inside the view, which sends
# request_finished and closes the database connection; inside a test's wrapping transaction
# that leaves PostgreSQL with a closed connection (production reconnects).
@pytest.mark.django_db(transaction=True)
def test_downloads_need_a_disclosure_record(client, signed_in, casefile, conference):
    signed_in(client, casefile.sam)
    first = client.get(url("download_draft", conference, "pdf"))
    assert first.status_code == 302 and "disclos" in first.url


# transaction=True: access.disclosure's probe closes the response inside the view, which sends
# request_finished and closes the database connection; inside a test's wrapping transaction
# that leaves PostgreSQL with a closed connection (production reconnects).
@pytest.mark.django_db(transaction=True)
def test_downloads_and_versions_are_audited(client, signed_in, casefile, conference):
    signed_in(client, casefile.sam)
    get = lambda path: disclosed(client, path, casefile.sam.user)  # noqa: E731
    pdf = get(url("download_draft", conference, "pdf"))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    word = get(url("download_draft", conference, "docx"))
    opened = docx.Document(io.BytesIO(word.content))
    assert any(p.text == "Recommendation" for p in opened.paragraphs)
    assert client.get(url("download_draft", conference, "csv")).status_code == 404
    client.post(url("freeze", conference), {"reason": "filed"})
    version = conference.versions.get()
    page = client.get(url("versions", conference)).content.decode()
    assert "intact" in page
    assert get(url("download_version", conference, version.pk, "pdf")).status_code == 200
    verbs = list(
        AuditEvent.objects.filter(
            target_type="documents.document", target_id=str(conference.pk)
        ).values_list("verb", flat=True)
    )
    assert verbs.count("downloaded") == 3 and "exported" in verbs


def test_correct_how_a_fact_is_known(client, signed_in, casefile, conference):
    signed_in(client, casefile.sam)
    entry = casefile.entries[2]  # direct work: observed by default
    ref = f"workbook.Entry:{entry.pk}"
    assert client.get(url("fact_status", conference)).status_code == 200
    refused = client.post(url("fact_status", conference), {"source_ref": ref})
    assert "Select how this is known" in refused.content.decode()
    response = client.post(url("fact_status", conference), {"source_ref": ref, "basis": "disputed"})
    assert response.status_code == 302
    from familyworkbook.documents import engine

    content = engine.build(conference, casefile.sam.user).content
    facts = [s for s, _ in engine.fact_texts(content) if engine.source_ref(s) == ref]
    assert facts and all(s["basis"] == "disputed" for s in facts)
    assert "Disputed:" in engine.render_body(content)


def test_a_letter_type_makes_one_draft_per_parent(client, signed_in, casefile):
    signed_in(client, casefile.sam)
    response = client.post(
        reverse("documents:new", args=[casefile.family.pk]),
        {"type_key": "letter_before_proceedings"},
    )
    assert response.status_code == 302
    letters = Document.objects.filter(family=casefile.family, type_key="letter_before_proceedings")
    assert letters.count() == 2  # Alex and Jo, both with parental responsibility
    assert {d.subject_id for d in letters} == {casefile.alex.pk, casefile.jo.pk}
    assert {d.subject_type for d in letters} == {"people.person"}


def test_an_intervention_report_without_an_intervention_is_refused(client, signed_in, casefile):
    signed_in(client, casefile.sam)
    response = client.post(
        reverse("documents:new", args=[casefile.family.pk]), {"type_key": "end_of_intervention"}
    )
    assert "There is no intervention recorded for this family" in response.content.decode()
    assert not Document.objects.exists()
