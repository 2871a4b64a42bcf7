"""The measures pages: sign-in, the questionnaire form's errors, saving, charts and tables."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from familyworkbook.audit.models import AuditEvent
from familyworkbook.measures.models import MeasureResponse
from familyworkbook.measures.tests.conftest import answers


def sdq_post(case, *, code: str = "1", **overrides: str) -> dict[str, str]:
    data = {
        "informant": "parent",
        "completed_on_day": "10",
        "completed_on_month": "9",
        "completed_on_year": "2025",
        "collection_point": "assessment",
        "case": str(case.pk),
        **{f"item_{n}": code for n in range(1, 26)},
        **{
            f"impact_{name}": ""
            for name in ("ebddiff", "distres", "imphome", "impfrie", "impclas", "impleis")
        },
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    "name",
    ["measures:person", "measures:choose"],
)
def test_pages_need_sign_in(client, ava, name):
    response = client.get(reverse(name, args=[ava.pk]))
    assert response.status_code == 302
    assert "/sign-in" in response["Location"] or "login" in response["Location"]


def test_recording_needs_sign_in(client, ava, smith_case):
    url = reverse("measures:record", args=[ava.pk, "sdq"])
    response = client.post(url, sdq_post(smith_case))
    assert response.status_code == 302
    assert not MeasureResponse.objects.exists()


def test_a_missing_person_or_unknown_questionnaire_is_404(sam_client, ava):
    assert sam_client.get(reverse("measures:person", args=[999999])).status_code == 404
    assert sam_client.get(reverse("measures:record", args=[ava.pk, "kidscreen"])).status_code == 404


def test_the_sdq_form_shows_item_numbers_and_options_but_no_wording(sam_client, ava, smith_case):
    response = sam_client.get(reverse("measures:record", args=[ava.pk, "sdq"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Item 1" in html and "Item 25" in html
    assert "Certainly true" in html and "Somewhat true" in html and "Left blank" in html
    assert "Considerate" not in html  # SDQ item 1's printed wording: never shown
    assert "Impact supplement" in html


def test_sam_records_an_sdq_and_it_is_scored_and_audited(sam_client, sam, ava, smith_case):
    url = reverse("measures:record", args=[ava.pk, "sdq"])
    response = sam_client.post(url, sdq_post(smith_case, item_3="2", item_8="2"))
    assert response.status_code == 302
    assert response["Location"] == reverse("measures:person", args=[ava.pk])
    measure = MeasureResponse.objects.get()
    assert measure.responses["3"] == 2 and measure.responses["1"] == 1
    assert measure.scores["emotional"] == 7
    assert measure.impact is None
    assert measure.created_by == sam.user
    assert AuditEvent.objects.filter(verb="created", target_id=str(measure.pk)).exists()


def test_an_item_with_a_code_off_the_form_is_named_in_the_error_summary(
    sam_client, ava, smith_case
):
    url = reverse("measures:record", args=[ava.pk, "sdq"])
    response = sam_client.post(url, sdq_post(smith_case, item_7="3"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Item 7: select one of the answers shown" in html
    assert 'href="#id_item_7_0"' in html
    assert not MeasureResponse.objects.exists()


def test_a_form_with_no_answers_says_so_and_saves_nothing(sam_client, ava, smith_case):
    url = reverse("measures:record", args=[ava.pk, "sdq"])
    data = sdq_post(smith_case, **{f"item_{n}": "" for n in range(1, 26)})
    response = sam_client.post(url, data)
    assert "Answer at least one item" in response.content.decode()
    assert not MeasureResponse.objects.exists()


def test_missing_details_are_named(sam_client, ava, smith_case):
    url = reverse("measures:record", args=[ava.pk, "sdq"])
    data = sdq_post(smith_case, informant="", collection_point="", completed_on_day="")
    html = sam_client.post(url, data).content.decode()
    assert "Select who completed the questionnaire" in html
    assert "Select the collection point" in html
    assert "Date completed must include a day, month and year" in html
    assert not MeasureResponse.objects.exists()


def test_blank_items_are_accepted_where_the_scorer_allows(sam_client, ava, smith_case):
    url = reverse("measures:record", args=[ava.pk, "sdq"])
    response = sam_client.post(url, sdq_post(smith_case, item_3="", item_8=""))
    assert response.status_code == 302
    assert MeasureResponse.objects.get().responses["3"] is None


def test_the_teacher_form_refuses_home_and_leisure_impact(sam_client, ava, smith_case):
    url = reverse("measures:record", args=[ava.pk, "sdq"])
    data = sdq_post(smith_case, informant="teacher", impact_ebddiff="2", impact_imphome="1")
    html = sam_client.post(url, data).content.decode()
    assert "The teacher form does not ask this" in html
    assert not MeasureResponse.objects.exists()
    data = sdq_post(smith_case, informant="teacher", impact_ebddiff="2", impact_impfrie="3")
    assert sam_client.post(url, data).status_code == 302
    assert MeasureResponse.objects.get().impact == {
        "ebddiff": 2,
        "distres": None,
        "imppeer": 3,
        "impclas": None,
    }


def test_the_person_page_shows_a_chart_with_a_table_and_bands_in_words(sam_client, ava, record_sdq):
    record_sdq(0, on=dt.date(2025, 9, 10))
    record_sdq(1, on=dt.date(2026, 3, 1), point="review")
    response = sam_client.get(reverse("measures:person", args=[ava.pk]))
    html = response.content.decode()
    assert "<svg" in html and 'role="img"' in html and "<title" in html and "<desc" in html
    assert "<table" in html
    assert reverse("measures:case", args=[ava.measures.first().case_id]) in html
    # All "Somewhat true": each problem scale 5, total 20: "very high" for a parent report.
    assert "very high" in html
    assert AuditEvent.objects.filter(
        verb="viewed", target_type="people.person", target_id=str(ava.pk)
    ).exists()


def test_the_person_page_shows_the_latest_sdq_total(sam_client, ava, record_sdq):
    record_sdq(0, on=dt.date(2025, 9, 10))
    record_sdq(1, on=dt.date(2026, 3, 1), point="review")
    html = sam_client.get(reverse("cases:person", args=[ava.pk])).content.decode()
    assert "Measures" in html
    assert "<strong>20</strong> (very high)" in html
    assert reverse("measures:person", args=[ava.pk]) in html


def test_correcting_a_record_keeps_the_old_one_in_the_history(
    sam_client, ava, smith_case, record_sdq
):
    old = record_sdq(1)
    url = reverse("measures:correct", args=[old.pk])
    page = sam_client.get(url).content.decode()
    assert "Why are you correcting this record?" in page
    assert 'value="1" checked' in page  # the old answers are filled in
    response = sam_client.post(
        url, {**sdq_post(smith_case, code="2"), "correction_reason": "Columns swapped"}
    )
    assert response.status_code == 302
    new = MeasureResponse.objects.exclude(pk=old.pk).get()
    assert new.supersedes == old
    history = sam_client.get(reverse("measures:person", args=[ava.pk])).content.decode()
    assert "Corrected" in history and "Correction" in history
    detail = sam_client.get(reverse("measures:detail", args=[old.pk])).content.decode()
    assert "This record was corrected" in detail
    assert reverse("measures:correct", args=[old.pk]) not in detail


def test_correcting_without_a_reason_saves_nothing(sam_client, smith_case, record_sdq):
    old = record_sdq(1)
    response = sam_client.post(reverse("measures:correct", args=[old.pk]), sdq_post(smith_case))
    assert "Enter why the record is being corrected" in response.content.decode()
    assert MeasureResponse.objects.count() == 1


def test_choose_redirects_to_the_form_keeping_the_schedule_prefill(sam_client, ava):
    url = reverse("measures:choose", args=[ava.pk]) + "?case=5&collection_point=review"
    response = sam_client.post(url, {"instrument": "sdq"})
    assert response["Location"] == (
        reverse("measures:record", args=[ava.pk, "sdq"]) + "?case=5&collection_point=review"
    )
    assert "Select the questionnaire" in sam_client.post(url, {}).content.decode()


def test_person_page_queries_do_not_grow_with_records(
    sam_client, ava, record_sdq, django_assert_max_num_queries
):
    record_sdq(1)
    url = reverse("measures:person", args=[ava.pk])
    with django_assert_max_num_queries(20) as few:
        sam_client.get(url)
    for month in range(1, 9):
        record_sdq(month % 3, on=dt.date(2025, 9 + month // 4, 1 + month), point="other")
    with django_assert_max_num_queries(len(few.captured_queries)):
        sam_client.get(url)


def test_other_instruments_render_and_save(sam_client, smith_case, parent):
    for instrument, count in (
        ("score-15", 15),
        ("ida", 18),
        ("wemwbs", 14),
        ("swemwbs", 7),
        ("urica", 32),
    ):
        url = reverse("measures:record", args=[parent.pk, instrument])
        assert sam_client.get(url).status_code == 200
        data = {
            "informant": "self",
            "completed_on_day": "10",
            "completed_on_month": "9",
            "completed_on_year": "2025",
            "collection_point": "assessment",
            "case": str(smith_case.pk),
            **{f"item_{n}": "2" for n in range(1, count + 1)},
        }
        assert sam_client.post(url, data).status_code == 302, instrument
    assert MeasureResponse.objects.count() == 5
    html = sam_client.get(reverse("measures:person", args=[parent.pk])).content.decode()
    assert html.count("<svg") == 5
    assert answers(1, 1) == {"1": 1}


def test_a_worker_who_may_not_see_the_child_gets_404_everywhere(
    client, signed_in, priya, ava, smith_case, record_sdq
):
    measure = record_sdq()
    signed_in(client, priya)
    for url in (
        reverse("measures:person", args=[ava.pk]),
        reverse("measures:choose", args=[ava.pk]),
        reverse("measures:record", args=[ava.pk, "sdq"]),
        reverse("measures:detail", args=[measure.pk]),
        reverse("measures:correct", args=[measure.pk]),
        reverse("measures:case", args=[smith_case.pk]),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("measures:record", args=[ava.pk, "sdq"]), sdq_post(smith_case))
    assert response.status_code == 404
    assert MeasureResponse.objects.count() == 1
