"""Seed the protection rule for protected addresses and the information-governance group."""

from django.db import migrations

ADDRESS_FIELDS = ["line_1", "line_2", "town", "postcode"]
IG_PERMISSIONS = ["search_audit", "prepare_subject_access", "see_who_has_seen"]


def seed(apps, schema_editor):
    ProtectionRule = apps.get_model("access", "ProtectionRule")
    ProtectionRule.objects.get_or_create(
        model_label="people.address",
        flag_field="protected",
        archived_at=None,
        defaults={
            "fields": ADDRESS_FIELDS,
            "description": "A survivor's safe address or a hidden child's location",
        },
    )


def seed_group(apps, schema_editor):
    # Django creates permissions after the migrations run; make ours now, as it would.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="access", model="accessgrant")
    names = {
        "search_audit": "Search the audit trail (information governance)",
        "prepare_subject_access": "Prepare subject access report drafts",
        "see_who_has_seen": "See who has seen a record",
    }
    permissions = [
        Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": names[codename]}
        )[0]
        for codename in IG_PERMISSIONS
    ]
    group, _ = Group.objects.get_or_create(name="Information governance")
    group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(seed_group, migrations.RunPython.noop),
    ]
