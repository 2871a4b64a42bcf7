"""Each access scope is built once per request and served from the request's memo after
(core.scoping.memoised; decision access-policy-per-request)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from familyworkbook.access.models import AccessGrant, GrantKind, RecordRestriction
from familyworkbook.core import scoping
from familyworkbook.people.models import Person


def _builds(client, url, **params):
    with scoping.count_evaluations() as evaluations:
        response = client.get(url, params)
    assert response.status_code == 200
    return evaluations


def test_family_page_builds_each_scope_once(sam_client, smith_case):
    ev = _builds(sam_client, reverse("cases:family", args=[smith_case.family_id]))
    assert ev.built and max(ev.built.values()) == 1
    assert sum(ev.served.values()) >= 1  # asked again, served from the memo
    assert sum(ev.built.values()) <= 4


def test_my_caseload_builds_each_scope_once(sam_client, smith_case):
    ev = _builds(sam_client, reverse("cases:my_caseload"))
    assert ev.built and max(ev.built.values()) == 1
    assert sum(ev.built.values()) <= 3


def test_workbook_builds_each_scope_once(sam_client, smith_case):
    ev = _builds(sam_client, reverse("workbook:home", args=[smith_case.family_id]))
    assert ev.built and max(ev.built.values()) == 1
    assert sum(ev.built.values()) <= 3


def test_people_search_builds_each_scope_once(sam_client, smith_case):
    ev = _builds(sam_client, reverse("people:search"), q="smith")
    assert ev.built and max(ev.built.values()) == 1
    assert sum(ev.served.values()) >= 1
    assert sum(ev.built.values()) <= 3


def test_outside_a_request_there_is_no_memo(sam, smith_case):
    with scoping.count_evaluations() as ev:
        list(Person.objects.visible_to(sam.user))
        list(Person.objects.visible_to(sam.user))
    assert ev.served == {} and max(ev.built.values()) == 2


def test_a_grant_saved_during_the_request_counts_at_once(sam, smith_case, ava):
    RecordRestriction.objects.create(person=ava, reason="Adoption")
    with scoping.request_memo():
        assert not Person.objects.visible_to(sam.user).filter(pk=ava.pk).exists()
        AccessGrant.objects.create(
            user=sam.user, person=ava, kind=GrantKind.RECORD, reason="Allocated"
        )
        assert Person.objects.visible_to(sam.user).filter(pk=ava.pk).exists()


def test_search_count_reads_no_distinct_rows(sam_client, sam, smith_case, settings):
    settings.PAGE_SIZE = 1
    with CaptureQueriesContext(connection) as ctx:
        sam_client.get(reverse("people:search"), {"q": "smith"})
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts
    for sql in counts:
        assert "DISTINCT" not in sql.upper()
        assert '"people_person"."first_name"' not in sql.split("WHERE")[0]
