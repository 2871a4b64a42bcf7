"""Recording a questionnaire: scored on save by the scorer, refused with its message, audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from familyworkbook.audit.models import AuditEvent
from familyworkbook.measures import services
from familyworkbook.measures.models import MeasureResponse
from familyworkbook.measures.scoring import SCORER_VERSION, score
from familyworkbook.measures.tests.conftest import answers, blank


def test_recording_an_sdq_stores_the_scorers_scores_and_version(record_sdq, sam):
    items = answers(25, 0, i3=2, i8=2, i13=2, i16=1, i24=1)  # emotional 8
    measure = record_sdq(responses=items)
    measure.refresh_from_db()
    assert measure.scores == score("sdq", informant="parent", items=items)
    assert measure.scores["emotional"] == 8
    assert measure.scores["bands_4"]["emotional"] == "very_high"
    assert measure.scorer_version == SCORER_VERSION
    assert measure.created_by == sam.user


def test_reversed_items_are_scored_by_the_scorer_not_the_form(record_sdq):
    # All "Not true": item 7, 11, 14, 21 and 25 reverse to 2, so conduct is 2, not 0.
    measure = record_sdq(0)
    assert measure.scores["conduct"] == 2
    assert measure.scores["hyperactivity"] == 4
    assert measure.scores["peer"] == 4


def test_blank_items_are_prorated_as_the_scorer_allows(record_sdq):
    items = answers(25, 1, i3=None, i8=None)  # emotional: 3 of 5 answered, mean 1 x 5 = 5
    measure = record_sdq(responses=items)
    assert measure.scores["emotional"] == 5


def test_an_invalid_code_is_refused_with_the_scorers_message_naming_the_item(record_sdq):
    with pytest.raises(ValidationError) as refused:
        record_sdq(responses=answers(25, 1, i7=3))
    assert "sdq item 7" in str(refused.value.message_dict["responses"])
    assert not MeasureResponse.objects.exists()
    assert not AuditEvent.objects.filter(target_type="measures.measureresponse").exists()


def test_an_unknown_item_is_refused_naming_it(record_sdq):
    with pytest.raises(ValidationError) as refused:
        record_sdq(responses={**answers(25, 1), "26": 1})
    assert "item '26'" in str(refused.value.message_dict["responses"])


def test_a_form_with_every_item_blank_is_refused(record_sdq):
    with pytest.raises(ValidationError) as refused:
        record_sdq(responses=blank(25))
    assert "at least one item" in str(refused.value.message_dict["responses"])


def test_the_impact_supplement_is_scored_for_the_sdq_only(record_sdq, smith_case, parent, sam):
    impact = {
        "ebddiff": 2,
        "distres": 3,
        "imphome": 2,
        "impfrie": 0,
        "impclas": None,
        "impleis": 1,
    }
    measure = record_sdq(impact=impact)
    assert measure.scores["impact"] == 3
    with pytest.raises(ValidationError):
        services.record_measure(
            person=parent,
            case=smith_case,
            instrument="wemwbs",
            informant="self",
            completed_on=dt.date(2025, 9, 10),
            collection_point="assessment",
            responses=answers(14, 3),
            impact=impact,
            by=sam.user,
        )


def test_an_informant_the_instrument_does_not_have_is_refused(record_sdq):
    with pytest.raises(ValidationError) as refused:
        record_sdq(informant="practitioner")
    assert "informant" in refused.value.message_dict


def test_the_sdq_self_report_is_refused_for_a_child_under_11(record_sdq):
    # Ava was born in May 2016: 9 years old in September 2025.
    with pytest.raises(ValidationError) as refused:
        record_sdq(informant="self")
    assert "11 or over" in str(refused.value.message_dict["completed_on"])


def test_a_measure_for_someone_not_in_the_cases_family_is_refused(record_sdq, north, sam):
    from familyworkbook.demo import builders

    other = builders.family("Jones", children=1, adults=1)
    other_case = builders.case(other, north, lead=None, with_episodes=False)
    with pytest.raises(ValidationError) as refused:
        record_sdq(case=other_case)
    assert "case" in refused.value.message_dict


def test_a_date_in_the_future_or_before_the_case_is_refused(record_sdq):
    with pytest.raises(ValidationError):
        record_sdq(on=dt.date.today() + dt.timedelta(days=1))  # noqa: DTZ011
    with pytest.raises(ValidationError):
        record_sdq(on=dt.date(2025, 8, 1))


def test_saving_is_audited_in_the_same_transaction(record_sdq, sam):
    measure = record_sdq()
    event = AuditEvent.objects.get(
        target_type="measures.measureresponse", target_id=str(measure.pk)
    )
    assert event.verb == "created"
    assert event.actor == sam.user
    assert event.data["instrument"] == "sdq"
    assert "responses" not in event.data  # answers are health data: never copied into the audit


def test_responses_cannot_be_changed_once_saved(record_sdq):
    measure = record_sdq()
    measure.responses["1"] = 2
    with pytest.raises(TypeError, match="never changed"):
        measure.save()
    with pytest.raises(TypeError, match="never changed"):
        measure.save_checked(by=None, expected_version=1)
    with pytest.raises(TypeError):
        measure.delete()
    measure.refresh_from_db()
    assert measure.responses["1"] == 1


def test_a_correction_supersedes_the_old_record_and_keeps_it(record_sdq, sam):
    old = record_sdq(1)
    new = record_sdq(2, supersedes=old, correction_reason="Entered the wrong column")
    assert new.supersedes == old
    assert list(MeasureResponse.objects.current()) == [new]
    old.refresh_from_db()
    assert old.responses == answers(25, 1)  # untouched
    assert AuditEvent.objects.filter(
        target_type="measures.measureresponse", target_id=str(old.pk), verb="changed"
    ).exists()


def test_a_record_can_be_corrected_only_once(record_sdq):
    old = record_sdq(1)
    record_sdq(2, supersedes=old, correction_reason="Wrong column")
    with pytest.raises(ValidationError, match="already been corrected"):
        record_sdq(0, supersedes=old, correction_reason="Again")
    assert MeasureResponse.objects.count() == 2


def test_a_correction_needs_a_reason_and_the_same_instrument(record_sdq, smith_case, parent, sam):
    old = record_sdq(1)
    with pytest.raises(ValidationError) as refused:
        record_sdq(2, supersedes=old)
    assert "correction_reason" in refused.value.message_dict
    with pytest.raises(ValidationError, match="same person"):
        services.record_measure(
            person=parent,
            case=smith_case,
            instrument="wemwbs",
            informant="self",
            completed_on=dt.date(2025, 9, 10),
            collection_point="assessment",
            responses=answers(14, 3),
            by=sam.user,
            supersedes=old,
            correction_reason="x",
        )


@pytest.mark.parametrize(
    ("instrument", "count", "code", "key", "expected"),
    [
        ("score-15", 15, 3, "total", 45),
        ("ida", 18, 1, "depression", 6),  # items 3 and 9 score 3, items 1, 5, 12 score 0
        ("wemwbs", 14, 4, "total", 56),
        ("swemwbs", 7, 4, "metric", 25.03),
        ("urica", 32, 3, "readiness", 6.0),
    ],
)
def test_each_instrument_is_scored_on_save(
    smith_case, parent, sam, instrument, count, code, key, expected
):
    measure = services.record_measure(
        person=parent,
        case=smith_case,
        instrument=instrument,
        informant="self",
        completed_on=dt.date(2025, 9, 10),
        collection_point="assessment",
        responses=answers(count, code),
        by=sam.user,
    )
    measure.refresh_from_db()
    assert measure.scores[key] == expected
