"""A protected address never reaches a reader without a grant: on screen, in PDF and in Word,
generated or shared; it appears only where allowed."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest
from pypdf import PdfReader

from familyworkbook.access.models import AccessGrant, SharingRecord
from familyworkbook.documents import engine, services
from familyworkbook.documents.tests.conftest import CANARY_LINE, CANARY_POSTCODE

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()  # noqa: DTZ011


def _pdf_text(html: str) -> str:
    data = engine.render_pdf(html).data
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def _docx_text(content: dict) -> str:
    d = docx.Document(io.BytesIO(engine.render_docx(content)))
    cells = [c.text for t in d.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in d.paragraphs] + cells)


def _canary_in(text: str) -> bool:
    flat = " ".join(text.split())
    return (
        CANARY_LINE in flat or CANARY_POSTCODE in flat or CANARY_POSTCODE.replace(" ", "") in flat
    )


@pytest.fixture
def document(casefile):
    doc = services.create_document(
        family=casefile.family, type_key="court_chronology", by=casefile.sam.user
    )
    # A worker also typed the safe address into a written section.
    services.write_section(
        document=doc,
        key="summary",
        text=f"Jo moved to {CANARY_LINE} ({CANARY_POSTCODE}) in the spring.",
        by=casefile.sam.user,
        expected_version=0,
    )
    return doc


def _grant(casefile):
    return AccessGrant.objects.create(
        user=casefile.sam.user, person=casefile.jo, kind="protected", reason="Court work"
    )


def test_generated_for_a_worker_without_a_grant_holds_no_protected_address(casefile, document):
    content = engine.build(document, casefile.sam.user).content
    html = engine.render_html(content)
    assert not _canary_in(html)
    assert not _canary_in(_pdf_text(html))
    assert not _canary_in(_docx_text(content))
    assert "[withheld]" in html  # the written text kept its other words


def test_present_for_a_worker_with_a_grant(casefile, document):
    _grant(casefile)
    content = engine.build(document, casefile.sam.user).content
    html = engine.render_html(content)
    assert _canary_in(html) and _canary_in(_docx_text(content))


@pytest.mark.parametrize("recipient", ["alex", "professional"])
def test_shared_with_someone_else_it_is_absent_even_when_the_author_has_a_grant(
    casefile, document, recipient
):
    _grant(casefile)
    kwargs = (
        {"recipient_person": casefile.alex}
        if recipient == "alex"
        else {"recipient_name": "Dr Reed, GP"}
    )
    share = services.share(
        document=document,
        by=casefile.sam.user,
        purpose="Before the conference",
        lawful_basis="public_task",
        method="in_person",
        shared_on=TODAY,
        **kwargs,  # noqa: DTZ011
    )
    version = share.version
    assert not _canary_in(version.html)
    assert not _canary_in(_pdf_text(version.html))
    assert not _canary_in(_docx_text(version.content))
    # It is in the sharing log.
    record = SharingRecord.objects.get(pk=share.sharing_record_id)
    assert record.family_id == casefile.family.pk and "version 1" in record.what


def test_shared_with_the_protected_person_herself_it_is_present(casefile, document):
    share = services.share(
        document=document,
        by=casefile.sam.user,
        purpose="Her own report",
        lawful_basis="public_task",
        method="in_person",
        shared_on=TODAY,
        recipient_person=casefile.jo,
    )
    assert _canary_in(share.version.html)


def test_redaction_needs_a_reason_and_withholds_from_the_shared_version(casefile, document):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.redact(
            document=document,
            section_key="summary",
            reason="",
            agreed_by="Mo Reid",
            by=casefile.sam.user,
        )
    services.redact(
        document=document,
        section_key="summary",
        reason="Would reveal where the children go to school",
        agreed_by="Mo Reid, team manager",
        by=casefile.sam.user,
    )
    share = services.share(
        document=document,
        by=casefile.sam.user,
        purpose="Before the conference",
        lawful_basis="public_task",
        method="post",
        shared_on=TODAY,
        recipient_person=casefile.alex,  # noqa: DTZ011
    )
    assert "in the spring" not in share.version.html
    assert "Would reveal where the children go to school" in share.version.html
    # The worker's own draft still shows the section.
    assert "in the spring" in engine.render_html(engine.build(document, casefile.sam.user).content)
