"""The IG journey: list, record a request, build, decide, release, print with a disclosure."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from freezegun import freeze_time

from familyworkbook.access.models import SharingRecord
from familyworkbook.access.tests.disclosing import disclose_and_fetch
from familyworkbook.subject_access import selectors, services
from familyworkbook.subject_access.models import Decision, PackItem, Status, SubjectAccessRequest
from familyworkbook.subject_access.tests.conftest import SAFE_LINE


def date_fields(name: str, day: dt.date) -> dict[str, str]:
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


def test_only_information_governance_reaches_the_pages(client, signed_in, sam, ward, ig_officer):
    sar = services.open_request(
        subject=ward.alex,
        requester_kind="subject",
        requester_name="Alex Ward",
        received_on=dt.date(2025, 10, 1),
        by=ig_officer.user,
    )
    signed_in(client, sam)
    for url in [
        reverse("subject_access:list"),
        reverse("subject_access:person", args=[ward.alex.pk]),
        reverse("subject_access:request", args=[sar.pk]),
        reverse("subject_access:edit", args=[sar.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("subject_access:build", args=[sar.pk])).status_code == 404
    assert not PackItem.objects.exists()


@freeze_time("2025-10-06")
def test_recording_a_request_starts_the_clock(client, signed_in, ward, ig_officer):
    signed_in(client, ig_officer)
    url = reverse("subject_access:person", args=[ward.alex.pk])
    response = client.post(url, {})
    html = response.content.decode()
    assert "Select who is asking" in html and "Enter the requester" in html
    assert not SubjectAccessRequest.objects.exists()
    response = client.post(
        url,
        {
            "requester_kind": "subject",
            "requester_name": "Alex Ward",
            **date_fields("received_on", dt.date(2025, 10, 1)),
            **date_fields("identity_verified_on", dt.date(2025, 10, 3)),
        },
    )
    sar = SubjectAccessRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == sar.get_absolute_url()
    assert sar.due_on == dt.date(2025, 11, 3) and sar.assigned_to == ig_officer.user


def test_the_list_sorts_by_due_date_and_marks_overdue(client, signed_in, ward, ig_officer):
    with freeze_time("2025-10-06"):
        late = services.open_request(
            subject=ward.alex,
            requester_kind="subject",
            requester_name="Alex Ward",
            received_on=dt.date(2025, 9, 1),
            identity_verified_on=dt.date(2025, 9, 2),
            by=ig_officer.user,
        )
        soon = services.open_request(
            subject=ward.jo,
            requester_kind="subject",
            requester_name="Jo Ward",
            received_on=dt.date(2025, 10, 1),
            identity_verified_on=dt.date(2025, 10, 1),
            by=ig_officer.user,
        )
    signed_in(client, ig_officer)
    with freeze_time("2025-10-06"):
        response = client.get(reverse("subject_access:list"))
    html = response.content.decode()
    assert html.index(str(late)) < html.index(str(soon))
    assert response.context["overdue_count"] == 1
    assert [overdue for _, overdue in response.context["requests"]] == [True, False]


def test_the_journey_from_build_to_release_and_print(client, signed_in, ward, ig_officer):
    with freeze_time("2025-10-06"):
        sar = services.open_request(
            subject=ward.alex,
            requester_kind="subject",
            requester_name="Alex Ward",
            received_on=dt.date(2025, 10, 1),
            identity_verified_on=dt.date(2025, 10, 3),
            by=ig_officer.user,
        )
    signed_in(client, ig_officer)
    client.post(reverse("subject_access:build", args=[sar.pk]))
    page = client.get(sar.get_absolute_url()).content.decode()
    assert "Alex talked about his drinking." in page
    assert SAFE_LINE not in page
    assert "need a decision before the pack can be released" in page
    # Release refused with flagged items undecided.
    client.post(reverse("subject_access:release", args=[sar.pk]), follow=True)
    sar.refresh_from_db()
    assert sar.status == Status.IN_PROGRESS
    # Decide each flagged item through the page; a bad decision changes nothing.
    item = PackItem.objects.get(request=sar, key=selectors._key(ward.about_jo))
    url = reverse("subject_access:item", args=[sar.pk, item.pk])
    response = client.post(url, {"version": item.version, "decision": "withhold"})
    assert "Select the exemption" in response.content.decode()
    item.refresh_from_db()
    assert item.decision == Decision.PENDING
    for item in PackItem.objects.filter(request=sar, decision=Decision.PENDING):
        response = client.post(
            reverse("subject_access:item", args=[sar.pk, item.pk]),
            {
                "version": item.version,
                "decision": "withhold",
                "exemption": "third_party",
                "reason": "Information about Jo and Ava",
            },
        )
        assert response.status_code == 302
    client.post(reverse("subject_access:release", args=[sar.pk]))
    sar.refresh_from_db()
    assert sar.status == Status.RELEASED and len(sar.pack_sha256) == 64
    # Printing the pack asks for a disclosure record first, then serves the frozen pack.
    pack_url = reverse("subject_access:pack", args=[sar.pk])
    response = client.get(pack_url)
    assert response.status_code == 302 and reverse("access:disclose") in response["Location"]
    before = SharingRecord.objects.count()
    form_page, served = disclose_and_fetch(
        client, response, recipient="Alex Ward (by recorded post)", purpose="Subject access"
    )
    assert form_page.status_code == 200
    assert SharingRecord.objects.count() == before + 1
    assert served.status_code == 200
    assert served.content.decode() == sar.pack_html
    assert "Alex talked about his drinking." in sar.pack_html
    assert "Jo is now at" not in sar.pack_html
    # The PDF of the same frozen pack, after its own disclosure record.
    response = client.get(reverse("subject_access:pack_pdf", args=[sar.pk]))
    _, pdf = disclose_and_fetch(client, response)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert SharingRecord.objects.count() == before + 2


def test_the_old_draft_page_leads_into_the_journey(client, signed_in, ward, ig_officer):
    signed_in(client, ig_officer)
    html = client.get(reverse("access:subject_access", args=[ward.alex.pk])).content.decode()
    assert reverse("subject_access:person", args=[ward.alex.pk]) in html
