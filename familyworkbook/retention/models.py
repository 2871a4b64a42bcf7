"""Retention rules, legal holds, destruction proposals and the destruction log (R17).

The unit of retention is the family record: the family, its people who belong to no other
family, and everything that hangs off them (cases, episodes, workbook, documents, meetings
rows about them). docs/decisions/retention-engine.md says why, and how this squares with
"archive, never delete" (decision 0007).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from familyworkbook.core.models import ArchivableQuerySet, RecordModel

MANAGE_PERMISSION = "retention.manage_retention"


class RecordType(models.TextChoices):
    """What a family's record holds, as far as retention law cares. A family can be several."""

    LOOKED_AFTER = "looked_after", _("A child who was looked after")
    LOOKED_AFTER_DIED = "looked_after_died", _("A looked-after child who died before 18")
    ADOPTED = "adopted", _("A child who was adopted")
    CHILD_PROTECTION = "child_protection", _("A child with a child protection enquiry or plan")
    CHILD_IN_NEED = "child_in_need", _("A child in need")
    FAMILY = "family", _("Any family record")


class Trigger(models.TextChoices):
    """The date a rule's period runs from."""

    LAST_CONTACT = "last_contact", _("Last contact (the family's last case closed)")
    DATE_OF_BIRTH = "date_of_birth", _("The child's date of birth")
    ADULTHOOD_OR_LAST_CONTACT = (
        "adulthood_or_last_contact",
        _("The child's 18th birthday or last contact, whichever is later"),
    )
    DATE_OF_DEATH = "date_of_death", _("The child's date of death")
    ADOPTION_ORDER = "adoption_order", _("The date of the adoption order")


# Which triggers make sense for which record: a death date only for a child who died, an
# adoption order only for an adopted child.
TRIGGERS_FOR: dict[str, list[str]] = {
    RecordType.LOOKED_AFTER: [Trigger.DATE_OF_BIRTH, Trigger.LAST_CONTACT],
    RecordType.LOOKED_AFTER_DIED: [Trigger.DATE_OF_DEATH, Trigger.LAST_CONTACT],
    RecordType.ADOPTED: [Trigger.ADOPTION_ORDER, Trigger.DATE_OF_BIRTH],
    RecordType.CHILD_PROTECTION: [
        Trigger.LAST_CONTACT,
        Trigger.DATE_OF_BIRTH,
        Trigger.ADULTHOOD_OR_LAST_CONTACT,
    ],
    RecordType.CHILD_IN_NEED: [
        Trigger.LAST_CONTACT,
        Trigger.DATE_OF_BIRTH,
        Trigger.ADULTHOOD_OR_LAST_CONTACT,
    ],
    RecordType.FAMILY: [Trigger.LAST_CONTACT],
}


def add_years(on: dt.date, years: int) -> dt.date:
    """`on` plus whole years. 29 February becomes 1 March: the later date keeps the record longer."""
    try:
        return on.replace(year=on.year + years)
    except ValueError:
        return dt.date(on.year + years, 3, 1)


class RetentionRule(RecordModel):
    """How long one kind of record is kept, and on what authority. One current rule per type."""

    record_type = models.CharField(_("record type"), max_length=30, choices=RecordType.choices)
    trigger = models.CharField(_("kept from"), max_length=30, choices=Trigger.choices)
    years = models.PositiveSmallIntegerField(_("years kept"))
    legal_source = models.CharField(_("legal source"), max_length=300)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["record_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["record_type"],
                condition=Q(archived_at__isnull=True),
                name="retention_one_current_rule_per_type",
            ),
            models.CheckConstraint(
                condition=Q(years__gte=1) & Q(years__lte=150), name="retention_years_in_range"
            ),
        ]
        permissions = [
            ("manage_retention", "Review retention, place legal holds and destroy records (IG)")
        ]
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")

    def __str__(self) -> str:
        return f"{self.get_record_type_display()}: {self.years} years"

    def ends_on(self, trigger_on: dt.date) -> dt.date:
        """The day retention ends: the record is expired on this day and every day after."""
        return add_years(trigger_on, self.years)


class LegalHoldQuerySet(ArchivableQuerySet):
    def in_force(self) -> LegalHoldQuerySet:
        return self.filter(released_at__isnull=True, archived_at__isnull=True)


class LegalHold(RecordModel):
    """A record that must not be destroyed (litigation, an inquiry, a complaint), until released.

    On a family, or on one person: a hold on a person keeps every family they belong to.
    """

    family = models.ForeignKey(
        "people.Family",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("family"),
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    reason = models.TextField(_("reason for the hold"))
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(_("placed at"), default=timezone.now)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    released_reason = models.TextField(_("reason for release"), blank=True)

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        ordering = ["-placed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(family__isnull=False) & Q(person__isnull=True))
                | (Q(family__isnull=True) & Q(person__isnull=False)),
                name="legal_hold_family_or_person",
            )
        ]
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")

    def __str__(self) -> str:
        if self.family_id:
            return f"Hold {self.pk} on family {self.family_id}"
        return f"Hold {self.pk} on person {self.person_id}"

    @property
    def in_force(self) -> bool:
        return self.released_at is None


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a second person")
    APPROVED = "approved", _("Approved and destroyed")
    CANCELLED = "cancelled", _("Cancelled")


class DestructionProposal(RecordModel):
    """One IG officer proposes destroying an expired family record; a different one approves.

    The family is referred to by its id as well as a foreign key: after destruction the key
    is cleared and the id remains, with no name or content.
    """

    family = models.ForeignKey(
        "people.Family", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    family_pk = models.PositiveBigIntegerField(_("family id"))
    rule = models.ForeignKey(RetentionRule, on_delete=models.PROTECT, related_name="+")
    trigger_on = models.DateField(_("retention ran from"))
    expired_on = models.DateField(_("retention ended on"))
    note = models.TextField(_("note"))
    status = models.CharField(
        _("status"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["family_pk"],
                condition=Q(status="pending"),
                name="destruction_one_pending_per_family",
            )
        ]
        verbose_name = _("destruction proposal")
        verbose_name_plural = _("destruction proposals")

    def __str__(self) -> str:
        return f"Proposal {self.pk} to destroy family {self.family_pk}"


class DestructionRecord(models.Model):
    """What was destroyed, under which rule, who proposed and approved it, and how many rows.

    Holds no name and no content: the family's internal id, dates and counts per table. It is
    kept for good, like the audit trail, as the council's evidence that destruction was lawful.
    """

    record_type = models.CharField(_("what was destroyed"), max_length=100)
    record_pk = models.PositiveBigIntegerField(_("internal id"))
    proposal = models.OneToOneField(
        DestructionProposal, on_delete=models.PROTECT, related_name="destruction"
    )
    rule_record_type = models.CharField(_("rule"), max_length=30, choices=RecordType.choices)
    rule_years = models.PositiveSmallIntegerField(_("years kept"))
    rule_legal_source = models.CharField(_("legal source"), max_length=300)
    trigger_on = models.DateField(_("retention ran from"))
    expired_on = models.DateField(_("retention ended on"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    destroyed_at = models.DateTimeField(_("destroyed at"), default=timezone.now)
    counts = models.JSONField(_("rows destroyed per table"), default=dict)

    class Meta:
        ordering = ["-destroyed_at", "-pk"]
        verbose_name = _("destruction record")
        verbose_name_plural = _("destruction records")

    def __str__(self) -> str:
        return f"Destruction {self.pk}: {self.record_type} {self.record_pk}"

    @property
    def rows(self) -> int:
        return sum(self.counts.values())
