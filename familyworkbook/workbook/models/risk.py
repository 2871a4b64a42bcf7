"""Risk and need: worries, strengths, protective factors and what must change (for the family
and per child), toxic-trio flags per adult with the involved specialist, and priority issues."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from familyworkbook.core.models import ArchivableQuerySet, RecordModel
from familyworkbook.people.models import Family, Person, PersonKind
from familyworkbook.teams.models import Worker


class FamilyRecordQuerySet(ArchivableQuerySet):
    def visible_to(self, user: Any) -> FamilyRecordQuerySet:
        """Rows of families this user may see."""
        return self.filter(archived_at__isnull=True, family__in=Family.objects.visible_to(user))


class FamilyHistoryQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> FamilyHistoryQuerySet:
        """History rows (never archived) of families this user may see."""
        return self.filter(family__in=Family.objects.visible_to(user))


class RiskNeedKind(models.TextChoices):
    WORRY = "worry", _("What we are worried about")
    STRENGTH = "strength", _("What is working well")
    PROTECTIVE = "protective", _("Protective factor")
    MUST_CHANGE = "must_change", _("What must change")


class RiskNeedItem(RecordModel):
    """One line of the risk and need analysis, about the whole family or one child."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="risk_need_items")
    about = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("about"),
        help_text=_("Leave empty for the whole family."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=RiskNeedKind.choices)
    text = models.TextField(_("what"))
    identified_on = models.DateField(_("date identified"))

    objects = FamilyRecordQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "identified_on", "pk"]
        verbose_name = _("risk and need item")
        verbose_name_plural = _("risk and need items")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:40]}"


class PriorityIssue(RecordModel):
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="priority_issues")
    title = models.CharField(_("priority issue"), max_length=200)
    detail = models.TextField(_("why it is a priority"), blank=True)
    rank = models.PositiveSmallIntegerField(_("priority order"), default=1)
    identified_on = models.DateField(_("date identified"))
    resolved_on = models.DateField(_("date resolved"), null=True, blank=True)

    objects = FamilyRecordQuerySet.as_manager()

    class Meta:
        ordering = ["resolved_on", "rank", "identified_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True)
                | Q(resolved_on__gte=models.F("identified_on")),
                name="priority_dates_ordered",
            )
        ]
        verbose_name = _("priority issue")
        verbose_name_plural = _("priority issues")

    def __str__(self) -> str:
        return self.title


class TrioIssue(models.TextChoices):
    """The toxic trio: the parental risks the adult specialists address."""

    DOMESTIC_ABUSE = "da", _("Domestic abuse")
    SUBSTANCE_MISUSE = "substance", _("Substance misuse")
    MENTAL_HEALTH = "mental_health", _("Mental ill-health")


class ToxicTrioFlag(RecordModel):
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="trio_flags")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="trio_flags", verbose_name=_("adult")
    )
    issue = models.CharField(_("issue"), max_length=20, choices=TrioIssue.choices)
    specialist = models.ForeignKey(
        Worker,
        on_delete=models.PROTECT,
        related_name="trio_flags",
        null=True,
        blank=True,
        verbose_name=_("specialist involved"),
    )
    flagged_on = models.DateField(_("date flagged"))
    ended_on = models.DateField(_("no longer a concern from"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = FamilyRecordQuerySet.as_manager()

    class Meta:
        ordering = ["person", "issue", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "issue"],
                condition=Q(ended_on__isnull=True, archived_at__isnull=True),
                name="trio_flag_one_current",
                violation_error_message=_("This adult already has this flag"),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("flagged_on")),
                name="trio_flag_dates_ordered",
            ),
        ]
        verbose_name = _("toxic-trio flag")
        verbose_name_plural = _("toxic-trio flags")

    def __str__(self) -> str:
        return f"{self.person}: {self.get_issue_display()}"

    def clean(self) -> None:
        if self.person_id and self.person.kind != PersonKind.ADULT:
            raise ValidationError({"person": _("Toxic-trio flags are recorded for adults")})
