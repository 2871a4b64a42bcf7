"""R9: the domestic abuse alert on the person's and the family's page, and the warning when an
address is recorded that someone working with the alleged perpetrator could see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from familyworkbook.access.models import PerpetratorLink
from familyworkbook.people.models import Address, PersonKind

pytestmark = pytest.mark.django_db

BANNER = "Domestic abuse alert"


@pytest.fixture
def adults(smith_family):
    return list(smith_family.members.filter(kind=PersonKind.ADULT).order_by("date_of_birth"))


@pytest.fixture
def link(adults):
    perpetrator, survivor = adults
    return PerpetratorLink.objects.create(perpetrator=perpetrator, survivor=survivor)


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_no_alert_without_a_perpetrator_link(sam_client, smith_case, smith_family, adults):
    assert BANNER not in _page(sam_client, smith_family.get_absolute_url())
    assert BANNER not in _page(sam_client, adults[1].get_absolute_url())


def test_the_survivors_page_warns_and_names_the_alleged_perpetrator(
    sam_client, smith_case, adults, link
):
    perpetrator, survivor = adults
    html = _page(sam_client, survivor.get_absolute_url())
    assert BANNER in html
    assert "is recorded as at risk from someone alleged to have abused them" in html
    assert f"Alleged perpetrator: {perpetrator.full_name}" in html
    # Nothing about whether a safe address is held.
    assert "safe address" not in html.split(BANNER)[1].split("</div>\n</div>")[0]


def test_the_alleged_perpetrators_page_and_the_family_page_warn(
    sam_client, smith_case, smith_family, adults, link
):
    perpetrator, survivor = adults
    html = _page(sam_client, perpetrator.get_absolute_url())
    assert BANNER in html and "is alleged to have abused someone" in html
    family = _page(sam_client, smith_family.get_absolute_url())
    assert BANNER in family
    assert f"At risk: {survivor.full_name}" in family
    assert f"Alleged perpetrator: {perpetrator.full_name}" in family


def test_an_ended_link_shows_no_alert(sam_client, smith_case, smith_family, link):
    PerpetratorLink.objects.filter(pk=link.pk).update(ended_on=dt.date(2025, 1, 1))
    assert BANNER not in _page(sam_client, smith_family.get_absolute_url())


def test_a_new_address_that_the_perpetrators_worker_could_see_needs_confirming(
    sam_client, sam, smith_case, adults, link
):
    """Sam works the Smith case, so he is linked to the alleged perpetrator: an unprotected
    address for the survivor is held back until someone confirms it is safe."""
    perpetrator, survivor = adults
    url = reverse("people:add_address", args=[survivor.pk])
    data = {
        "kind": "home",
        "line_1": "4 New Lane",
        "town": "Ely",
        "postcode": "CB7 4AA",
        "from_date_day": "1",
        "from_date_month": "3",
        "from_date_year": "2026",
    }
    before = Address.objects.filter(person=survivor).count()
    warning = sam_client.post(url, data)
    assert warning.status_code == 200
    html = warning.content.decode()
    assert "who works with someone alleged to have abused" in html
    assert sam.user.get_full_name() in html
    assert Address.objects.filter(person=survivor).count() == before
    confirmed = sam_client.post(url, {**data, "confirm_exposure": "1"})
    assert confirmed.status_code == 302
    assert Address.objects.filter(person=survivor).count() == before + 1
