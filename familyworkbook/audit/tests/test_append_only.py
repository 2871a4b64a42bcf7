from __future__ import annotations

import pytest
from django.apps import apps as django_apps
from django.db import DatabaseError, connection, transaction
from django.db.models.signals import post_migrate

from familyworkbook import audit
from familyworkbook.audit import guards
from familyworkbook.audit.models import AuditAppendOnlyError, AuditChainHead, AuditEvent
from familyworkbook.audit.tests.conftest import on_postgres, raw
from familyworkbook.audit.verbs import Verb

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(sam):
    return audit.record(actor=sam.user, verb=Verb.VIEWED, target_type="teams.user", target_id=1)


def test_a_saved_event_cannot_be_saved_again(event):
    event.target_label = "something else"

    with pytest.raises(AuditAppendOnlyError):
        event.save()


def test_an_event_cannot_be_written_around_record(sam):
    with pytest.raises(AuditAppendOnlyError):
        AuditEvent.objects.create(
            sequence=99, actor=sam.user, verb=Verb.VIEWED, prev_hash="0" * 64, hash="f" * 64
        )
    with pytest.raises(AuditAppendOnlyError):
        AuditEvent.objects.bulk_create([AuditEvent(sequence=99, verb=Verb.VIEWED)])


def test_an_event_cannot_be_deleted(event):
    with pytest.raises(AuditAppendOnlyError):
        event.delete()


@pytest.mark.parametrize(
    "call",
    [
        lambda qs: qs.update(target_label="x"),
        lambda qs: qs.delete(),
        lambda qs: qs.bulk_update(list(qs), ["target_label"]),
        lambda qs: qs.update_or_create(sequence=1, defaults={"target_label": "x"}),
    ],
    ids=["update", "delete", "bulk_update", "update_or_create"],
)
def test_querysets_refuse_to_change_events(event, call):
    with pytest.raises(AuditAppendOnlyError):
        call(AuditEvent.objects.all())

    assert AuditEvent.objects.get().hash == event.hash


def test_raw_sql_update_is_refused_by_the_database(event):
    with pytest.raises(DatabaseError, match="append-only"):
        raw("UPDATE audit_auditevent SET target_label = 'altered' WHERE id = %s", [event.pk])

    assert AuditEvent.objects.get().target_label == ""


def test_raw_sql_delete_is_refused_by_the_database(event):
    with pytest.raises(DatabaseError, match="append-only"):
        raw("DELETE FROM audit_auditevent")

    assert AuditEvent.objects.count() == 1


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_truncate_is_refused_on_postgresql(event):
    # Committed rows (transaction=True): inside a transaction with pending deferred FK
    # checks PostgreSQL refuses TRUNCATE before the guard is even asked.
    with pytest.raises(DatabaseError, match="append-only"):
        raw("TRUNCATE audit_auditevent")
    with pytest.raises(DatabaseError, match="only moves forward"):
        raw("TRUNCATE audit_auditchainhead")

    assert AuditEvent.objects.count() == 1


def test_the_chain_head_cannot_be_moved_back_or_removed(event):
    with pytest.raises(DatabaseError, match="only moves forward"):
        raw("UPDATE audit_auditchainhead SET sequence = 0")
    with pytest.raises(DatabaseError):
        raw("DELETE FROM audit_auditchainhead")

    assert AuditChainHead.objects.get().sequence == 1


def test_migrate_puts_back_guards_that_a_table_rebuild_dropped(db):
    """SQLite drops triggers when Django rebuilds a table for a schema change."""
    with transaction.atomic():
        guards.remove(connection)
        assert guards.installed(connection) == set()

        post_migrate.send(
            sender=django_apps.get_app_config("audit"),
            app_config=django_apps.get_app_config("audit"),
            verbosity=0,
            interactive=False,
            using=connection.alias,
            apps=django_apps,
            plan=[],
        )

        assert guards.installed(connection) == guards.expected(connection)
