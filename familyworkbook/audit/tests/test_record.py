from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.test import RequestFactory

from familyworkbook import audit
from familyworkbook.audit.chain import GENESIS_HASH
from familyworkbook.audit.models import AuditChainHead, AuditEvent
from familyworkbook.audit.verbs import Verb

pytestmark = pytest.mark.django_db


def test_it_writes_an_event_with_who_what_and_which_record(sam, smith_family):
    event = audit.record(actor=sam.user, verb=Verb.VIEWED, target=smith_family, label="Family 1")

    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.sequence == 1
    assert stored.actor == sam.user
    assert stored.actor_label == "Sam Okafor (sam)"
    assert stored.verb == "viewed"
    assert stored.target_type == "people.family"
    assert stored.target_id == str(smith_family.pk)
    assert stored.target_label == "Family 1"
    assert stored.prev_hash == GENESIS_HASH
    assert len(stored.hash) == 64


def test_each_event_links_to_the_one_before(sam, mo):
    first = audit.record(actor=sam.user, verb=Verb.SEARCHED, data={"query": "Smith"})
    second = audit.record(actor=mo.user, verb=Verb.SEARCHED, data={"query": "Jones"})
    third = audit.record(actor=None, verb=Verb.SIGN_IN_FAILED, data={"username": "x"})

    assert [first.sequence, second.sequence, third.sequence] == [1, 2, 3]
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert len({first.hash, second.hash, third.hash}) == 3
    head = AuditChainHead.objects.get()
    assert (head.sequence, head.hash) == (3, third.hash)


def test_stored_hash_is_recomputed_exactly_after_a_database_round_trip(sam):
    """Awkward values must read back as written, or verify_audit would cry wolf."""
    data = {
        "changes": {"born_on": [dt.date(2016, 5, 17), dt.date(2016, 5, 18)]},
        "amount": Decimal("12.50"),
        "ratio": 0.1,
        "huge": 1e20,
        "count": 2**53 + 1,
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "when": dt.datetime(2025, 3, 1, 9, 30, 15, 123456, tzinfo=dt.UTC),
        "text": "Ffion’s café — 👪 \x00 \ud800 end",
        "nested": [{"b": 1, "a": [True, None]}],
        "tags": {"b", "a"},
        7: "integer key",
    }
    request = RequestFactory().get(
        "/", REMOTE_ADDR="2001:0db8:0000:0000:0000:0000:0000:0001", HTTP_USER_AGENT="x" * 500
    )

    event = audit.record(actor=sam.user, verb=Verb.CHANGED, data=data, request=request)

    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.compute_hash() == stored.hash == event.hash
    assert stored.data["amount"] == "12.50"
    assert stored.data["huge"] == "1e+20"
    assert stored.data["changes"] == {"born_on": ["2016-05-17", "2016-05-18"]}
    assert stored.data["tags"] == ["a", "b"]
    assert stored.data["7"] == "integer key"
    assert "\x00" not in stored.data["text"]
    assert stored.ip == "2001:db8::1"
    assert len(stored.user_agent) == 200


def test_it_takes_request_metadata(sam):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="Firefox", HTTP_X_REQUEST_ID="req-42"
    )

    event = audit.record(actor=sam.user, verb=Verb.VIEWED, request=request)

    assert (event.ip, event.user_agent, event.request_id) == ("10.1.2.3", "Firefox", "req-42")


def test_target_can_be_named_without_loading_it(sam):
    event = audit.record(
        actor=sam.user, verb=Verb.EXPORTED, target_type="People.Person", target_id=42
    )

    assert (event.target_type, event.target_id) == ("people.person", "42")


def test_anonymous_actor_is_recorded_as_nobody():
    event = audit.record(actor=AnonymousUser(), verb=Verb.ACCESS_DENIED)

    assert event.actor is None
    assert event.actor_label == ""


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"verb": "deleted"}, ValueError),
        ({"verb": Verb.VIEWED, "target_type": "people.person"}, ValueError),
        ({"verb": Verb.VIEWED, "target_type": "nope.nothing", "target_id": 1}, ValueError),
        ({"verb": Verb.VIEWED, "target_type": "people person", "target_id": 1}, ValueError),
        ({"verb": Verb.VIEWED, "target_type": "people.person", "target_id": "9" * 65}, ValueError),
        ({"verb": Verb.VIEWED, "data": {"who": object()}}, TypeError),
    ],
)
def test_it_refuses_what_it_cannot_record_faithfully(sam, kwargs, error):
    with pytest.raises(error):
        audit.record(actor=sam.user, **kwargs)

    assert not AuditEvent.objects.exists()


def test_it_refuses_a_worker_profile_as_actor(sam):
    with pytest.raises(TypeError, match="worker.user"):
        audit.record(actor=sam, verb=Verb.VIEWED)


def test_it_refuses_target_and_target_type_together(sam, smith_family):
    with pytest.raises(ValueError, match="not both"):
        audit.record(
            actor=sam.user,
            verb=Verb.VIEWED,
            target=smith_family,
            target_type="people.family",
            target_id=smith_family.pk,
        )


def test_an_event_recorded_in_a_rolled_back_transaction_leaves_no_trace(sam, mo):
    kept = audit.record(actor=sam.user, verb=Verb.VIEWED)

    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(actor=mo.user, verb=Verb.CHANGED, data={"changes": {"a": [1, 2]}})
        raise RuntimeError("the change failed after auditing it")

    assert list(AuditEvent.objects.values_list("sequence", flat=True)) == [1]
    assert AuditChainHead.objects.get().sequence == 1
    after = audit.record(actor=mo.user, verb=Verb.VIEWED)
    assert (after.sequence, after.prev_hash) == (2, kept.hash)


def test_a_failure_to_audit_fails_the_callers_transaction(sam):
    with pytest.raises(TypeError), transaction.atomic():
        audit.record(actor=sam.user, verb=Verb.VIEWED)
        audit.record(actor=sam.user, verb=Verb.CHANGED, data={"bad": object()})

    assert not AuditEvent.objects.exists()


def test_head_is_recreated_after_the_audit_store_is_emptied(sam):
    assert not AuditChainHead.objects.exists()

    event = audit.record(actor=sam.user, verb=Verb.VIEWED)

    assert (event.sequence, event.prev_hash) == (1, GENESIS_HASH)
