"""R14: history is written by the database, so a change made any way at all is recorded."""

from __future__ import annotations

import datetime as dt

import pghistory
from django.db import connection
from django.urls import reverse

from familyworkbook import history
from familyworkbook.history.models import EVENT_MODELS, TRACKED
from familyworkbook.history.tests.conftest import on_postgres
from familyworkbook.people.models import Person

pytestmark = on_postgres


def _latest(model, pk):
    return EVENT_MODELS[model._meta.label_lower].objects.filter(pgh_obj_id=pk).latest("pgh_id")


def test_raw_sql_update_inside_a_context_records_the_user_and_page(sam, smith_family):
    person = smith_family.members.order_by("pk").first()
    context = pghistory.context(user=sam.user.pk, url="/people/edit/", request_id="req-14")
    with context, connection.cursor() as cursor:
        cursor.execute(
            "UPDATE people_person SET first_name = %s WHERE id = %s", ["Rawname", person.pk]
        )
    event = _latest(Person, person.pk)
    assert event.pgh_label == "update"
    assert event.first_name == "Rawname"
    assert event.pgh_context == {
        "user": sam.user.pk,
        "url": "/people/edit/",
        "request_id": "req-14",
    }
    assert event.pgh_context_id is not None


def test_raw_sql_outside_any_context_is_still_recorded_without_one(smith_family):
    person = smith_family.members.order_by("pk").first()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE people_person SET last_name = 'Nocontext' WHERE id = %s", [person.pk]
        )
    event = _latest(Person, person.pk)
    assert (event.last_name, event.pgh_context) == ("Nocontext", None)


def test_an_edit_through_a_page_carries_the_signed_in_user_and_the_url(sam_client, sam, smith_case):
    membership = smith_case.family.memberships.order_by("pk").first()
    url = reverse("people:end_membership", args=[membership.pk])
    response = sam_client.post(
        url, {"on_day": "3", "on_month": "3", "on_year": "2025"}, HTTP_X_REQUEST_ID="abc-123"
    )
    assert response.status_code == 302
    event = _latest(type(membership), membership.pk)
    assert event.ended_on == dt.date(2025, 3, 3)
    assert event.pgh_context == {"user": sam.user.pk, "url": url, "request_id": "abc-123"}


def test_a_new_record_gets_an_insert_event(smith_family):
    person = smith_family.members.order_by("pk").first()
    assert (
        EVENT_MODELS["people.person"]
        .objects.filter(pgh_obj_id=person.pk, pgh_label="insert")
        .exists()
    )


def test_every_tracked_model_gets_an_event_on_update(db):
    from familyworkbook.demo.seeding import seed_county

    seed_county(families=6, seed=1)
    _add_rows_the_demo_county_lacks()
    missing_rows, missing_events = [], []
    for model in TRACKED:
        row = model._base_manager.order_by("pk").first()
        if row is None:
            missing_rows.append(model._meta.label)
            continue
        table = connection.ops.quote_name(model._meta.db_table)
        # A column every tracked model has and any update may change, written as raw SQL.
        column = "version" if hasattr(row, "version") else "recorded_at"
        change = (
            f"{column} = {column} + 1"
            if column == "version"
            else f"{column} = {column} + interval '1 second'"
        )
        with history.context(url="/test/every-model/"), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET {change} WHERE id = %s", [row.pk])  # noqa: S608
        event = (
            EVENT_MODELS[model._meta.label_lower].objects.filter(pgh_obj_id=row.pk).latest("pgh_id")
        )
        if (
            event.pgh_label != "update"
            or (event.pgh_context or {}).get("url") != "/test/every-model/"
        ):
            missing_events.append(model._meta.label)
    assert missing_events == []
    # Meetings' decisions and actions and documents' written sections need a meeting or a
    # document built through their apps; their triggers are checked installed below.
    assert set(missing_rows) <= {
        "meetings.Decision",
        "meetings.Action",
        "documents.WrittenSection",
    }, missing_rows


def _add_rows_the_demo_county_lacks():
    from familyworkbook.access.models import (
        AccessGrant,
        Consent,
        ConsentScope,
        PerpetratorLink,
        ProtectionRule,
        RecordRestriction,
    )
    from familyworkbook.cases.models import CareProceedings, CinEpisode, PreProceedings
    from familyworkbook.people.models import Registration
    from familyworkbook.teams.models import User

    episode = CinEpisode.objects.select_related("case").order_by("pk").first()
    child, case = episode.child, episode.case
    adults = list(Person.objects.filter(kind="adult").order_by("pk")[:2])
    user = User.objects.order_by("pk").first()
    day = dt.date(2025, 9, 3)
    PreProceedings.objects.create(child=child, case=case, started_on=day)
    CareProceedings.objects.create(child=child, case=case, issued_on=day)
    Registration.objects.create(person=child, kind="school", name="A School", from_date=day)
    AccessGrant.objects.create(user=user, person=child, reason="Test")
    RecordRestriction.objects.create(person=child, reason="Test")
    PerpetratorLink.objects.create(perpetrator=adults[0], survivor=adults[1])
    Consent.objects.create(person=adults[1], scope=ConsentScope.values[0], given_on=day)
    ProtectionRule.objects.create(
        model_label="people.person", flag_field="archived_at", fields=["notes"], description="x"
    )


def test_purge_for_deletes_the_events_of_those_rows_only(smith_family):
    first, second = smith_family.members.order_by("pk")[:2]
    events = EVENT_MODELS["people.person"].objects
    assert events.filter(pgh_obj_id=first.pk).exists()
    deleted = history.purge_for(Person, [first.pk])
    assert deleted >= 1
    assert not events.filter(pgh_obj_id=first.pk).exists()
    assert events.filter(pgh_obj_id=second.pk).exists()
    assert history.purge_for("teams.team", [1]) == 0


def test_the_triggers_are_installed_for_every_tracked_table(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname LIKE 'pgtrigger_update_%%'"
        )
        tables = {row[0].strip('"') for row in cursor.fetchall()}
    assert {m._meta.db_table for m in TRACKED} <= tables
