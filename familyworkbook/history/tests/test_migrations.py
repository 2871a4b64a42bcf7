"""The event models copy the tracked models' fields, and the triggers name the event tables'
columns: a tracked model changed without `makemigrations history` breaks its writes on
PostgreSQL. This test runs on both databases so the omission is caught on SQLite too."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command


def test_history_migrations_are_up_to_date(db):
    out = StringIO()
    try:
        call_command("makemigrations", "history", check=True, dry_run=True, stdout=out)
    except SystemExit:
        raise AssertionError(
            "A tracked model changed: run `manage.py makemigrations history` and commit it "
            "with the change (docs/decisions/history-pghistory.md).\n" + out.getvalue()
        ) from None
