"""Seed the protection rule for a hidden child's school and GP practice."""

from django.db import migrations


def seed(apps, schema_editor):
    ProtectionRule = apps.get_model("access", "ProtectionRule")
    ProtectionRule.objects.get_or_create(
        model_label="people.registration",
        flag_field="hidden",
        archived_at=None,
        defaults={
            "fields": ["name", "code"],
            "description": "A hidden child's school or GP practice",
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0002_rules_and_groups"),
        ("people", "0004_registration"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
