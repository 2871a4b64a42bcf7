from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection, transaction

from familyworkbook.audit import guards

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has no TRUNCATE statement; its DELETE FROM is tested instead",
)


@contextmanager
def guards_dropped() -> Iterator[None]:
    """Tamper as an attacker with DDL rights would: drop the guards, then put them back.

    DDL is transactional on both databases, so inside the test's transaction nothing
    outlives the test even if it fails half way.
    """
    with transaction.atomic():
        guards.remove(connection)
        try:
            yield
        finally:
            guards.ensure(connection)


def raw(sql: str, params: list[object] | None = None) -> int:
    """Run SQL in a savepoint, so a refused statement does not poison the test transaction."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.rowcount
