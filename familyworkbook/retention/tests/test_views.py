"""The retention pages: IG staff only (404 for anyone else), two people to destroy, and
after destruction the family's pages 404 and search does not find it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from familyworkbook.audit.models import AuditEvent
from familyworkbook.people.models import Family
from familyworkbook.retention.models import (
    DestructionProposal,
    LegalHold,
    ProposalStatus,
    RecordType,
    RetentionRule,
)

PAGES = [
    "retention:review",
    "retention:rules",
    "retention:holds",
    "retention:hold_add",
    "retention:destroyed",
]


@pytest.fixture
def ines_client(ines, signed_in):
    return signed_in(Client(), ines)


@pytest.fixture
def olu_client(olu, signed_in):
    return signed_in(Client(), olu)


@pytest.mark.parametrize("name", PAGES)
def test_ig_officer_opens_every_retention_page(name, ines_client, old_family):
    assert ines_client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_social_worker_and_system_admin_get_404(name, sam_client, ada, signed_in, old_family):
    assert sam_client.get(reverse(name)).status_code == 404
    assert signed_in(Client(), ada).get(reverse(name)).status_code == 404


def test_review_lists_the_expired_record_by_id_and_reference_not_name(ines_client, old_family):
    ines_client.post(reverse("retention:review_run"))
    page = ines_client.get(reverse("retention:review")).content.decode()
    assert old_family.reference in page
    assert reverse("retention:propose", args=[old_family.pk]) in page
    assert "Archer" not in page
    event = AuditEvent.objects.filter(verb="viewed", target_label="Retention review").get()
    assert event.data == {"expired": 1, "held": 0, "due": 0}


def test_held_record_is_not_listed(ines_client, old_family, ines):
    response = ines_client.post(
        reverse("retention:hold_add"),
        {"family_reference": old_family.reference.lower(), "reason": "Civil claim"},
    )
    assert response.status_code == 302
    assert LegalHold.objects.in_force().filter(family=old_family).exists()
    ines_client.post(reverse("retention:review_run"))
    page = ines_client.get(reverse("retention:review")).content.decode()
    assert reverse("retention:propose", args=[old_family.pk]) not in page
    assert ines_client.get(reverse("retention:propose", args=[old_family.pk])).status_code == 404


def test_hold_form_needs_exactly_one_record(ines_client, old_family):
    response = ines_client.post(reverse("retention:hold_add"), {"reason": "Claim"})
    assert "Enter a family reference or a person record number" in response.content.decode()
    response = ines_client.post(
        reverse("retention:hold_add"), {"family_reference": "NOPE1", "reason": "Claim"}
    )
    assert "No family has this reference" in response.content.decode()
    assert not LegalHold.objects.exists()


def test_two_people_destroy_and_the_family_pages_404_afterwards(
    ines_client, olu_client, sam_client, old_family
):
    family_url = reverse("cases:family", args=[old_family.pk])
    person = old_family.members.first()
    person_url = reverse("cases:person", args=[person.pk])
    assert sam_client.get(family_url).status_code == 200
    search = sam_client.get(reverse("people:search"), {"q": "Archer"}).content.decode()
    assert old_family.reference in search

    response = ines_client.post(
        reverse("retention:propose", args=[old_family.pk]), {"note": "No open claim"}
    )
    proposal = DestructionProposal.objects.get(family_pk=old_family.pk)
    assert response.status_code == 302
    # The proposer sees no approve button, and a posted approval is refused.
    own = ines_client.get(reverse("retention:proposal", args=[proposal.pk])).content.decode()
    assert "Approve and destroy" not in own
    refused = ines_client.post(
        reverse("retention:proposal", args=[proposal.pk]),
        {"confirm": "on", "version": proposal.version},
    )
    assert "a different person must approve it" in refused.content.decode()
    assert Family.objects.filter(pk=old_family.pk).exists()

    done = olu_client.post(
        reverse("retention:proposal", args=[proposal.pk]),
        {"confirm": "on", "version": proposal.version},
    )
    assert done.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED
    assert sam_client.get(family_url).status_code == 404
    assert sam_client.get(person_url).status_code == 404
    search = sam_client.get(reverse("people:search"), {"q": "Archer"}).content.decode()
    assert old_family.reference not in search
    log = olu_client.get(reverse("retention:destroyed")).content.decode()
    assert f"Family record {old_family.pk}" in log


def test_approval_needs_the_confirmation(ines_client, olu_client, old_family):
    ines_client.post(reverse("retention:propose", args=[old_family.pk]), {"note": "Checked"})
    proposal = DestructionProposal.objects.get()
    response = olu_client.post(
        reverse("retention:proposal", args=[proposal.pk]), {"version": proposal.version}
    )
    assert "Confirm that you have checked" in response.content.decode()
    assert Family.objects.filter(pk=old_family.pk).exists()


def test_cancelled_proposal_can_no_longer_be_approved(ines_client, olu_client, old_family):
    ines_client.post(reverse("retention:propose", args=[old_family.pk]), {"note": "Checked"})
    proposal = DestructionProposal.objects.get()
    olu_client.post(
        reverse("retention:proposal_cancel", args=[proposal.pk]),
        {"reason": "Complaint received", "version": proposal.version},
    )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.CANCELLED
    response = olu_client.post(
        reverse("retention:proposal", args=[proposal.pk]),
        {"confirm": "on", "version": proposal.version},
    )
    assert "already been decided" in response.content.decode()
    assert Family.objects.filter(pk=old_family.pk).exists()


def test_rule_edit_is_audited_and_stale_edits_are_refused(ines_client, olu_client, db):
    rule = RetentionRule.objects.current().get(record_type=RecordType.CHILD_PROTECTION)
    url = reverse("retention:rule_edit", args=[rule.pk])
    data = {
        "trigger": "last_contact",
        "years": "40",
        "legal_source": "Local schedule, 2026",
        "version": rule.version,
    }
    assert ines_client.post(url, data).status_code == 302
    rule.refresh_from_db()
    assert rule.years == 40 and rule.version == 2
    assert AuditEvent.objects.for_target(rule).filter(verb="changed").exists()
    stale = olu_client.post(url, {**data, "years": "50"})
    assert "Someone else changed this" in stale.content.decode()
    rule.refresh_from_db()
    assert rule.years == 40


def test_rule_edit_refuses_bad_input_and_changes_nothing(ines_client, db):
    rule = RetentionRule.objects.current().get(record_type=RecordType.ADOPTED)
    url = reverse("retention:rule_edit", args=[rule.pk])
    response = ines_client.post(
        url, {"trigger": "date_of_death", "years": "0", "legal_source": "", "version": rule.version}
    )
    text = response.content.decode()
    assert "Years kept must be between 1 and 150" in text
    assert "Enter the legal source for this rule" in text
    assert "Select a date this kind of record can be kept from" in text
    rule.refresh_from_db()
    assert rule.years == 100 and rule.version == 1
