"""What insights needs that earlier issues did not record.

- `Thresholds`: the model's fidelity thresholds and the caseload cap, editable per council.
- `TrainingRecord`: the training register (Motivational Interviewing, its follow-up, workshops).
- `ClinicalSupervision`: the clinical supervision log (who was supervised, by whom, in what
  profession, when), which the fidelity monitor reads.
- `CostAssumptions`, `AtRiskOfCare`, `RealisedSaving`, `PartnerSaving`: the cost-avoidance
  calculator's inputs, every one typed by a person and shown beside the figures it makes.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from familyworkbook.core import clock
from familyworkbook.core.models import RecordModel
from familyworkbook.people.models import Person
from familyworkbook.teams.models import Organisation, Role, Worker

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]
MONEY = {"max_digits": 12, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}


class Thresholds(RecordModel):
    """Fidelity thresholds and the caseload cap (defaults from the Cambridgeshire pilot, seed 004)."""

    council = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="insight_thresholds"
    )
    caseload_cap = models.PositiveSmallIntegerField(
        _("caseload cap (open cases per case-holding worker)"), default=15
    )
    specialist_posts_filled = models.PositiveSmallIntegerField(
        _("adult specialist posts filled (%)"), default=80, validators=PERCENT
    )
    group_supervision = models.PositiveSmallIntegerField(
        _("cases with a specialist having monthly group supervision (%)"),
        default=70,
        validators=PERCENT,
    )
    clinical_supervision = models.PositiveSmallIntegerField(
        _("practitioners with monthly supervision from their own profession (%)"),
        default=70,
        validators=PERCENT,
    )
    mi_trained = models.PositiveSmallIntegerField(
        _("trained in Motivational Interviewing (%)"), default=70, validators=PERCENT
    )
    mi_follow_up = models.PositiveSmallIntegerField(
        _("taking up Motivational Interviewing follow-up (%)"), default=60, validators=PERCENT
    )
    programme_use = models.PositiveSmallIntegerField(
        _("cases using the structured programme (%)"), default=70, validators=PERCENT
    )

    class Meta:
        verbose_name = _("thresholds")
        verbose_name_plural = _("thresholds")

    def __str__(self) -> str:
        return str(_("Thresholds for %(council)s") % {"council": self.council})


class Course(models.TextChoices):
    MI_CORE = "mi_core", _("Motivational Interviewing (two days)")
    MI_FOLLOW_UP = "mi_follow_up", _("Motivational Interviewing follow-up (half day)")
    MI_WORKSHOP = "mi_workshop", _("Motivational Interviewing monthly workshop")
    WORKBOOK = "workbook", _("Using the Workbook and the structured programme")
    OTHER = "other", _("Other")


class TrainingRecord(RecordModel):
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="training")
    course = models.CharField(_("course"), max_length=20, choices=Course.choices)
    completed_on = models.DateField(_("date completed"))
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta:
        ordering = ["-completed_on", "pk"]
        indexes = [models.Index(fields=["course", "completed_on"], name="training_course_idx")]
        verbose_name = _("training record")
        verbose_name_plural = _("training register")

    def __str__(self) -> str:
        return f"{self.worker.name}: {self.get_course_display()} ({self.completed_on:%d/%m/%Y})"

    def clean(self) -> None:
        if self.completed_on and self.completed_on > clock.today():
            raise ValidationError(
                {"completed_on": _("The date completed must be today or in the past")}
            )


class ClinicalSupervision(RecordModel):
    """One clinical supervision session for a practitioner, from someone of a named profession."""

    worker = models.ForeignKey(
        Worker, on_delete=models.PROTECT, related_name="clinical_supervision"
    )
    supervisor = models.ForeignKey(
        Worker,
        on_delete=models.PROTECT,
        related_name="supervision_given",
        null=True,
        blank=True,
        help_text=_("Leave blank if the supervisor does not use the system."),
    )
    supervisor_role = models.CharField(
        _("supervisor's profession"), max_length=30, choices=Role.choices
    )
    held_on = models.DateField(_("date held"))

    class Meta:
        ordering = ["-held_on", "pk"]
        indexes = [models.Index(fields=["worker", "held_on"], name="clinical_sup_worker_idx")]
        verbose_name = _("clinical supervision session")
        verbose_name_plural = _("clinical supervision log")

    def __str__(self) -> str:
        return f"{self.worker.name}: {self.held_on:%d/%m/%Y}"


class PlacementCostKind(models.TextChoices):
    ALL = "all", _("Any placement (average)")
    RESIDENTIAL = "residential", _("Residential")
    FOSTER = "foster", _("Foster care")


class CostAssumptions(RecordModel):
    """Weekly placement costs, from a date (defaults: SEED-NUMBERS §B, Appendix 2)."""

    council = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="cost_assumptions"
    )
    effective_from = models.DateField(_("applies from"))
    weekly_all = models.DecimalField(
        _("weekly cost of a placement, all types (£)"), default=Decimal("774"), **MONEY
    )
    weekly_residential = models.DecimalField(
        _("weekly cost of a residential placement (£)"), default=Decimal("2428"), **MONEY
    )
    weekly_foster = models.DecimalField(
        _("weekly cost of a foster placement (£)"), default=Decimal("489"), **MONEY
    )
    source = models.CharField(
        _("source of these figures"),
        max_length=200,
        default="Cambridgeshire evaluation, Appendix 2",
    )

    class Meta:
        ordering = ["-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "effective_from"], name="cost_assumptions_once_per_date"
            )
        ]
        verbose_name = _("cost assumptions")
        verbose_name_plural = _("cost assumptions")

    def __str__(self) -> str:
        return f"{self.council}: from {self.effective_from:%d/%m/%Y}"

    def weekly(self, kind: str) -> Decimal:
        return {
            PlacementCostKind.RESIDENTIAL: self.weekly_residential,
            PlacementCostKind.FOSTER: self.weekly_foster,
        }.get(kind, self.weekly_all)


class AtRiskOfCare(RecordModel):
    """The counterfactual: a child judged at risk of entering care, and whether they stayed home.

    The judgement is a person's, recorded with its date and who made it (the panel or the
    manager); the calculator counts the days from the judgement until the child entered
    care, the judgement was withdrawn, or today.
    """

    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="at_risk_of_care")
    judged_on = models.DateField(_("date judged at risk of care"))
    judged_by = models.CharField(_("judged by (panel or manager)"), max_length=200)
    placement_kind = models.CharField(
        _("placement that would have been needed"),
        max_length=20,
        choices=PlacementCostKind.choices,
        default=PlacementCostKind.ALL,
    )
    ended_on = models.DateField(
        _("no longer at risk from"),
        null=True,
        blank=True,
        help_text=_("Leave blank while the child is still judged at risk and living at home."),
    )

    class Meta:
        ordering = ["-judged_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("judged_on")),
                name="at_risk_dates_ordered",
            )
        ]
        verbose_name = _("child judged at risk of care")
        verbose_name_plural = _("children judged at risk of care")

    def __str__(self) -> str:
        return f"At risk of care from {self.judged_on:%d/%m/%Y}"


class RealisedSaving(RecordModel):
    """Money actually not spent (a budget line reduced), kept apart from avoided cost."""

    council = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="realised_savings"
    )
    on = models.DateField(_("date realised"))
    amount = models.DecimalField(_("amount (£)"), **MONEY)
    description = models.CharField(_("what was saved"), max_length=200)

    class Meta:
        ordering = ["on", "pk"]
        verbose_name = _("realised saving")
        verbose_name_plural = _("realised savings")

    def __str__(self) -> str:
        return f"£{self.amount} on {self.on:%d/%m/%Y}"


class PartnerKind(models.TextChoices):
    POLICE = "police", _("Police")
    NHS = "nhs", _("NHS")
    PROBATION = "probation", _("Probation")
    OTHER = "other", _("Other partner")


class PartnerSaving(RecordModel):
    """A saving a partner agency reports (their figure, their method), for a period."""

    council = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="partner_savings"
    )
    partner = models.CharField(_("partner"), max_length=20, choices=PartnerKind.choices)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    amount = models.DecimalField(_("amount (£)"), **MONEY)
    method = models.CharField(_("how the partner worked it out"), max_length=300)

    class Meta:
        ordering = ["period_start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="partner_saving_dates_ordered",
            )
        ]
        verbose_name = _("partner saving")
        verbose_name_plural = _("partner savings")

    def __str__(self) -> str:
        return f"{self.get_partner_display()}: £{self.amount}"


class DashboardSummary(models.Model):
    """The KPI dashboard of one scope and period, precomputed (insights.summaries).

    One row per scope key ("council", "team:3", ...) and period: the dashboard's tables as
    they were calculated at `computed_at`, counting every live case of the scope. The
    dashboard reads it instead of aggregating the record, so the page does the same few
    queries however large the county (decision: insights-summary-table). Derived data, not
    a record: rebuilt by `refresh_insights` (a django-tasks job), never edited, no history.
    """

    scope_key = models.CharField(max_length=40)
    date_from = models.DateField()
    date_to = models.DateField()
    tables = models.JSONField()
    cases = models.PositiveIntegerField(_("live cases counted"))
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("dashboard summary")
        verbose_name_plural = _("dashboard summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["scope_key", "date_from", "date_to"], name="dashboard_summary_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope_key} {self.date_from}–{self.date_to} at {self.computed_at}"
