"""Moving in from a Standard Safeguarding Dataset extract: runs, provenance and problems.

- `ImportRun`: one `import_ssd` run (or dry run), with its counts per table and per family.
- `SourceRecord`: one row of an extract that became (part of) a product record: its table and
  key, a digest of its values (so a re-run knows it unchanged), the record it became, and the
  row itself verbatim, so a field the product has no place for is kept, not dropped.
- `ImportProblem`: one row the run did not take, or took with a caveat, and the plain reason.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")
        FAILED = "failed", _("Failed")
        INTERRUPTED = "interrupted", _("Interrupted")

    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    source = models.CharField(_("source"), max_length=500)
    dry_run = models.BooleanField(_("dry run"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RUNNING
    )
    # {"ssd_person": {"read": 10, "imported": 8, "updated": 0, "unchanged": 1, "rejected": 1}}
    tables = models.JSONField(_("counts per table"), default=dict, blank=True)
    # {"read": 5, "imported": 4, "updated": 0, "unchanged": 0, "rejected": 1}
    families = models.JSONField(_("counts of families"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)
    seconds = models.FloatField(_("seconds taken"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")

    def __str__(self) -> str:
        return f"Import {self.pk} of {self.source} ({self.get_status_display()})"


class SourceRecord(models.Model):
    table = models.CharField(_("SSD table"), max_length=40)
    key = models.CharField(_("key in the extract"), max_length=200)
    digest = models.CharField(_("digest of the row's values"), max_length=64)
    target_type = models.CharField(_("record type"), max_length=60, blank=True)
    target_id = models.BigIntegerField(_("record id"), null=True, blank=True)
    family = models.ForeignKey(
        "people.Family",
        on_delete=models.SET_NULL,
        related_name="source_records",
        null=True,
        blank=True,
    )
    data = models.JSONField(_("the row as it was in the extract"), default=dict)
    first_run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="+")
    last_run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["table", "key"], name="source_record_table_key")
        ]
        indexes = [models.Index(fields=["target_type", "target_id"], name="source_record_target")]
        verbose_name = _("source record")
        verbose_name_plural = _("source records")

    def __str__(self) -> str:
        return f"{self.table} {self.key}"


class ImportProblem(models.Model):
    class Outcome(models.TextChoices):
        REJECTED = "rejected", _("Not imported")
        WARNING = "warning", _("Imported with a caveat")

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="problems")
    table = models.CharField(_("SSD table"), max_length=40)
    key = models.CharField(_("key in the extract"), max_length=200, blank=True)
    line = models.PositiveIntegerField(_("line in the file"), null=True, blank=True)
    field = models.CharField(_("column"), max_length=80, blank=True)
    reason = models.CharField(_("reason"), max_length=500)
    family_key = models.CharField(_("family in the extract"), max_length=200, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.REJECTED
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("import problem")
        verbose_name_plural = _("import problems")

    def __str__(self) -> str:
        return f"{self.table} {self.key}: {self.reason}"
