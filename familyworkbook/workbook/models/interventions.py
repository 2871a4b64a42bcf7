"""Intensive intervention episodes (Supporting Change): intake with readiness-for-change
screening, extension with agreement and a reason, outcome, and legal status at start and end.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from familyworkbook.core.models import RecordModel
from familyworkbook.people.models import Family, Person
from familyworkbook.teams.models import Worker
from familyworkbook.workbook.models.programmes import Programme
from familyworkbook.workbook.models.risk import FamilyRecordQuerySet


class Eligibility(models.TextChoices):
    EDGE_OF_CARE = "edge_of_care", _("Edge of care")
    RETURN_HOME = "return_home", _("Return home from care")


class StatusAtPoint(models.TextChoices):
    """The child's legal status when the intervention starts and ends (seed 000)."""

    NONE = "none", _("No statutory involvement")
    CIN = "cin", _("Child in need")
    CP = "cp", _("Child protection plan")
    PLO = "plo", _("Pre-proceedings (PLO)")
    S20 = "s20", _("Looked after: section 20")
    ICO = "ico", _("Looked after: interim care order")
    CARE_ORDER = "care_order", _("Looked after: care order")
    PWP = "pwp", _("Placed with parents under a care order")
    SGO = "sgo", _("Special guardianship order")
    SUPERVISION = "supervision", _("Supervision order")


class InterventionOutcome(models.TextChoices):
    REMAINED_HOME = "remained_home", _("Child remained safely at home")
    RETURNED_HOME = "returned_home", _("Child returned home")
    ENTERED_CARE = "entered_care", _("Child entered care")
    STAYED_IN_CARE = "stayed_in_care", _("Child stayed in care")
    DISENGAGED = "disengaged", _("Family disengaged")
    OTHER = "other", _("Other")


class Intervention(RecordModel):
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="interventions")
    child = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="interventions",
        verbose_name=_("child the referral is about"),
    )
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="interventions")
    programme_version = models.CharField(_("programme version"), max_length=30)
    referred_by = models.ForeignKey(
        Worker,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("referring social worker"),
    )
    keyworker = models.ForeignKey(
        Worker,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("keyworker"),
    )
    eligibility = models.CharField(_("why eligible"), max_length=20, choices=Eligibility.choices)
    started_on = models.DateField(_("start date"))
    planned_end_on = models.DateField(_("planned end date"))
    readiness_answers = models.JSONField(_("readiness-for-change answers"), default=list)
    readiness_score = models.PositiveSmallIntegerField(_("readiness-for-change score"))
    readiness_band = models.CharField(_("readiness for change"), max_length=40)
    legal_status_at_start = models.CharField(
        _("legal status at the start"), max_length=20, choices=StatusAtPoint.choices
    )
    extended_to = models.DateField(_("extended to"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    extension_agreed_by = models.CharField(_("extension agreed by"), max_length=200, blank=True)
    extension_agreed_on = models.DateField(
        _("date the extension was agreed"), null=True, blank=True
    )
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=InterventionOutcome.choices, blank=True
    )
    outcome_notes = models.TextField(_("how the family's outcomes were met"), blank=True)
    legal_status_at_end = models.CharField(
        _("legal status at the end"), max_length=20, choices=StatusAtPoint.choices, blank=True
    )

    objects = FamilyRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | (~Q(outcome="") & ~Q(legal_status_at_end="")),
                name="intervention_end_has_outcome",
                violation_error_message=_(
                    "An ended intervention needs an outcome and a legal status"
                ),
            ),
            models.CheckConstraint(
                condition=Q(extended_to__isnull=True)
                | (~Q(extension_reason="") & ~Q(extension_agreed_by="")),
                name="intervention_extension_agreed",
                violation_error_message=_("An extension needs a reason and who agreed it"),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="intervention_dates_ordered",
            ),
            models.UniqueConstraint(
                fields=["family"],
                condition=Q(ended_on__isnull=True, archived_at__isnull=True),
                name="intervention_one_open_per_family",
                violation_error_message=_("This family already has an open intensive intervention"),
            ),
        ]
        verbose_name = _("intensive intervention")
        verbose_name_plural = _("intensive interventions")

    def __str__(self) -> str:
        return f"{self.programme.title} from {self.started_on:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None

    @property
    def due_to_end_on(self) -> dt.date:
        return self.extended_to or self.planned_end_on

    @property
    def weeks(self) -> int:
        end = self.ended_on or self.due_to_end_on
        return max(0, (end - self.started_on).days) // 7

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.extended_to and self.extended_to <= self.planned_end_on:
            errors["extended_to"] = _("The extension must end after the planned end date")
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            errors["ended_on"] = _("The end date must be on or after the start date")
        if errors:
            raise ValidationError(errors)
