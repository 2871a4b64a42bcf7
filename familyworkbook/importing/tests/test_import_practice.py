"""`import_ssd` into the practice records (issue 16 part 2): SDQ totals into the measures, the
voice of the child into the Workbook, each traced to its row and changed only as the product's
own rules allow (a questionnaire is corrected, never overwritten)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.template.loader import render_to_string

from familyworkbook.cases.lac_models import LookedAfterOutcome
from familyworkbook.importing.models import SourceRecord
from familyworkbook.importing.services import run_import
from familyworkbook.importing.tests import extract
from familyworkbook.measures.models import MeasureResponse
from familyworkbook.people.models import Family, Person
from familyworkbook.workbook.models.entries import Entry

pytestmark = pytest.mark.django_db


def _sdq(key: str, on: str, score: str, reason: str = "") -> dict[str, str]:
    return {
        "csdq_table_id": key,
        "csdq_person_id": "C2001",
        "csdq_sdq_completed_date": on,
        "csdq_sdq_score": score,
        "csdq_sdq_reason": reason,
    }


def test_an_sdq_total_becomes_the_childs_sdq_in_the_measures_and_stays_in_oc2(
    tmp_path: Path,
) -> None:
    data = extract.tables(
        ssd_sdq_scores=[
            _sdq("Q1", "2024-03-31", "18"),
            # Before the family's case opened (1 March 2023): OC2 keeps it, the measures cannot.
            _sdq("Q2", "2022-03-31", "9"),
            # A reason it was not done: no questionnaire to add.
            _sdq("Q3", "2025-03-31", "", "SDQ1"),
        ]
    )
    run = run_import(str(extract.write(tmp_path / "x", data)))

    sam = Person.objects.get(la_child_id="C2001")
    measure = MeasureResponse.objects.get(person=sam)
    assert (measure.instrument, measure.informant, str(measure.completed_on)) == (
        "sdq",
        "parent",
        "2024-03-31",
    )
    assert measure.scores["total_difficulties"] == 18
    assert measure.scores["bands_4"]["total_difficulties"] == "high"
    assert measure.scores["emotional"] is None  # the answers are not held
    assert measure.responses == {} and not measure.answers_held
    assert measure.case.family == Family.objects.get(reference="FAM2")
    assert measure.created_by.username == "import"
    assert SourceRecord.objects.get(table="ssd_sdq_scores:measure", key="Q1").target_id == (
        measure.pk
    )
    # The SSDA903 still reads all three years from OC2.
    years = dict(LookedAfterOutcome.objects.filter(child=sam).values_list("year", "sdq_score"))
    assert years == {2024: 18, 2022: 9, 2025: None}
    warning = run.problems.get(key="Q2")
    assert warning.outcome == "warning" and "before the case opened" in warning.reason
    assert run.tables["ssd_sdq_scores"]["imported"] == 3

    page = render_to_string(
        "measures/detail.html", {"measure": measure, "person": sam, "superseded_by": None}
    )
    assert "The answers are not held" in page
    assert "Answers by item" not in page


def test_a_later_sdq_total_corrects_the_imported_one_and_a_rerun_adds_nothing(
    tmp_path: Path,
) -> None:
    first = extract.tables(ssd_sdq_scores=[_sdq("Q1", "2024-03-31", "18")])
    folder = extract.write(tmp_path / "first", first)
    run_import(str(folder))
    run_import(str(folder))
    sam = Person.objects.get(la_child_id="C2001")
    assert MeasureResponse.objects.filter(person=sam).count() == 1
    original = MeasureResponse.objects.get(person=sam)

    later = extract.tables(ssd_sdq_scores=[_sdq("Q1", "2024-03-31", "12")])
    run_import(str(extract.write(tmp_path / "later", later)))

    current = MeasureResponse.objects.current().get(person=sam)
    assert current.scores["total_difficulties"] == 12
    assert current.supersedes == original
    assert "previous system" in current.correction_reason
    original.refresh_from_db()
    assert original.scores["total_difficulties"] == 18  # kept, never overwritten
    assert SourceRecord.objects.get(table="ssd_sdq_scores:measure", key="Q1").target_id == (
        current.pk
    )
    assert LookedAfterOutcome.objects.get(child=sam, year=2024).sdq_score == 12


def test_the_voice_of_the_child_becomes_a_workbook_entry_about_the_child(tmp_path: Path) -> None:
    data = extract.tables(
        ssd_voice_of_child=[
            {
                "voch_table_id": "VC1",
                "voch_person_id": "C1001",
                "voch_explained_worries": "Y",
                "voch_story_help_understand": "N",
                "voch_plan_safe": "Y",
            },
            {"voch_table_id": "VC2", "voch_person_id": "C1002", "voch_agree_worker": "maybe"},
            {"voch_table_id": "VC3", "voch_person_id": "C1002"},
        ]
    )
    folder = extract.write(tmp_path / "x", data)
    run = run_import(str(folder))

    ava = Person.objects.get(la_child_id="C1001")
    entry = Entry.objects.get(tagged=ava)
    assert entry.family == Family.objects.get(reference="FAM1")
    assert (entry.chapter, entry.kind, entry.author) == ("social_work", "other", None)
    assert entry.child_words.splitlines() == [
        "Did your worker explain their worries to you? Yes",
        "Did your story help you understand what is happening? No",
        "Does your plan help you feel safe? Yes",
    ]
    assert "does not say when" in entry.what_happened
    assert entry.created_by.username == "import"
    assert SourceRecord.objects.get(table="ssd_voice_of_child", key="VC1").target_id == entry.pk
    # A row that breaks a rule is reported; one with no answers is kept as source data.
    assert Entry.objects.count() == 1
    rejected = run.problems.get(key="VC2")
    assert rejected.outcome == "rejected" and "is not Y or N" in rejected.reason
    assert SourceRecord.objects.get(table="ssd_voice_of_child", key="VC3").target_type == (
        "people.family"
    )
    assert run.tables["ssd_voice_of_child"] == {
        "read": 3,
        "imported": 2,
        "updated": 0,
        "unchanged": 0,
        "rejected": 1,
    }

    again = run_import(str(folder))
    assert again.tables["ssd_voice_of_child"]["imported"] == 0
    assert again.tables["ssd_voice_of_child"]["unchanged"] == 2
    assert Entry.objects.count() == 1
