"""The policy builds its subqueries once per request, and they stay subqueries (R23).

Building the nested subqueries of the scope was most of a page's Python time, so the
clock-free parts are kept on the user object. These tests hold both halves of that bargain:
the parts are built once, and a change to someone's teams, cases or grants still shows on
the very next query of the same user object (nothing is answered from a cache).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from familyworkbook.access import policy
from familyworkbook.access.models import AccessGrant, GrantKind, RecordRestriction
from familyworkbook.cases.models import Case
from familyworkbook.demo import builders
from familyworkbook.people.models import Family, Person
from familyworkbook.teams.models import Post


def test_the_scope_is_built_once_for_several_questions(sam, smith_case):
    user = sam.user
    people = list(Person.objects.visible_to(user))
    teams = policy._my_teams(user)
    families = list(Family.objects.visible_to(user))
    list(Case.objects.visible_to(user))
    assert policy._my_teams(user) is teams
    assert {"teams", "colleagues", "families"} <= set(user.__dict__[policy._SCOPE_CACHE])
    assert families == [smith_case.family]
    assert len(people) == smith_case.family.members.count()


def test_joining_a_team_shows_its_families_on_the_next_query(sam, south, smith_case):
    user = sam.user
    theirs = builders.case(builders.family("Jones"), south).family
    assert not Family.objects.visible_to(user).filter(pk=theirs.pk).exists()
    Post.objects.get(holder=sam).teams.add(south)
    assert Family.objects.visible_to(user).filter(pk=theirs.pk).exists()
    assert Person.objects.visible_to(user).filter(families=theirs).exists()


def test_an_archived_case_hides_the_family_on_the_next_query(sam, north, smith_case):
    user = sam.user
    jones = builders.case(builders.family("Jones"), north)  # the team's, nobody allocated
    assert Family.objects.visible_to(user).filter(pk=jones.family_id).exists()
    Case.objects.filter(pk=jones.pk).update(archived_at=timezone.now())
    assert not Family.objects.visible_to(user).filter(pk=jones.family_id).exists()


def test_a_grant_given_after_the_first_query_counts_at_once(sam, smith_case, ava):
    RecordRestriction.objects.create(person=ava, reason="Adoption")
    user = sam.user
    assert not Person.objects.visible_to(user).filter(pk=ava.pk).exists()
    AccessGrant.objects.create(user=user, person=ava, kind=GrantKind.RECORD, reason="Allocated")
    assert Person.objects.visible_to(user).filter(pk=ava.pk).exists()


def test_forget_drops_the_built_scope(sam, smith_case):
    list(Family.objects.visible_to(sam.user))
    policy.forget(sam.user)
    assert policy._SCOPE_CACHE not in sam.user.__dict__


def test_family_page_queries_stay_down(sam_client, smith_case, django_assert_max_num_queries):
    # 26 before the policy built once per request; +1 for the record clock's date (core/clock.py)
    with django_assert_max_num_queries(25):
        response = sam_client.get(reverse("cases:family", args=[smith_case.family_id]))
    assert response.status_code == 200


def test_people_search_queries_stay_down(sam_client, smith_case, django_assert_max_num_queries):
    with django_assert_max_num_queries(17):  # was 19: one permission query, no COUNT
        response = sam_client.get(reverse("people:search"), {"q": "smith"})
    assert response.context["people_page"].paginator.count == 4
