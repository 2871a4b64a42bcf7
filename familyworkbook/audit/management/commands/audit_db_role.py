"""`manage.py audit_db_role`: the PostgreSQL grants that stop the application changing audit rows.

R13. The guard triggers (audit/guards.py) refuse UPDATE, DELETE and TRUNCATE, but a role
that owns the tables can drop them. In production the tables are owned by a separate role
(`--owner`, used only for migrations), and the role the application connects as
(`--app-role`) may only read and append events and move the chain head forward:

    python manage.py audit_db_role --app-role fwb_app --owner fwb_owner          # print the SQL
    python manage.py audit_db_role --app-role fwb_app --owner fwb_owner --apply  # run it

Run `--apply` connected as a superuser or as the owner. See docs/decisions/audit-database-role-and-off-host-copy.md.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from familyworkbook.audit.models import AuditChainHead, AuditEvent


def statements(app_role: str, owner: str | None, connection: Any) -> list[str]:
    quote = connection.ops.quote_name
    events = quote(AuditEvent._meta.db_table)
    head = quote(AuditChainHead._meta.db_table)
    app = quote(app_role)
    sql = []
    if owner:
        sql += [
            f"ALTER TABLE {events} OWNER TO {quote(owner)};",
            f"ALTER TABLE {head} OWNER TO {quote(owner)};",
        ]
    sql += [
        f"REVOKE ALL ON {events} FROM {app};",
        f"REVOKE ALL ON {head} FROM {app};",
        f"GRANT SELECT, INSERT ON {events} TO {app};",
        # The head is one row moved forward by compare-and-swap (and locked FOR UPDATE).
        f"GRANT SELECT, INSERT, UPDATE ON {head} TO {app};",
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_serial_sequence(%s, 'id'), pg_get_serial_sequence(%s, 'id')",
            [AuditEvent._meta.db_table, AuditChainHead._meta.db_table],
        )
        sequences = [s for s in cursor.fetchone() if s]
    sql += [f"GRANT USAGE, SELECT ON SEQUENCE {s} TO {app};" for s in sequences]
    return sql


class Command(BaseCommand):
    help = "Print (or apply) the PostgreSQL grants that make audit rows append-only for the app."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--app-role", required=True, help="The role the application uses.")
        parser.add_argument("--owner", default=None, help="The role that owns the tables.")
        parser.add_argument("--apply", action="store_true", help="Run the SQL now.")
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        connection = connections[options["database"]]
        if connection.vendor != "postgresql":
            raise CommandError("Database roles and grants apply to PostgreSQL only.")
        if options["owner"] and options["owner"] == options["app_role"]:
            raise CommandError(
                "The owner must not be the application's role: owners bypass grants."
            )
        sql = statements(options["app_role"], options["owner"], connection)
        for statement in sql:
            self.stdout.write(statement)
        if options["apply"]:
            with connection.cursor() as cursor:
                for statement in sql:
                    cursor.execute(statement)
            self.stderr.write(f"Applied {len(sql)} statements.")
