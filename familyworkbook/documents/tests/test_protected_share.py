"""R7 for documents: a share that would include protected details (a safe address, a hidden
child's school or GP) the recipient may not otherwise see needs a second approver first; the
sharer re-enters their code and information governance is told. A share without protected
details is unchanged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from familyworkbook.access import services as access_services
from familyworkbook.access.models import (
    AccessGrant,
    ApprovalStatus,
    PerpetratorLink,
    ProtectedAccessRequest,
    SharingRecord,
)
from familyworkbook.audit.models import AuditEvent
from familyworkbook.documents import engine, services
from familyworkbook.documents.models import DocumentVersion, Share
from familyworkbook.documents.tests.conftest import CANARY_LINE, CANARY_POSTCODE

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()  # noqa: DTZ011
GP = "Dr Reed, GP"


def code_for(user) -> str:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _canary_in(text: str) -> bool:
    flat = " ".join(text.split())
    return CANARY_LINE in flat or CANARY_POSTCODE in flat


@pytest.fixture
def document(casefile):
    doc = services.create_document(
        family=casefile.family, type_key="court_chronology", by=casefile.sam.user
    )
    services.write_section(
        document=doc,
        key="summary",
        text=f"Jo moved to {CANARY_LINE} ({CANARY_POSTCODE}) in the spring.",
        by=casefile.sam.user,
        expected_version=0,
    )
    return doc


@pytest.fixture
def grant(casefile):
    """Sam may see Jo's safe address (a grant, as a second approver would have given)."""
    return AccessGrant.objects.create(
        user=casefile.sam.user, person=casefile.jo, kind="protected", reason="Court work"
    )


def _share(document, by, **kwargs):
    values = {
        "purpose": "The GP needs to know where Jo is registered now",
        "lawful_basis": "public_task",
        "method": "email",
        "shared_on": TODAY,
        "recipient_name": GP,
        "include_protected": True,
    }
    values.update(kwargs)
    return services.share(document=document, by=by, **values)


def _ask(casefile, document, by):
    return access_services.request_protected_share(
        people=[casefile.jo],
        target=document,
        target_label=f"{document.title} (document {document.pk})",
        recipient=GP,
        reason="Jo has moved and must register with a GP near the refuge",
        by=by,
        code=code_for(by),
    )


def test_the_engine_says_whose_protected_details_a_share_would_leave_out(casefile, document, grant):
    built = engine.build(document, casefile.sam.user, reader=engine.Reader(label=GP))
    assert set(built.withheld) == {casefile.jo.pk}
    assert built.withheld[casefile.jo.pk] == {f"people.address:{casefile.safe.pk}"}
    # For the sharer's own screen nothing is left out; for Jo herself neither.
    assert engine.build(document, casefile.sam.user).withheld == {}
    assert (
        engine.build(document, casefile.sam.user, reader=engine.Reader(person=casefile.jo)).withheld
        == {}
    )


def test_a_safe_address_shared_by_mother_and_child_needs_approval_for_both(
    casefile, document, grant
):
    from familyworkbook.people.models import Address

    ava_safe = Address.objects.create(
        person=casefile.ava,
        kind="safe",
        line_1=CANARY_LINE,
        town="Elsewhere",
        postcode=CANARY_POSTCODE,
        from_date=casefile.safe.from_date,
        protected=True,
    )
    AccessGrant.objects.create(
        user=casefile.sam.user, person=casefile.ava, kind="protected", reason="Court work"
    )
    built = engine.build(document, casefile.sam.user, reader=engine.Reader(label=GP))
    assert built.withheld == {
        casefile.jo.pk: {f"people.address:{casefile.safe.pk}"},
        casefile.ava.pk: {f"people.address:{ava_safe.pk}"},
    }
    # Approved for Jo alone, Ava's copy of the same address would still be left out.
    only_jo = engine.Reader(label=GP, approved_for=frozenset({casefile.jo.pk}))
    assert set(engine.build(document, casefile.sam.user, reader=only_jo).withheld) == {
        casefile.ava.pk
    }


def test_a_share_with_protected_details_but_no_approval_is_refused_and_nothing_recorded(
    casefile, document, grant
):
    with pytest.raises(services.ProtectedShareApprovalError) as refused:
        _share(document, casefile.sam.user)
    assert refused.value.people == [casefile.jo]
    assert "a second person must approve first" in " ".join(refused.value.messages)
    assert not Share.objects.exists()
    assert not DocumentVersion.objects.exists()
    assert not SharingRecord.objects.exists()


def test_the_share_page_refuses_with_a_link_to_ask_for_approval(
    casefile, document, grant, client, signed_in
):
    c = signed_in(client, casefile.sam)
    url = reverse("documents:share", args=[casefile.family.pk, document.pk])
    response = c.post(
        url,
        {
            "recipient_name": GP,
            "purpose": "The GP needs to know where Jo is",
            "lawful_basis": "public_task",
            "method": "email",
            "shared_on_day": str(TODAY.day),
            "shared_on_month": str(TODAY.month),
            "shared_on_year": str(TODAY.year),
            "include_protected": "on",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "a second person must approve first" in html
    ask = reverse("documents:request_protected_share", args=[casefile.family.pk, document.pk])
    assert f'href="{ask}?recipient_name=Dr+Reed%2C+GP"' in html
    assert not Share.objects.exists() and not SharingRecord.objects.exists()
    # The request page opens with the recipient filled in.
    page = c.get(f"{ask}?recipient_name=Dr+Reed%2C+GP")
    assert page.status_code == 200 and 'value="Dr Reed, GP"' in page.content.decode()


def test_with_approval_the_share_includes_them_and_the_log_names_the_approval(
    casefile, document, grant, mo
):
    mail.outbox.clear()
    (request,) = _ask(casefile, document, casefile.sam.user)
    assert request.status == ApprovalStatus.PENDING and request.grantee is None
    # The sharer cannot approve their own request.
    with pytest.raises(ValidationError):
        access_services.decide_protected_access(request, by=casefile.sam.user, approve=True)
    access_services.decide_protected_access(request, by=mo.user, approve=True)
    request.refresh_from_db()
    assert request.status == ApprovalStatus.APPROVED and request.grant is None

    # The approval is for the GP only.
    with pytest.raises(services.ProtectedShareApprovalError):
        _share(document, casefile.sam.user, recipient_name="Police public protection unit")

    share = _share(document, casefile.sam.user)

    assert _canary_in(share.version.html)
    record = SharingRecord.objects.get(pk=share.sharing_record_id)
    assert f"request {request.pk}, approved by Mo Reid" in record.what
    assert list(record.protected_approvals.all()) == [request]
    assert AuditEvent.objects.filter(
        verb="shared", target_type="access.protectedaccessrequest", target_id=str(request.pk)
    ).exists()
    # An approval is good for one share.
    with pytest.raises(services.ProtectedShareApprovalError):
        _share(document, casefile.sam.user)


def test_without_including_them_a_share_is_unchanged_and_leaves_them_out(casefile, document, grant):
    share = _share(document, casefile.sam.user, include_protected=False)
    assert not _canary_in(share.version.html)
    assert SharingRecord.objects.filter(pk=share.sharing_record_id).exists()


def test_a_document_without_protected_details_is_shared_without_approval(casefile):
    doc = services.create_document(
        family=casefile.family, type_key="court_chronology", by=casefile.sam.user
    )
    # Sam holds no grant: nothing protected reaches his document, so nothing is to approve.
    share = _share(doc, casefile.sam.user)
    assert share.sharing_record_id is not None
    assert not ProtectedAccessRequest.objects.exists()


def test_the_request_page_needs_the_code_and_alerts_information_governance(
    casefile, document, grant, client, signed_in
):
    from django.contrib.auth.models import Group

    from familyworkbook.demo import builders
    from familyworkbook.teams.models import Role

    iggy = builders.worker("iggy", role=Role.PERFORMANCE)
    iggy.user.groups.add(Group.objects.get(name="Information governance"))
    iggy.user.email = "ig@example.org"
    iggy.user.save()
    mail.outbox.clear()
    c = signed_in(client, casefile.sam)
    ask = reverse("documents:request_protected_share", args=[casefile.family.pk, document.pk])
    data = {"recipient_name": GP, "reason": "Jo must register with a GP near the refuge"}
    wrong = c.post(ask, {**data, "code": "000000"})
    assert wrong.status_code == 200 and "The code is not right" in wrong.content.decode()
    assert not ProtectedAccessRequest.objects.exists()
    response = c.post(ask, {**data, "code": code_for(casefile.sam.user)})
    assert response.status_code == 302
    request = ProtectedAccessRequest.objects.get()
    assert (request.person, request.recipient, request.target_id) == (
        casefile.jo,
        GP,
        document.pk,
    )
    assert [m.to for m in mail.outbox] == [["ig@example.org"]]
    assert CANARY_LINE not in mail.outbox[0].body


def test_protected_details_are_never_asked_for_an_alleged_perpetrator(casefile, document, grant):
    PerpetratorLink.objects.create(perpetrator=casefile.alex, survivor=casefile.jo)
    with pytest.raises(ValidationError) as refused:
        access_services.request_protected_share(
            people=[casefile.jo],
            target=document,
            target_label="Court chronology",
            recipient_person=casefile.alex,
            reason="He asked where the children are staying",
            by=casefile.sam.user,
            code=code_for(casefile.sam.user),
        )
    assert "recipient_person" in refused.value.message_dict
    assert not ProtectedAccessRequest.objects.exists()


def test_the_approver_sees_the_recipient_and_the_document_and_decides_on_the_page(
    casefile, document, grant, mo, client, signed_in
):
    (request,) = _ask(casefile, document, casefile.sam.user)
    c = signed_in(client, mo)
    listing = c.get(reverse("access:approvals")).content.decode()
    assert f"{GP}, in a share of {document.title} (document {document.pk})" in listing
    page = c.get(reverse("access:approval", args=[request.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Who would receive them" in html and GP in html
    assert CANARY_LINE not in html  # the approver decides without seeing the detail
    response = c.post(reverse("access:approval", args=[request.pk]), {"decision": "approve"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == ApprovalStatus.APPROVED and request.decided_by == mo.user
