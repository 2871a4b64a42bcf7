"""Input for the retention pages, with GOV.UK error wording."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from familyworkbook.core.fields import IntegerField
from familyworkbook.core.forms import GovukForm
from familyworkbook.people.models import Family, Person
from familyworkbook.retention.models import TRIGGERS_FOR, RetentionRule, Trigger


class RuleForm(GovukForm):
    trigger = forms.ChoiceField(
        label=_("Kept from"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select the date the record is kept from"),
            "invalid_choice": _("Select a date this kind of record can be kept from"),
        },
    )
    years = IntegerField(
        label=_("Years kept"),
        min_value=1,
        max_value=150,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={
            "required": _("Enter the number of years the record is kept"),
            "invalid": _("Years kept must be a whole number, like 35"),
            "min_value": _("Years kept must be between 1 and 150"),
            "max_value": _("Years kept must be between 1 and 150"),
        },
    )
    legal_source = forms.CharField(
        label=_("Legal source"),
        max_length=300,
        help_text=_("The regulation, or the council's schedule, that sets this period"),
        error_messages={
            "required": _("Enter the legal source for this rule"),
            "max_length": _("Legal source must be 300 characters or fewer"),
        },
    )
    notes = forms.CharField(label=_("Notes (optional)"), required=False, widget=forms.Textarea)
    version = IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, rule: RetentionRule, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Trigger.choices)
        self.fields["trigger"].choices = [(t, labels[t]) for t in TRIGGERS_FOR[rule.record_type]]


class HoldForm(GovukForm):
    family_reference = forms.CharField(
        label=_("Family reference"),
        required=False,
        max_length=20,
        help_text=_("To hold a whole family's record, like FAM000123"),
    )
    person_number = IntegerField(
        label=_("Person record number"),
        required=False,
        min_value=1,
        help_text=_(
            "To hold one person (and every family they belong to): the number on their record"
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-10"}),
        error_messages={"invalid": _("Person record number must be a number, like 1234")},
    )
    reason = forms.CharField(
        label=_("Reason for the hold"),
        widget=forms.Textarea,
        help_text=_("For example, the claim, inquiry or complaint it is held for"),
        error_messages={"required": _("Enter the reason for the hold")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        reference = (data.get("family_reference") or "").replace(" ", "")
        number = data.get("person_number")
        if self.errors.get("person_number"):
            return data
        if bool(reference) == bool(number):
            raise forms.ValidationError(
                _("Enter a family reference or a person record number, not both")
                if reference
                else _("Enter a family reference or a person record number")
            )
        data["family"] = data["person"] = None
        if reference:
            data["family"] = Family.objects.filter(reference__iexact=reference).first()
            if data["family"] is None:
                self.add_error("family_reference", _("No family has this reference"))
        else:
            data["person"] = Person.objects.filter(pk=number).first()
            if data["person"] is None:
                self.add_error("person_number", _("No person has this record number"))
        return data


class ReasonForm(GovukForm):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea,
        error_messages={"required": _("Enter the reason")},
    )
    version = IntegerField(widget=forms.HiddenInput)


class ProposeForm(GovukForm):
    note = forms.CharField(
        label=_("Note for the person who will approve"),
        widget=forms.Textarea,
        help_text=_("What you checked: for example, no open complaint, claim or request"),
        error_messages={"required": _("Enter a note saying what you checked")},
    )


class ApproveForm(GovukForm):
    confirm = forms.BooleanField(
        label=_("I have checked this record may be destroyed, and understand it cannot be undone"),
        error_messages={
            "required": _("Confirm that you have checked this record may be destroyed")
        },
    )
    version = IntegerField(widget=forms.HiddenInput)
