"""The scope-and-period form on the insights pages (submitted by GET, so a view can be bookmarked)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from familyworkbook.core import clock
from familyworkbook.core.fields import ModelChoiceField
from familyworkbook.core.forms import GovukDateField, GovukForm
from familyworkbook.insights import selectors


class PeriodForm(GovukForm):
    date_from = GovukDateField(label=_("From"), help_text=_("For example, 1 4 2025"))
    date_to = GovukDateField(label=_("To"), help_text=_("For example, 31 3 2026"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if date_from and date_to:
            if date_to < date_from:
                self.add_error("date_to", _("The end of the period must be on or after its start"))
            elif len(selectors.quarters_between(date_from, date_to)) > selectors.MAX_QUARTERS:
                self.add_error(
                    "date_to",
                    _("Choose a period of at most %(n)s quarters (5 years)")
                    % {"n": selectors.MAX_QUARTERS},
                )
        return data


class ScopeForm(PeriodForm):
    scope = forms.ChoiceField(
        label=_("Whose cases"),
        error_messages={
            "required": _("Select whose cases to show"),
            "invalid_choice": _("Select a team, district or service from the list"),
        },
    )
    field_order = ["scope", "date_from", "date_to"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = selectors.scope_choices()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("scope") and selectors.scope_from_key(data["scope"]) is None:
            self.add_error("scope", _("Select a team, district or service from the list"))
        return data

    @property
    def chosen_scope(self) -> selectors.Scope:
        return selectors.scope_from_key(self.cleaned_data["scope"])  # type: ignore[return-value]


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last four whole quarters before today's quarter."""
    current = selectors.quarter_of(today)
    end = current.start - dt.timedelta(days=1)
    start = dt.date(end.year - 1, end.month, 1) + dt.timedelta(days=31)
    return selectors.quarter_of(start).start, end


def initial_data(today: dt.date, scope_key: str) -> dict[str, str]:
    date_from, date_to = default_period(today)
    return {
        "scope": scope_key,
        "date_from_day": str(date_from.day),
        "date_from_month": str(date_from.month),
        "date_from_year": str(date_from.year),
        "date_to_day": str(date_to.day),
        "date_to_month": str(date_to.month),
        "date_to_year": str(date_to.year),
    }


class _WorkerChoice(ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.get_role_display()})"


def _current_workers() -> Any:
    from familyworkbook.teams.models import Worker

    return Worker.objects.filter(left_on__isnull=True, archived_at__isnull=True).select_related(
        "user"
    )


class TrainingForm(GovukForm):
    """One line of the training register."""

    worker = _WorkerChoice(
        label=_("Who was trained"),
        queryset=None,
        error_messages={
            "required": _("Select who was trained"),
            "invalid_choice": _("Select a worker from the list"),
        },
    )
    course = forms.ChoiceField(
        label=_("Course"),
        error_messages={
            "required": _("Select the course"),
            "invalid_choice": _("Select a course from the list"),
        },
    )
    completed_on = GovukDateField(label=_("Date completed"), help_text=_("For example, 3 2 2026"))
    notes = forms.CharField(label=_("Notes (optional)"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from familyworkbook.insights.models import Course

        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = _current_workers()
        self.fields["course"].choices = [("", _("Select a course")), *Course.choices]

    def clean_completed_on(self) -> dt.date:
        day = self.cleaned_data["completed_on"]
        if day > clock.today():
            raise forms.ValidationError(_("The date completed must be today or in the past"))
        return day


class SupervisionForm(GovukForm):
    """One clinical supervision session."""

    worker = _WorkerChoice(
        label=_("Who was supervised"),
        queryset=None,
        error_messages={
            "required": _("Select who was supervised"),
            "invalid_choice": _("Select a worker from the list"),
        },
    )
    supervisor_role = forms.ChoiceField(
        label=_("Supervisor's profession"),
        error_messages={
            "required": _("Select the supervisor's profession"),
            "invalid_choice": _("Select a profession from the list"),
        },
    )
    held_on = GovukDateField(label=_("Date held"), help_text=_("For example, 3 2 2026"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from familyworkbook.teams.models import Role

        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = _current_workers()
        self.fields["supervisor_role"].choices = [("", _("Select a profession")), *Role.choices]

    def clean_held_on(self) -> dt.date:
        day = self.cleaned_data["held_on"]
        if day > clock.today():
            raise forms.ValidationError(_("The date held must be today or in the past"))
        return day
