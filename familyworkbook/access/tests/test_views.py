from __future__ import annotations

import datetime as dt

from django.urls import reverse

from familyworkbook.access.models import BreakGlass, SharingRecord
from familyworkbook.audit.models import AuditEvent
from familyworkbook.cases.tests.conftest import post_data


def test_managers_see_who_has_seen_a_record(client, signed_in, sam, mo, smith_case, ava):
    signed_in(client, sam)
    client.get(reverse("cases:person", args=[ava.pk]))
    assert client.get(reverse("access:who_has_seen_person", args=[ava.pk])).status_code == 404
    signed_in(client, mo)
    family_html = client.get(reverse("cases:family", args=[smith_case.family_id])).content.decode()
    assert reverse("access:who_has_seen_family", args=[smith_case.family_id]) in family_html
    html = client.get(reverse("access:who_has_seen_person", args=[ava.pk])).content.decode()
    assert "Sam Okafor (sam)" in html


def test_audit_search_is_for_information_governance_only(
    client, signed_in, sam, ig_officer, smith_case
):
    signed_in(client, sam)
    client.get(reverse("people:search"), {"q": "Smith"})
    assert client.get(reverse("access:audit_search")).status_code == 404
    signed_in(client, ig_officer)
    response = client.get(reverse("access:audit_search"), {"actor": "sam"})
    assert response.status_code == 200
    assert "Sam Okafor (sam)" in response.content.decode()
    assert AuditEvent.objects.filter(actor=ig_officer.user, verb="searched").exists()


def test_subject_access_draft_flags_third_parties(
    client, signed_in, sam, ig_officer, ava, safe_address, survivor
):
    signed_in(client, sam)
    assert client.get(reverse("access:subject_access", args=[survivor.pk])).status_code == 404
    signed_in(client, ig_officer)
    html = client.get(reverse("access:subject_access", args=[survivor.pk])).content.decode()
    # Their own safe address is theirs to receive; relationships are flagged for review.
    assert safe_address.line_1 in html
    assert "Third party: review" in html
    assert "Parent of Ava Smith" in html


def test_recording_a_sharing_decision(sam_client, sam, smith_case):
    url = reverse("access:record_sharing", args=[smith_case.family_id])
    response = sam_client.post(url, {})
    assert "Select whether you shared or decided not to share" in response.content.decode()
    assert not SharingRecord.objects.exists()
    response = sam_client.post(
        url,
        post_data(
            decision="not_shared",
            what="School attendance",
            recipient="Ms Jones, housing officer",
            purpose="Not necessary for the housing application",
            lawful_basis="public_task",
            decided_on=dt.date(2025, 10, 1),
        ),
    )
    assert response.status_code == 302
    assert SharingRecord.objects.get().created_by == sam.user
    assert AuditEvent.objects.filter(verb="not_shared").exists()
    log = sam_client.get(
        reverse("access:sharing_log", args=[smith_case.family_id])
    ).content.decode()
    assert "Ms Jones, housing officer" in log


def test_consent_basis_needs_a_consent(sam_client, smith_case):
    response = sam_client.post(
        reverse("access:record_sharing", args=[smith_case.family_id]),
        post_data(
            decision="shared",
            what="Plan",
            recipient="GP",
            purpose="Care",
            lawful_basis="consent",
            decided_on=dt.date(2025, 10, 1),
        ),
    )
    assert "Select the consent this sharing relies on" in response.content.decode()


def test_sharing_without_consent_needs_a_reason(sam_client, smith_case):
    url = reverse("access:record_sharing", args=[smith_case.family_id])
    fields = {
        "decision": "shared",
        "what": "Plan",
        "recipient": "GP",
        "purpose": "Care",
        "lawful_basis": "safeguarding",
        "decided_on": dt.date(2025, 10, 1),
    }
    response = sam_client.post(url, post_data(**fields))
    assert "explain why it is shared without consent" in response.content.decode()
    assert not SharingRecord.objects.exists()
    response = sam_client.post(
        url, post_data(**fields, override_reason="Asking would put the child at risk")
    )
    assert response.status_code == 302
    assert SharingRecord.objects.get().override_reason


def test_break_glass_opens_the_family_for_hours_and_managers_review_it(
    client, signed_in, priya, mo, smith_case
):
    family_url = reverse("cases:family", args=[smith_case.family_id])
    signed_in(client, priya)
    assert client.get(family_url).status_code == 404
    response = client.post(
        reverse("access:break_glass"),
        {
            "reference": smith_case.family.reference,
            "reason": "Police call out of hours, child at risk",
        },
    )
    assert response.status_code == 302
    assert client.get(family_url).status_code == 200
    assert AuditEvent.objects.filter(verb="break_glass", actor=priya.user).exists()
    signed_in(client, mo)
    review = client.get(reverse("access:break_glass_review")).content.decode()
    assert "Police call out of hours" in review
    glass = BreakGlass.objects.get()
    client.post(reverse("access:mark_reviewed", args=[glass.pk]))
    glass.refresh_from_db()
    assert glass.reviewed_by == mo.user


def test_break_glass_needs_a_reason(client, signed_in, priya, smith_case):
    signed_in(client, priya)
    response = client.post(
        reverse("access:break_glass"), {"reference": smith_case.family.reference, "reason": "x"}
    )
    assert "Explain why you need emergency access" in response.content.decode()
    assert not BreakGlass.objects.exists()


def _address_post(**overrides):
    data = {
        "kind": "safe",
        "line_1": "3 Quiet Lane",
        "line_2": "",
        "town": "Ely",
        "postcode": "CB7 4AA",
        "from_date_day": "1",
        "from_date_month": "6",
        "from_date_year": "2025",
    }
    data.update(overrides)
    return data


def test_an_address_that_could_reach_the_perpetrators_workers_needs_confirming(
    sam_client, survivor, perpetrator, perp_worker
):
    from familyworkbook.access.models import PerpetratorLink
    from familyworkbook.people.models import Address

    PerpetratorLink.objects.create(perpetrator=perpetrator, survivor=survivor)
    url = reverse("people:add_address", args=[survivor.pk])
    response = sam_client.post(url, _address_post())
    html = response.content.decode()
    assert "could see this address" in html and "govuk-warning-text" in html
    assert not Address.objects.filter(person=survivor).exists()
    # Marked protected: nobody linked to the perpetrator holds a grant, so no warning.
    response = sam_client.post(url, _address_post(protected="on"))
    assert response.status_code == 302
    assert Address.objects.get(person=survivor).protected
    # Unprotected, confirmed: saved.
    response = sam_client.post(
        url, _address_post(kind="correspondence", line_1="PO Box 1", confirm_exposure="1")
    )
    assert response.status_code == 302
    assert Address.objects.filter(person=survivor).count() == 2


def test_no_warning_without_an_alleged_perpetrator(sam_client, survivor):
    response = sam_client.post(reverse("people:add_address", args=[survivor.pk]), _address_post())
    assert response.status_code == 302


def test_grants_are_managed_in_the_admin_by_whole_council_administrators_only(
    client, signed_in, ada, survivor, sam
):
    from django.contrib.auth.models import Permission

    from familyworkbook.access.models import AccessGrant

    AccessGrant.objects.create(user=sam.user, person=survivor, kind="protected", reason="Plan")
    url = reverse("admin:access_accessgrant_changelist")
    signed_in(client, ada)
    assert client.get(url).context["cl"].result_count == 0
    ada.user.user_permissions.add(Permission.objects.get(codename="view_all_records"))
    signed_in(client, ada)
    assert client.get(url).context["cl"].result_count == 1
