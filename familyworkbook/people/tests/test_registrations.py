"""A person's school and GP practice; a hidden child's are protected like a safe address."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from familyworkbook.access.models import AccessGrant, GrantKind
from familyworkbook.audit.models import AuditEvent
from familyworkbook.demo import builders
from familyworkbook.people.models import Registration
from familyworkbook.teams.models import Role

SCHOOL = "Nightjar Lane Hidden Academy"
ODS = "Y12345"


def post_data(**overrides: str) -> dict[str, str]:
    data = {
        "kind": "school",
        "name": SCHOOL,
        "code": "110 123",
        "from_date_day": "1",
        "from_date_month": "9",
        "from_date_year": "2024",
        "hidden": "on",
    }
    data.update(overrides)
    return data


@pytest.fixture
def hidden_school(ava, sam):
    return Registration.objects.create(
        person=ava,
        kind="school",
        name=SCHOOL,
        code="110123",
        from_date=dt.date(2024, 9, 1),
        hidden=True,
        created_by=sam.user,
    )


@pytest.fixture
def hidden_gp(ava, sam):
    return Registration.objects.create(
        person=ava,
        kind="gp",
        name="Kestrel Hidden Surgery",
        code=ODS,
        from_date=dt.date(2024, 9, 1),
        hidden=True,
        created_by=sam.user,
    )


def test_adding_a_hidden_childs_school_keeps_it_out_of_the_audit_detail(sam_client, ava):
    response = sam_client.post(reverse("people:add_registration", args=[ava.pk]), post_data())
    assert response.status_code == 302
    school = Registration.objects.get(person=ava)
    assert school.code == "110123" and school.hidden
    event = AuditEvent.objects.filter(verb="created", target_type="people.registration").get()
    assert SCHOOL not in str(event.data) and "110123" not in str(event.data)
    assert "[protected]" in str(event.data)


def test_bad_input_changes_nothing_and_shows_the_error_summary(sam_client, ava):
    url = reverse("people:add_registration", args=[ava.pk])
    response = sam_client.post(url, post_data(code="12", name=""))
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Enter the name of the school or practice" in html
    response = sam_client.post(url, post_data(kind="gp", code="123456"))
    assert "ODS code as a letter and 5 digits" in response.content.decode()
    assert not Registration.objects.exists()


def test_a_new_school_ends_the_current_one(sam_client, ava, hidden_school):
    url = reverse("people:add_registration", args=[ava.pk])
    same_day = sam_client.post(url, post_data(name="Open Fields Primary", hidden="", code=""))
    assert "must be after 1 September 2024" in same_day.content.decode()
    response = sam_client.post(
        url, post_data(name="Open Fields Primary", hidden="", code="", from_date_year="2025")
    )
    assert response.status_code == 302
    hidden_school.refresh_from_db()
    assert hidden_school.to_date == dt.date(2025, 8, 31)


@pytest.mark.usefixtures("hidden_school", "hidden_gp")
def test_nobody_without_a_grant_sees_a_hidden_childs_school_or_gp(ava, sam, signed_in, smith_case):
    person_url = reverse("cases:person", args=[ava.pk])
    html = signed_in(Client(), sam).get(person_url).content.decode()
    assert SCHOOL not in html and ODS not in html
    assert "Protected school or GP – not shown" in html
    assert not Registration.objects.visible_to(sam.user).exists()


@pytest.mark.usefixtures("hidden_gp")
def test_the_perpetrator_worker_is_not_even_told(ava, north, signed_in, smith_case):
    pat = builders.worker("pat", role=Role.DA_PERPETRATOR_WORKER, teams=[north])
    AccessGrant.objects.create(
        user=pat.user, person=ava, kind=GrantKind.PROTECTED, reason="A grant never helps"
    )
    html = signed_in(Client(), pat).get(reverse("cases:person", args=[ava.pk])).content.decode()
    assert ODS not in html
    assert "Protected school or GP" not in html
    assert not Registration.objects.visible_to(pat.user).exists()


@pytest.mark.usefixtures("hidden_school")
def test_a_grant_holder_sees_it(ava, sam, signed_in, smith_case):
    AccessGrant.objects.create(
        user=sam.user, person=ava, kind=GrantKind.PROTECTED, reason="Education plan"
    )
    html = signed_in(Client(), sam).get(reverse("cases:person", args=[ava.pk])).content.decode()
    assert SCHOOL in html
    assert "Protected school or GP – not shown" not in html


def test_an_ordinary_school_is_shown_to_the_team(ava, sam, signed_in, smith_case):
    Registration.objects.create(
        person=ava, kind="school", name="Open Fields Primary", from_date=dt.date(2024, 9, 1)
    )
    html = signed_in(Client(), sam).get(reverse("cases:person", args=[ava.pk])).content.decode()
    assert "Open Fields Primary" in html


def test_the_rule_is_held_in_data_and_in_the_baseline(db):
    from familyworkbook.access import policy
    from familyworkbook.access.models import ProtectionRule

    assert ProtectionRule.objects.filter(model_label="people.registration", flag_field="hidden")
    ProtectionRule.objects.update(archived_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    assert policy.protected_fields(Registration) == ["name", "code"]
