"""Subject access requests (R18): the request, its clock, and each item of the pack with the
reviewer's decision. The released pack is kept as sent, with its SHA-256."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from familyworkbook.core.models import ArchivableQuerySet, RecordModel
from familyworkbook.people.models import Person


class RequesterKind(models.TextChoices):
    SUBJECT = "subject", _("The person themselves")
    PARENT = "parent", _("A parent or carer acting for a child")
    SOLICITOR = "solicitor", _("A solicitor or advocate acting for them")
    OTHER = "other", _("Someone else with their written authority")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_PROGRESS = "in_progress", _("In progress")
    READY = "ready", _("Ready for review")
    RELEASED = "released", _("Released")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_STATUSES = [Status.RECEIVED, Status.IN_PROGRESS, Status.READY]


class SubjectAccessRequestQuerySet(ArchivableQuerySet):
    def open(self) -> SubjectAccessRequestQuerySet:
        return self.filter(archived_at__isnull=True, status__in=OPEN_STATUSES)

    def overdue(self, today: dt.date) -> SubjectAccessRequestQuerySet:
        return self.open().filter(due_on__lt=today)

    def due_within(self, today: dt.date, days: int) -> SubjectAccessRequestQuerySet:
        return self.open().filter(due_on__gte=today, due_on__lte=today + dt.timedelta(days=days))


class SubjectAccessRequest(RecordModel):
    subject = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("data subject")
    )
    requester_kind = models.CharField(
        _("who is asking"), max_length=20, choices=RequesterKind.choices
    )
    requester_name = models.CharField(_("requester's name"), max_length=200)
    received_on = models.DateField(_("date the request was received"))
    identity_verified_on = models.DateField(
        _("date identity (and any authority to act) was verified"), null=True, blank=True
    )
    due_on = models.DateField(_("response due"), null=True, blank=True)
    is_complex = models.BooleanField(_("extended: complex or numerous"), default=False)
    complex_reason = models.TextField(_("why the request is complex"), blank=True)
    extension_told_on = models.DateField(
        _("date the requester was told of the extension"), null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("information governance officer"),
    )
    built_at = models.DateTimeField(_("pack last built"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("why it was withdrawn"), blank=True)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    pack_html = models.TextField(_("the pack as released"), blank=True, editable=False)
    pack_sha256 = models.CharField(_("SHA-256 of the pack"), max_length=64, blank=True)
    sharing_record = models.ForeignKey(
        "access.SharingRecord", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    objects = SubjectAccessRequestQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "received_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"], name="sar_status_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_complex=False) | ~Q(complex_reason=""),
                name="sar_extension_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="released")
                | (~Q(pack_sha256="") & Q(released_at__isnull=False)),
                name="sar_released_pack_is_frozen",
            ),
        ]
        verbose_name = _("subject access request")
        verbose_name_plural = _("subject access requests")

    def __str__(self) -> str:
        return f"SAR-{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("subject_access:request", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today: dt.date) -> bool:
        return self.is_open and self.due_on is not None and self.due_on < today


class Decision(models.TextChoices):
    PENDING = "pending", _("Not decided")
    RELEASE = "release", _("Release")
    REDACT = "redact", _("Release with redactions")
    WITHHOLD = "withhold", _("Withhold")


class Exemption(models.TextChoices):
    THIRD_PARTY = "third_party", _("Third-party information (DPA 2018 Sch 2 para 16)")
    SERIOUS_HARM = "serious_harm", _("Serious harm: social work data (DPA 2018 Sch 3 Part 3)")
    CRIME = "crime", _("Prevention or detection of crime (DPA 2018 Sch 2 para 2)")
    LEGAL_PRIVILEGE = "legal_privilege", _("Legal professional privilege (DPA 2018 Sch 2 para 19)")
    COURT = "court", _("Court proceedings or reports (DPA 2018 Sch 3 para 8 and Sch 2 para 6)")


class PackItem(models.Model):
    """One thing held about the subject, as it stood when the pack was built, and the decision.

    `key` names the record it came from ("workbook.entry:41") so rebuilding keeps decisions.
    The text is a copy made for this request: the pack shows what was held on the day.
    """

    request = models.ForeignKey(
        SubjectAccessRequest, on_delete=models.PROTECT, related_name="items"
    )
    key = models.CharField(max_length=100)
    section = models.CharField(_("section"), max_length=100)
    position = models.PositiveIntegerField(default=0)
    heading = models.CharField(_("item"), max_length=300)
    text = models.TextField(_("what is held"), blank=True)
    third_party = models.BooleanField(_("names or concerns someone else"), default=False)
    third_party_note = models.CharField(_("why it is flagged"), max_length=300, blank=True)
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    redacted_text = models.TextField(_("text to release"), blank=True)
    reason = models.TextField(_("reason"), blank=True)
    exemption = models.CharField(
        _("exemption"), max_length=20, choices=Exemption.choices, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    gone = models.BooleanField(_("no longer held"), default=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["request", "key"], name="sar_item_unique_key"),
            models.CheckConstraint(
                condition=~Q(decision="redact") | (~Q(redacted_text="") & ~Q(reason="")),
                name="sar_item_redaction_complete",
            ),
            models.CheckConstraint(
                condition=~Q(decision="withhold") | (~Q(exemption="") & ~Q(reason="")),
                name="sar_item_withholding_complete",
            ),
            models.CheckConstraint(
                condition=Q(decision="pending")
                | Q(decided_at__isnull=False)
                | Q(third_party=False),
                name="sar_item_third_party_decided_by_someone",
            ),
        ]
        verbose_name = _("pack item")
        verbose_name_plural = _("pack items")

    def __str__(self) -> str:
        return self.heading

    @property
    def needs_decision(self) -> bool:
        return self.decision == Decision.PENDING and not self.gone

    @property
    def released_text(self) -> str | None:
        if self.gone or self.decision in (Decision.PENDING, Decision.WITHHOLD):
            return None
        return self.redacted_text if self.decision == Decision.REDACT else self.text

    @property
    def released_heading(self) -> str:
        """A redacted item's heading may itself name someone: it is not released."""
        return (
            str(_("%(section)s (redacted)") % {"section": self.section})
            if (self.decision == Decision.REDACT)
            else self.heading
        )
