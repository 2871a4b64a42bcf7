"""Database triggers that make audit rows append-only, below the ORM.

The model refuses updates and deletes, but raw SQL, a bulk tool or a bug in someone else's
migration would not ask the model. These triggers refuse UPDATE, DELETE and TRUNCATE of
audit events, and refuse moving the chain head backwards, on both PostgreSQL and SQLite.
They have no switch: the only way past them is DDL (dropping them), which is what
`manage.py flush` does inside one transaction (see management/commands/flush.py).

Production should also give the application's database role no UPDATE, DELETE or TRUNCATE
privilege on these tables and make another role their owner (SECURITY-REQUIREMENTS R13):
triggers stop mistakes, privileges stop a compromised application from dropping triggers.

SQLite drops a table's triggers when Django rebuilds the table for a schema change, so
`ensure()` runs after every `migrate` (post_migrate) and `verify_audit` reports missing ones.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.db.backends.base.base import BaseDatabaseWrapper

EVENT_TABLE = "audit_auditevent"
HEAD_TABLE = "audit_auditchainhead"

REFUSAL = "audit events are append-only"

_POSTGRES_FUNCTIONS = [
    f"""
    CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{REFUSAL}: % on % refused', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'restrict_violation';
    END
    $$;
    """,
    """
    CREATE OR REPLACE FUNCTION audit_head_forward_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND NEW.sequence > OLD.sequence THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'the audit chain head only moves forward: % on % refused',
            TG_OP, TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
    END
    $$;
    """,
]

# name -> (table, CREATE statement)
_POSTGRES_TRIGGERS: dict[str, tuple[str, str]] = {
    "audit_event_no_update_delete": (
        EVENT_TABLE,
        f"CREATE TRIGGER audit_event_no_update_delete BEFORE UPDATE OR DELETE ON {EVENT_TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()",
    ),
    "audit_event_no_truncate": (
        EVENT_TABLE,
        f"CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON {EVENT_TABLE} "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()",
    ),
    "audit_head_forward_only": (
        HEAD_TABLE,
        f"CREATE TRIGGER audit_head_forward_only BEFORE UPDATE OR DELETE ON {HEAD_TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION audit_head_forward_only()",
    ),
    "audit_head_no_truncate": (
        HEAD_TABLE,
        f"CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON {HEAD_TABLE} "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_head_forward_only()",
    ),
}

# SQLite has no TRUNCATE: `DELETE FROM t` without WHERE fires row triggers when any exist.
_SQLITE_TRIGGERS: dict[str, tuple[str, str]] = {
    "audit_event_no_update": (
        EVENT_TABLE,
        f"CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON {EVENT_TABLE} "
        f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}: UPDATE refused'); END",
    ),
    "audit_event_no_delete": (
        EVENT_TABLE,
        f"CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON {EVENT_TABLE} "
        f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}: DELETE refused'); END",
    ),
    "audit_head_forward_only": (
        HEAD_TABLE,
        f"CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON {HEAD_TABLE} "
        "WHEN NEW.sequence <= OLD.sequence "
        "BEGIN SELECT RAISE(ABORT, 'the audit chain head only moves forward'); END",
    ),
    "audit_head_no_delete": (
        HEAD_TABLE,
        f"CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON {HEAD_TABLE} "
        "BEGIN SELECT RAISE(ABORT, 'the audit chain head cannot be deleted'); END",
    ),
}


def _triggers(connection: BaseDatabaseWrapper) -> dict[str, tuple[str, str]]:
    if connection.vendor == "postgresql":
        return _POSTGRES_TRIGGERS
    if connection.vendor == "sqlite":
        return _SQLITE_TRIGGERS
    raise ImproperlyConfigured(
        f"Audit guards are written for PostgreSQL and SQLite, not {connection.vendor}"
    )


def expected(connection: BaseDatabaseWrapper) -> set[str]:
    """Names of the guard triggers this database should have."""
    return set(_triggers(connection))


def installed(connection: BaseDatabaseWrapper) -> set[str]:
    """Names of the guard triggers this database has now."""
    names = tuple(expected(connection))
    placeholders = ", ".join(["%s"] * len(names))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger "  # noqa: S608 - placeholders only, no input
                f"WHERE NOT tgisinternal AND tgname IN ({placeholders}) "
                "AND tgrelid IN (%s::regclass, %s::regclass)",
                [*names, EVENT_TABLE, HEAD_TABLE],
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master "  # noqa: S608 - placeholders only, no input
                f"WHERE type = 'trigger' AND name IN ({placeholders})",
                list(names),
            )
        return {row[0] for row in cursor.fetchall()}


def _tables_exist(connection: BaseDatabaseWrapper) -> bool:
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
    return {EVENT_TABLE, HEAD_TABLE} <= tables


def ensure(connection: BaseDatabaseWrapper) -> list[str]:
    """Create whichever guards are missing; return their names. Safe to call repeatedly."""
    if not _tables_exist(connection):
        return []
    missing = sorted(expected(connection) - installed(connection))
    if not missing:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for statement in _POSTGRES_FUNCTIONS:
                cursor.execute(statement)
        for name in missing:
            cursor.execute(_triggers(connection)[name][1])
    return missing


def remove(connection: BaseDatabaseWrapper) -> None:
    """Drop the guards. Only for `flush` and tests, inside a transaction that restores them."""
    if not _tables_exist(connection):
        return
    with connection.cursor() as cursor:
        for name, (table, _sql) in _triggers(connection).items():
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
