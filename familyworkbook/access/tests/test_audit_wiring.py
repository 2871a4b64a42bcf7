"""Every read of a person or family, every search, every change and every refusal is audited."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from familyworkbook.audit.models import AuditEvent
from familyworkbook.cases.tests.conftest import post_data
from familyworkbook.people import services as people_services
from familyworkbook.people.models import Address


def events(verb, **filters):
    return AuditEvent.objects.filter(verb=verb, **filters)


def test_reading_a_person_or_family_page_is_audited(sam_client, sam, smith_case, ava):
    sam_client.get(reverse("cases:person", args=[ava.pk]))
    sam_client.get(reverse("cases:family", args=[smith_case.family_id]))
    assert (
        events("viewed", actor=sam.user, target_type="people.person", target_id=str(ava.pk)).count()
        == 1
    )
    assert (
        events("viewed", target_type="people.family", target_id=str(smith_case.family_id)).count()
        == 1
    )


def test_a_refused_read_is_audited_and_looks_like_not_found(client, signed_in, priya, ava):
    signed_in(client, priya)
    refused = client.get(reverse("cases:person", args=[ava.pk]))
    missing = client.get(reverse("cases:person", args=[999999]))
    assert refused.status_code == missing.status_code == 404
    assert refused.content == missing.content
    assert events("access_denied", actor=priya.user, target_id=str(ava.pk)).count() == 1
    assert not events("access_denied", target_id="999999").exists()


def test_every_search_is_audited_with_its_text(sam_client, sam, smith_case):
    sam_client.get(reverse("people:search"), {"q": "Smith"})
    event = events("searched", actor=sam.user).get()
    assert event.data == {"query": "Smith"}


def test_a_change_records_old_and_new_values(sam_client, sam, smith_case, ava):
    episode = ava.cin_episodes.get()
    response = sam_client.post(
        reverse("cases:record_cin_plan", args=[episode.pk]),
        post_data(started_on=dt.date(2025, 9, 20)),
    )
    assert response.status_code == 302
    created = events("created", target_type="cases.cinplan").get()
    assert created.data["changes"]["started_on"] == [None, "2025-09-20"]


def test_a_protected_address_is_audited_without_its_values(sam, ava):
    address = people_services.add_address(
        ava,
        by=sam.user,
        kind="safe",
        line_1="1 Hidden Way",
        line_2="",
        town="Ely",
        postcode="CB7 4AA",
        from_date=dt.date(2025, 1, 1),
        protected=True,
    )
    people_services.end_address(address, by=sam.user, on=dt.date(2025, 2, 1))
    trail = [e.data for e in AuditEvent.objects.filter(target_type="people.address")]
    assert len(trail) == 2
    assert "Hidden Way" not in str(trail) and "CB7 4AA" not in str(trail)
    assert trail[0]["changes"]["line_1"] == ["[protected]", "[protected]"]
    assert Address.objects.get().line_1 == "1 Hidden Way"


def test_editing_a_person_records_what_changed(sam_client, sam, smith_case, ava):
    from familyworkbook.people.tests.conftest import valid_person_data

    sam_client.post(
        reverse("people:edit_person", args=[ava.pk]),
        valid_person_data(
            first_name="Ava",
            last_name="Smith-Jones",
            date_of_birth_day="17",
            date_of_birth_month="5",
            date_of_birth_year="2016",
            version="1",
        ),
    )
    event = events("changed", target_type="people.person").get()
    assert event.data["changes"]["last_name"] == ["Smith", "Smith-Jones"]
