from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from familyworkbook import audit
from familyworkbook.audit.models import AuditEvent
from familyworkbook.audit.tests.conftest import guards_dropped, raw
from familyworkbook.audit.verbs import Verb

pytestmark = pytest.mark.django_db


def verify(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("verify_audit", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def chain(sam, mo):
    """Five events: sequences 1 to 5."""
    events = []
    for n in range(5):
        actor = sam.user if n % 2 == 0 else mo.user
        events.append(
            audit.record(
                actor=actor,
                verb=Verb.CHANGED,
                target_type="teams.user",
                target_id=actor.pk,
                data={"changes": {"first_name": [f"old {n}", f"new {n}"]}},
            )
        )
    return events


def test_an_intact_chain_passes(chain):
    out, err = verify()

    assert "Audit chain intact: 5 events" in out
    assert err == ""


def test_an_empty_audit_trail_is_intact():
    out, _ = verify()

    assert "Audit chain intact: 0 events" in out


def test_an_event_altered_by_hand_is_named_as_the_first_broken_link(chain):
    with guards_dropped():
        raw("UPDATE audit_auditevent SET target_label = 'nothing to see' WHERE sequence IN (3, 4)")

    with pytest.raises(CommandError) as broken:
        verify()

    message = str(broken.value)
    assert f"sequence 3 (event id {chain[2].pk})" in message
    assert "does not match its contents" in message
    assert "sequence 4" not in message


def test_altered_detail_is_caught_even_when_the_json_is_rewritten(chain):
    with guards_dropped():
        raw(
            "UPDATE audit_auditevent SET data = %s WHERE sequence = 2",
            ['{"changes": {"first_name": ["old 1", "something else"]}}'],
        )

    with pytest.raises(CommandError, match=r"sequence 2 \(event id"):
        verify()


def test_an_event_re_hashed_by_hand_breaks_the_link_to_the_next(chain):
    """Recomputing the altered event's own hash is not enough: the next event points at it."""
    with guards_dropped():
        raw("UPDATE audit_auditevent SET target_label = 'x' WHERE sequence = 2")
        altered = AuditEvent.objects.get(sequence=2)
        raw(
            "UPDATE audit_auditevent SET hash = %s WHERE sequence = 2",
            [altered.compute_hash()],
        )

    with pytest.raises(CommandError) as broken:
        verify()

    assert f"sequence 3 (event id {chain[2].pk})" in str(broken.value)
    assert "prev_hash" in str(broken.value)


def test_a_removed_event_is_reported_as_missing(chain):
    with guards_dropped():
        raw("DELETE FROM audit_auditevent WHERE sequence = 3")

    with pytest.raises(CommandError, match=r"sequence 4 .*sequence 3 missing"):
        verify()


def test_events_removed_from_the_end_are_noticed_through_the_head(chain):
    with guards_dropped():
        raw("DELETE FROM audit_auditevent WHERE sequence >= 4")

    with pytest.raises(CommandError, match=r"after sequence 3 .*sequences 4 to 5 are missing"):
        verify()


def test_it_can_start_part_way(chain):
    out, _ = verify("--since-sequence", "3")

    assert "Audit chain intact: 3 events from sequence 3" in out


def test_starting_part_way_still_checks_the_link_to_the_event_before(chain):
    with guards_dropped():
        raw("UPDATE audit_auditevent SET hash = %s WHERE sequence = 2", ["0" * 64])

    with pytest.raises(CommandError, match=r"sequence 3 .*prev_hash"):
        verify("--since-sequence", "3")


def test_it_reports_progress_on_long_chains(chain):
    out, _ = verify("--progress-every", "2")

    assert "Checked 2 events (to sequence 2)" in out
    assert "Checked 4 events (to sequence 4)" in out


def test_it_warns_when_the_guards_are_missing(chain):
    with guards_dropped():
        _, err = verify()

    assert "guard triggers are missing" in err


def test_exit_status_is_1_from_the_command_line(chain):
    """manage.py turns CommandError into exit status 1."""
    with guards_dropped():
        raw("UPDATE audit_auditevent SET verb = 'printed' WHERE sequence = 1")
    with pytest.raises(CommandError) as broken:
        verify()

    assert broken.value.returncode == 1


def test_a_row_too_damaged_to_read_is_a_broken_link_not_a_crash(chain):
    with guards_dropped():
        if connection.vendor == "sqlite":
            # SQLite stores any text in a datetime column; this one cannot be a date.
            raw(
                "UPDATE audit_auditevent SET occurred_at = '2025-13-45 10:00:00' WHERE sequence = 4"
            )
        else:
            # PostgreSQL's types refuse unreadable values, so damage is a plain mismatch.
            raw("UPDATE audit_auditevent SET ip = '10.0.0.9' WHERE sequence = 4")

    with pytest.raises(CommandError, match=rf"at sequence 4 \(event id {chain[3].pk}\)"):
        verify()
