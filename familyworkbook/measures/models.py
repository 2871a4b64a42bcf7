"""A completed questionnaire: who it is about, who answered, when, the answers and the scores.

Responses are never changed once saved. A mistake is put right by recording a correction: a
new record that supersedes the old one, which stays (with who recorded it and when) so the
history of what was believed, and when, is kept. Scores are computed by the service from the
responses with the scorer, stored with the scorer's version, and never typed.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from familyworkbook.cases.models import Case
from familyworkbook.core.models import ArchivableQuerySet, RecordModel
from familyworkbook.measures.instruments import (
    CollectionPoint,
    Informant,
    InstrumentCode,
    band_label,
    dig,
    info,
)
from familyworkbook.people.models import Person

# The only fields a saved record may still have written: archiving it.
_ARCHIVE_FIELDS = frozenset({"archived_at", "modified_at", "modified_by"})


class MeasureResponseQuerySet(ArchivableQuerySet):
    def visible_to(self, user) -> MeasureResponseQuerySet:  # type: ignore[no-untyped-def]
        """Measures of people this user may see."""
        return self.filter(archived_at__isnull=True, person__in=Person.objects.visible_to(user))

    def current(self) -> MeasureResponseQuerySet:
        """Not archived and not superseded by a correction."""
        return self.filter(archived_at__isnull=True, superseded_by__isnull=True)


class MeasureResponse(RecordModel):
    """One completed questionnaire for one person (the recorder is ``created_by``)."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="measures", verbose_name=_("person")
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="measures", verbose_name=_("case")
    )
    instrument = models.CharField(_("questionnaire"), max_length=10, choices=InstrumentCode.choices)
    informant = models.CharField(_("completed by"), max_length=12, choices=Informant.choices)
    completed_on = models.DateField(_("date completed"))
    collection_point = models.CharField(
        _("collection point"), max_length=12, choices=CollectionPoint.choices
    )
    responses = models.JSONField(_("responses"), help_text=_("Item number to the code ticked."))
    impact = models.JSONField(
        _("impact supplement"), null=True, blank=True, help_text=_("SDQ only.")
    )
    scores = models.JSONField(_("scores"), editable=False)
    scorer_version = models.CharField(_("scorer version"), max_length=20, editable=False)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("corrects"),
    )
    correction_reason = models.TextField(_("reason for the correction"), blank=True)

    objects = MeasureResponseQuerySet.as_manager()

    class Meta:
        ordering = ["-completed_on", "-pk"]
        indexes = [
            models.Index(
                fields=["person", "instrument", "completed_on"], name="measure_person_idx"
            ),
            models.Index(fields=["case", "collection_point"], name="measure_case_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(impact__isnull=True) | Q(instrument="sdq"),
                name="measure_impact_only_sdq",
            ),
            models.CheckConstraint(
                condition=(Q(supersedes__isnull=True) & Q(correction_reason=""))
                | (Q(supersedes__isnull=False) & ~Q(correction_reason="")),
                name="measure_correction_has_reason",
                violation_error_message=_("A correction needs a reason, and only a correction"),
            ),
        ]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")

    def __str__(self) -> str:
        return f"{self.get_instrument_display()} {self.completed_on:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("measures:detail", args=[self.pk])

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert once; afterwards only archiving may write (responses are immutable)."""
        if not self._state.adding:
            update_fields = kwargs.get("update_fields")
            if update_fields is None or not set(update_fields) <= _ARCHIVE_FIELDS:
                raise TypeError(
                    "A saved measure is never changed: record a correction that supersedes it"
                )
        super().save(*args, **kwargs)

    def save_checked(self, *, by: Any, expected_version: int | None) -> None:
        if not self._state.adding:
            raise TypeError(
                "A saved measure is never changed: record a correction that supersedes it"
            )
        super().save_checked(by=by, expected_version=expected_version)

    # --- Reading the stored scores ---------------------------------------------------------

    @property
    def info(self) -> Any:
        return info(self.instrument)

    def score_rows(self) -> list[dict[str, Any]]:
        """Each score the page shows: label, value (None if missing) and band in words."""
        rows = []
        for score in self.info.scores:
            value = self.scores.get(score.key)
            band = dig(self.scores, score.band_path) if score.band_path else None
            rows.append(
                {
                    "key": score.key,
                    "label": score.label,
                    "value": value,
                    "display": format_score(value, score.decimals),
                    "band": band_label(band),
                }
            )
        return rows

    @property
    def headline(self) -> dict[str, Any]:
        return self.score_rows()[0]

    @property
    def answers_held(self) -> bool:
        """False for a score brought in without its answers (an SSD import's SDQ total)."""
        return bool(self.responses)

    def item_rows(self) -> list[dict[str, Any]]:
        options = dict(self.info.options)
        rows = []
        for number in range(1, self.info.items + 1):
            code = self.responses.get(str(number))
            rows.append(
                {
                    "number": number,
                    "code": code,
                    "label": options.get(code, "") if code is not None else "",
                }
            )
        return rows

    @property
    def is_current(self) -> bool:
        return not self.is_archived and not hasattr(self, "superseded_by")


def format_score(value: object, decimals: int = 0) -> str:
    if value is None:
        return ""
    if isinstance(value, float) or decimals:
        return f"{float(value):.{decimals}f}"  # type: ignore[arg-type]
    return str(value)
