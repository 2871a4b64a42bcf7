from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps

from familyworkbook import audit
from familyworkbook.audit.models import AuditEvent
from familyworkbook.audit.verbs import Verb

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(sam):
    return apps.get_model("teams", "Post").objects.get(holder=sam)


def test_it_lists_only_the_fields_that_changed_with_old_and_new(post, priya, south):
    before = audit.snapshot(post)
    post.fte = Decimal("0.5")
    post.holder = priya
    post.established_on = dt.date(2020, 1, 6)
    post.save()
    post.teams.add(south)

    result = audit.changes(before, post)

    assert result == {
        "fte": ["1.00", "0.50"],
        "holder": [before["holder"], priya.pk],
        "established_on": ["2019-04-01", "2020-01-06"],
        "teams": [before["teams"], sorted([*before["teams"], south.pk])],
    }


def test_an_equal_decimal_written_differently_is_not_a_change(post):
    before = copy.copy(post)
    post.fte = Decimal("1")

    assert audit.changes(before, post, ["fte"]) == {}


def test_an_unchanged_copy_of_the_instance_works_as_old(post):
    before = copy.copy(post)
    post.vacant_since = None
    post.disestablished_on = dt.date(2026, 3, 31)

    assert audit.changes(before, post, ["disestablished_on", "vacant_since"]) == {
        "disestablished_on": [None, "2026-03-31"]
    }


def test_old_can_be_a_plain_dict_keyed_by_field_or_column_name(post, priya):
    old = {"holder_id": post.holder_id, "fte": Decimal("1.00")}
    post.holder = priya

    assert audit.changes(old, post, ["holder", "fte"]) == {"holder": [old["holder_id"], priya.pk]}


def test_protected_fields_show_that_they_changed_but_never_their_values(smith_family):
    person = smith_family.members.first()
    address_model = apps.get_model("people", "Address")
    address = address_model.objects.create(
        person=person,
        line_1="1 Refuge Row",
        town="Safeton",
        postcode="ZZ9 9ZZ",
        from_date=dt.date(2024, 1, 1),
        protected=True,
    )
    before = audit.snapshot(address)
    address.line_1 = "2 Canary Close"
    address.postcode = "CA1 1RY"
    address.town = "Safeton"

    result = audit.changes(before, address, redact={"line_1", "postcode", "town"})

    assert result == {
        "line_1": ["[protected]", "[protected]"],
        "postcode": ["[protected]", "[protected]"],
    }
    event = audit.record(actor=None, verb=Verb.CHANGED, target=address, data={"changes": result})
    stored = str(AuditEvent.objects.filter(pk=event.pk).values_list("data", flat=True).get())
    for secret in ("Refuge", "ZZ9", "Canary", "CA1"):
        assert secret not in stored


def test_redacting_a_field_that_is_not_compared_is_a_mistake(post):
    with pytest.raises(ValueError, match="redact"):
        audit.changes(audit.snapshot(post), post, ["fte"], redact={"line_1"})


def test_bookkeeping_fields_are_left_out_by_default(post, sam):
    before = audit.snapshot(post)
    post.stamp(sam.user)
    post.version += 1

    assert audit.changes(before, post) == {}
