"""R13: the off-host copy (export_audit, verify_audit --file) and the app role's grants."""

from __future__ import annotations

import json
import uuid
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from familyworkbook import audit
from familyworkbook.audit.models import AuditEvent
from familyworkbook.audit.verbs import Verb

pytestmark = pytest.mark.django_db

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="database roles and grants exist on PostgreSQL only"
)


@pytest.fixture
def chain(sam):
    return [
        audit.record(
            actor=sam.user,
            verb=Verb.CHANGED,
            target_type="teams.user",
            target_id=sam.user.pk,
            data={"changes": {"first_name": [f"old {n}", f"new {n}"]}, "n": 1.5 * n},
        )
        for n in range(6)
    ]


def export(tmp_path, *args: str):
    path = tmp_path / "copy.jsonl"
    call_command("export_audit", *args, "--output", str(path), stderr=StringIO())
    return path


def verify_file(path) -> str:
    out = StringIO()
    call_command("verify_audit", "--file", str(path), stdout=out)
    return out.getvalue()


def test_an_export_verifies_off_host(chain, tmp_path):
    path = export(tmp_path)
    lines = path.read_text().splitlines()
    assert json.loads(lines[0])["header"]["since_sequence"] == 1
    assert len(lines) == 1 + AuditEvent.objects.count()
    assert "Audit copy intact" in verify_file(path)


def test_an_export_since_a_sequence_or_a_date(chain, tmp_path):
    third = chain[2].sequence
    path = export(tmp_path, "--since", str(third))
    assert "Audit copy intact: 4 events" in verify_file(path)
    path = export(tmp_path, "--since", chain[0].occurred_at.date().isoformat())
    assert "Audit copy intact" in verify_file(path)


def test_a_copy_altered_by_hand_is_caught(chain, tmp_path):
    path = export(tmp_path)
    lines = path.read_text().splitlines()
    event = json.loads(lines[3])
    event["document"]["actor_label"] = "Someone else"
    lines[3] = json.dumps(event)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(CommandError, match="stored hash does not match"):
        verify_file(path)


def test_a_copy_missing_its_last_events_is_caught(chain, tmp_path):
    path = export(tmp_path)
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:-2]) + "\n")
    with pytest.raises(CommandError, match="ends before it"):
        verify_file(path)


def test_a_copy_with_a_removed_event_is_caught(chain, tmp_path):
    path = export(tmp_path)
    lines = path.read_text().splitlines()
    del lines[2]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(CommandError, match="expected sequence"):
        verify_file(path)


def test_the_role_command_refuses_sqlite_or_owner_as_app():
    if connection.vendor == "postgresql":
        with pytest.raises(CommandError, match="owners bypass"):
            call_command("audit_db_role", "--app-role", "x", "--owner", "x")
    else:
        with pytest.raises(CommandError, match="PostgreSQL only"):
            call_command("audit_db_role", "--app-role", "x")


@on_postgres
def test_the_app_role_cannot_update_or_delete_audit_rows(chain):
    role = f"fwb_app_test_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}"')
    try:
        out = StringIO()
        call_command("audit_db_role", "--app-role", role, "--apply", stdout=out, stderr=StringIO())
        assert "GRANT SELECT, INSERT ON" in out.getvalue()
        event = chain[0]
        for sql, params in [
            ("UPDATE audit_auditevent SET actor_label = 'x' WHERE id = %s", [event.id]),
            ("DELETE FROM audit_auditevent WHERE id = %s", [event.id]),
            ("TRUNCATE audit_auditevent", []),
        ]:
            with (
                pytest.raises(Exception, match="permission denied"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(f'SET LOCAL ROLE "{role}"')
                cursor.execute(sql, params)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f'SET LOCAL ROLE "{role}"')
            cursor.execute("SELECT count(*) FROM audit_auditevent")
            assert cursor.fetchone()[0] == AuditEvent.objects.count()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
            cursor.execute(f'REVOKE ALL ON audit_auditevent, audit_auditchainhead FROM "{role}"')
            cursor.execute(
                "SELECT pg_get_serial_sequence('audit_auditevent', 'id'), "
                "pg_get_serial_sequence('audit_auditchainhead', 'id')"
            )
            for seq in [s for s in cursor.fetchone() if s]:
                cursor.execute(f'REVOKE ALL ON SEQUENCE {seq} FROM "{role}"')
            cursor.execute(f'DROP ROLE "{role}"')
