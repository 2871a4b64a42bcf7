"""Organisations, districts, services, teams, posts and the workers who hold them.

A worker belongs to the teams their posts serve; there is no second list of team members
to fall out of step. An adult specialist's post may serve up to three teams and is
counted once in workforce figures.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from familyworkbook.core.models import RecordModel


class User(AbstractUser):
    """A person who signs in. Professionals have a Worker profile; family members (portal) will not."""

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class OrganisationKind(models.TextChoices):
    COUNCIL = "council", _("Council")
    NHS_TRUST = "nhs_trust", _("NHS trust")
    PROBATION = "probation", _("Probation service")
    POLICE = "police", _("Police")
    RECOVERY = "recovery", _("Drug and alcohol recovery service")
    VOLUNTARY = "voluntary", _("Voluntary sector")
    OTHER = "other", _("Other")


class Organisation(RecordModel):
    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    ons_code = models.CharField(
        _("ONS code"),
        max_length=9,
        blank=True,
        validators=[RegexValidator(r"^[EWSN]\d{8}$", _("Enter an ONS code such as E10000003"))],
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class District(RecordModel):
    council = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="districts")
    name = models.CharField(_("name"), max_length=100)
    ons_code = models.CharField(_("ONS code"), max_length=9, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["council", "name"], name="district_unique_name")
        ]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self) -> str:
        return self.name


class Service(RecordModel):
    """A council service (for example, Children's Social Care); a service manager's scope."""

    council = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="services")
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self) -> str:
        return self.name


class TeamKind(models.TextChoices):
    FAMILY_SAFEGUARDING = "fst", _("Family safeguarding team")
    SYSTEMIC_UNIT = "unit", _("Systemic unit")
    EDGE_OF_CARE = "edge", _("Edge-of-care team")
    ASSESSMENT = "assessment", _("Assessment team")
    EARLY_HELP = "early_help", _("Early help")
    NO_WRONG_DOOR = "nwd", _("No Wrong Door hub")
    CONFERENCE = "conference", _("Conference and reviewing service")
    LEGAL = "legal", _("Legal services")
    PERFORMANCE = "performance", _("Performance and business intelligence")


class TeamQuerySet(models.QuerySet["Team"]):
    def of_user(self, user: User) -> TeamQuerySet:
        """Teams served by a post the user holds now."""
        return self.filter(
            posts__holder__user=user, posts__disestablished_on__isnull=True
        ).distinct()


class Team(RecordModel):
    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=TeamKind.choices)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="teams", null=True, blank=True
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="teams", null=True, blank=True
    )

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("cases:team_caseload", args=[self.pk])


class Role(models.TextChoices):
    """What a worker does. Adult specialists are employed by partners and work in the team."""

    TEAM_MANAGER = "team_manager", _("Team manager")
    SENIOR_PRACTITIONER = "senior_practitioner", _("Senior practitioner")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    CHILD_PRACTITIONER = "child_practitioner", _("Child practitioner")
    DA_SURVIVOR_WORKER = "da_survivor", _("Domestic abuse survivor worker")
    DA_PERPETRATOR_WORKER = "da_perpetrator", _("Domestic abuse perpetrator worker")
    SUBSTANCE_MISUSE_WORKER = "substance_misuse", _("Substance misuse recovery worker")
    MENTAL_HEALTH_PRACTITIONER = "mental_health", _("Mental health practitioner")
    PSYCHOLOGIST = "psychologist", _("Psychologist")
    CONSULTANT_SOCIAL_WORKER = "consultant_sw", _("Consultant social worker")
    CLINICIAN = "clinician", _("Clinician")
    UNIT_COORDINATOR = "unit_coordinator", _("Unit coordinator")
    FGC_COORDINATOR = "fgc_coordinator", _("Family group conference coordinator")
    SERVICE_MANAGER = "service_manager", _("Service manager")
    IRO = "iro", _("Independent reviewing officer")
    CP_CHAIR = "cp_chair", _("Child protection conference chair")
    LEGAL = "legal", _("Legal adviser")
    EARLY_HELP = "early_help", _("Early help worker")
    PERFORMANCE = "performance", _("Performance officer")
    EVALUATOR = "evaluator", _("Evaluator")
    SYSTEM_ADMIN = "system_admin", _("System administrator")

    @classmethod
    def adult_specialists(cls) -> set[str]:
        return {
            cls.DA_SURVIVOR_WORKER,
            cls.DA_PERPETRATOR_WORKER,
            cls.SUBSTANCE_MISUSE_WORKER,
            cls.MENTAL_HEALTH_PRACTITIONER,
            cls.PSYCHOLOGIST,
        }

    @classmethod
    def case_holders(cls) -> set[str]:
        return {
            cls.SOCIAL_WORKER,
            cls.SENIOR_PRACTITIONER,
            cls.CONSULTANT_SOCIAL_WORKER,
            cls.TEAM_MANAGER,
        }


class EmploymentType(models.TextChoices):
    PERMANENT = "permanent", _("Permanent")
    AGENCY = "agency", _("Agency")
    ASYE = "asye", _("Assessed and supported year in employment (ASYE)")
    STUDENT = "student", _("Student")
    SECONDED = "seconded", _("Seconded from a partner")


swe_number_validator = RegexValidator(
    r"^SW\d{1,7}$", _("Enter a Social Work England number in the correct format, like SW123456")
)


class Worker(RecordModel):
    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="worker")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="workers", verbose_name=_("employer")
    )
    swe_number = models.CharField(
        _("Social Work England number"), max_length=9, blank=True, validators=[swe_number_validator]
    )
    employment_type = models.CharField(
        _("employment type"),
        max_length=20,
        choices=EmploymentType.choices,
        default=EmploymentType.PERMANENT,
    )
    started_on = models.DateField(_("started on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        verbose_name = _("worker")
        verbose_name_plural = _("workers")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"

    @property
    def name(self) -> str:
        return str(self.user)

    def clean(self) -> None:
        social_work_roles = {
            Role.SOCIAL_WORKER,
            Role.SENIOR_PRACTITIONER,
            Role.TEAM_MANAGER,
            Role.CONSULTANT_SOCIAL_WORKER,
        }
        if (
            self.role in social_work_roles
            and self.employment_type != EmploymentType.STUDENT
            and not self.swe_number
        ):
            raise ValidationError(
                {
                    "swe_number": _(
                        "Enter the Social Work England number for a registered social worker"
                    )
                }
            )


class Post(RecordModel):
    """An established post: funded FTE in a role, serving one to three teams, filled or vacant."""

    MAX_TEAMS = 3

    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="posts", verbose_name=_("employer")
    )
    fte = models.DecimalField(
        _("full-time equivalent"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.10")), MaxValueValidator(Decimal("1.00"))],
    )
    teams = models.ManyToManyField(Team, related_name="posts", verbose_name=_("teams served"))
    holder = models.ForeignKey(
        Worker, on_delete=models.PROTECT, related_name="posts", null=True, blank=True
    )
    vacant_since = models.DateField(_("vacant since"), null=True, blank=True)
    established_on = models.DateField(_("established on"))
    disestablished_on = models.DateField(_("disestablished on"), null=True, blank=True)

    class Meta:
        ordering = ["role", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(holder__isnull=True) | models.Q(vacant_since__isnull=True),
                name="post_filled_or_vacant",
                violation_error_message=_("A filled post cannot also be vacant"),
            ),
        ]
        verbose_name = _("post")
        verbose_name_plural = _("posts")

    def __str__(self) -> str:
        holder = self.holder.name if self.holder_id else _("vacant")
        return f"{self.get_role_display()} ({holder})"

    @property
    def is_vacant(self) -> bool:
        return self.holder_id is None
