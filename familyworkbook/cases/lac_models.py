"""What the SSDA903 return needs about a looked-after child that the episodes themselves do not hold.

Each model is one SSDA903 table's facts, typed with the DfE code lists, so the return is read
from the record and never re-typed: looked-after reviews (Reviews), missing or away from
placement (Missing), unaccompanied asylum-seeking status (UASC), the 12-month outcomes (OC2),
care leavers' outcomes (OC3), adoption decisions and matches (PlacedAdoption, AD1), previous
permanence (PrevPerm) and the reason a child's social worker changed (SWEpisodes; who the
social worker was and when comes from the lead allocations).

Imported at the bottom of `cases/models.py`, so these are models of the `cases` app. The code
lists are in `cases/lac_codes.py` (re-exported here and from `cases.models`).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from familyworkbook.cases.lac_codes import (
    AdopterLegalStatus,
    Adopters,
    CareLeaverAccommodation,
    CareLeaverActivity,
    CareLeaverContact,
    MissingKind,
    PlacedForAdoptionCeased,
    PreviousPermanenceKind,
    ReviewParticipation,
    SdqReason,
    SocialWorkerChangeReason,
)
from familyworkbook.core.models import ArchivableQuerySet, RecordModel
from familyworkbook.people.models import Person

__all__ = [
    "AdopterLegalStatus",
    "Adopters",
    "AdoptionDecision",
    "CareLeaverAccommodation",
    "CareLeaverActivity",
    "CareLeaverContact",
    "CareLeaverOutcome",
    "LookedAfterOutcome",
    "LookedAfterReview",
    "MissingEpisode",
    "MissingKind",
    "PlacedForAdoptionCeased",
    "PreviousPermanence",
    "PreviousPermanenceKind",
    "ReviewParticipation",
    "SdqReason",
    "SocialWorkerChange",
    "SocialWorkerChangeReason",
    "UascStatus",
]


def _ordered(start: dt.date | None, end: dt.date | None, field: str, message: str) -> None:
    if start and end and end < start:
        raise ValidationError({field: message})


# --- Records --------------------------------------------------------------------------------


class LookedAfterReview(RecordModel):
    """A looked-after child's statutory review (SSDA903 Reviews)."""

    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="lac_reviews")
    held_on = models.DateField(_("date of the review"))
    participation = models.CharField(
        _("how the child took part"), max_length=3, choices=ReviewParticipation.choices
    )

    objects = ArchivableQuerySet.as_manager()

    class Meta:
        ordering = ["held_on", "pk"]
        verbose_name = _("looked-after review")
        verbose_name_plural = _("looked-after reviews")

    def __str__(self) -> str:
        return f"Review {self.held_on:%d/%m/%Y}"

    def clean(self) -> None:
        born = self.child.date_of_birth if self.child_id else None
        if born and self.held_on and self.participation:
            under_four = self.child.age_on(self.held_on) < 4  # type: ignore[operator]
            if under_four != (self.participation == ReviewParticipation.PN0):
                raise ValidationError(
                    {
                        "participation": _(
                            "Use 'aged under 4' for a child under 4 on the day, and only then"
                        )
                    }
                )


class MissingEpisode(RecordModel):
    """A looked-after child missing, or away from placement without authorisation (SSDA903 Missing)."""

    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="missing_episodes")
    kind = models.CharField(_("missing or away"), max_length=1, choices=MissingKind.choices)
    started_on = models.DateField(_("date the child went missing or away"))
    ended_on = models.DateField(_("date the child returned"), null=True, blank=True)

    objects = ArchivableQuerySet.as_manager()

    class Meta:
        ordering = ["started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="missing_dates_ordered",
                violation_error_message=_("The date of return must be on or after the start"),
            )
        ]
        verbose_name = _("missing or away from placement")
        verbose_name_plural = _("missing or away from placement")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.started_on:%d/%m/%Y}"

    def clean(self) -> None:
        _ordered(
            self.started_on,
            self.ended_on,
            "ended_on",
            _("The date of return must be on or after the date the child went missing"),
        )


class UascStatus(RecordModel):
    """A child recorded as an unaccompanied asylum-seeking child (SSDA903 UASC)."""

    child = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="uasc_status")
    since = models.DateField(_("unaccompanied asylum-seeking child since"))
    ceased_on = models.DateField(
        _("date the status ceased"),
        null=True,
        blank=True,
        help_text=_("At the latest, the day before the 18th birthday."),
    )

    objects = ArchivableQuerySet.as_manager()

    class Meta:
        verbose_name = _("unaccompanied asylum-seeking child status")
        verbose_name_plural = _("unaccompanied asylum-seeking child statuses")

    def __str__(self) -> str:
        return f"UASC since {self.since:%d/%m/%Y}"

    def clean(self) -> None:
        _ordered(
            self.since,
            self.ceased_on,
            "ceased_on",
            _("The date the status ceased must be on or after it started"),
        )


class LookedAfterOutcome(RecordModel):
    """Outcomes for a child looked after for 12 months at 31 March (SSDA903 OC2), one per year.

    `year` is the collection year ending 31 March (2026 for 2025/26). Yes/no items are
    null until recorded.
    """

    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="lac_outcomes")
    year = models.PositiveSmallIntegerField(_("collection year ending 31 March"))
    sdq_score = models.PositiveSmallIntegerField(
        _("SDQ total difficulties score"), null=True, blank=True
    )
    sdq_reason = models.CharField(
        _("reason there is no SDQ score"), max_length=4, choices=SdqReason.choices, blank=True
    )
    convicted = models.BooleanField(
        _("convicted or subject to a youth caution"), null=True, blank=True
    )
    health_check = models.BooleanField(_("annual health check up to date"), null=True, blank=True)
    immunisations = models.BooleanField(_("immunisations up to date"), null=True, blank=True)
    teeth_check = models.BooleanField(_("teeth checked by a dentist"), null=True, blank=True)
    health_assessment = models.BooleanField(
        _("health assessment up to date"), null=True, blank=True
    )
    substance_misuse = models.BooleanField(
        _("substance misuse problem identified"), null=True, blank=True
    )
    intervention_received = models.BooleanField(
        _("intervention for substance misuse received"), null=True, blank=True
    )
    intervention_offered = models.BooleanField(
        _("intervention for substance misuse offered and refused"), null=True, blank=True
    )

    objects = ArchivableQuerySet.as_manager()

    class Meta:
        ordering = ["year", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "year"],
                condition=Q(archived_at__isnull=True),
                name="lac_outcome_once_a_year",
            ),
            models.CheckConstraint(
                condition=Q(sdq_score__isnull=True) | Q(sdq_score__lte=40),
                name="lac_outcome_sdq_score_range",
                violation_error_message=_("An SDQ total difficulties score is 0 to 40"),
            ),
        ]
        verbose_name = _("looked-after outcome (OC2)")
        verbose_name_plural = _("looked-after outcomes (OC2)")

    def __str__(self) -> str:
        return f"Outcomes {self.year - 1}/{self.year % 100:02d}"

    def clean(self) -> None:
        if self.sdq_score is not None and self.sdq_reason:
            raise ValidationError(
                {"sdq_reason": _("Give an SDQ score or a reason there is none, not both")}
            )
        if self.substance_misuse is False and (
            self.intervention_received is not None or self.intervention_offered is not None
        ):
            raise ValidationError(
                {
                    "intervention_received": _(
                        "Record interventions only for a child with a substance misuse problem"
                    )
                }
            )


class CareLeaverOutcome(RecordModel):
    """A care leaver's situation around their 17th to 21st birthdays (SSDA903 OC3), one per year."""

    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="care_leaver_outcomes")
    year = models.PositiveSmallIntegerField(_("collection year ending 31 March"))
    in_touch = models.CharField(
        _("in touch with the council"), max_length=4, choices=CareLeaverContact.choices
    )
    activity = models.CharField(
        _("main activity"), max_length=2, choices=CareLeaverActivity.choices, blank=True
    )
    accommodation = models.CharField(
        _("accommodation"), max_length=2, choices=CareLeaverAccommodation.choices, blank=True
    )

    objects = ArchivableQuerySet.as_manager()

    class Meta:
        ordering = ["year", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "year"],
                condition=Q(archived_at__isnull=True),
                name="care_leaver_outcome_once_a_year",
            )
        ]
        verbose_name = _("care leaver outcome (OC3)")
        verbose_name_plural = _("care leaver outcomes (OC3)")

    def __str__(self) -> str:
        return f"Care leaver {self.year - 1}/{self.year % 100:02d}: {self.in_touch}"


class AdoptionDecision(RecordModel):
    """The decision that a child should be placed for adoption, and what followed (PlacedAdoption, AD1)."""

    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="adoption_decisions")
    decided_on = models.DateField(
        _("date of the decision that the child should be placed for adoption")
    )
    reversed_on = models.DateField(
        _("date of the decision that the child should no longer be placed for adoption"),
        null=True,
        blank=True,
    )
    reversal_reason = models.CharField(
        _("reason the decision was reversed"),
        max_length=3,
        choices=PlacedForAdoptionCeased.choices,
        blank=True,
    )
    matched_on = models.DateField(
        _("date the child was matched with adopters"), null=True, blank=True
    )
    with_foster_carers = models.BooleanField(
        _("adopted by their former foster carers"), null=True, blank=True
    )
    number_of_adopters = models.PositiveSmallIntegerField(
        _("number of adopters"), null=True, blank=True
    )
    adopters = models.CharField(
        _("sex of the adopters"), max_length=2, choices=Adopters.choices, blank=True
    )
    adopters_legal_status = models.CharField(
        _("legal status of the adopters"),
        max_length=3,
        choices=AdopterLegalStatus.choices,
        blank=True,
    )

    objects = ArchivableQuerySet.as_manager()

    class Meta:
        ordering = ["decided_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(reversed_on__isnull=True) & Q(reversal_reason=""))
                | (Q(reversed_on__isnull=False) & ~Q(reversal_reason="")),
                name="adoption_reversal_date_and_reason",
                violation_error_message=_("A reversed decision needs both the date and the reason"),
            ),
            models.CheckConstraint(
                condition=Q(reversed_on__isnull=True) | Q(reversed_on__gte=models.F("decided_on")),
                name="adoption_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(number_of_adopters__isnull=True) | Q(number_of_adopters__in=[1, 2]),
                name="adoption_one_or_two_adopters",
                violation_error_message=_("A child is adopted by one or two people"),
            ),
        ]
        verbose_name = _("adoption decision")
        verbose_name_plural = _("adoption decisions")

    def __str__(self) -> str:
        return f"Should be placed for adoption from {self.decided_on:%d/%m/%Y}"

    def clean(self) -> None:
        _ordered(
            self.decided_on,
            self.reversed_on,
            "reversed_on",
            _("The decision cannot be reversed before it was made"),
        )
        if bool(self.reversed_on) != bool(self.reversal_reason):
            raise ValidationError(
                {
                    "reversal_reason": _(
                        "Give both the date and the reason the decision was reversed"
                    )
                }
            )
        single = self.adopters in {Adopters.M1, Adopters.F1}
        if self.number_of_adopters and self.adopters and (self.number_of_adopters == 1) != single:
            raise ValidationError(
                {"adopters": _("The sex of the adopters must match the number of adopters")}
            )


class PreviousPermanence(RecordModel):
    """Before this period of care, was the child adopted or under an SGO or CAO? (SSDA903 PrevPerm)

    One row per period of care, keyed on the day the child started to be looked after.
    """

    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="previous_permanence")
    care_started_on = models.DateField(_("date this period of care started"))
    kind = models.CharField(
        _("previous permanence"), max_length=2, choices=PreviousPermanenceKind.choices
    )
    local_authority = models.CharField(
        _("council that made the arrangement (DfE LA number, or WAL, SCO, NIR, NUK)"),
        max_length=9,
        blank=True,
    )
    order_date = models.CharField(
        _("date of the order (dd/mm/yyyy, or only the year or month if that is all that is known)"),
        max_length=10,
        blank=True,
    )

    objects = ArchivableQuerySet.as_manager()

    class Meta:
        ordering = ["care_started_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "care_started_on"],
                condition=Q(archived_at__isnull=True),
                name="previous_permanence_once_per_period",
            )
        ]
        verbose_name = _("previous permanence")
        verbose_name_plural = _("previous permanence")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} (care from {self.care_started_on:%d/%m/%Y})"


class SocialWorkerChange(RecordModel):
    """Why a child's social worker changed, on the lead allocation that made the change (SWEpisodes)."""

    allocation = models.OneToOneField(
        "cases.Allocation", on_delete=models.PROTECT, related_name="social_worker_change"
    )
    reason = models.CharField(
        _("reason the social worker changed"),
        max_length=6,
        choices=SocialWorkerChangeReason.choices,
    )

    objects = ArchivableQuerySet.as_manager()

    class Meta:
        verbose_name = _("social worker change")
        verbose_name_plural = _("social worker changes")

    def __str__(self) -> str:
        return self.get_reason_display()
