"""The engine: drafts from the record with sources, gaps, outputs, page limits, freezing."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest
from django.apps import apps
from pypdf import PdfReader

from familyworkbook.documents import engine, services
from familyworkbook.documents.facts import Basis
from familyworkbook.documents.tests.conftest import days_ago, make_entry

pytestmark = pytest.mark.django_db


def _create(casefile, key, **kw):
    return services.create_document(
        family=casefile.family, type_key=key, by=casefile.sam.user, **kw
    )


def _all_text(content: dict) -> str:
    parts = []
    for s in content["sections"]:
        parts += [s["text"], *s["notes"]]
        parts += [f["text"] for f in s["facts"]]
        for t in s["tables"]:
            parts += [engine._cell_text(c) for row in t["rows"] for c in row]
    return "\n".join(parts)


@pytest.mark.parametrize(
    "key", ["court_chronology", "cp_conference_initial", "cp_conference_review"]
)
def test_every_filled_fact_traces_to_a_record_that_exists(casefile, key):
    document = _create(casefile, key)
    content = engine.build(document, casefile.sam.user).content
    found = engine.sources(content)
    assert found, "the draft should hold facts from the record"
    for source in found:
        model = apps.get_model(source["model"])
        assert model._default_manager.filter(pk=source["pk"]).exists(), source
        assert source["reference"]
        assert source["basis"] in Basis.values
    for section in content["sections"]:
        assert not any("could not be filled" in n for n in section["notes"]), section


def test_court_chronology_numbers_significant_events_with_impact_and_source(casefile):
    document = _create(casefile, "court_chronology")
    content = engine.build(document, casefile.sam.user).content
    table = next(s for s in content["sections"] if s["key"] == "chronology")["tables"][0]
    assert table["columns"] == ["No.", "Date", "Event", "Impact on the child", "Source"]
    events = [engine._cell_text(r[2]) for r in table["rows"]]
    assert [engine._cell_text(r[0]) for r in table["rows"]] == [
        str(n) for n in range(1, len(events) + 1)
    ]
    assert "Police called to the home" in events
    assert "Ava seen alone at school" in events
    # Not significant: left out. The CP plan (statutory) is in.
    assert not any(e.startswith("Event on") for e in events)
    assert any("Child protection plan started" in e for e in events)
    police = next(
        r for r in table["rows"] if engine._cell_text(r[2]) == "Police called to the home"
    )
    assert engine._cell_text(police[3]) == "Ava heard shouting and was frightened."
    assert police[4]["text"].startswith("Workbook entry")
    # A phone call is what someone told the author: shown as reported, never as fact.
    assert police[2]["fact"]["basis"] == Basis.REPORTED
    assert police[2]["fact"]["prefix"] == "Reported"


def test_window_filters_the_chronology(casefile):
    document = _create(
        casefile, "court_chronology", window_start=days_ago(200), window_end=days_ago(0)
    )
    text = _all_text(engine.build(document, casefile.sam.user).content)
    assert "Police called to the home" not in text
    assert "Ava seen alone at school" in text


def test_written_sections_are_gaps_never_generated_prose(casefile):
    document = _create(casefile, "cp_conference_initial")
    content = engine.build(document, casefile.sam.user).content
    written = [s for s in content["sections"] if s["kind"] == "written"]
    assert {s["key"] for s in written} == {
        "significant_harm",
        "danger_statements",
        "recommendation",
    }
    assert all(s["gap"] and s["text"] == "" and not s["facts"] for s in written)
    html = engine.render_html(content)
    assert html.count("Gap: to be written by Social worker") == 3
    services.write_section(
        document=document,
        key="recommendation",
        text="The children should have a plan.",
        by=casefile.sam.user,
        expected_version=0,
    )
    content = engine.build(document, casefile.sam.user).content
    assert len(engine.gaps(content)) == 2
    rec = next(s for s in content["sections"] if s["key"] == "recommendation")
    assert rec["text"] == "The children should have a plan." and rec["author"] == "Sam Okafor"


def test_html_links_each_fact_to_its_record(casefile):
    document = _create(casefile, "cp_conference_initial")
    content = engine.build(document, casefile.sam.user).content
    body = engine.render_body(content)
    entry = casefile.entries[2]
    assert f'href="{entry.get_absolute_url()}"' in body
    assert f"Workbook entry {entry.pk}" in body


def test_three_columns_and_scaling_from_the_workbook(casefile):
    document = _create(casefile, "cp_conference_initial")
    content = engine.build(document, casefile.sam.user).content
    cols = next(s for s in content["sections"] if s["key"] == "three_columns")["tables"][0]
    assert [engine._cell_text(c) for c in cols["rows"][0]] == [
        "Shouting at home at night",
        "Jo takes the children to school every day",
        "Alex to complete the perpetrator programme",
    ]
    scaling = next(s for s in content["sections"] if s["key"] == "scaling")["tables"][0]
    row = scaling["rows"][0]
    assert engine._cell_text(row[2]).startswith("6/10") and engine._cell_text(row[3]).startswith(
        "7/10"
    )


def test_review_shows_progress_against_the_plan(casefile):
    document = _create(casefile, "cp_conference_review")
    content = engine.build(document, casefile.sam.user).content
    progress = next(s for s in content["sections"] if s["key"] == "progress")
    goals = progress["tables"][0]
    changes = {engine._cell_text(r[1]): engine._cell_text(r[4]) for r in goals["rows"]}
    assert changes == {"Worker": "+3", "Family": "+2"}


def test_pdf_is_tagged_titled_and_counted(casefile):
    document = _create(casefile, "cp_conference_initial")
    content = engine.build(document, casefile.sam.user).content
    pdf = engine.render_pdf(engine.render_html(content))
    reader = PdfReader(io.BytesIO(pdf.data))
    assert len(reader.pages) == pdf.pages >= 1
    assert reader.metadata.title == "Report to the initial child protection conference"
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root.get("/Lang")
    text = "".join(p.extract_text() for p in reader.pages)
    assert "Gap: to be written by Social worker" in text


def test_docx_opens_with_headings_tables_and_gaps(casefile):
    document = _create(casefile, "cp_conference_initial")
    content = engine.build(document, casefile.sam.user).content
    opened = docx.Document(io.BytesIO(engine.render_docx(content)))
    headings = [p.text for p in opened.paragraphs if p.style.name.startswith("Heading")]
    assert "Children in the household" in headings and "Recommendation" in headings
    assert opened.core_properties.title == "Report to the initial child protection conference"
    text = "\n".join(p.text for p in opened.paragraphs)
    assert text.count("[Gap: to be written by Social worker]") == 3
    assert len(opened.tables) >= 4


def test_page_limit_warnings_fire_near_and_over_the_limit(casefile):
    for n in range(160):
        make_entry(
            casefile.family,
            casefile.sam,
            days_ago(5 + n * 4),
            headline=f"Significant event number {n} with a long enough headline to wrap",
        )
    document = _create(casefile, "court_chronology")
    content = engine.build(document, casefile.sam.user).content
    pages, _, warnings = engine.measure(content)
    assert pages > 10
    assert any("over its limit of 10 pages" in w for w in warnings)
    assert engine.page_warnings(content, 8) == [
        "This document is 8 pages long: close to its limit of 10 pages."
    ]
    assert engine.page_warnings(content, 7) == []


def test_frozen_version_is_unchanged_when_the_record_changes(casefile):
    document = _create(casefile, "court_chronology")
    version = services.freeze(document=document, reason="filed", by=casefile.sam.user)
    html, content, digest = version.html, version.content, version.sha256
    assert "Police called to the home" in html
    entry = casefile.entries[0]
    entry.headline = "Changed afterwards"
    entry.save()
    version.refresh_from_db()
    assert version.html == html and version.content == content and version.sha256 == digest
    assert services.verify(version)
    assert "Changed afterwards" not in version.html
    # The draft moves on; a new freeze is a new version.
    again = services.freeze(document=document, reason="filed", by=casefile.sam.user)
    assert again.number == 2 and "Changed afterwards" in again.html and again.sha256 != digest
    with pytest.raises(TypeError):
        version.save()


def test_signing_refused_while_gaps_remain(casefile):
    from django.core.exceptions import ValidationError

    document = _create(casefile, "court_chronology")
    with pytest.raises(ValidationError):
        services.freeze(document=document, reason="signed", by=casefile.sam.user)
    services.write_section(
        document=document,
        key="summary",
        text="Involved since 2024.",
        by=casefile.sam.user,
        expected_version=0,
    )
    assert (
        services.freeze(document=document, reason="signed", by=casefile.sam.user).reason == "signed"
    )


def test_stale_section_edit_refused(casefile):
    from familyworkbook.core.models import StaleEditError

    document = _create(casefile, "court_chronology")
    ws = services.write_section(
        document=document, key="summary", text="First.", by=casefile.sam.user, expected_version=0
    )
    services.write_section(
        document=document,
        key="summary",
        text="Second.",
        by=casefile.sam.user,
        expected_version=ws.version,
    )
    with pytest.raises(StaleEditError):
        services.write_section(
            document=document,
            key="summary",
            text="Stale.",
            by=casefile.sam.user,
            expected_version=ws.version,
        )
    with pytest.raises(StaleEditError):
        services.write_section(
            document=document,
            key="summary",
            text="Also stale.",
            by=casefile.sam.user,
            expected_version=0,
        )


def test_working_days_skip_weekends_and_bank_holidays():
    from familyworkbook.core.workingdays import add_working_days, bank_holidays
    from familyworkbook.documents.workingdays import share_deadline

    assert dt.date(2025, 12, 25) in bank_holidays(2025) and dt.date(2025, 12, 26) in bank_holidays(
        2025
    )
    assert dt.date(2026, 4, 3) in bank_holidays(2026)  # Good Friday
    assert dt.date(2026, 12, 28) in bank_holidays(2026)  # Boxing Day (Saturday) substitute
    # Conference on Tuesday 30 Dec 2025: 3 working days back skips 25, 26 Dec and the weekend.
    assert share_deadline(dt.date(2025, 12, 30), 3) == dt.date(2025, 12, 23)
    assert add_working_days(dt.date(2026, 11, 20), 1) == dt.date(2026, 11, 23)


def test_summary_limit_warnings():
    content = {"page_limit": 40, "summary_limit": 4}
    assert engine.page_warnings(content, 20, 4) == [
        "The summary is 4 pages long: close to its limit of 4 pages."
    ]
    assert engine.page_warnings(content, 41, 5) == [
        "This document is 41 pages long: over its limit of 40 pages. Shorten it before filing, "
        "or the court must agree a longer document.",
        "The summary is 5 pages long: over its limit of 4 pages.",
    ]
    assert engine.page_warnings(content, 20, 3) == []  # under 80% of 4
    assert engine.page_warnings(content, 32, None) == [
        "This document is 32 pages long: close to its limit of 40 pages."
    ]
