from __future__ import annotations

import json

import pytest

from familyworkbook.audit.models import AuditEvent
from familyworkbook.audit.verbs import Verb
from familyworkbook.demo.builders import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def test_signing_in_is_recorded(client, sam):
    # Through the page: django-axes checks every sign-in, so it needs the request.
    response = client.post("/sign-in/", {"username": "sam", "password": DEMO_PASSWORD})
    assert response.status_code == 302

    event = AuditEvent.objects.get()
    assert (event.verb, event.actor, event.actor_label) == (
        Verb.SIGNED_IN,
        sam.user,
        "Sam Okafor (sam)",
    )


def test_signing_in_through_the_page_records_the_browser(client, sam):
    client.post(
        "/sign-in/",
        {"username": "sam", "password": DEMO_PASSWORD},
        HTTP_USER_AGENT="Test browser",
        REMOTE_ADDR="192.0.2.10",
    )

    event = AuditEvent.objects.get(verb=Verb.SIGNED_IN)
    assert (event.actor, event.ip, event.user_agent) == (sam.user, "192.0.2.10", "Test browser")


def test_a_failed_sign_in_records_the_username_tried_but_not_the_password(client, sam):
    response = client.post("/sign-in/", {"username": "sam", "password": "not-the-password-99"})

    assert response.status_code == 200
    event = AuditEvent.objects.get()
    assert event.verb == Verb.SIGN_IN_FAILED
    assert event.actor is None
    assert event.data == {"username": "sam"}
    everything = json.dumps(list(AuditEvent.objects.values()), default=str)
    assert "not-the-password-99" not in everything
    assert "*****" not in everything


def test_a_failed_sign_in_for_nobody_we_know_is_recorded_too(client, db):
    client.post("/sign-in/", {"username": "mallory", "password": "guess"})

    assert AuditEvent.objects.get().data == {"username": "mallory"}


def test_signing_out_is_recorded(client, sam):
    client.post("/sign-in/", {"username": "sam", "password": DEMO_PASSWORD})

    client.post("/sign-out/")

    assert list(AuditEvent.objects.values_list("verb", "actor")) == [
        (Verb.SIGNED_IN, sam.user.pk),
        (Verb.SIGNED_OUT, sam.user.pk),
    ]


def test_signing_out_when_not_signed_in_records_nothing(client, db):
    client.post("/sign-out/")

    assert not AuditEvent.objects.exists()
