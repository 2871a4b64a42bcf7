"""Database triggers that refuse UPDATE, DELETE and TRUNCATE of audit events.

PostgreSQL: plpgsql trigger functions, row triggers for UPDATE/DELETE and statement
triggers for TRUNCATE. SQLite: BEFORE UPDATE/DELETE triggers that RAISE(ABORT). The SQL
lives in familyworkbook/audit/guards.py, the one definition `flush`, post_migrate and
verify_audit also use; a later change to it comes with a migration that applies it.
"""

from django.db import migrations


def install(apps, schema_editor):
    from familyworkbook.audit import guards

    if schema_editor.connection.vendor in {"postgresql", "sqlite"}:
        guards.ensure(schema_editor.connection)


def uninstall(apps, schema_editor):
    from familyworkbook.audit import guards

    if schema_editor.connection.vendor in {"postgresql", "sqlite"}:
        guards.remove(schema_editor.connection)
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute("DROP FUNCTION IF EXISTS audit_refuse_change()")
            schema_editor.execute("DROP FUNCTION IF EXISTS audit_head_forward_only()")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
