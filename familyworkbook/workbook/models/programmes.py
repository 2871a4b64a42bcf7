"""Programmes as versioned data: a programme's modules, suggested sessions, tools and prompts.

A programme row is immutable once loaded: a council changes its programme by loading a new
version, and entries keep pointing at the version they were recorded under, so last year's
recording still reads against last year's modules.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from familyworkbook.core.models import RecordModel

DEFAULT_PROGRAMME = "family-safeguarding"
SUPPORTING_CHANGE = "supporting-change"


class ProgrammeKind(models.TextChoices):
    PROGRAMME = "programme", _("Programme")
    INTERVENTION = "intervention", _("Intensive intervention")


class ModuleFocus(models.TextChoices):
    FAMILY = "family", _("Family")
    CHILD = "child", _("Child focused")
    ADULT = "adult", _("Adult focused")


class ProgrammeQuerySet(models.QuerySet["Programme"]):
    def latest_of(self, slug: str) -> Programme | None:
        """The most recently loaded version of a programme."""
        return self.filter(slug=slug).order_by("-loaded_at", "-pk").first()


class Programme(RecordModel):
    slug = models.SlugField(_("programme"), max_length=60)
    version = models.CharField(_("version"), max_length=30)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=ProgrammeKind.choices, default=ProgrammeKind.PROGRAMME
    )
    data = models.JSONField(_("programme as loaded"), help_text=_("The file as loaded, unchanged."))
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["slug", "loaded_at"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="programme_version_once")
        ]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"

    @property
    def default_weeks(self) -> int:
        return int(self.data.get("default_weeks") or 12)


class Module(models.Model):
    """One module of one programme version. Never edited: it is part of the loaded data."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="modules")
    number = models.PositiveSmallIntegerField(_("number"))
    slug = models.SlugField(_("module"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    focus = models.CharField(
        _("focus"), max_length=10, choices=ModuleFocus.choices, default=ModuleFocus.FAMILY
    )
    sessions = models.JSONField(_("suggested sessions"), default=list)
    tools = models.JSONField(_("tools"), default=list)
    prompts = models.JSONField(_("analysis prompts"), default=list)
    example = models.TextField(_("worked example of an analytical entry"), blank=True)

    class Meta:
        ordering = ["programme", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "slug"], name="module_slug_once"),
            models.UniqueConstraint(fields=["programme", "number"], name="module_number_once"),
        ]
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"
