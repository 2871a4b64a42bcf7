"""Snapshots for meetings already signed off (issue 22, "One truth").

Until now a signed-off record was a live query: its previous meeting was whatever the
plan-time query found (the demo county's never had one, so 213 of 259 called themselves the
first meeting) and its ratings were every rating of the family, including later ones. This
computes each signed-off record as of the meeting (`meetings.snapshots`: the latest
signed-off meeting of the same kind held before it, ratings dated after that meeting and up
to this one), points `previous` at that meeting, and stores the snapshot. Run on historical
models, through the same builder the sign-off uses.
"""

from django.db import migrations

BATCH = 500


def snapshot_signed_off(apps, schema_editor):
    from familyworkbook.meetings.snapshots import Models, previous_of, take_many

    models = Models.from_apps(apps)
    Meeting = models.Meeting
    signed_off = Meeting.objects.filter(status="signed_off", snapshot__isnull=True).order_by("pk")
    pks = list(signed_off.values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH):
        batch = list(Meeting.objects.filter(pk__in=pks[start : start + BATCH]))
        families = {m.family_id for m in batch if m.family_id}
        candidates = {}
        for row in Meeting.objects.filter(
            family_id__in=families, status="signed_off", archived_at__isnull=True
        ):
            candidates.setdefault((row.family_id, row.type_id), []).append(row)
        for m in batch:
            if not m.family_id:
                continue
            prev = previous_of(m, candidates.get((m.family_id, m.type_id), []))
            if (prev.pk if prev else None) != m.previous_id:
                Meeting.objects.filter(pk=m.pk).update(previous_id=prev.pk if prev else None)
        take_many(batch, models=models)


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0007_meeting_snapshot"),
        ("people", "0005_encrypt_addresses_and_registrations"),
        ("teams", "0001_initial"),
        ("workbook", "0005_infer_session_modules"),
    ]

    operations = [migrations.RunPython(snapshot_signed_off, migrations.RunPython.noop)]
