"""Cases (a team's involvement with a family), allocation, and each child's statutory episodes.

Episode fields are the ones the CIN census and SSDA903 need, typed with the DfE code lists.
Whether a referral is a re-referral is derived (`CinEpisodeQuerySet.with_re_referral`),
never typed, so it cannot disagree with the dates it comes from.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from familyworkbook.core import clock, scoping
from familyworkbook.core.codes import (
    AbuseCategory,
    AssessmentFactor,
    CinClosureReason,
    LegalStatus,
    PlacementProvider,
    PlacementType,
    PrimaryNeed,
    ReasonEpisodeCeased,
    ReasonNewEpisode,
    ReasonPlaceChange,
    ReferralSource,
    SecondaryNeed,
)
from familyworkbook.core.models import ArchivableQuerySet, RecordModel
from familyworkbook.people.models import Family, Person
from familyworkbook.teams.models import Role, Team, Worker

RE_REFERRAL_WINDOW_DAYS = 365


def _ordered(start: dt.date | None, end: dt.date | None, end_field: str, message: str) -> None:
    if start and end and end < start:
        raise ValidationError({end_field: message})


class CaseReason(models.TextChoices):
    ASSESSMENT = "assessment", _("Assessment")
    CIN = "cin", _("Child in need")
    CP = "cp", _("Child protection")
    CLA = "cla", _("Child looked after")
    EDGE_OF_CARE = "edge", _("Edge of care")
    EARLY_HELP = "early_help", _("Early help")


class CaseClosureReason(models.TextChoices):
    OUTCOMES_MET = "outcomes_met", _("Outcomes met: no further social care involvement")
    STEP_DOWN = "step_down", _("Stepped down to early help")
    TRANSFERRED_TEAM = "transferred_team", _("Transferred to another team")
    TRANSFERRED_LA = "transferred_la", _("Moved to another local authority")
    NFA = "nfa", _("No further action after assessment")
    ADULT_SERVICES = "adult", _("Transferred to adult services")
    PERMANENCE = "permanence", _("Permanence achieved (adoption, SGO or CAO)")
    OTHER = "other", _("Other")


class CaseQuerySet(ArchivableQuerySet):
    def open(self) -> CaseQuerySet:
        return self.filter(closed_on__isnull=True, archived_at__isnull=True)

    def visible_to(self, user) -> CaseQuerySet:  # type: ignore[no-untyped-def]
        """Cases this user may see: the access policy decides (`core.scoping`, `access.policy`)."""
        return scoping.scope(self.filter(archived_at__isnull=True), user)

    def allocated_to(self, worker: Worker) -> CaseQuerySet:
        return self.filter(
            allocations__worker=worker, allocations__ended_on__isnull=True
        ).distinct()

    def for_caseload(self) -> CaseQuerySet:
        """The shape caseload pages need, in a fixed number of queries whatever the size."""
        return self.select_related("family", "team").prefetch_related(
            models.Prefetch(
                "allocations",
                queryset=Allocation.objects.current().select_related("worker__user"),
                to_attr="current_allocations",
            ),
        )


class Case(RecordModel):
    """A team's involvement with a family, from opening to closure."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="cases")
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="cases", verbose_name=_("allocated team")
    )
    reason = models.CharField(
        _("reason for involvement"), max_length=20, choices=CaseReason.choices
    )
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closure_reason = models.CharField(
        _("reason for closing"), max_length=20, choices=CaseClosureReason.choices, blank=True
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_on", "-pk"]
        indexes = [models.Index(fields=["team", "closed_on"], name="case_team_open_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="case_dates_ordered",
                violation_error_message=_(
                    "The date the case closed must be on or after the date it opened"
                ),
            ),
            models.CheckConstraint(
                condition=(Q(closed_on__isnull=True) & Q(closure_reason=""))
                | (Q(closed_on__isnull=False) & ~Q(closure_reason="")),
                name="case_closed_has_reason",
                violation_error_message=_(
                    "A closed case needs a reason for closing, and an open one none"
                ),
            ),
        ]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return f"{self.family.name}: {self.team.name} ({self.opened_on:%d %b %Y})"

    def get_absolute_url(self) -> str:
        return reverse("cases:family", args=[self.family_id])

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    def clean(self) -> None:
        _ordered(
            self.opened_on,
            self.closed_on,
            "closed_on",
            _("The date the case closed must be on or after the date it opened"),
        )
        if self.closed_on and not self.closure_reason:
            raise ValidationError({"closure_reason": _("Select the reason for closing the case")})


class AllocationQuerySet(ArchivableQuerySet):
    def current(self) -> AllocationQuerySet:
        return self.filter(ended_on__isnull=True, archived_at__isnull=True)


class Allocation(RecordModel):
    """A worker allocated to a case, in a role, for a period. Reallocation ends one and starts another."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="allocations")
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="allocations")
    role = models.CharField(_("role on the case"), max_length=30, choices=Role.choices)
    is_lead = models.BooleanField(_("lead worker"), default=False)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    objects = AllocationQuerySet.as_manager()

    class Meta:
        ordering = ["-is_lead", "started_on", "pk"]
        indexes = [models.Index(fields=["worker", "ended_on"], name="allocation_worker_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="allocation_dates_ordered",
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(is_lead=True, ended_on__isnull=True, archived_at__isnull=True),
                name="allocation_one_current_lead",
                violation_error_message=_("A case has one lead worker at a time"),
            ),
        ]
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")

    def __str__(self) -> str:
        return f"{self.worker.name} on {self.case}"


class CinEpisodeQuerySet(ArchivableQuerySet):
    def open(self) -> CinEpisodeQuerySet:
        return self.filter(closed_on__isnull=True, archived_at__isnull=True)

    def with_re_referral(self) -> CinEpisodeQuerySet:
        """Annotate `is_re_referral`: the child had an episode closed within 12 months before this referral."""
        earlier = CinEpisode.objects.filter(
            child=OuterRef("child"),
            closed_on__isnull=False,
            closed_on__lte=OuterRef("referral_on"),
            closed_on__gt=OuterRef("referral_on") - dt.timedelta(days=RE_REFERRAL_WINDOW_DAYS),
            archived_at__isnull=True,
        ).exclude(pk=OuterRef("pk"))
        return self.annotate(is_re_referral=Exists(earlier))


class CinEpisode(RecordModel):
    """One episode of need for a child: from referral to closure (CIN census CINdetails)."""

    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cin_episodes")
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="cin_episodes", null=True, blank=True
    )
    referral_on = models.DateField(_("referral date"))
    referral_source = models.CharField(
        _("referral source"), max_length=2, choices=ReferralSource.choices
    )
    primary_need = models.CharField(
        _("primary need"),
        max_length=2,
        choices=PrimaryNeed.choices,
        blank=True,
        help_text=_("Recorded once the assessment has identified it."),
    )
    referral_nfa = models.BooleanField(_("no further action at referral"), default=False)
    closed_on = models.DateField(_("closure date"), null=True, blank=True)
    closure_reason = models.CharField(
        _("reason for closure"), max_length=3, choices=CinClosureReason.choices, blank=True
    )

    objects = CinEpisodeQuerySet.as_manager()

    class Meta:
        ordering = ["-referral_on", "-pk"]
        indexes = [models.Index(fields=["child", "referral_on"], name="cin_child_referral_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("referral_on")),
                name="cin_dates_ordered",
                violation_error_message=_("The closure date must be on or after the referral date"),
            ),
            models.CheckConstraint(
                condition=(Q(closed_on__isnull=True) & Q(closure_reason=""))
                | (Q(closed_on__isnull=False) & ~Q(closure_reason="")),
                name="cin_closure_date_and_reason",
                violation_error_message=_(
                    "A closed episode needs both a closure date and a reason"
                ),
            ),
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(closed_on__isnull=True, archived_at__isnull=True),
                name="cin_one_open_episode_per_child",
                violation_error_message=_("This child already has an open episode of need"),
            ),
        ]
        verbose_name = _("episode of need")
        verbose_name_plural = _("episodes of need")

    def __str__(self) -> str:
        return f"{self.child}: referral {self.referral_on:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    def clean(self) -> None:
        _ordered(
            self.referral_on,
            self.closed_on,
            "closed_on",
            _("The closure date must be on or after the referral date"),
        )
        if self.closed_on and not self.closure_reason:
            raise ValidationError({"closure_reason": _("Select the reason the episode closed")})
        if self.closure_reason and not self.closed_on:
            raise ValidationError({"closed_on": _("Enter the date the episode closed")})


class EpisodeSecondaryNeed(models.Model):
    """Any number of secondary needs per episode (local categories, seed 004)."""

    episode = models.ForeignKey(
        CinEpisode, on_delete=models.CASCADE, related_name="secondary_needs"
    )
    need = models.CharField(_("secondary need"), max_length=5, choices=SecondaryNeed.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["episode", "need"], name="secondary_need_once")
        ]
        verbose_name = _("secondary need")

    def __str__(self) -> str:
        return self.get_need_display()


def validate_factors(value: list[str]) -> None:
    codes = set(AssessmentFactor.values)
    if not isinstance(value, list) or any(code not in codes for code in value):
        raise ValidationError(_("Select factors from the list"))
    if "21" in value and len(value) > 1:
        raise ValidationError(_("Select 'No factors identified' on its own"))


class Assessment(RecordModel):
    episode = models.ForeignKey(CinEpisode, on_delete=models.PROTECT, related_name="assessments")
    started_on = models.DateField(_("start date"))
    authorised_on = models.DateField(_("authorisation date"), null=True, blank=True)
    factors = models.JSONField(
        _("factors identified"), default=list, blank=True, validators=[validate_factors]
    )

    class Meta:
        ordering = ["started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(authorised_on__isnull=True)
                | Q(authorised_on__gte=models.F("started_on")),
                name="assessment_dates_ordered",
                violation_error_message=_(
                    "The authorisation date must be on or after the start date"
                ),
            )
        ]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")

    def __str__(self) -> str:
        return f"Assessment from {self.started_on:%d/%m/%Y}"

    def clean(self) -> None:
        _ordered(
            self.started_on,
            self.authorised_on,
            "authorised_on",
            _("The authorisation date must be on or after the start date"),
        )
        if self.factors and not self.authorised_on:
            raise ValidationError(
                {"factors": _("Record factors once the assessment is authorised")}
            )


class Section47(RecordModel):
    episode = models.ForeignKey(CinEpisode, on_delete=models.PROTECT, related_name="section47s")
    started_on = models.DateField(_("start date of the enquiry"))
    icpc_target_on = models.DateField(
        _("target date for the initial conference"), null=True, blank=True
    )
    icpc_on = models.DateField(
        _("date of the initial child protection conference"), null=True, blank=True
    )
    icpc_not_required = models.BooleanField(_("initial conference not required"), default=False)

    class Meta:
        ordering = ["started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(icpc_on__isnull=True) | Q(icpc_on__gte=models.F("started_on")),
                name="s47_dates_ordered",
            ),
            models.CheckConstraint(
                condition=~(Q(icpc_on__isnull=False) & Q(icpc_not_required=True)),
                name="s47_icpc_or_not_required",
                violation_error_message=_(
                    "An enquiry has a conference date or 'not required', not both"
                ),
            ),
        ]
        verbose_name = _("section 47 enquiry")
        verbose_name_plural = _("section 47 enquiries")

    def __str__(self) -> str:
        return f"Section 47 from {self.started_on:%d/%m/%Y}"

    def clean(self) -> None:
        _ordered(
            self.started_on,
            self.icpc_on,
            "icpc_on",
            _("The conference date must be on or after the start of the enquiry"),
        )
        if self.icpc_on and self.icpc_on.weekday() >= 5:
            raise ValidationError(
                {"icpc_on": _("A child protection conference cannot be at a weekend")}
            )
        if self.icpc_on and self.icpc_not_required:
            raise ValidationError(
                {"icpc_not_required": _("Give a conference date or 'not required', not both")}
            )


class PlanQuerySet(ArchivableQuerySet):
    def open(self) -> PlanQuerySet:
        return self.filter(ended_on__isnull=True, archived_at__isnull=True)


class CinPlan(RecordModel):
    episode = models.ForeignKey(CinEpisode, on_delete=models.PROTECT, related_name="cin_plans")
    started_on = models.DateField(_("start date"))
    ended_on = models.DateField(_("end date"), null=True, blank=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="cin_plan_dates_ordered",
            )
        ]
        verbose_name = _("child in need plan")
        verbose_name_plural = _("child in need plans")

    def __str__(self) -> str:
        return f"CIN plan from {self.started_on:%d/%m/%Y}"

    def clean(self) -> None:
        _ordered(
            self.started_on,
            self.ended_on,
            "ended_on",
            _("The end date must be on or after the start date"),
        )


class CpPlan(RecordModel):
    episode = models.ForeignKey(CinEpisode, on_delete=models.PROTECT, related_name="cp_plans")
    started_on = models.DateField(_("start date"))
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    initial_category = models.CharField(
        _("initial category of abuse"), max_length=3, choices=AbuseCategory.choices
    )
    latest_category = models.CharField(
        _("latest category of abuse"), max_length=3, choices=AbuseCategory.choices
    )

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="cp_plan_dates_ordered",
            )
        ]
        verbose_name = _("child protection plan")
        verbose_name_plural = _("child protection plans")

    def __str__(self) -> str:
        return f"CP plan ({self.get_latest_category_display()}) from {self.started_on:%d/%m/%Y}"

    def clean(self) -> None:
        _ordered(
            self.started_on,
            self.ended_on,
            "ended_on",
            _("The end date must be on or after the start date"),
        )

    @property
    def duration_days(self) -> int | None:
        if not self.ended_on:
            return None
        return (self.ended_on - self.started_on).days


class CpReview(RecordModel):
    plan = models.ForeignKey(CpPlan, on_delete=models.PROTECT, related_name="reviews")
    held_on = models.DateField(_("review conference date"))

    class Meta:
        ordering = ["held_on"]
        verbose_name = _("child protection review")

    def __str__(self) -> str:
        return f"Review {self.held_on:%d/%m/%Y}"

    def clean(self) -> None:
        if self.plan_id and self.held_on <= self.plan.started_on:
            raise ValidationError({"held_on": _("A review must be after the plan started")})


class LookedAfterQuerySet(ArchivableQuerySet):
    def open(self) -> LookedAfterQuerySet:
        return self.filter(ceased_on__isnull=True, archived_at__isnull=True)


class LookedAfterEpisode(RecordModel):
    """One SSDA903 episode: a period with one legal status and one placement."""

    child = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="looked_after_episodes"
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="looked_after_episodes", null=True, blank=True
    )
    started_on = models.DateField(_("date episode started"))
    reason_new_episode = models.CharField(
        _("reason for new episode"), max_length=1, choices=ReasonNewEpisode.choices
    )
    legal_status = models.CharField(_("legal status"), max_length=2, choices=LegalStatus.choices)
    need = models.CharField(_("category of need"), max_length=2, choices=PrimaryNeed.choices)
    placement_type = models.CharField(
        _("placement type"), max_length=3, choices=PlacementType.choices
    )
    placement_provider = models.CharField(
        _("placement provider"), max_length=3, choices=PlacementProvider.choices, blank=True
    )
    ceased_on = models.DateField(_("date episode ceased"), null=True, blank=True)
    reason_ceased = models.CharField(
        _("reason episode ceased"), max_length=3, choices=ReasonEpisodeCeased.choices, blank=True
    )
    reason_place_change = models.CharField(
        _("reason for placement change"),
        max_length=6,
        choices=ReasonPlaceChange.choices,
        blank=True,
    )
    home_postcode = models.CharField(_("home postcode"), max_length=8, blank=True)
    placement_postcode = models.CharField(_("placement postcode"), max_length=8, blank=True)
    urn = models.CharField(_("Ofsted URN of the placement"), max_length=8, blank=True)

    objects = LookedAfterQuerySet.as_manager()

    class Meta:
        ordering = ["started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ceased_on__isnull=True) | Q(ceased_on__gte=models.F("started_on")),
                name="lac_dates_ordered",
                violation_error_message=_(
                    "The date the episode ceased must be on or after it started"
                ),
            ),
            models.CheckConstraint(
                condition=(Q(ceased_on__isnull=True) & Q(reason_ceased=""))
                | (Q(ceased_on__isnull=False) & ~Q(reason_ceased="")),
                name="lac_ceased_date_and_reason",
                violation_error_message=_(
                    "An episode that ceased needs both the date and the reason"
                ),
            ),
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(ceased_on__isnull=True, archived_at__isnull=True),
                name="lac_one_open_episode_per_child",
                violation_error_message=_("This child already has an open looked-after episode"),
            ),
        ]
        verbose_name = _("looked-after episode")
        verbose_name_plural = _("looked-after episodes")

    def __str__(self) -> str:
        return f"{self.get_legal_status_display()}, {self.placement_type} from {self.started_on:%d/%m/%Y}"

    def clean(self) -> None:
        _ordered(
            self.started_on,
            self.ceased_on,
            "ceased_on",
            _("The date the episode ceased must be on or after it started"),
        )
        if bool(self.ceased_on) != bool(self.reason_ceased):
            raise ValidationError(
                {"reason_ceased": _("Give both the date and the reason the episode ceased")}
            )


class PreProceedingsOutcome(models.TextChoices):
    DIVERTED = "diverted", _("Diverted from proceedings")
    PROCEEDINGS = "proceedings", _("Care proceedings issued")
    OTHER = "other", _("Other")


class PreProceedings(RecordModel):
    """The Public Law Outline pre-proceedings stage for a child."""

    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="pre_proceedings")
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="pre_proceedings", null=True, blank=True
    )
    started_on = models.DateField(_("date of the pre-proceedings meeting"))
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=PreProceedingsOutcome.choices, blank=True
    )

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="plo_dates_ordered",
            )
        ]
        verbose_name = _("pre-proceedings (PLO)")
        verbose_name_plural = _("pre-proceedings (PLO)")

    def __str__(self) -> str:
        return f"PLO from {self.started_on:%d/%m/%Y}"

    def clean(self) -> None:
        _ordered(
            self.started_on,
            self.ended_on,
            "ended_on",
            _("The end date must be on or after the start date"),
        )


class CourtOrder(models.TextChoices):
    CARE_ORDER = "care", _("Care order")
    SUPERVISION_ORDER = "supervision", _("Supervision order")
    PLACEMENT_ORDER = "placement", _("Placement order")
    SGO = "sgo", _("Special guardianship order")
    CAO = "cao", _("Child arrangements order")
    NO_ORDER = "none", _("No order")
    WITHDRAWN = "withdrawn", _("Application withdrawn")


class CareProceedings(RecordModel):
    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="care_proceedings")
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="care_proceedings", null=True, blank=True
    )
    issued_on = models.DateField(_("date the application was issued"))
    concluded_on = models.DateField(_("date proceedings concluded"), null=True, blank=True)
    final_order = models.CharField(
        _("final order"), max_length=20, choices=CourtOrder.choices, blank=True
    )

    objects = ArchivableQuerySet.as_manager()

    class Meta:
        ordering = ["issued_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(concluded_on__isnull=True) | Q(concluded_on__gte=models.F("issued_on")),
                name="proceedings_dates_ordered",
            )
        ]
        verbose_name = _("care proceedings")
        verbose_name_plural = _("care proceedings")

    def __str__(self) -> str:
        return f"Care proceedings issued {self.issued_on:%d/%m/%Y}"

    def clean(self) -> None:
        _ordered(
            self.issued_on,
            self.concluded_on,
            "concluded_on",
            _("The date proceedings concluded must be on or after they were issued"),
        )


class VisitKind(models.TextChoices):
    CIN = "cin", _("Child in need visit")
    CP = "cp", _("Child protection visit")
    CLA = "cla", _("Looked-after child visit")
    ASSESSMENT = "assessment", _("Assessment visit")
    JOINT = "joint", _("Joint visit with an adult specialist")


class Visit(RecordModel):
    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="visits")
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="visits", null=True, blank=True
    )
    visited_on = models.DateField(_("date of visit"))
    kind = models.CharField(_("kind of visit"), max_length=20, choices=VisitKind.choices)
    seen = models.BooleanField(_("child was seen"))
    seen_alone = models.BooleanField(_("child was seen alone"), default=False)
    by = models.ForeignKey(
        Worker,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("visiting worker"),
        null=True,
        blank=True,
    )

    objects = ArchivableQuerySet.as_manager()

    class Meta:
        ordering = ["-visited_on", "-pk"]
        indexes = [models.Index(fields=["child", "visited_on"], name="visit_child_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(seen_alone=False) | Q(seen=True),
                name="visit_seen_alone_implies_seen",
                violation_error_message=_("A child seen alone must also have been seen"),
            )
        ]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")

    def __str__(self) -> str:
        return f"Visit {self.visited_on:%d/%m/%Y}"

    def clean(self) -> None:
        if self.seen_alone and not self.seen:
            raise ValidationError({"seen_alone": _("A child seen alone must also have been seen")})
        if self.visited_on and self.visited_on > clock.today():
            raise ValidationError(
                {"visited_on": _("The date of the visit must be today or in the past")}
            )


from familyworkbook.cases.lac_models import *  # noqa: E402,F401,F403
