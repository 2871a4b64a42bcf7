"""The "Changes to this record" pages: managers and information governance only, through the
access policy, protected values only for those who may see them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from familyworkbook.demo import builders
from familyworkbook.history.tests.conftest import CANARY_LINE, grant_protected, on_postgres
from familyworkbook.people import services as people_services
from familyworkbook.teams.models import Role


def person_url(person) -> str:
    return reverse("history:person_changes", args=[person.pk])


def family_url(family) -> str:
    return reverse("history:family_changes", args=[family.pk])


def test_a_social_worker_gets_404_even_on_their_own_case(sam_client, smith_case, jo):
    assert sam_client.get(person_url(jo)).status_code == 404
    assert sam_client.get(family_url(smith_case.family)).status_code == 404


def test_a_manager_in_another_team_gets_404(client, signed_in, south, smith_case, jo):
    other = builders.worker("morgan", role=Role.TEAM_MANAGER, teams=[south])
    signed_in(client, other)
    assert client.get(person_url(jo)).status_code == 404
    assert client.get(family_url(smith_case.family)).status_code == 404


def test_the_team_manager_may_open_both_pages(client, signed_in, mo, smith_case, jo):
    signed_in(client, mo)
    html = client.get(person_url(jo)).content.decode()
    assert "Changes to this record" in html
    assert client.get(family_url(smith_case.family)).status_code == 200


@pytest.mark.skipif(
    connection.vendor == "postgresql", reason="the SQLite notice; PostgreSQL shows the changes"
)
def test_on_sqlite_the_page_says_history_is_recorded_on_postgresql_only(client, signed_in, mo, jo):
    signed_in(client, mo)
    html = client.get(person_url(jo)).content.decode()
    assert "Field history is recorded on PostgreSQL only" in html


@on_postgres
def test_a_manager_sees_field_old_and_new_who_and_which_page(
    sam_client, client, signed_in, sam, mo, smith_case
):
    membership = smith_case.family.memberships.order_by("pk").first()
    url = reverse("people:end_membership", args=[membership.pk])
    sam_client.post(url, {"on_day": "3", "on_month": "3", "on_year": "2025"})
    signed_in(client, mo)
    html = client.get(person_url(membership.person)).content.decode()
    assert "Family membership changed" in html
    assert "Sam Okafor" in html
    assert f"<code>{url}</code>" in html
    assert "3 Mar 2025" in html
    family_html = client.get(family_url(smith_case.family)).content.decode()
    assert f"<code>{url}</code>" in family_html


@on_postgres
def test_a_protected_address_change_shows_only_that_it_changed(
    client, signed_in, mo, sam, jo, safe_address
):
    people_services.end_address(safe_address, by=sam.user, on=safe_address.from_date)
    signed_in(client, mo)
    html = client.get(person_url(jo)).content.decode()
    assert "Address added" in html and "Address changed" in html
    assert "changed (protected)" in html
    assert CANARY_LINE not in html
    assert "Canarytown" not in html


@on_postgres
def test_a_manager_with_a_protected_grant_sees_the_values(client, signed_in, mo, jo, safe_address):
    grant_protected(mo, jo)
    signed_in(client, mo)
    html = client.get(person_url(jo)).content.decode()
    assert CANARY_LINE in html
    assert "changed (protected)" not in html
