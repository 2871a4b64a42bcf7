"""`manage.py flush`, taught that the audit trail refuses to be emptied row by row.

Django's flush (also run by TransactionTestCase and live-server browser tests after each
test) empties every table with TRUNCATE (PostgreSQL) or DELETE (SQLite). The audit guard
triggers refuse both, by design and without any switch. This override, found by Django
because apps' commands take precedence over its own, drops the guards, flushes and puts
the guards back, all in one transaction: if anything fails, the guards were never gone.
Everything else is Django's command unchanged.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush
from django.db import connections, transaction

from familyworkbook.audit import guards


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        database = options["database"]
        connection = connections[database]
        with transaction.atomic(using=database):
            guards.remove(connection)
            super().handle(**options)
            guards.ensure(connection)
