"""The social work evidence statement and the genogram, generated for the Smiths."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from familyworkbook.access.models import RecordRestriction
from familyworkbook.documents.facts import FILLERS, Fact
from familyworkbook.documents.fillers import genogram, statement
from familyworkbook.documents.tests import test_fillers_world as w
from familyworkbook.documents.tests.test_fillers_world import (
    SAFE_LINE,
    SAFE_POSTCODE,
    SHARED_LINE,
    assert_traceable,
    text_of,
)

world = w.world  # the shared fixtures
grant_protected = w.grant_protected

STATEMENT = [
    "statement.cover",
    "statement.family",
    "genogram.family",
    "statement.chronology_summary",
    "statement.harm",
    "statement.child_impact",
    "statement.parenting",
    "statement.wider_family",
    "statement.options",
    "statement.views",
    "statement.fairness",
    "statement.welfare_checklist",
]
SVG = "{http://www.w3.org/2000/svg}"


def test_every_filled_fact_points_at_the_record_it_came_from(world):
    ctx = world.ctx()
    checked = sum(assert_traceable(FILLERS[name](ctx)) for name in STATEMENT)
    assert checked > 40


def test_the_cover_gives_each_childs_legal_status_from_the_record(world):
    table = statement.cover(world.ctx()).tables[0]
    rows = {row[0]: row for row in table.rows}
    assert set(rows) == {"Ava Smith", "Leo Smith"}
    status = rows["Ava Smith"][3]
    assert isinstance(status, Fact)
    assert status.text == "Pre-proceedings (PLO) since 16 June 2025"
    assert status.source.model == "cases.PreProceedings"


def test_the_genogram_is_an_accessible_svg_with_a_table_equivalent(world):
    filled = genogram.genogram(world.ctx())
    svg = ET.fromstring(filled.svgs[0])  # noqa: S314 - markup we generated
    assert svg.get("role") == "img"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title is not None and "Smith family" in title.text
    assert desc is not None and "5 people over 3 generations" in desc.text
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    by_generation = {row[1]: row[0] for row in filled.tables[0].rows}
    assert by_generation == {
        "Pat Smith": "1",
        "Alex Smith": "2",
        "Jo Smith": "2",
        "Ava Smith": "3",
        "Leo Smith": "3",
    }
    partners = filled.tables[1]
    assert len(partners.rows) == 1
    assert sorted(partners.rows[0][:2]) == ["Alex Smith", "Jo Smith"]
    children = filled.tables[2]
    pr = {(r[0], r[1]): r[3] for r in children.rows}
    assert pr[("Ava Smith", "Alex Smith")] == "Yes"
    assert pr[("Ava Smith", "Pat Smith")] == "No"


def test_the_genogram_leaves_out_a_restricted_person_and_every_address(world, grant_protected):
    grant_protected(world.sam, world.alex)
    RecordRestriction.objects.create(person=world.pat, reason="Witness protection")
    filled = genogram.genogram(world.ctx())
    text = text_of(filled)
    assert "Pat Smith" not in text
    for hidden in (SAFE_LINE, SAFE_POSTCODE, SHARED_LINE):
        assert hidden not in text


def test_harm_facts_hold_plans_with_durations_and_the_rag_trend(world):
    filled = statement.harm(world.ctx())
    text = text_of(filled)
    assert (
        "child protection plan (emotional abuse) from 1 march 2023 to 4 march 2024, 369 days"
        in text.lower()
    )
    rag = next(t for t in filled.tables if "RAG" in t.caption)
    assert [row[2].text for row in rag.rows] == [
        "Red: significant concern",
        "Amber: some concern",
    ]


def test_child_impact_quotes_the_child_and_counts_visits_seen_alone(world):
    filled = statement.child_impact(world.ctx())
    text = text_of(filled)
    assert "Ava Smith said: “When dad shouts I hide under the bed.”" in text
    assert "Ava Smith: 2 statutory visits recorded; seen at 2, seen alone at 1" in text


def test_options_are_seeded_with_recorded_facts_and_the_balance_is_left_to_write(world):
    filled = statement.options(world.ctx())
    home = filled.tables[0]
    assert any(isinstance(c, Fact) and "Pat looks after" in c.text for r in home.rows for c in r)
    assert any(isinstance(c, Fact) and "drinking" in c.text for r in home.rows for c in r)
    assert "Pat Smith" in text_of(filled)  # network members seed the kinship option
    assert any("author's to write" in n for n in filled.notes)


def test_fairness_lists_the_meetings_the_family_were_invited_to(world):
    filled = statement.fairness(world.ctx())
    table = filled.tables[0]
    assert {(r[2], r[3].text) for r in table.rows} == {("Alex Smith", "Present in the room")}


def test_fairness_lists_reports_shared_with_the_family_and_what_they_said(world):
    import datetime as dt

    from familyworkbook.documents import services

    document = services.create_document(
        family=world.family, type_key="parenting_assessment_parent", by=world.sam.user
    )
    services.share(
        document=document,
        by=world.sam.user,
        purpose="Shared before the meeting",
        lawful_basis="public_task",
        method="in_person",
        shared_on=dt.date(2025, 6, 10),
        recipient_person=world.jo,
    )
    services.add_comment(
        document=document,
        person=world.jo,
        kind="disagreement",
        text="I do not drink every day.",
        received_on=dt.date(2025, 6, 12),
        by=world.sam.user,
    )
    filled = statement.fairness(world.ctx())
    text = text_of(filled)
    assert "10 June 2025: “Your parenting assessment” shared with Jo Smith (in person)." in text
    assert "12 June 2025: Jo Smith commented on “Your parenting assessment” (disagreement)." in text
    assert assert_traceable(filled) >= 3


def test_the_welfare_checklist_is_the_statutory_text_with_its_licence(world):
    filled = statement.welfare_checklist(world.ctx())
    rows = [r[0].text for r in filled.tables[0].rows]
    assert len(rows) == 7
    assert rows[0].startswith("(a) the ascertainable wishes and feelings of the child concerned")
    assert rows[6].startswith("(g) the range of powers available to the court")
    assert any("Open Government Licence" in n for n in filled.notes)


def test_no_protected_address_reaches_the_statement(world):
    ctx = world.ctx()
    for name in STATEMENT:
        text = text_of(FILLERS[name](ctx))
        assert SAFE_LINE not in text and SAFE_POSTCODE not in text, name
