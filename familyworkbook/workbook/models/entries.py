"""Workbook entries: a session or visit recorded once, in the author's chapter, with analysis.

Entries flagged significant are the family's chronology: the chronology is read from them,
never typed a second time. Health-confidential detail an adult specialist records is kept
apart from the summary they share with the team (`confidential_detail` vs `shared_summary`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from familyworkbook.core import clock
from familyworkbook.core.encryption import EncryptedTextField
from familyworkbook.core.models import ArchivableQuerySet, RecordModel
from familyworkbook.people.models import Family, Person
from familyworkbook.teams.models import Role, Worker
from familyworkbook.workbook.models.programmes import Module, Programme


class Chapter(models.TextChoices):
    """Whose voice an entry is in: one chapter per professional role in the team."""

    SOCIAL_WORK = "social_work", _("Social work")
    CHILD_PRACTITIONER = "child_practitioner", _("Child practitioner")
    DA_SURVIVOR = "da_survivor", _("Domestic abuse survivor work")
    DA_PERPETRATOR = "da_perpetrator", _("Domestic abuse perpetrator work")
    SUBSTANCE_MISUSE = "substance_misuse", _("Substance misuse recovery")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    PSYCHOLOGY = "psychology", _("Psychology")
    INTENSIVE = "intensive", _("Intensive intervention keywork")
    OTHER = "other", _("Other professionals")

    @classmethod
    def for_role(cls, role: str) -> Chapter:
        return _ROLE_CHAPTERS.get(role, cls.OTHER)

    @classmethod
    def specialist_chapters(cls) -> set[str]:
        """Chapters whose authors may record health-confidential detail."""
        return {
            cls.DA_SURVIVOR,
            cls.DA_PERPETRATOR,
            cls.SUBSTANCE_MISUSE,
            cls.MENTAL_HEALTH,
            cls.PSYCHOLOGY,
        }


_ROLE_CHAPTERS = {
    Role.SOCIAL_WORKER: Chapter.SOCIAL_WORK,
    Role.SENIOR_PRACTITIONER: Chapter.SOCIAL_WORK,
    Role.TEAM_MANAGER: Chapter.SOCIAL_WORK,
    Role.CONSULTANT_SOCIAL_WORKER: Chapter.SOCIAL_WORK,
    Role.CHILD_PRACTITIONER: Chapter.CHILD_PRACTITIONER,
    Role.DA_SURVIVOR_WORKER: Chapter.DA_SURVIVOR,
    Role.DA_PERPETRATOR_WORKER: Chapter.DA_PERPETRATOR,
    Role.SUBSTANCE_MISUSE_WORKER: Chapter.SUBSTANCE_MISUSE,
    Role.MENTAL_HEALTH_PRACTITIONER: Chapter.MENTAL_HEALTH,
    Role.PSYCHOLOGIST: Chapter.PSYCHOLOGY,
    Role.CLINICIAN: Chapter.PSYCHOLOGY,
}


class EntryKind(models.TextChoices):
    HOME_VISIT = "home_visit", _("Home visit")
    JOINT_VISIT = "joint_visit", _("Joint visit")
    SESSION = "session", _("Session (office, school or community)")
    DIRECT_WORK = "direct_work", _("Direct work with a child")
    GROUP = "group", _("Group session")
    PHONE = "phone", _("Phone or video call")
    OTHER = "other", _("Other contact")


class EntryQuerySet(ArchivableQuerySet):
    def visible_to(self, user: Any) -> EntryQuerySet:
        """Entries in families this user may see."""
        return self.filter(archived_at__isnull=True, family__in=Family.objects.visible_to(user))

    def significant(self) -> EntryQuerySet:
        return self.filter(is_significant=True, archived_at__isnull=True)


class Entry(RecordModel):
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="workbook_entries")
    author = models.ForeignKey(
        Worker, on_delete=models.PROTECT, related_name="workbook_entries", null=True, blank=True
    )
    chapter = models.CharField(_("chapter"), max_length=30, choices=Chapter.choices)
    happened_on = models.DateField(_("date of the session or visit"))
    kind = models.CharField(_("kind of contact"), max_length=20, choices=EntryKind.choices)
    present = models.ManyToManyField(
        Person,
        related_name="workbook_entries_present",
        blank=True,
        verbose_name=_("family members present"),
    )
    professionals_present = models.ManyToManyField(
        Worker,
        related_name="workbook_entries_present",
        blank=True,
        verbose_name=_("other professionals present"),
    )
    others_present = models.CharField(_("anyone else present"), max_length=300, blank=True)
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="entries", null=True, blank=True
    )
    programme_version = models.CharField(_("programme version"), max_length=30, blank=True)
    module = models.ForeignKey(
        Module,
        on_delete=models.PROTECT,
        related_name="entries",
        null=True,
        blank=True,
        verbose_name=_("programme module"),
    )
    completes_module = models.BooleanField(_("this session completes the module"), default=False)
    tools = models.JSONField(_("tools used"), default=list, blank=True)
    what_happened = models.TextField(_("what happened"))
    meaning_for_child = models.TextField(_("what it means for the child"))
    what_needs_to_change = models.TextField(_("what needs to change"), blank=True)
    what_happens_next = models.TextField(_("what happens next"))
    child_words = models.TextField(_("the child's own words"), blank=True)
    tagged = models.ManyToManyField(
        Person, related_name="workbook_entries_tagged", blank=True, verbose_name=_("about")
    )
    is_significant = models.BooleanField(_("significant event"), default=False)
    headline = models.CharField(_("headline for the chronology"), max_length=200, blank=True)
    visits = models.ManyToManyField(
        "cases.Visit",
        related_name="workbook_entries",
        blank=True,
        verbose_name=_("statutory visits this entry records"),
        help_text=_(
            "Typed once: a home or joint visit recorded in the Workbook is also the statutory "
            "visit to each child it names as seen."
        ),
    )
    shared_summary = models.TextField(_("summary shared with the team"), blank=True)
    # Encrypted at rest (R16): diagnoses, drug-test results, mental-health notes.
    confidential_detail = EncryptedTextField(_("health-confidential detail"), blank=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["-happened_on", "-pk"]
        indexes = [
            models.Index(fields=["family", "happened_on"], name="entry_family_date_idx"),
            models.Index(
                fields=["family", "happened_on"],
                condition=Q(is_significant=True),
                name="entry_significant_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_significant=False) | ~Q(headline=""),
                name="entry_significant_has_headline",
                violation_error_message=_(
                    "A significant event needs a headline for the chronology"
                ),
            ),
            models.CheckConstraint(
                condition=Q(module__isnull=True) | Q(programme__isnull=False),
                name="entry_module_has_programme",
            ),
            models.CheckConstraint(
                condition=Q(completes_module=False) | Q(module__isnull=False),
                name="entry_completes_a_module",
                violation_error_message=_("Only a module session can complete a module"),
            ),
        ]
        verbose_name = _("workbook entry")
        verbose_name_plural = _("workbook entries")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.happened_on:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("workbook:entry", args=[self.family_id, self.pk])

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.happened_on and self.happened_on > clock.today():
            errors["happened_on"] = _(
                "The date of the session or visit must be today or in the past"
            )
        if self.is_significant and not self.headline.strip():
            errors["headline"] = _("Enter a headline for the chronology")
        if self.confidential_detail.strip() and self.chapter not in Chapter.specialist_chapters():
            errors["confidential_detail"] = _(
                "Only adult specialists record health-confidential detail"
            )
        if self.confidential_detail.strip() and not self.shared_summary.strip():
            errors["shared_summary"] = _(
                "Enter the summary you share with the team about the confidential detail"
            )
        if self.module_id and self.programme_id and self.module.programme_id != self.programme_id:
            errors["module"] = _("Select a module of this programme")
        if self.completes_module and not self.module_id:
            errors["completes_module"] = _("Select the module this session completes")
        if errors:
            raise ValidationError(errors)

    def confidential_visible_to(self, user: Any) -> bool:
        """Only the author reads the health-confidential detail; the team reads the summary.

        The access policy may widen this (consent to share more); until then the safe
        default is the author alone.
        """
        return bool(self.created_by_id) and self.created_by_id == getattr(user, "pk", None)


class EntryDraft(models.Model):
    """What a worker has typed into a new entry and not yet submitted, kept on the server.

    One per worker per family. Stored server-side so it survives a timed-out session or a
    closed laptop. Not part of the family's record: it is deleted when the entry is submitted
    (the submitted entry is the record), so it is a plain model, not a RecordModel.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="+")
    data = models.JSONField(default=dict)
    saved_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "family"], name="draft_one_per_user_family")
        ]
        verbose_name = _("entry draft")

    def __str__(self) -> str:
        return f"Draft by {self.user} ({self.saved_at:%d/%m/%Y %H:%M})"
