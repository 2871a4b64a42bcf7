"""Cycle of Change per adult per issue, the cost-benefit (decisional balance) tool, scaling.

Stage assessments are history (append-only): the current stage is the latest row, and the
rationale for every earlier stage stays readable for supervision and court.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from familyworkbook.core import clock
from familyworkbook.core.models import RecordModel
from familyworkbook.people.models import Family, Person, PersonKind
from familyworkbook.workbook.models.goals import AppendOnly
from familyworkbook.workbook.models.risk import FamilyHistoryQuerySet, FamilyRecordQuerySet


class ChangeIssue(models.TextChoices):
    DOMESTIC_ABUSE = "da", _("Domestic abuse")
    ALCOHOL = "alcohol", _("Alcohol use")
    DRUGS = "drugs", _("Drug use")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    PARENTING = "parenting", _("Parenting")
    OTHER = "other", _("Other")


class Stage(models.TextChoices):
    """Prochaska and DiClemente's stages, in the order people move through them."""

    PRECONTEMPLATION = "precontemplation", _("Precontemplation")
    CONTEMPLATION = "contemplation", _("Contemplation")
    PREPARATION = "preparation", _("Preparation")
    ACTION = "action", _("Action")
    MAINTENANCE = "maintenance", _("Maintenance")
    RELAPSE = "relapse", _("Relapse")


def _adult_only(person: Person | None) -> None:
    if person is not None and person.kind != PersonKind.ADULT:
        raise ValidationError({"person": _("Select an adult")})


class ChangeStage(AppendOnly):
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="change_stages")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="change_stages", verbose_name=_("adult")
    )
    issue = models.CharField(_("issue"), max_length=20, choices=ChangeIssue.choices)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    assessed_on = models.DateField(_("date assessed"))
    rationale = models.TextField(_("why this stage"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = FamilyHistoryQuerySet.as_manager()

    class Meta:
        ordering = ["person", "issue", "assessed_on", "pk"]
        indexes = [models.Index(fields=["family", "person", "issue"], name="change_stage_idx")]
        verbose_name = _("Cycle of Change stage")
        verbose_name_plural = _("Cycle of Change stages")

    def __str__(self) -> str:
        return f"{self.person}: {self.get_issue_display()} — {self.get_stage_display()}"

    def clean(self) -> None:
        _adult_only(self.person if self.person_id else None)
        if self.assessed_on and self.assessed_on > clock.today():
            raise ValidationError(
                {"assessed_on": _("The date assessed must be today or in the past")}
            )


class DecisionalBalance(RecordModel):
    """The cost-benefit analysis: good and not-so-good things about changing and staying the same."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="decisional_balances")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("adult")
    )
    issue = models.CharField(_("issue"), max_length=20, choices=ChangeIssue.choices)
    completed_on = models.DateField(_("date completed"))
    staying_good = models.TextField(_("good things about staying the same"))
    staying_bad = models.TextField(_("not so good things about staying the same"))
    changing_good = models.TextField(_("good things about changing"))
    changing_bad = models.TextField(_("not so good things about changing"))

    objects = FamilyRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-completed_on", "-pk"]
        verbose_name = _("cost-benefit analysis")
        verbose_name_plural = _("cost-benefit analyses")

    def __str__(self) -> str:
        return f"{self.person}: {self.get_issue_display()} ({self.completed_on:%d/%m/%Y})"

    def clean(self) -> None:
        _adult_only(self.person if self.person_id else None)


class ScalingAnswer(AppendOnly):
    """A scaling question put to a family member: 'where are you on a scale of 0 to 10?'."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="scaling_answers")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("who answered")
    )
    question = models.CharField(_("question"), max_length=300)
    score = models.PositiveSmallIntegerField(
        _("answer (0 to 10)"), validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    asked_on = models.DateField(_("date asked"))
    note = models.TextField(_("what would move it one point up"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = FamilyHistoryQuerySet.as_manager()

    class Meta:
        ordering = ["asked_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=10), name="scaling_0_to_10"
            )
        ]
        verbose_name = _("scaling answer")
        verbose_name_plural = _("scaling answers")

    def __str__(self) -> str:
        return f"{self.question}: {self.score}/10"
