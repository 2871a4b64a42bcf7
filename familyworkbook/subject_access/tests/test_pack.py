"""R18: the pack for Alex is complete, holds no third-party data without a decision, and never
Jo's safe address; release is refused while flagged items are undecided, then frozen."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import ValidationError
from freezegun import freeze_time

from familyworkbook.access.models import LawfulBasis, SharingRecord
from familyworkbook.audit.models import AuditEvent
from familyworkbook.subject_access import selectors, services
from familyworkbook.subject_access.models import Decision, PackItem, Status
from familyworkbook.subject_access.tests.conftest import SAFE_LINE, SAFE_POSTCODE, SAFE_TOWN

SAFE = [SAFE_LINE, SAFE_POSTCODE, SAFE_POSTCODE.replace(" ", ""), SAFE_TOWN]

# Sections that cannot hold anything about an adult (a child's statutory records).
CHILD_ONLY_SECTIONS = {"Statutory episodes, assessments and plans", "Visits"}


@pytest.fixture
def sar(ward, ig_officer):
    with freeze_time("2025-10-06"):
        return services.open_request(
            subject=ward.alex,
            requester_kind="subject",
            requester_name="Alex Ward",
            received_on=dt.date(2025, 10, 1),
            identity_verified_on=dt.date(2025, 10, 3),
            by=ig_officer.user,
        )


def keys(items) -> set[str]:
    return {i.key for i in items}


def test_the_pack_holds_every_kind_of_record_about_the_subject(ward):
    items = selectors.collect(ward.alex)
    sections = {i.section for i in items}
    assert set(selectors.SECTIONS) - CHILD_ONLY_SECTIONS <= sections
    for record in [
        ward.alex,
        ward.home,
        ward.gp,
        ward.own,
        ward.about_jo,
        ward.family_entry,
        ward.goal,
        ward.risk,
        ward.stage,
        ward.meeting,
        ward.document,
        ward.measure,
        ward.sharing,
        ward.consent,
        ward.case,
        ward.intervention,
    ]:
        assert selectors._key(record) in keys(items), record
    # The goal's action and rating travel with it.
    goal = next(i for i in items if i.key == selectors._key(ward.goal))
    assert "Attend the alcohol service" in goal.text and "Rating:" in goal.text


def test_the_childs_pack_holds_her_statutory_records(ward):
    sections = {i.section for i in selectors.collect(ward.ava)}
    assert sections >= CHILD_ONLY_SECTIONS


def test_third_party_items_are_flagged_and_own_items_are_not(ward):
    items = {i.key: i for i in selectors.collect(ward.alex)}
    assert not items[selectors._key(ward.own)].third_party
    assert items[selectors._key(ward.about_jo)].third_party
    assert items[selectors._key(ward.family_entry)].third_party  # about the whole family
    assert "names Ava" in items[selectors._key(ward.family_entry)].note
    assert items[selectors._key(ward.meeting)].third_party
    assert not items[selectors._key(ward.measure)].third_party
    relationships = [i for i in items.values() if i.section == "Relationships"]
    assert relationships and all(i.third_party for i in relationships)


def test_another_persons_safe_address_is_never_in_the_pack_even_in_free_text(ward):
    items = selectors.collect(ward.alex)
    text = "\n".join(i.heading + "\n" + i.text for i in items)
    assert "Alex asked where Jo lives" in text
    for value in SAFE:
        assert value not in text, value
    assert selectors._key(ward.safe) not in keys(items)


def test_the_subjects_own_safe_address_is_theirs(ward):
    items = selectors.collect(ward.jo)
    assert any(SAFE_LINE in i.heading + i.text for i in items)


def test_building_flags_third_party_items_for_a_decision(sar, ig_officer):
    counts = services.build_pack(sar, by=ig_officer.user)
    items = PackItem.objects.filter(request=sar)
    assert counts["items"] == items.count() > 15
    assert all(i.decision == Decision.PENDING for i in items if i.third_party)
    assert all(i.decision == Decision.RELEASE for i in items if not i.third_party)
    sar.refresh_from_db()
    assert sar.status == Status.IN_PROGRESS


def test_release_is_refused_while_flagged_items_are_undecided(sar, ig_officer):
    services.build_pack(sar, by=ig_officer.user)
    with pytest.raises(ValidationError, match="flagged items have no decision"):
        services.release_pack(sar, by=ig_officer.user)
    sar.refresh_from_db()
    assert sar.status == Status.IN_PROGRESS and not sar.pack_html
    assert not SharingRecord.objects.filter(purpose=services.RELEASE_PURPOSE).exists()


def decide_all(sar, by, *, about_jo_key):
    for item in PackItem.objects.filter(request=sar, decision=Decision.PENDING):
        if item.key == about_jo_key:
            services.decide_item(
                item,
                by=by,
                decision=Decision.REDACT,
                redacted_text="Alex asked where Jo lives. [redacted]",
                reason="Jo's whereabouts are her own information",
                exemption="third_party",
                expected_version=item.version,
            )
        elif item.section == "Meetings":
            services.decide_item(
                item,
                by=by,
                decision=Decision.WITHHOLD,
                exemption="serious_harm",
                reason="Releasing Jo's worries to Alex would be likely to cause serious harm to "
                "Jo's physical and mental health: he has threatened her before.",
                expected_version=item.version,
            )
        else:
            services.decide_item(
                item, by=by, decision=Decision.RELEASE, expected_version=item.version
            )


def test_released_pack_holds_only_approved_third_party_data_and_is_frozen(sar, ig_officer, ward):
    services.build_pack(sar, by=ig_officer.user)
    decide_all(sar, ig_officer.user, about_jo_key=selectors._key(ward.about_jo))
    with freeze_time("2025-10-20 12:00"):
        services.release_pack(sar, by=ig_officer.user)
    sar.refresh_from_db()
    assert sar.status == Status.RELEASED
    assert sar.pack_sha256 == hashlib.sha256(sar.pack_html.encode()).hexdigest()
    html = sar.pack_html
    # Released: their own entry; redacted text in place of the original; withheld: absent.
    assert "Alex talked about his drinking." in html
    assert "Alex asked where Jo lives. [redacted]" in html
    assert "Jo is now at" not in html
    assert "Jo is frightened of Alex" not in html
    for value in SAFE:
        assert value not in html
    # No third-party item's text is in the pack unless a reviewer decided to release it.
    for item in PackItem.objects.filter(request=sar, third_party=True):
        assert item.decided_by_id == ig_officer.user.pk
        if item.decision in (Decision.WITHHOLD, Decision.REDACT):
            assert item.text not in html
    record = sar.sharing_record
    assert record.person_id == ward.alex.pk and record.family_id == ward.family.pk
    assert record.lawful_basis == LawfulBasis.LEGAL_OBLIGATION
    assert record.purpose == services.RELEASE_PURPOSE
    assert AuditEvent.objects.filter(
        verb="shared", target_id=str(sar.pk), data__sha256=sar.pack_sha256
    ).exists()
    # Frozen: a released request is changed no more.
    with pytest.raises(ValidationError):
        services.build_pack(sar, by=ig_officer.user)


def test_serious_harm_needs_a_recorded_rationale(sar, ig_officer):
    services.build_pack(sar, by=ig_officer.user)
    item = PackItem.objects.filter(request=sar, third_party=True).first()
    with pytest.raises(ValidationError) as exc:
        services.decide_item(
            item,
            by=ig_officer.user,
            decision=Decision.WITHHOLD,
            exemption="serious_harm",
            reason="Harm",
            expected_version=item.version,
        )
    assert "reason" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        services.decide_item(
            item, by=ig_officer.user, decision=Decision.WITHHOLD, expected_version=item.version
        )
    assert {"reason", "exemption"} <= set(exc.value.error_dict)
    item.refresh_from_db()
    assert item.decision == Decision.PENDING and item.decided_by is None


def test_a_stale_decision_is_refused(sar, ig_officer):
    services.build_pack(sar, by=ig_officer.user)
    item = PackItem.objects.filter(request=sar, third_party=True).first()
    old = item.version
    services.decide_item(item, by=ig_officer.user, decision="release", expected_version=old)
    with pytest.raises(ValidationError, match="Someone else decided"):
        services.decide_item(
            item,
            by=ig_officer.user,
            decision="withhold",
            exemption="crime",
            reason="x",
            expected_version=old,
        )
    item.refresh_from_db()
    assert item.decision == Decision.RELEASE


def test_a_rebuild_keeps_decisions_unless_the_text_changed(sar, ig_officer, ward):
    services.build_pack(sar, by=ig_officer.user)
    decide_all(sar, ig_officer.user, about_jo_key=selectors._key(ward.about_jo))
    ward.family_entry.what_happened = "Changed: Ava's school called Jo."
    ward.family_entry.save()
    counts = services.build_pack(sar, by=ig_officer.user)
    assert counts["changed"] == 1
    changed = PackItem.objects.get(request=sar, key=selectors._key(ward.family_entry))
    assert changed.decision == Decision.PENDING and "Changed" in changed.text
    kept = PackItem.objects.get(request=sar, key=selectors._key(ward.about_jo))
    assert kept.decision == Decision.REDACT


@freeze_time("2025-10-06")
def test_deadline_runs_from_identity_verification_and_extends_by_two_months(ward, ig_officer):
    sar = services.open_request(
        subject=ward.alex,
        requester_kind="solicitor",
        requester_name="Ms Reed, Reed & Co",
        received_on=dt.date(2025, 10, 1),
        by=ig_officer.user,
    )
    assert sar.due_on is None  # the clock has not started
    services.update_request(
        sar,
        by=ig_officer.user,
        expected_version=sar.version,
        identity_verified_on=dt.date(2025, 10, 3),
    )
    assert sar.due_on == dt.date(2025, 11, 3)
    with pytest.raises(ValidationError) as exc:
        services.update_request(
            sar, by=ig_officer.user, expected_version=sar.version, is_complex=True
        )
    assert {"complex_reason", "extension_told_on"} <= set(exc.value.error_dict)
    sar.refresh_from_db()
    assert sar.due_on == dt.date(2025, 11, 3) and not sar.is_complex
    services.update_request(
        sar,
        by=ig_officer.user,
        expected_version=sar.version,
        is_complex=True,
        complex_reason="Ten years of records across three teams",
        extension_told_on=dt.date(2025, 10, 6),
    )
    sar.refresh_from_db()
    assert sar.due_on == dt.date(2026, 1, 5)  # 3 Jan 2026 is a Saturday
    assert AuditEvent.objects.filter(verb="changed", target_id=str(sar.pk)).count() == 2


@freeze_time("2026-01-10")
def test_month_end_deadline(ward, ig_officer):
    sar = services.open_request(
        subject=ward.alex,
        requester_kind="subject",
        requester_name="Alex Ward",
        received_on=dt.date(2025, 12, 29),
        identity_verified_on=dt.date(2025, 12, 31),
        by=ig_officer.user,
    )
    assert sar.due_on == dt.date(2026, 2, 2)  # 31 Jan 2026 is a Saturday


@freeze_time("2026-01-31")
def test_identity_cannot_be_verified_before_the_request_arrived(ward, ig_officer):
    with pytest.raises(ValidationError) as exc:
        services.open_request(
            subject=ward.alex,
            requester_kind="subject",
            requester_name="Alex Ward",
            received_on=dt.date(2026, 1, 20),
            identity_verified_on=dt.date(2026, 1, 19),
            by=ig_officer.user,
        )
    assert "identity_verified_on" in exc.value.error_dict
