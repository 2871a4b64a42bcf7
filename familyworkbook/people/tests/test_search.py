from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from familyworkbook.demo import builders
from familyworkbook.people.models import Person, PersonKind

URL = reverse("people:search")


def names(response) -> list[str]:
    return [person.full_name for person in response.context["people_page"]]


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    response = client.get(URL, {"q": "Smith"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_page_has_the_search_box(sam_client):
    response = sam_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Find a person or family" in html
    assert "Name, date of birth or identifier" in html
    assert ">Search</button>" in html
    assert response.context["people_page"] is None


def test_a_partial_name_finds_people_and_links_their_families(sam_client, smith_family, ava):
    builders.family("Jones")
    response = sam_client.get(URL, {"q": "av smi"})
    assert names(response) == ["Ava Smith"]
    html = response.content.decode()
    assert reverse("cases:person", args=[ava.pk]) in html
    assert reverse("cases:family", args=[smith_family.pk]) in html


def test_any_word_of_the_name_matches(sam_client, smith_family):
    response = sam_client.get(URL, {"q": "smith"})
    assert sorted(names(response)) == ["Alex Smith", "Ava Smith", "Jo Smith", "Leo Smith"]


def test_known_as_matches(sam_client, smith_family, ava):
    Person.objects.filter(pk=ava.pk).update(known_as="Bunny")
    assert names(sam_client.get(URL, {"q": "bunny"})) == ["Ava Smith"]


@pytest.mark.parametrize("typed", ["17/05/2016", "2016-05-17", "17-05-2016"])
def test_date_of_birth_matches(sam_client, smith_family, typed):
    assert names(sam_client.get(URL, {"q": typed})) == ["Ava Smith"]


def test_identifiers_match(sam_client, smith_family, ava):
    Person.objects.filter(pk=ava.pk).update(upn="H801200001001", nhs_number="9434765919")
    ava.refresh_from_db()
    for typed in ["h801200001001", "943 476 5919", ava.la_child_id.lower()]:
        assert names(sam_client.get(URL, {"q": typed})) == ["Ava Smith"], typed


def test_family_name_and_reference_list_families_separately(sam_client, smith_family):
    response = sam_client.get(URL, {"q": "Smith family"})
    assert response.context["families"] == [smith_family]
    assert names(response) == []  # "family" is in no person's name
    response = sam_client.get(URL, {"q": smith_family.reference})
    assert response.context["families"] == [smith_family]


def test_no_results_says_so_and_offers_to_add_a_person(sam_client, smith_family):
    response = sam_client.get(URL, {"q": "Zebedee"})
    html = response.content.decode()
    assert "No results" in html
    assert reverse("people:add_person") in html


def test_archived_people_are_not_found(sam_client, sam, smith_family, ava):
    ava.archive(by=sam.user)
    assert "Ava Smith" not in names(sam_client.get(URL, {"q": "smith"}))


def test_results_are_paged(sam_client, sam, settings, db):
    settings.PAGE_SIZE = 5
    for i in range(7):
        Person.objects.create(
            kind=PersonKind.ADULT, first_name=f"P{i}", last_name="Pager", created_by=sam.user
        )
    first = sam_client.get(URL, {"q": "pager"})
    second = sam_client.get(URL, {"q": "pager", "page": 2})
    assert len(names(first)) == 5
    assert len(names(second)) == 2
    assert set(names(first)).isdisjoint(names(second))
    assert "page=2" in first.content.decode()


def test_the_number_of_queries_does_not_grow_with_results(
    sam_client, sam, north, django_assert_max_num_queries, django_assert_num_queries, db
):
    def add_families(count: int) -> None:
        for _ in range(count):
            builders.case(builders.family("Query", children=2, adults=1), north)

    add_families(1)
    with django_assert_max_num_queries(18) as small:  # + audit of the search, OTP, session
        response = sam_client.get(URL, {"q": "query"})
    assert response.context["people_page"].paginator.count == 3
    add_families(9)
    with django_assert_num_queries(len(small.captured_queries)):
        response = sam_client.get(URL, {"q": "query"})
    assert response.context["people_page"].paginator.count == 30
    assert "Query family" in response.content.decode()


def test_expected_date_of_birth_is_found_by_date(sam_client, sam, db):
    Person.objects.create(
        kind=PersonKind.UNBORN,
        last_name="Due",
        expected_date_of_birth=dt.date(2026, 12, 1),
        created_by=sam.user,
    )
    assert names(sam_client.get(URL, {"q": "01/12/2026"})) == ["Unborn baby Due"]


def test_a_first_page_that_is_not_full_needs_no_count(
    sam_client, smith_family, django_assert_max_num_queries
):
    with django_assert_max_num_queries(17) as queries:
        response = sam_client.get(URL, {"q": "smith"})
    assert response.context["people_page"].paginator.count == 4
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts == []


def test_a_full_first_page_still_says_how_many_match(sam_client, sam, settings, db):
    settings.PAGE_SIZE = 5
    for i in range(7):
        Person.objects.create(
            kind=PersonKind.ADULT, first_name=f"P{i}", last_name="Pager", created_by=sam.user
        )
    response = sam_client.get(URL, {"q": "pager"})
    assert response.context["people_page"].paginator.count == 7
    assert len(names(response)) == 5
    assert response.context["people_page"].has_next()
    assert "7 people" in response.content.decode()
