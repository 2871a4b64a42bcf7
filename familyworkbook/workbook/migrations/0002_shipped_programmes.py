"""Load the programmes that ship with the product (idempotent: a version is loaded once)."""

from django.db import migrations


def load(apps, schema_editor):
    from familyworkbook.workbook.loader import load_shipped_programmes

    load_shipped_programmes(
        programme_model=apps.get_model("workbook", "Programme"),
        module_model=apps.get_model("workbook", "Module"),
    )


class Migration(migrations.Migration):
    dependencies = [("workbook", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
