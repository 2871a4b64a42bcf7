"""Who may see what, held as data: grants, restrictions, protection rules, sharing and consent.

The rules that read these rows live in `policy.py`. Nothing here is deleted: a grant is
revoked, a restriction lifted, a consent withdrawn, and each keeps its dates.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from familyworkbook.core.models import ArchivableQuerySet, RecordModel
from familyworkbook.people.models import Family, Person
from familyworkbook.teams.models import Organisation


class Category(models.TextChoices):
    """Kinds of information a sharing agreement or a consent can cover."""

    FAMILY_RECORD = "family_record", _("The family's record (people, cases, plans)")
    STATUTORY = "statutory", _("Statutory episodes, plans and proceedings")
    HEALTH_DETAIL = "health_detail", _("Health-confidential detail (diagnosis, test results)")
    PROTECTED_DETAILS = "protected_details", _("Protected details (safe address, location)")


class GrantKind(models.TextChoices):
    RECORD = "record", _("See a restricted person's record")
    PROTECTED = "protected", _("See protected details (safe address, location)")


class GrantQuerySet(ArchivableQuerySet):
    def active(self, at=None) -> GrantQuerySet:  # type: ignore[no-untyped-def]
        at = at or timezone.now()
        return self.filter(
            archived_at__isnull=True,
            revoked_at__isnull=True,
            starts_at__lte=at,
        ).filter(Q(ends_at__isnull=True) | Q(ends_at__gt=at))


class AccessGrant(RecordModel):
    """An explicit, named permission for one user about one person's record or protected details."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="access_grants",
        verbose_name=_("who"),
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("what they may see"), max_length=20, choices=GrantKind.choices)
    reason = models.TextField(_("why"))
    starts_at = models.DateTimeField(_("from"), default=timezone.now)
    ends_at = models.DateTimeField(_("until"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = GrantQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("access grant")
        verbose_name_plural = _("access grants")
        permissions = [
            ("view_all_records", _("See every family's record (whole council)")),
            ("search_audit", _("Search the audit trail (information governance)")),
            ("prepare_subject_access", _("Prepare subject access report drafts")),
            ("see_who_has_seen", _("See who has seen a record")),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_kind_display()} – {self.person_id}"


class RestrictionQuerySet(ArchivableQuerySet):
    def active(self) -> RestrictionQuerySet:
        return self.filter(archived_at__isnull=True, lifted_at__isnull=True)


class RecordRestriction(RecordModel):
    """A person whose record only named people may open (a grant of kind "record").

    Everyone else finds them in search by name only, marked restricted, so nobody creates a
    duplicate; their episodes, plans and visits are hidden with them.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("why the record is restricted"))
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)

    objects = RestrictionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("record restriction")
        verbose_name_plural = _("record restrictions")

    def __str__(self) -> str:
        return str(_("Restriction on person %(id)s") % {"id": self.person_id})


class ProtectionRule(RecordModel):
    """Which fields of which model are protected, and the flag on the row that turns it on.

    Example: people.address, flag "protected", fields line_1, line_2, town, postcode. A row
    whose flag is set is shown only to users with a "protected" grant for its person, and
    never to a domestic abuse perpetrator worker. Templates never name protected fields.
    """

    model_label = models.CharField(_("model"), max_length=100)
    flag_field = models.CharField(_("flag field"), max_length=100)
    fields = models.JSONField(_("protected fields"), default=list)
    description = models.CharField(_("description"), max_length=300)

    class Meta:
        ordering = ["model_label", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["model_label", "flag_field"],
                condition=Q(archived_at__isnull=True),
                name="protection_rule_unique",
            )
        ]
        verbose_name = _("protection rule")
        verbose_name_plural = _("protection rules")

    def __str__(self) -> str:
        return f"{self.model_label}.{self.flag_field}: {', '.join(self.fields)}"


class PerpetratorLinkQuerySet(ArchivableQuerySet):
    def active(self) -> PerpetratorLinkQuerySet:
        return self.filter(archived_at__isnull=True, ended_on__isnull=True)


class PerpetratorLink(RecordModel):
    """`perpetrator` is alleged to have abused `survivor`. Drives warnings about who could see
    the survivor's address, and the DA alert on their record."""

    perpetrator = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    noted_on = models.DateField(_("noted on"), default=timezone.localdate)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    objects = PerpetratorLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-noted_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(perpetrator=models.F("survivor")),
                name="perpetrator_link_not_self",
            )
        ]
        verbose_name = _("alleged perpetrator link")
        verbose_name_plural = _("alleged perpetrator links")

    def __str__(self) -> str:
        return str(_("Alleged perpetrator link %(id)s") % {"id": self.pk})


class BreakGlassQuerySet(ArchivableQuerySet):
    def active(self, at=None) -> BreakGlassQuerySet:  # type: ignore[no-untyped-def]
        return self.filter(archived_at__isnull=True, expires_at__gt=at or timezone.now())


class BreakGlass(RecordModel):
    """Emergency access to one family outside the user's scope: reason, time limit, manager review."""

    DURATION_HOURS = 4

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("why you need emergency access"))
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    objects = BreakGlassQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("emergency access")
        verbose_name_plural = _("emergency access")

    def __str__(self) -> str:
        return f"{self.user} → family {self.family_id}"


class ConsentScope(models.TextChoices):
    SHARE_WITH_PARTNERS = "partners", _("Sharing with partner agencies")
    HEALTH_DETAIL = "health_detail", _("Sharing health detail with the team")
    PORTAL = "portal", _("Publishing to the family portal")


class Consent(RecordModel):
    """A person's consent, given and perhaps later withdrawn, for a stated scope."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    scope = models.CharField(_("consent to"), max_length=20, choices=ConsentScope.choices)
    given_on = models.DateField(_("given on"))
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-given_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("given_on")),
                name="consent_dates_ordered",
            )
        ]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.get_scope_display()} ({self.given_on:%d %b %Y})"

    def is_active_on(self, day) -> bool:  # type: ignore[no-untyped-def]
        return self.given_on <= day and (self.withdrawn_on is None or self.withdrawn_on > day)


class SharingAgreement(RecordModel):
    """An information-sharing agreement: what a partner organisation's workers may see."""

    name = models.CharField(_("name"), max_length=200)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("partner")
    )
    categories = models.JSONField(_("categories they may see"), default=list)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("information-sharing agreement")
        verbose_name_plural = _("information-sharing agreements")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        unknown = set(self.categories or []) - set(Category.values)
        if unknown:
            raise ValidationError({"categories": _("Select categories from the list")})


class Decision(models.TextChoices):
    SHARED = "shared", _("Shared")
    NOT_SHARED = "not_shared", _("Decided not to share")


class LawfulBasis(models.TextChoices):
    CONSENT = "consent", _("Consent")
    LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation (e.g. Children Act 1989)")
    PUBLIC_TASK = "public_task", _("Public task")
    VITAL_INTERESTS = "vital_interests", _("Vital interests")
    SAFEGUARDING = "safeguarding", _("Safeguarding of children (DPA 2018 Sch 1 para 18)")
    AGREEMENT = "agreement", _("Information-sharing agreement")


class SharingRecord(RecordModel):
    """One decision to share or not to share: who, what, to whom, why and on what basis.

    Who is `created_by`. A disclosure (decision "shared") is complete only with what, to
    whom, why, a lawful basis, and the consent relied on or the reason for sharing without
    it: the database refuses anything less (R6). An export or print of no one family (a
    management CSV) has no family and is marked internal.
    """

    family = models.ForeignKey(
        Family, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("about"),
    )
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    what = models.TextField(_("what was shared, or asked for"))
    recipient = models.CharField(_("to whom"), max_length=200)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("their organisation"),
    )
    purpose = models.TextField(_("why"))
    lawful_basis = models.CharField(_("lawful basis"), max_length=30, choices=LawfulBasis.choices)
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    agreement = models.ForeignKey(
        SharingAgreement, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_on = models.DateField(_("date of the decision"))
    override_reason = models.TextField(
        _("why it is shared without consent"),
        blank=True,
        help_text=_("Needed when no consent is relied on, e.g. a child's safety comes first"),
    )
    path = models.CharField(_("page or file disclosed"), max_length=500, blank=True)
    internal = models.BooleanField(_("internal use only"), default=False)

    class Meta:
        ordering = ["-decided_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="not_shared")
                | (
                    ~Q(what="")
                    & ~Q(recipient="")
                    & ~Q(purpose="")
                    & ~Q(lawful_basis="")
                    & (Q(consent__isnull=False) | ~Q(override_reason=""))
                ),
                name="sharing_record_complete",
                violation_error_message=_(
                    "A disclosure needs what, to whom, why, a lawful basis, and the consent or the reason for sharing without it"
                ),
            ),
            models.CheckConstraint(
                condition=Q(family__isnull=False) | Q(internal=True),
                name="sharing_record_family_unless_internal",
            ),
        ]
        verbose_name = _("sharing decision")
        verbose_name_plural = _("sharing log")

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: {self.recipient} ({self.decided_on:%d %b %Y})"


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a second approver")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class ProtectedAccessRequest(RecordModel):
    """R7: a new disclosure of protected details (a safe address, a hidden child's school or
    GP) to someone. The requester re-enters their second-factor code; a different person who
    may approve decides; information governance is alerted.

    Two kinds. To a *user* (`grantee`): approval creates a "protected" grant, so they see the
    details in Family Workbook. In *one share of a record* (`target_type`/`target_id`, e.g. a
    document, to `recipient` or `recipient_person`): approval lets that one share include
    the details; the share that uses it is `shared_in` (its sharing log row), once only."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    grantee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("who would see the protected details"),
    )
    # A share of one record outside Family Workbook (e.g. a document), not a grant.
    target_type = models.CharField(_("shared record (type)"), max_length=60, blank=True)
    target_id = models.PositiveBigIntegerField(_("shared record"), null=True, blank=True)
    target_label = models.CharField(_("what would be shared"), max_length=200, blank=True)
    recipient = models.CharField(_("who would receive it"), max_length=200, blank=True)
    recipient_person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("family member who would receive it"),
    )
    shared_in = models.ForeignKey(
        SharingRecord,
        on_delete=models.PROTECT,
        related_name="protected_approvals",
        null=True,
        blank=True,
        verbose_name=_("the share that used this approval"),
    )
    reason = models.TextField(_("why they need to see them"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    stepped_up_at = models.DateTimeField(_("second factor re-entered at"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ApprovalStatus.choices,
        default=ApprovalStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("note on the decision"), blank=True)
    grant = models.ForeignKey(
        AccessGrant, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [
            (
                "approve_protected_access",
                _("Approve a new disclosure of protected details (second approver)"),
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True)
                | (~Q(decided_by=models.F("requested_by")) & ~Q(decided_by=models.F("grantee"))),
                name="protected_request_two_people",
                violation_error_message=_("Someone else must approve this request"),
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(grant__isnull=False) | Q(grantee__isnull=True),
                name="protected_request_approved_has_grant",
            ),
            # Either a user who would see the details, or one share of one record: not both.
            models.CheckConstraint(
                condition=(Q(grantee__isnull=False) & Q(target_id__isnull=True))
                | (Q(grantee__isnull=True) & Q(target_id__isnull=False) & ~Q(recipient="")),
                name="protected_request_grantee_or_share",
            ),
            models.CheckConstraint(
                condition=Q(shared_in__isnull=True) | Q(status="approved"),
                name="protected_request_used_only_when_approved",
            ),
        ]
        verbose_name = _("request to see protected details")
        verbose_name_plural = _("requests to see protected details")

    def __str__(self) -> str:
        return str(_("Request %(id)s to see protected details") % {"id": self.pk})

    @property
    def is_share(self) -> bool:
        return self.target_id is not None
