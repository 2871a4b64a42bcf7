"""Searching by a family reference lists the family and the people in it (issue 22)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from familyworkbook.demo import builders

URL = reverse("people:search")


def names(response) -> list[str]:
    return sorted(person.full_name for person in response.context["people_page"])


def test_a_family_reference_lists_the_family_and_its_four_people(sam_client, smith_family):
    builders.family("Jones")
    response = sam_client.get(URL, {"q": smith_family.reference.lower()})
    assert response.context["families"] == [smith_family]
    members = sorted(p.full_name for p in smith_family.members.all())
    assert len(members) == 4 and names(response) == members
    html = response.content.decode()
    assert "4 people" in html and "0 people" not in html


def test_someone_who_left_the_family_is_not_listed_under_its_reference(
    sam_client, smith_family, ava
):
    import datetime as dt

    ava.memberships.filter(family=smith_family).update(ended_on=dt.date(2024, 1, 1))
    response = sam_client.get(URL, {"q": smith_family.reference})
    assert "Ava Smith" not in names(response) and len(names(response)) == 3


def test_a_reference_the_worker_may_not_open_lists_nobody(client, signed_in, priya, smith_family):
    signed_in(client, priya)
    response = client.get(URL, {"q": smith_family.reference})
    assert response.context["families"] == [] and names(response) == []


@pytest.mark.parametrize("typed", ["Smith", "Ava Smith"])
def test_a_name_search_still_finds_only_matching_people(sam_client, smith_family, typed):
    response = sam_client.get(URL, {"q": typed})
    assert all("Smith" in n for n in names(response))
