"""R7: a new disclosure of protected details needs a second approver, a step-up code from the
requester, and information governance is told."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from familyworkbook.access import services
from familyworkbook.access.models import AccessGrant, ProtectedAccessRequest
from familyworkbook.access.tests.world import CANARY_LINE, build_world
from familyworkbook.audit.models import AuditEvent
from familyworkbook.demo import builders
from familyworkbook.teams.models import Role


def code_for(user) -> str:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def people(world):
    sally = builders.worker("sally", role=Role.SOCIAL_WORKER, teams=[world.north])
    dana = builders.worker("dana", role=Role.DA_SURVIVOR_WORKER, teams=[world.north])
    tess = builders.worker("tess", role=Role.TEAM_MANAGER, teams=[world.north])
    iggy = builders.worker("iggy", role=Role.PERFORMANCE)
    iggy.user.groups.add(Group.objects.get(name="Information governance"))
    iggy.user.email = "ig@example.org"
    iggy.user.save()
    return sally, dana, tess, iggy


def ask(world, by, grantee, code=None):
    return services.request_protected_access(
        person=world.survivor,
        grantee=grantee,
        reason="Dana is the survivor's safety-plan worker",
        by=by,
        code=code if code is not None else code_for(by),
    )


def test_one_person_alone_cannot_grant_protected_details(world, people):
    sally, dana, tess, iggy = people
    with pytest.raises(ValidationError):
        services.grant_access(
            user=dana.user, person=world.survivor, kind="protected", reason="x" * 20, by=tess.user
        )
    request = ask(world, sally.user, dana.user)
    # Asking creates no grant: the survivor's address is still hidden from Dana.
    assert not AccessGrant.objects.filter(user=dana.user, kind="protected").exists()
    with pytest.raises(ValidationError, match="Someone else"):
        services.decide_protected_access(request, by=sally.user, approve=True)
    with pytest.raises(ValidationError, match="Someone else"):
        services.decide_protected_access(request, by=dana.user, approve=True)
    request.refresh_from_db()
    assert request.status == "pending" and request.grant is None


def test_a_manager_who_asks_cannot_approve_their_own_request(world, people):
    sally, dana, tess, iggy = people
    request = ask(world, tess.user, dana.user)
    with pytest.raises(ValidationError, match="Someone else"):
        services.decide_protected_access(request, by=tess.user, approve=True)
    # The database says so too.
    with pytest.raises(IntegrityError), transaction.atomic():
        ProtectedAccessRequest.objects.filter(pk=request.pk).update(decided_by=tess.user)


def test_an_ordinary_colleague_cannot_approve(world, people):
    sally, dana, tess, iggy = people
    other = builders.worker("other", role=Role.SOCIAL_WORKER, teams=[world.north])
    request = ask(world, sally.user, dana.user)
    with pytest.raises(ValidationError, match="cannot approve"):
        services.decide_protected_access(request, by=other.user, approve=True)


def test_the_requester_must_enter_their_code_again(world, people):
    sally, dana, tess, iggy = people
    with pytest.raises(ValidationError) as refused:
        ask(world, sally.user, dana.user, code="000000")
    assert "code" in refused.value.message_dict
    code = code_for(sally.user)
    ask(world, sally.user, dana.user, code=code)
    with pytest.raises(ValidationError):  # a code is good once
        ask(world, sally.user, dana.user, code=code)
    assert ProtectedAccessRequest.objects.count() == 1


def test_approval_creates_the_grant_and_writes_two_audit_rows(world, people):
    sally, dana, tess, iggy = people
    request = ask(world, sally.user, dana.user)
    assert AuditEvent.objects.filter(
        verb="created", target_type="access.protectedaccessrequest", actor=sally.user
    ).exists()
    before = AuditEvent.objects.count()
    services.decide_protected_access(request, by=iggy.user, approve=True, note="Agreed")
    rows = list(AuditEvent.objects.order_by("sequence")[before:])
    assert [(r.verb, r.target_type) for r in rows] == [
        ("created", "access.accessgrant"),
        ("approved", "access.protectedaccessrequest"),
    ]
    assert all(r.actor_id == iggy.user.pk for r in rows)
    assert CANARY_LINE not in str([(r.target_label, r.data) for r in rows])
    grant = AccessGrant.objects.get(user=dana.user, kind="protected")
    assert grant.person == world.survivor and grant.created_by == iggy.user
    from familyworkbook.people.models import Address

    assert Address.objects.visible_to(dana.user).filter(pk=world.safe_address.pk).exists()


def test_a_refusal_creates_no_grant(world, people):
    sally, dana, tess, iggy = people
    request = ask(world, sally.user, dana.user)
    services.decide_protected_access(request, by=tess.user, approve=False)
    assert not AccessGrant.objects.filter(user=dana.user, kind="protected").exists()
    with pytest.raises(ValidationError, match="already been decided"):
        services.decide_protected_access(request, by=iggy.user, approve=True)


def test_a_perpetrator_worker_is_never_the_grantee(world, people):
    sally, *_ = people
    pat = builders.worker("pat", role=Role.DA_PERPETRATOR_WORKER, teams=[world.north])
    with pytest.raises(ValidationError) as refused:
        ask(world, sally.user, pat.user)
    assert "grantee" in refused.value.message_dict


def test_information_governance_is_alerted_by_email_and_on_their_page(world, people, signed_in):
    sally, dana, tess, iggy = people
    request = ask(world, sally.user, dana.user)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ig@example.org"]
    assert CANARY_LINE not in mail.outbox[0].body and "Jo" not in mail.outbox[0].body
    page = signed_in(Client(), iggy).get(reverse("access:approvals"))
    html = page.content.decode()
    assert "1 request is waiting for a second approver" in html
    assert reverse("access:approval", args=[request.pk]) in html
    # Not for someone who cannot approve.
    assert signed_in(Client(), sally).get(reverse("access:approvals")).status_code == 404


def test_the_pages_end_to_end(world, people, signed_in):
    sally, dana, tess, iggy = people
    client = signed_in(Client(), sally)
    url = reverse("access:request_protected_access", args=[world.survivor.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"grantee": dana.user.pk, "reason": "Safety plan work", "code": "1"})
    assert "govuk-error-summary" in bad.content.decode()
    assert not ProtectedAccessRequest.objects.exists()
    done = client.post(
        url, {"grantee": dana.user.pk, "reason": "Safety plan work", "code": code_for(sally.user)}
    )
    assert done.status_code == 302
    request = ProtectedAccessRequest.objects.get()
    approve_url = reverse("access:approval", args=[request.pk])
    manager = signed_in(Client(), tess)
    assert "Record decision" in manager.get(approve_url).content.decode()
    assert manager.post(approve_url, {"decision": "approve"}).status_code == 302
    assert AccessGrant.objects.filter(user=dana.user, kind="protected").exists()


def test_the_admin_cannot_add_a_protected_grant_directly(world, people, signed_in):
    from django.contrib.auth.models import Permission

    sally, dana, tess, iggy = people
    ada = builders.worker("ada", role=Role.SYSTEM_ADMIN, is_staff=True, is_superuser=True)
    ada.user.user_permissions.add(Permission.objects.get(codename="view_all_records"))
    client = signed_in(Client(), ada)
    response = client.post(
        reverse("admin:access_accessgrant_add"),
        {
            "user": dana.user.pk,
            "person": world.survivor.pk,
            "kind": "protected",
            "reason": "Direct",
            "starts_at_0": "2025-01-01",
            "starts_at_1": "00:00:00",
        },
    )
    assert response.status_code == 200
    assert "needs a second approver" in response.content.decode()
    assert not AccessGrant.objects.filter(user=dana.user).exists()
