from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from familyworkbook import audit
from familyworkbook.audit.models import AuditEvent
from familyworkbook.audit.verbs import Verb

pytestmark = pytest.mark.django_db


def test_events_for_lists_one_records_events_newest_first(sam, mo, smith_family):
    first = audit.record(actor=sam.user, verb=Verb.VIEWED, target=smith_family)
    audit.record(actor=sam.user, verb=Verb.VIEWED, target_type="teams.user", target_id=1)
    second = audit.record(actor=mo.user, verb=Verb.PRINTED, target=smith_family)

    events = audit.events_for("people.family", smith_family.pk)

    assert list(events) == [second, first]
    assert list(AuditEvent.objects.for_target(smith_family)) == [second, first]
    assert list(AuditEvent.objects.by_actor(mo.user)) == [second]


def test_who_has_seen_gives_each_person_once_with_their_latest_time(
    sam, mo, priya, smith_family, monkeypatch
):
    start = timezone.now()
    moments = iter(start + dt.timedelta(minutes=n) for n in range(10))
    monkeypatch.setattr(timezone, "now", lambda: next(moments))
    audit.record(actor=sam.user, verb=Verb.VIEWED, target=smith_family)
    audit.record(actor=mo.user, verb=Verb.VIEWED, target=smith_family)
    audit.record(actor=sam.user, verb=Verb.CHANGED, target=smith_family)
    audit.record(actor=priya.user, verb=Verb.ACCESS_DENIED, target=smith_family)
    audit.record(actor=None, verb=Verb.VIEWED, target=smith_family)
    audit.record(actor=mo.user, verb=Verb.VIEWED, target_type="teams.user", target_id=1)

    seen = audit.who_has_seen(smith_family)

    assert seen == [
        {
            "actor_id": sam.user.pk,
            "actor_label": "Sam Okafor (sam)",
            "last_seen_at": start + dt.timedelta(minutes=2),
            "times_seen": 2,
        },
        {
            "actor_id": mo.user.pk,
            "actor_label": "Mo Reid (mo)",
            "last_seen_at": start + dt.timedelta(minutes=1),
            "times_seen": 1,
        },
    ]


def test_who_has_seen_shows_the_name_as_of_the_latest_event(sam, smith_family):
    audit.record(actor=sam.user, verb=Verb.VIEWED, target=smith_family)
    sam.user.last_name = "Okafor-Jones"
    sam.user.save()
    audit.record(actor=sam.user, verb=Verb.VIEWED, target=smith_family)

    assert [row["actor_label"] for row in audit.who_has_seen(smith_family)] == [
        "Sam Okafor-Jones (sam)"
    ]
