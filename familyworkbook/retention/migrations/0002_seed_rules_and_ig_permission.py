"""The statutory retention schedule and a default local one; IG staff may manage retention.

Statutory: looked-after children (Care Planning, Placement and Case Review (England)
Regulations 2010, reg 50), adoption (Adoption Agencies Regulations 2005, reg 42). Local:
child protection and children in need have no statutory period; the defaults are published
councils' schedules (Blackpool, Devon) and each council should check them against its own.
"""

from django.db import migrations

RULES = [
    (
        "looked_after",
        "date_of_birth",
        75,
        "Care Planning, Placement and Case Review (England) Regulations 2010, reg 50: "
        "until the child's 75th birthday",
    ),
    (
        "looked_after_died",
        "date_of_death",
        15,
        "Care Planning, Placement and Case Review (England) Regulations 2010, reg 50: "
        "15 years from the date of death of a child who dies before 18",
    ),
    (
        "adopted",
        "adoption_order",
        100,
        "Adoption Agencies Regulations 2005, reg 42: at least 100 years from the adoption order",
    ),
    (
        "child_protection",
        "last_contact",
        35,
        "Local schedule (as Blackpool Council): 35 years after last contact",
    ),
    (
        "child_in_need",
        "adulthood_or_last_contact",
        3,
        "Local schedule (as Devon County Council): the 18th birthday plus 3 years of inactivity",
    ),
    (
        "family",
        "last_contact",
        6,
        "Local schedule (default): 6 years after last contact for a family record with no "
        "statutory episode (Limitation Act 1980)",
    ),
]


def seed(apps, schema_editor):
    RetentionRule = apps.get_model("retention", "RetentionRule")
    for record_type, trigger, years, source in RULES:
        if not RetentionRule.objects.filter(record_type=record_type, archived_at=None).exists():
            RetentionRule.objects.create(
                record_type=record_type, trigger=trigger, years=years, legal_source=source
            )


def grant(apps, schema_editor):
    # Django creates permissions after the migrations run; make ours now, as it would.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(
        app_label="retention", model="retentionrule"
    )
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="manage_retention",
        defaults={"name": "Review retention, place legal holds and destroy records (IG)"},
    )
    group, _ = Group.objects.get_or_create(name="Information governance")
    group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("retention", "0001_initial"),
        ("access", "0002_rules_and_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
