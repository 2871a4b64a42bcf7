"""R17 destruction: two people, one transaction, every row of the family gone, nobody else's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection

from familyworkbook.audit.models import AuditEvent
from familyworkbook.audit.verbs import Verb
from familyworkbook.cases.models import Case, CinEpisode, CpPlan, LookedAfterEpisode, Visit
from familyworkbook.core.models import StaleEditError
from familyworkbook.demo import builders
from familyworkbook.demo.seeding import seed_county
from familyworkbook.people.models import Family, FamilyMembership, Person
from familyworkbook.retention import destruction, engine, services
from familyworkbook.retention.models import DestructionRecord, ProposalStatus
from familyworkbook.retention.tests.conftest import close_cases, ig_officer

FAR_FUTURE = dt.date(2200, 1, 1)  # every rule has run out by then


def every_row() -> dict[str, set]:
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        rows[model._meta.label_lower] = set(
            model._base_manager.order_by().values_list("pk", flat=True)
        )
    return rows


def propose_and_approve(family, proposer, approver, *, today=FAR_FUTURE):
    proposal = services.propose_destruction(
        family=family, by=proposer.user, note="No claim, complaint or request open", today=today
    )
    return services.approve_destruction(
        proposal, by=approver.user, expected_version=proposal.version, today=today
    )


def test_destruction_removes_every_row_of_the_family_and_nothing_else(db, ines, olu):
    seed_county(families=12, seed=2026, anchor=dt.date(2026, 11, 1))
    # The family with the most rows, its cases closed so that its retention can end.
    families = list(Family.objects.all())
    target = max(families, key=lambda f: sum(destruction.rows_of(f.pk).values()))
    close_cases(target, dt.date(2026, 10, 31))
    Case.objects.filter(family=target, opened_on__gt=dt.date(2026, 10, 31)).update(
        opened_on=dt.date(2026, 10, 1)
    )
    plan = destruction.plan(target.pk)
    expected = {m._meta.label_lower: pks for m, pks in plan.delete.items() if pks}
    tables_touched = set(expected)
    assert {"people.family", "people.person", "cases.case"} <= tables_touched
    assert any(t.startswith("workbook.") for t in tables_touched), tables_touched
    people = set(plan.delete[Person])
    before = every_row()

    record = propose_and_approve(target, ines, olu)

    after = every_row()
    removed = {
        label: before[label] - after[label] for label in before if before[label] - after[label]
    }
    assert removed == expected, "exactly the planned rows went"
    assert record.counts == {label: len(pks) for label, pks in expected.items()}
    assert sum(len(p) for p in removed.values()) == record.rows
    # Nothing that points at a destroyed row is left behind (foreign keys are deferred).
    connection.check_constraints()
    assert not Family.objects.filter(pk=target.pk).exists()
    assert not Person.objects.filter(pk__in=people).exists()
    assert Family.objects.count() == len(families) - 1
    # Every other family keeps all its rows.
    for other in families:
        if other.pk != target.pk:
            assert FamilyMembership.objects.filter(family=other).exists()


def test_a_person_in_another_family_stays_with_that_family(old_family, north, ines, olu):
    other = builders.family("Baker", children=0, adults=0)
    shared = old_family.members.filter(kind="adult").first()
    FamilyMembership.objects.create(family=other, person=shared, kind="network")
    record = propose_and_approve(old_family, ines, olu)
    assert Person.objects.filter(pk=shared.pk).exists()
    assert FamilyMembership.objects.filter(family=other, person=shared).exists()
    assert not FamilyMembership.objects.filter(family_id=record.record_pk).exists()
    connection.check_constraints()


def test_relationships_to_people_outside_the_family_go_with_the_person(old_family, ines, olu):
    outsider = builders.family("Clark", children=0, adults=1)
    stranger = outsider.members.get()
    child = old_family.members.filter(kind="child").first()
    builders.link(stranger, child, "aunt_uncle")
    propose_and_approve(old_family, ines, olu)
    assert Person.objects.filter(pk=stranger.pk).exists()
    assert not stranger.relationships.exists()
    connection.check_constraints()


def test_the_destruction_record_and_audit_event_hold_ids_not_names(old_family, ines, olu):
    family_id = old_family.pk
    record = propose_and_approve(old_family, ines, olu)
    assert record.record_type == "people.family" and record.record_pk == family_id
    assert record.proposed_by == ines.user and record.approved_by == olu.user
    assert record.rule_record_type == "child_in_need" and record.expired_on == dt.date(2012, 5, 16)
    assert "Archer" not in repr(record.counts) + record.rule_legal_source
    event = AuditEvent.objects.events_for("people.family", family_id).first()
    assert event.verb == Verb.APPROVED and event.actor == olu.user
    assert event.data["destroyed"] is True and event.data["destruction_record"] == record.pk
    assert "Archer" not in event.target_label
    assert record.proposal.status == ProposalStatus.APPROVED and record.proposal.family is None


def test_the_proposer_cannot_approve(old_family, ines):
    proposal = services.propose_destruction(family=old_family, by=ines.user, note="Checked")
    with pytest.raises(ValidationError, match="different person"):
        services.approve_destruction(proposal, by=ines.user, expected_version=proposal.version)
    assert Family.objects.filter(pk=old_family.pk).exists()


def test_a_second_approval_is_refused(old_family, ines, olu):
    proposal = services.propose_destruction(family=old_family, by=ines.user, note="Checked")
    version = proposal.version
    services.approve_destruction(proposal, by=olu.user, expected_version=version)
    third = ig_officer("tariq")
    with pytest.raises(StaleEditError):
        services.approve_destruction(proposal, by=third.user, expected_version=version)
    proposal.refresh_from_db()
    with pytest.raises(ValidationError, match="already been decided"):
        services.approve_destruction(proposal, by=third.user, expected_version=proposal.version)
    assert DestructionRecord.objects.count() == 1


def test_a_stale_approval_is_refused_and_destroys_nothing(old_family, ines, olu):
    proposal = services.propose_destruction(family=old_family, by=ines.user, note="Checked")
    with pytest.raises(StaleEditError):
        services.approve_destruction(proposal, by=olu.user, expected_version=proposal.version + 1)
    assert Family.objects.filter(pk=old_family.pk).exists()
    assert not DestructionRecord.objects.exists()


def test_a_hold_prevents_a_proposal(old_family, ines):
    services.place_hold(by=ines.user, reason="Inquiry", family=old_family)
    with pytest.raises(ValidationError, match="legal hold"):
        services.propose_destruction(family=old_family, by=ines.user, note="Checked")


def test_a_hold_placed_after_the_proposal_stops_the_approval(old_family, ines, olu):
    proposal = services.propose_destruction(family=old_family, by=ines.user, note="Checked")
    services.place_hold(by=olu.user, reason="Claim", person=old_family.members.first())
    with pytest.raises(ValidationError, match="legal hold"):
        services.approve_destruction(proposal, by=olu.user, expected_version=proposal.version)
    assert Family.objects.filter(pk=old_family.pk).exists()


def test_contact_recorded_after_the_proposal_stops_the_approval(old_family, ines, olu, sam):
    proposal = services.propose_destruction(family=old_family, by=ines.user, note="Checked")
    Case.objects.filter(family=old_family).update(closed_on=None, closure_reason="")
    with pytest.raises(ValidationError, match="has not ended"):
        services.approve_destruction(proposal, by=olu.user, expected_version=proposal.version)


def test_a_record_still_kept_cannot_be_proposed(old_family, ines):
    with pytest.raises(ValidationError, match="has not ended"):
        services.propose_destruction(
            family=old_family, by=ines.user, note="Checked", today=dt.date(2012, 5, 15)
        )


def test_a_second_proposal_for_the_same_record_is_refused(old_family, ines, olu):
    services.propose_destruction(family=old_family, by=ines.user, note="Checked")
    with pytest.raises(ValidationError, match="already been proposed"):
        services.propose_destruction(family=old_family, by=olu.user, note="Checked too")


def test_a_rich_record_goes_whole(smith_case, ines, olu, sam):
    """Episodes, plans, a looked-after episode and a visit, through PROTECT keys."""
    ava = smith_case.family.members.filter(kind="child").first()
    episode = CinEpisode.objects.get(child=ava, case=smith_case)
    plan = CpPlan.objects.create(
        episode=episode,
        started_on=dt.date(2025, 9, 10),
        initial_category="NEG",
        latest_category="NEG",
    )
    plan.reviews.create(held_on=dt.date(2025, 12, 1))
    episode.secondary_needs.create(need="DA")
    LookedAfterEpisode.objects.create(
        child=ava,
        started_on=dt.date(2025, 9, 1),
        reason_new_episode="S",
        legal_status="C2",
        need="N1",
        placement_type="U4",
    )
    Visit.objects.create(child=ava, visited_on=dt.date(2025, 9, 5), kind="cin", seen=True, by=sam)
    close_cases(smith_case.family, dt.date(2025, 12, 31))
    record = propose_and_approve(smith_case.family, ines, olu)
    for label in [
        "cases.cpplan",
        "cases.cpreview",
        "cases.episodesecondaryneed",
        "cases.lookedafterepisode",
        "cases.visit",
        "cases.allocation",
        "people.relationship",
    ]:
        assert record.counts.get(label), label
    connection.check_constraints()
    assert not Case.objects.filter(pk=smith_case.pk).exists()
    assert engine.assess_family(smith_case.family_id, today=FAR_FUTURE) is None


def test_history_events_of_the_family_go_with_it(old_family, ines, olu):
    if connection.vendor != "postgresql":
        pytest.skip("field history is recorded by PostgreSQL triggers; SQLite has none (R14)")
    from familyworkbook.history.models import event_model_for

    people = list(old_family.members.values_list("pk", flat=True))
    Family.objects.filter(pk=old_family.pk).update(name="Renamed family")
    family_events = event_model_for(Family)
    person_events = event_model_for(Person)
    assert family_events.objects.filter(pgh_obj_id=old_family.pk).exists()
    assert person_events.objects.filter(pgh_obj_id__in=people).exists()
    record = propose_and_approve(old_family, ines, olu)
    assert not family_events.objects.filter(pgh_obj_id=old_family.pk).exists()
    assert not person_events.objects.filter(pgh_obj_id__in=people).exists()
    assert record.counts[family_events._meta.label_lower] >= 2
    connection.check_constraints()


def test_an_imported_familys_source_data_goes_with_it(old_family, ines, olu):
    from familyworkbook.importing.models import ImportRun, SourceRecord

    run = ImportRun.objects.create(source="extract")
    kept = SourceRecord.objects.create(
        table="ssd_contacts",
        key="K1",
        digest="d",
        family=old_family,
        data={"cont_contact_source_code": "2A"},
        first_run=run,
        last_run=run,
    )
    team = SourceRecord.objects.create(
        table="ssd_department", key="T1", digest="d", first_run=run, last_run=run
    )
    propose_and_approve(old_family, ines, olu)
    assert not SourceRecord.objects.filter(pk=kept.pk).exists()
    assert SourceRecord.objects.filter(pk=team.pk).exists()  # no family's: stays
