"""D2's document types through D1's engine: built for the Smiths, rendered to PDF and Word,
with the written sections left as gaps and no protected address for a reader without a grant.
"""

from __future__ import annotations

import io

import docx
import pytest
from pypdf import PdfReader

from familyworkbook.documents import engine, schemas, services
from familyworkbook.documents.tests import test_fillers_world as w
from familyworkbook.documents.tests.test_fillers_world import SAFE_LINE, SAFE_POSTCODE

world = w.world  # the shared fixtures
grant_protected = w.grant_protected

TYPES = {
    "parenting_assessment": ("Parenting capacity, by parent", "Stay sober"),
    "parenting_assessment_parent": ("What we are worried about", "drinking leaves"),
    "sw_statement": ("Genogram", "ascertainable wishes and feelings"),
    "letter_before_proceedings": ("Get free legal advice", "legal aid"),
    "pre_proceedings_outcome": ("What we have decided", "Pre-proceedings will continue"),
    "end_of_intervention": ("Risk then and now", "Readiness for change at intake"),
    "meeting_record": ("Attendance and apologies", "Decision at the amber meeting."),
}


def _subject(world, key):
    if key in ("letter_before_proceedings", "pre_proceedings_outcome"):
        return world.alex
    if key == "end_of_intervention":
        return world.intervention
    if key == "meeting_record":
        return world.meetings[1]
    return None


def _document(world, key):
    return services.create_document(
        family=world.family, type_key=key, by=world.sam.user, subject=_subject(world, key)
    )


@pytest.mark.parametrize("key", sorted(TYPES))
def test_each_type_renders_to_pdf_and_word_with_its_gaps(world, key):
    heading, fact = TYPES[key]
    doc_type = schemas.get(key)
    content = engine.build(_document(world, key), world.sam.user).content
    gaps = engine.gaps(content)
    assert [g["key"] for g in gaps] == [s.key for s in doc_type.written_sections]
    pdf = engine.render_pdf(engine.render_html(content))
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages).split()
    )
    assert heading in text and fact in text
    assert text.count("Gap: to be written by") == len(doc_type.written_sections)
    for hidden in (SAFE_LINE, SAFE_POSTCODE):
        assert hidden not in text
    opened = docx.Document(io.BytesIO(engine.render_docx(content)))
    words = "\n".join(p.text for p in opened.paragraphs) + "\n".join(
        cell.text for table in opened.tables for row in table.rows for cell in row.cells
    )
    assert heading in words and fact in " ".join(words.split())
    assert words.count("[Gap: to be written by") == len(doc_type.written_sections)
    assert SAFE_LINE not in words


def test_the_survivors_letter_shows_her_safe_address_only_to_a_reader_with_a_grant(
    world, grant_protected
):
    grant_protected(world.sam, world.alex)
    document = _document(world, "letter_before_proceedings")
    mine = engine.render_html(engine.build(document, world.sam.user).content)
    assert SAFE_LINE in mine
    # The same letter rendered for a professional outside the service keeps no safe address.
    outside = engine.build(
        document, world.sam.user, reader=engine.Reader(label="Cafcass guardian")
    ).content
    assert SAFE_LINE not in engine.render_html(outside)
