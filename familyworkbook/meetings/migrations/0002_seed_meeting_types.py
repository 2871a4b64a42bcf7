"""Seed the standard meeting types (see familyworkbook/meetings/seed.py)."""

from django.db import migrations

from familyworkbook.meetings.seed import seed_meeting_types


def seed(apps, schema_editor):
    seed_meeting_types(apps.get_model("meetings", "MeetingType"))


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
