from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from familyworkbook.access import policy
from familyworkbook.access.models import BreakGlass, GrantKind, RecordRestriction, SharingAgreement
from familyworkbook.access.tests.conftest import grant
from familyworkbook.cases.models import Allocation, Case
from familyworkbook.demo import builders
from familyworkbook.people.models import Address, Family, Person
from familyworkbook.teams.models import Organisation, OrganisationKind, Post, Role


def sees_family(worker, family) -> bool:
    policy.forget(worker.user)
    return Family.objects.visible_to(worker.user).filter(pk=family.pk).exists()


def test_team_members_see_their_teams_families(sam, mo, smith_case):
    assert sees_family(sam, smith_case.family)
    assert sees_family(mo, smith_case.family)


def test_a_worker_in_another_team_does_not(priya, smith_case):
    assert not sees_family(priya, smith_case.family)
    assert not Person.objects.visible_to(priya.user).exists()
    assert not Case.objects.visible_to(priya.user).exists()


def test_personal_allocation_gives_scope_outside_the_team(priya, smith_case):
    Allocation.objects.create(
        case=smith_case, worker=priya, role=priya.role, started_on=dt.date(2025, 9, 3)
    )
    assert sees_family(priya, smith_case.family)
    Allocation.objects.filter(worker=priya).update(ended_on=dt.date(2025, 10, 1))
    assert not sees_family(priya, smith_case.family)


def test_leaving_the_team_takes_effect_on_the_next_query(sam, smith_case):
    assert sees_family(sam, smith_case.family)
    Allocation.objects.filter(worker=sam).update(ended_on=dt.date(2025, 10, 1))
    Post.objects.filter(holder=sam).update(disestablished_on=dt.date(2025, 10, 1))
    assert not sees_family(sam, smith_case.family)


def test_service_manager_sees_their_service(smith_case, north):
    manager = builders.worker("sid", role=Role.SERVICE_MANAGER, teams=[builders.team("Other")])
    assert sees_family(manager, smith_case.family)  # same service, "Children's Social Care"
    worker = builders.worker("wen", role=Role.SOCIAL_WORKER, teams=[builders.team("Other 2")])
    assert not sees_family(worker, smith_case.family)


def test_whole_council_is_a_permission_not_superuser(smith_case, council_reader, ada):
    assert sees_family(council_reader, smith_case.family)
    assert not sees_family(ada, smith_case.family)


def test_break_glass_gives_time_limited_access(priya, smith_case):
    glass = BreakGlass.objects.create(
        user=priya.user,
        family=smith_case.family,
        reason="Out of hours: police at the door",
        expires_at=timezone.now() + dt.timedelta(hours=4),
    )
    assert sees_family(priya, smith_case.family)
    BreakGlass.objects.filter(pk=glass.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert not sees_family(priya, smith_case.family)


def test_a_restricted_person_is_hidden_without_a_record_grant(sam, ava):
    RecordRestriction.objects.create(person=ava, reason="High-profile")
    assert not Person.objects.visible_to(sam.user).filter(pk=ava.pk).exists()
    assert policy.restricted_matches(sam.user, "Ava") == ["Ava Smith"]
    grant(sam, ava, kind=GrantKind.RECORD)
    assert Person.objects.visible_to(sam.user).filter(pk=ava.pk).exists()
    assert policy.restricted_matches(sam.user, "Ava") == []


def test_protected_address_needs_a_grant_and_never_reaches_a_perpetrator_worker(
    sam, perp_worker, safe_address, survivor
):
    visible = Address.objects.visible_to
    assert not visible(sam.user).filter(pk=safe_address.pk).exists()
    grant(sam, survivor)
    policy.forget(sam.user)
    assert visible(sam.user).filter(pk=safe_address.pk).exists()
    grant(perp_worker, survivor)
    assert not visible(perp_worker.user).filter(pk=safe_address.pk).exists()


def test_revoked_and_expired_grants_give_nothing(sam, safe_address, survivor):
    g = grant(sam, survivor)
    g.revoked_at = timezone.now()
    g.save()
    assert not Address.objects.visible_to(sam.user).filter(pk=safe_address.pk).exists()


def test_partner_workers_need_an_agreement(smith_case, north):
    trust = Organisation.objects.create(name="NHS Trust", kind=OrganisationKind.NHS_TRUST)
    nurse = builders.worker(
        "nia", role=Role.MENTAL_HEALTH_PRACTITIONER, teams=[north], organisation=trust
    )
    assert not sees_family(nurse, smith_case.family)
    SharingAgreement.objects.create(
        name="Trust agreement",
        organisation=trust,
        categories=["family_record"],
        starts_on=dt.date(2024, 1, 1),
    )
    assert sees_family(nurse, smith_case.family)
    assert not policy.may_see_category(nurse.user, "health_detail")


def test_address_exposure_names_workers_linked_to_the_perpetrator(
    sam, perp_worker, safe_address, survivor
):
    # Unprotected: Sam (allocated to the perpetrator's family's case) could see it.
    exposed = policy.address_exposure(survivor, protected=False)
    assert sam.user in exposed
    assert perp_worker.user in exposed
    # Protected, no grants: nobody linked could see it.
    assert policy.address_exposure(survivor, protected=True) == []
    grant(perp_worker, survivor)
    assert policy.address_exposure(survivor, protected=True) == []
    grant(sam, survivor)
    assert policy.address_exposure(survivor, protected=True) == [sam.user]


@pytest.mark.parametrize("role", [r for r in Role.values])
def test_no_role_sees_the_safe_address_without_a_grant(role, north, safe_address):
    worker = builders.worker(f"u_{role}", role=role, teams=[north])
    assert not Address.objects.visible_to(worker.user).filter(pk=safe_address.pk).exists()


def test_protection_fails_closed_without_any_rule_rows(sam, safe_address):
    """A flushed or emptied rules table must not expose protected addresses."""
    from familyworkbook.access.models import ProtectionRule

    ProtectionRule.objects.all().update(archived_at=timezone.now())
    assert not Address.objects.visible_to(sam.user).filter(pk=safe_address.pk).exists()
    assert policy.redacted_fields(safe_address) == ["line_1", "line_2", "town", "postcode"]
