"""The looked-after child's SSDA903 facts through the pages: one test set per form."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import sign_in
from familyworkbook.audit.models import AuditEvent
from familyworkbook.cases.lac_forms import latest_order_date
from familyworkbook.cases.lac_models import (
    AdoptionDecision,
    CareLeaverOutcome,
    LookedAfterOutcome,
    LookedAfterReview,
    MissingEpisode,
    PreviousPermanence,
    SocialWorkerChange,
    UascStatus,
)
from familyworkbook.cases.models import Allocation, LookedAfterEpisode
from familyworkbook.cases.tests.conftest import post_data

pytestmark = pytest.mark.django_db
D = dt.date

MODELS = [
    LookedAfterReview,
    MissingEpisode,
    UascStatus,
    LookedAfterOutcome,
    CareLeaverOutcome,
    AdoptionDecision,
    PreviousPermanence,
    SocialWorkerChange,
]


def snapshot() -> tuple[Any, ...]:
    return tuple(sorted(m.objects.values_list("pk", "version")) for m in MODELS)


@pytest.fixture
def lac(ava, smith_case) -> LookedAfterEpisode:
    """Ava looked after from 12 September 2025 on the Smiths' case, still looked after."""
    return LookedAfterEpisode.objects.create(
        child=ava,
        case=smith_case,
        started_on=D(2025, 9, 12),
        reason_new_episode="S",
        legal_status="C1",
        need="N1",
        placement_type="U4",
        placement_provider="PR1",
    )


# kind -> (valid POST data, invalid POST data, the error expected, the model)
FACTS: dict[str, tuple[dict[str, Any], dict[str, Any], str, type]] = {
    "review": (
        {"held_on": D(2025, 10, 20), "participation": "PN1"},
        {"held_on": D(2025, 10, 20), "participation": "PN0"},
        "Use &#x27;aged under 4&#x27; for a child under 4 on the day, and only then",
        LookedAfterReview,
    ),
    "missing": (
        {"kind": "M", "started_on": D(2025, 11, 3), "ended_on": D(2025, 11, 4)},
        {"kind": "M", "started_on": D(2025, 11, 3), "ended_on": D(2025, 11, 1)},
        "The date of return must be on or after the date the child went missing",
        MissingEpisode,
    ),
    "oc2": (
        {"year": "2026", "sdq_score": "14", "health_check": "true", "convicted": "false"},
        {"year": "2026", "sdq_score": "14", "sdq_reason": "SDQ4"},
        "Give an SDQ score or a reason there is none, not both",
        LookedAfterOutcome,
    ),
    "oc3": (
        {"year": "2026", "in_touch": "YES", "activity": "F2", "accommodation": "B1"},
        {"year": "2026", "in_touch": "YES", "accommodation": "B1"},
        "Select the main activity",
        CareLeaverOutcome,
    ),
    "adoption": (
        {"decided_on": D(2025, 10, 1), "number_of_adopters": "2", "adopters": "MF"},
        {"decided_on": D(2025, 10, 1), "number_of_adopters": "1", "adopters": "MF"},
        "The sex of the adopters must match the number of adopters",
        AdoptionDecision,
    ),
    "prevperm": (
        {
            "care_started_on": "2025-09-12",
            "kind": "P2",
            "local_authority": "873",
            "order_date": "ZZ/03/2021",
        },
        {"care_started_on": "2025-09-12", "kind": "P2", "local_authority": "Cambs"},
        "Enter the council&#x27;s three-digit DfE number, or WAL, SCO, NIR or NUK",
        PreviousPermanence,
    ),
}


def errors(response) -> str:
    """The error summary of a page, to say why a form was refused."""
    html = response.content.decode()
    start = html.find("govuk-error-summary__list")
    return html[start : html.find("</ul>", start)] if start >= 0 else html[-2000:]


def add_url(kind: str, child) -> str:
    return reverse(f"cases:lac_{kind}_add", args=[child.pk])


def test_the_childs_page_links_to_the_return_details(sam_client, ava, lac):
    html = sam_client.get(ava.get_absolute_url()).content.decode()
    assert reverse("cases:lac_facts", args=[ava.pk]) in html


def test_the_return_details_page_lists_every_fact_with_its_forms(sam_client, ava, lac):
    LookedAfterReview.objects.create(child=ava, held_on=D(2025, 10, 20), participation="PN1")
    response = sam_client.get(reverse("cases:lac_facts", args=[ava.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    for kind in FACTS:
        assert add_url(kind, ava) in html
    assert reverse("cases:lac_uasc", args=[ava.pk]) in html
    review = LookedAfterReview.objects.get()
    assert reverse("cases:lac_review_change", args=[review.pk]) in html
    # Reading a child's record is audited.
    assert AuditEvent.objects.filter(verb="viewed", target_id=str(ava.pk)).exists()


@pytest.mark.parametrize("kind", sorted(FACTS))
def test_fact_form_needs_sign_in_and_a_visible_child(anon, priya, ava, lac, kind):
    response = anon.get(add_url(kind, ava))
    assert response.status_code == 302
    assert response.url.startswith("/sign-in/")
    other = sign_in(Client(), priya)  # South: no relationship with the Smiths
    assert other.get(add_url(kind, ava)).status_code == 404
    assert other.post(add_url(kind, ava), post_data(**FACTS[kind][0])).status_code == 404
    assert FACTS[kind][3].objects.count() == 0


@pytest.mark.parametrize("kind", sorted(FACTS))
def test_fact_form_saves_audits_and_goes_back_to_the_details(sam_client, sam, ava, lac, kind):
    response = sam_client.get(add_url(kind, ava))
    assert response.status_code == 200
    assert ava.full_name in response.content.decode()
    before = AuditEvent.objects.filter(verb="created").count()
    response = sam_client.post(add_url(kind, ava), post_data(**FACTS[kind][0]))
    assert response.status_code == 302, errors(response)
    assert response.url == reverse("cases:lac_facts", args=[ava.pk])
    record = FACTS[kind][3].objects.get()
    assert record.child == ava
    assert record.created_by == sam.user
    assert AuditEvent.objects.filter(verb="created").count() == before + 1
    page = sam_client.get(response.url).content.decode()
    assert "govuk-notification-banner--success" in page
    assert reverse(f"cases:lac_{kind}_change", args=[record.pk]) in page


@pytest.mark.parametrize("kind", sorted(FACTS))
def test_fact_form_invalid_saves_nothing(sam_client, ava, lac, kind):
    before = snapshot()
    response = sam_client.post(add_url(kind, ava), post_data(**FACTS[kind][1]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert FACTS[kind][2] in html
    assert snapshot() == before


@pytest.mark.parametrize("kind", sorted(FACTS))
def test_fact_change_refuses_a_stale_edit_and_saves_a_fresh_one(sam_client, sam, ava, lac, kind):
    sam_client.post(add_url(kind, ava), post_data(**FACTS[kind][0]))
    record = FACTS[kind][3].objects.get()
    url = reverse(f"cases:lac_{kind}_change", args=[record.pk])
    assert sam_client.get(url).status_code == 200
    # Someone else saved it after this page was opened: version 2 now.
    type(record).objects.filter(pk=record.pk).update(version=2)
    before = snapshot()
    response = sam_client.post(url, post_data(version=1, **FACTS[kind][0]))
    assert response.status_code == 409
    assert "after you opened this page. Nothing has been saved" in response.content.decode()
    assert snapshot() == before
    response = sam_client.post(url, post_data(version=2, **FACTS[kind][0]))
    assert response.status_code == 302, errors(response)
    record.refresh_from_db()
    assert record.version == 3
    assert AuditEvent.objects.filter(verb="changed", target_id=str(record.pk)).exists()


@pytest.mark.parametrize("kind", sorted(FACTS))
def test_fact_change_is_404_for_another_team_and_a_missing_record(
    sam_client, priya, ava, lac, kind
):
    sam_client.post(add_url(kind, ava), post_data(**FACTS[kind][0]))
    record = FACTS[kind][3].objects.get()
    other = sign_in(Client(), priya)
    assert other.get(reverse(f"cases:lac_{kind}_change", args=[record.pk])).status_code == 404
    assert sam_client.get(reverse(f"cases:lac_{kind}_change", args=[999999])).status_code == 404


def test_review_must_be_while_looked_after(sam_client, ava, lac):
    response = sam_client.post(
        add_url("review", ava), post_data(held_on=D(2025, 9, 1), participation="PN1")
    )
    assert "The child was not looked after on 01/09/2025" in response.content.decode()
    assert LookedAfterReview.objects.count() == 0


def test_oc2_once_a_year(sam_client, ava, lac):
    LookedAfterOutcome.objects.create(child=ava, year=2026, sdq_score=10)
    response = sam_client.post(add_url("oc2", ava), post_data(year="2026", sdq_score="12"))
    assert "This year&#x27;s record already exists" in response.content.decode()
    assert LookedAfterOutcome.objects.count() == 1


def test_an_empty_oc2_is_refused(sam_client, ava, lac):
    response = sam_client.post(add_url("oc2", ava), post_data(year="2026"))
    assert "Record the SDQ score (or why there is none), or at least one outcome" in (
        response.content.decode()
    )
    assert LookedAfterOutcome.objects.count() == 0


def test_oc2_yes_no_items_are_stored_as_yes_no_or_not_known(sam_client, ava, lac):
    sam_client.post(
        add_url("oc2", ava),
        post_data(year="2026", sdq_reason="SDQ2", health_check="true", immunisations="false"),
    )
    outcome = LookedAfterOutcome.objects.get()
    assert (outcome.health_check, outcome.immunisations, outcome.teeth_check) == (True, False, None)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"care_started_on": "2025-09-12", "kind": "P1", "local_authority": "873"},
            "Enter the date of the order",
        ),
        (
            {"care_started_on": "2025-09-12", "kind": "Z1", "local_authority": "873"},
            "Leave the council and date blank when there was no previous permanence",
        ),
        (
            {
                "care_started_on": "2025-09-12",
                "kind": "P2",
                "local_authority": "873",
                "order_date": "ZZ/09/2025",
            },
            "The order must be before this period of care started (12/09/2025)",
        ),
        (
            {
                "care_started_on": "2025-09-12",
                "kind": "P2",
                "local_authority": "873",
                "order_date": "31/02/2020",
            },
            "The date of the order must be a real date",
        ),
        ({"care_started_on": "2024-01-01", "kind": "Z1"}, "Select the period of care"),
    ],
)
def test_previous_permanence_rules(sam_client, ava, lac, data, message):
    response = sam_client.post(add_url("prevperm", ava), data)
    assert message in response.content.decode()
    assert PreviousPermanence.objects.count() == 0


def test_latest_order_date_reads_zz_as_the_end_of_the_month_or_year():
    assert latest_order_date("05/11/2019") == D(2019, 11, 5)
    assert latest_order_date("ZZ/02/2020") == D(2020, 2, 29)
    assert latest_order_date("ZZ/ZZ/2020") == D(2020, 12, 31)


def test_uasc_records_then_changes_the_one_status(sam_client, ava, lac):
    url = reverse("cases:lac_uasc", args=[ava.pk])
    assert sam_client.get(url).status_code == 200
    response = sam_client.post(url, post_data(since=D(2025, 9, 12)))
    assert response.status_code == 302
    status = UascStatus.objects.get()
    response = sam_client.post(url, post_data(since=D(2025, 9, 12), ceased_on=D(2034, 5, 17)))
    assert "the day before the 18th birthday at the latest" in response.content.decode()
    response = sam_client.post(
        url, post_data(since=D(2025, 9, 12), ceased_on=D(2025, 12, 1), version=status.version)
    )
    assert response.status_code == 302
    status.refresh_from_db()
    assert status.ceased_on == D(2025, 12, 1)
    assert UascStatus.objects.count() == 1


def test_reason_for_a_change_of_social_worker(sam_client, sam, ava, lac, smith_case, mo):
    Allocation.objects.filter(case=smith_case).update(ended_on=D(2025, 10, 31))
    second = Allocation.objects.create(
        case=smith_case, worker=mo, role=mo.role, is_lead=True, started_on=D(2025, 11, 1)
    )
    details = sam_client.get(reverse("cases:lac_facts", args=[ava.pk])).content.decode()
    url = reverse("cases:lac_social_worker_change", args=[second.pk])
    assert f"{url}?child={ava.pk}" in details
    response = sam_client.post(f"{url}?child={ava.pk}", {})
    assert "Select why the social worker changed" in response.content.decode()
    response = sam_client.post(f"{url}?child={ava.pk}", {"reason": "LEFTRL"})
    assert response.status_code == 302
    assert response.url == reverse("cases:lac_facts", args=[ava.pk])
    change = SocialWorkerChange.objects.get()
    assert (change.allocation, change.reason) == (second, "LEFTRL")
    response = sam_client.post(url, {"reason": "MANAGE", "version": change.version})
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.reason == "MANAGE"
    assert SocialWorkerChange.objects.count() == 1
