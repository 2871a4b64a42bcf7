"""Base models every record shares: who made it and when, optimistic versions, archiving.

Nothing in Family Workbook is deleted. A record that should no longer appear is archived:
the law requires children's records to be kept, and statutory returns compare this year
with last year, so history must never be rewritten.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StaleEditError(Exception):
    """Someone else saved this record after the editor opened it."""

    def __init__(self, record: models.Model, *, expected: int, actual: int) -> None:
        super().__init__(f"{record._meta.verbose_name} changed (version {expected} → {actual})")
        self.record = record
        self.expected = expected
        self.actual = actual


class ArchivableQuerySet(models.QuerySet):
    def current(self) -> ArchivableQuerySet:
        """Records not archived."""
        return self.filter(archived_at__isnull=True)

    def delete(self) -> Any:  # pragma: no cover - guarded by tests
        raise TypeError("Records are archived, never deleted: call archive() instead")


class RecordModel(models.Model):
    """Abstract base: created/modified by and at, an edit version, and archiving instead of delete."""

    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    modified_at = models.DateTimeField(_("modified at"), default=timezone.now, editable=False)
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("modified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)

    objects = ArchivableQuerySet.as_manager()

    class Meta:
        abstract = True

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("Records are archived, never deleted: call archive() instead")

    def stamp(self, by: Any) -> None:
        """Mark the record as changed by `by` now; call before save in services."""
        now = timezone.now()
        if self._state.adding:
            self.created_at = now
            self.created_by = by
        self.modified_at = now
        self.modified_by = by

    def save_checked(self, *, by: Any, expected_version: int | None) -> None:
        """Save, refusing if someone else saved since `expected_version` was read.

        The version check and the increment happen in one UPDATE, so two people saving
        at once cannot both win: the second gets StaleEditError and a way to merge.
        """
        self.stamp(by)
        if self._state.adding:
            self.version = 1
            self.save()
            return
        if expected_version is None:
            expected_version = self.version
        model = type(self)
        fields = {
            f.attname: getattr(self, f.attname)
            for f in model._meta.concrete_fields
            if not f.primary_key and f.attname not in {"version", "created_at", "created_by_id"}
        }
        updated = model._default_manager.filter(pk=self.pk, version=expected_version).update(
            version=models.F("version") + 1, **fields
        )
        if not updated:
            actual = model._default_manager.filter(pk=self.pk).values_list("version", flat=True)
            raise StaleEditError(self, expected=expected_version, actual=actual.first() or 0)
        self.version = expected_version + 1

    def archive(self, *, by: Any) -> None:
        self.archived_at = timezone.now()
        self.stamp(by)
        self.save(update_fields=["archived_at", "modified_at", "modified_by"])

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class RecordClock(models.Model):
    """The date this county's record is seen from, when it is not today (a demo county).

    At most one row. Production has none, and `familyworkbook.core.clock` uses the real
    calendar day; `seed_demo` records its anchor here (docs/decisions/core-record-clock.md).
    """

    ONLY = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=ONLY, editable=False)
    seen_on = models.DateField(_("record seen from"))

    class Meta:
        verbose_name = _("record clock")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="core_record_clock_one_row")
        ]

    def __str__(self) -> str:
        return f"Record seen from {self.seen_on:%d %B %Y}"


class Job(models.Model):
    """Progress of one piece of long work run by django-tasks (docs/decisions/jobs-django-tasks-progress.md).

    The queue and the task's outcome are django-tasks' own (django_tasks_db.DBTaskResult,
    named by task_id); this row adds only what the library does not keep: who started it,
    what it is for, how far it has got, and where its result is.
    """

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting to start")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, editable=False)
    kind = models.CharField(_("kind"), max_length=40)
    label = models.CharField(_("what it is for"), max_length=200)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    stage = models.CharField(_("stage"), max_length=200, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    result_url = models.CharField(max_length=300, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("background job")
        indexes = [models.Index(fields=["kind", "started_by", "-started_at"])]

    def __str__(self) -> str:
        return self.label

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0
