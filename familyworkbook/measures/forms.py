"""The questionnaire forms: one radio group per item, numbered as printed, with the printed
response options and a "left blank" option (the scorer allows any item to be blank: the SDQ
prorates, the others score complete subscales only).

Item wording appears only where the instrument's licence allows it and the wording has been
supplied (``instruments.ITEM_WORDING``); otherwise the legend is the item number alone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from familyworkbook.cases.forms import CaseChoiceField, not_in_future
from familyworkbook.cases.models import Case
from familyworkbook.core.forms import GovukDateField, GovukForm
from familyworkbook.measures.instruments import (
    INFO,
    ITEM_WORDING,
    SDQ_EBDDIFF_OPTIONS,
    SDQ_IMPACT_FIELDS,
    SDQ_IMPACT_OPTIONS,
    SDQ_TEACHER_ONLY_SKIPS,
    CollectionPoint,
    Informant,
    InstrumentCode,
    impact_for_scorer,
)
from familyworkbook.measures.services import age_problem
from familyworkbook.people.models import Person

BLANK = ("", _("Left blank"))


class ChooseInstrumentForm(GovukForm):
    instrument = forms.ChoiceField(
        label=_("Which questionnaire was completed?"),
        choices=InstrumentCode.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select the questionnaire"),
            "invalid_choice": _("Select the questionnaire"),
        },
    )


class ItemField(forms.TypedChoiceField):
    """One questionnaire item: a printed code, or blank (None)."""

    is_item = True

    def __init__(self, *, label: Any, options: Any, wording: str = "") -> None:
        message = _("%(item)s: select one of the answers shown") % {"item": label}
        super().__init__(
            label=label,
            choices=[(str(code), text) for code, text in options] + [BLANK],
            coerce=int,
            empty_value=None,
            required=False,
            widget=forms.RadioSelect,
            error_messages={"invalid_choice": message},
        )
        self.wording = wording


def item_name(number: int) -> str:
    return f"item_{number}"


class MeasureForm(GovukForm):
    """Who completed which questionnaire on what date, and every item's answer."""

    informant = forms.ChoiceField(
        label=_("Who completed it?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select who completed the questionnaire"),
            "invalid_choice": _("Select who completed the questionnaire"),
        },
    )
    completed_on = GovukDateField(
        label=_("Date completed"),
        help_text=_("For example, 27 3 2026"),
        error_messages={"required": _("Enter the date the questionnaire was completed")},
    )
    collection_point = forms.ChoiceField(
        label=_("Collection point"),
        choices=CollectionPoint.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select the collection point"),
            "invalid_choice": _("Select the collection point"),
        },
    )

    def __init__(
        self,
        *args: Any,
        instrument: str,
        person: Person,
        cases: QuerySet[Case],
        correcting: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.meta = INFO[instrument]
        self.person = person
        self.fields["informant"].choices = [
            (value, label) for value, label in Informant.choices if value in self.meta.informants
        ]
        if len(self.meta.informants) == 1:
            self.fields["informant"].initial = self.meta.informants[0]
        self.fields["case"] = CaseChoiceField(
            label=_("Case"),
            queryset=cases,
            empty_label=_("Select the case"),
            error_messages={
                "required": _("Select the case this questionnaire belongs to"),
                "invalid_choice": _("Select the case this questionnaire belongs to"),
            },
        )
        if cases.count() == 1:
            self.fields["case"].initial = cases.first()
        if correcting:
            self.fields["correction_reason"] = forms.CharField(
                label=_("Why are you correcting this record?"),
                help_text=_("For example, item 7 was entered as 'Certainly true' by mistake."),
                widget=forms.Textarea,
                max_length=1000,
                error_messages={"required": _("Enter why the record is being corrected")},
            )
        wording = ITEM_WORDING.get(instrument, {}) if self.meta.wording_allowed else {}
        for number in range(1, self.meta.items + 1):
            self.fields[item_name(number)] = ItemField(
                label=_("Item %(number)s") % {"number": number},
                options=self.meta.options,
                wording=wording.get(number, ""),
            )
        if instrument == "sdq":
            for name, label in SDQ_IMPACT_FIELDS:
                options = SDQ_EBDDIFF_OPTIONS if name == "ebddiff" else SDQ_IMPACT_OPTIONS
                self.fields[f"impact_{name}"] = ItemField(label=label, options=options)

    # --- Layout helpers for the template ----------------------------------------------------

    @property
    def detail_fields(self) -> list[forms.BoundField]:
        names = ["informant", "completed_on", "collection_point", "case"]
        if "correction_reason" in self.fields:
            names.append("correction_reason")
        return [self[name] for name in names]

    @property
    def item_fields(self) -> list[forms.BoundField]:
        return [self[item_name(n)] for n in range(1, self.meta.items + 1)]

    @property
    def impact_fields(self) -> list[forms.BoundField]:
        return [
            self[f"impact_{name}"] for name, _label in SDQ_IMPACT_FIELDS if self.instrument == "sdq"
        ]

    # --- Validation --------------------------------------------------------------------------

    def clean_completed_on(self) -> dt.date:
        value: dt.date = self.cleaned_data["completed_on"]
        not_in_future(value, _("The date completed must be today or in the past"))
        if self.person.date_of_birth and value < self.person.date_of_birth:
            raise forms.ValidationError(
                _("The date completed must be on or after the date of birth")
            )
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        responses = self.responses()
        if not any(value is not None for value in responses.values()):
            self.add_error(item_name(1), _("Answer at least one item: none has an answer"))
        informant = data.get("informant")
        on = data.get("completed_on")
        case = data.get("case")
        if informant and on:
            problem = age_problem(self.person, self.instrument, informant, on)
            if problem:
                self.add_error("completed_on", problem)
        if case and on and on < case.opened_on:
            self.add_error(
                "completed_on",
                _("The date completed must be on or after the case opened (%(date)s)")
                % {"date": f"{case.opened_on:%d/%m/%Y}"},
            )
        if self.instrument == "sdq" and informant == Informant.TEACHER:
            for name in SDQ_TEACHER_ONLY_SKIPS:
                if data.get(f"impact_{name}") is not None:
                    self.add_error(
                        f"impact_{name}",
                        _("The teacher form does not ask this: select 'Left blank'"),
                    )
        return data

    def responses(self) -> dict[str, int | None]:
        return {str(n): self.cleaned_data.get(item_name(n)) for n in range(1, self.meta.items + 1)}

    def impact(self) -> dict[str, int | None] | None:
        if self.instrument != "sdq":
            return None
        answers = {name: self.cleaned_data.get(f"impact_{name}") for name, _l in SDQ_IMPACT_FIELDS}
        return impact_for_scorer(self.cleaned_data["informant"], answers)

    def values(self) -> dict[str, Any]:
        """The keyword arguments ``services.record_measure`` takes from this form."""
        return {
            "instrument": self.instrument,
            "informant": self.cleaned_data["informant"],
            "completed_on": self.cleaned_data["completed_on"],
            "collection_point": self.cleaned_data["collection_point"],
            "case": self.cleaned_data["case"],
            "responses": self.responses(),
            "impact": self.impact(),
            "correction_reason": self.cleaned_data.get("correction_reason", ""),
        }
