"""Goals per family member, their actions, and 0–10 ratings kept as history.

Ratings are append-only: a new rating is a new row, so the progress chart is the history
itself and nobody can quietly rewrite how things looked in March.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from familyworkbook.core import clock
from familyworkbook.core.models import ArchivableQuerySet, RecordModel
from familyworkbook.people.models import Family, Person
from familyworkbook.teams.models import Worker
from familyworkbook.workbook.models.risk import FamilyRecordQuerySet


class GoalStatus(models.TextChoices):
    OPEN = "open", _("Working on it")
    ACHIEVED = "achieved", _("Achieved")
    NOT_ACHIEVED = "not_achieved", _("Not achieved")
    STOPPED = "stopped", _("No longer needed")


class Goal(RecordModel):
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="goals")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="goals", verbose_name=_("whose goal")
    )
    title = models.CharField(_("goal"), max_length=200)
    success_looks_like = models.TextField(_("what success looks like"), blank=True)
    set_by_family = models.BooleanField(_("the family member set this goal"), default=False)
    set_on = models.DateField(_("date set"))
    status = models.CharField(
        _("status"), max_length=20, choices=GoalStatus.choices, default=GoalStatus.OPEN
    )
    status_reason = models.TextField(_("why"), blank=True)

    objects = FamilyRecordQuerySet.as_manager()

    class Meta:
        ordering = ["person", "set_on", "pk"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("workbook:goal", args=[self.family_id, self.pk])

    def clean(self) -> None:
        if (
            self.status in (GoalStatus.NOT_ACHIEVED, GoalStatus.STOPPED)
            and not self.status_reason.strip()
        ):
            raise ValidationError(
                {"status_reason": _("Say why the goal was not achieved or stopped")}
            )


class ActionStatus(models.TextChoices):
    OPEN = "open", _("To do")
    DONE = "done", _("Done")
    NOT_DONE = "not_done", _("Not done")


class GoalActionQuerySet(ArchivableQuerySet):
    def visible_to(self, user: Any) -> GoalActionQuerySet:
        return self.filter(archived_at__isnull=True, goal__in=Goal.objects.visible_to(user))


class GoalAction(RecordModel):
    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="actions")
    description = models.TextField(_("action"))
    owner = models.CharField(_("who will do it"), max_length=200)
    due_on = models.DateField(_("due by"))
    status = models.CharField(
        _("done or not"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    outcome = models.TextField(_("why it worked or did not"), blank=True)

    objects = GoalActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self) -> str:
        return self.description[:60]

    def clean(self) -> None:
        if self.status == ActionStatus.NOT_DONE and not self.outcome.strip():
            raise ValidationError({"outcome": _("Say why the action was not done")})

    @property
    def is_overdue(self) -> bool:
        return self.status == ActionStatus.OPEN and self.due_on < clock.today()


class RatedBy(models.TextChoices):
    WORKER = "worker", _("Worker")
    FAMILY_MEMBER = "family", _("Family member")


class AppendOnly(models.Model):
    """A row that is written once: later changes and deletes are refused."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError(
                f"{type(self).__name__} is history: add a new row instead of changing one"
            )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(f"{type(self).__name__} is history and is never deleted")


class GoalRating(AppendOnly):
    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="ratings")
    rated_on = models.DateField(_("date of the rating"))
    rated_by = models.CharField(_("rated by"), max_length=10, choices=RatedBy.choices)
    score = models.PositiveSmallIntegerField(
        _("rating (0 to 10)"), validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    note = models.TextField(_("what the rating is based on"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    rater_worker = models.ForeignKey(
        Worker, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["rated_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=10), name="goal_rating_0_to_10"
            )
        ]
        indexes = [models.Index(fields=["goal", "rated_on"], name="goal_rating_idx")]
        verbose_name = _("goal rating")
        verbose_name_plural = _("goal ratings")

    def __str__(self) -> str:
        return f"{self.score}/10 by {self.get_rated_by_display()} on {self.rated_on:%d/%m/%Y}"

    def clean(self) -> None:
        if self.rated_on and self.rated_on > clock.today():
            raise ValidationError(
                {"rated_on": _("The date of the rating must be today or in the past")}
            )
