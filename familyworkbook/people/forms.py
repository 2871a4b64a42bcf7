"""What workers type about people, families, relationships and addresses, and the GOV.UK
wording of every error they can see.

Rules about the state of the record (a duplicate membership, a relationship already
recorded, a home address that overlaps) live in `services.py`; the views hand the
service's ValidationError back to these forms so it shows in the same error summary.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from familyworkbook.core import clock
from familyworkbook.core.codes import Disability, UpnUnknown
from familyworkbook.core.fields import IntegerField, ModelChoiceField
from familyworkbook.core.forms import GovukDateField, GovukForm, GovukModelForm
from familyworkbook.people.models import (
    Address,
    AddressKind,
    ContactFrequency,
    FamilyMembership,
    MembershipKind,
    Person,
    PersonKind,
    Registration,
    RegistrationKind,
    RelationshipKind,
    normalise_postcode,
)

DATE_HINT = _("For example, 27 3 2016")


def _today() -> dt.date:
    return clock.today()


def _date_field(
    label: str, *, required: bool, required_message: str = "", hint: str = ""
) -> GovukDateField:
    """A GOV.UK date input built at request time, so its messages follow the active language."""
    error_messages = {"required": required_message} if required_message else {}
    return GovukDateField(
        label=label, required=required, help_text=hint or DATE_HINT, error_messages=error_messages
    )


class SearchForm(GovukForm):
    q = forms.CharField(
        label=_("Name, date of birth or identifier"),
        help_text=_(
            "For example, Ava Smith, 17/05/2016, a UPN, NHS number, LA child ID or family reference"
        ),
        required=False,
        max_length=200,
    )


PERSON_FIELDS = [
    "kind",
    "first_name",
    "last_name",
    "known_as",
    "date_of_birth",
    "expected_date_of_birth",
    "sex",
    "ethnicity",
    "disabilities",
    "upn",
    "upn_unknown_reason",
    "nhs_number",
    "main_language",
    "interpreter_needed",
]


class PersonForm(GovukModelForm):
    """Add a person. The model's validators and clean() check identifiers and dates."""

    disabilities = forms.MultipleChoiceField(
        label=_("Disabilities"),
        help_text=_("Select all that apply, or 'No disability' on its own"),
        choices=Disability.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    # Wider than the model's columns: people type spaces, which clean_<field> removes
    # before the model's own validators check the length and the check character.
    upn = forms.CharField(
        label=_("Unique pupil number (UPN) (optional)"),
        help_text=_("13 characters, for example A123456789012"),
        required=False,
        max_length=20,
    )
    nhs_number = forms.CharField(
        label=_("NHS number (optional)"),
        help_text=_("10 digits, for example 943 476 5919"),
        required=False,
        max_length=20,
    )

    class Meta:
        model = Person
        fields = PERSON_FIELDS
        widgets = {"kind": forms.RadioSelect, "sex": forms.RadioSelect}
        labels = {
            "kind": _("Who are you adding?"),
            "first_name": _("First name"),
            "last_name": _("Last name"),
            "known_as": _("Known as (optional)"),
            "sex": _("Sex"),
            "ethnicity": _("Ethnicity"),
            "upn_unknown_reason": _("If there is no UPN, why not?"),
            "main_language": _("Main language"),
            "interpreter_needed": _("Needs an interpreter"),
        }
        help_texts = {
            "first_name": _("Leave blank for an unborn baby who has not been named"),
            "known_as": _("The name they like to be called, if different"),
            "sex": _("As recorded for statutory returns"),
        }
        error_messages = {
            "kind": {"required": _("Select whether this is a child, an unborn child or an adult")},
            "last_name": {"required": _("Enter the last name")},
            "sex": {"required": _("Select the person's sex")},
            "ethnicity": {"required": _("Select the person's ethnicity")},
            "main_language": {"required": _("Enter the main language")},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = PersonKind.choices
        self.fields["upn_unknown_reason"].choices = [
            ("", _("Not applicable: a UPN is given, or this is an adult")),
            *UpnUnknown.choices,
        ]
        self.fields["date_of_birth"] = _date_field(_("Date of birth"), required=False)
        self.fields["expected_date_of_birth"] = _date_field(
            _("Expected date of birth"),
            required=False,
            hint=_("For an unborn child only. For example, 27 3 2026"),
        )

    def clean_upn(self) -> str:
        return "".join(self.cleaned_data["upn"].split()).upper()

    def clean_nhs_number(self) -> str:
        nhs_number = "".join(self.cleaned_data["nhs_number"].replace("-", " ").split())
        # One NHS number, one person (a database constraint); say so in words, not as a
        # constraint name. Archived records count too: the number is still theirs.
        if (
            nhs_number
            and Person.objects.filter(nhs_number=nhs_number).exclude(pk=self.instance.pk).exists()
        ):
            raise forms.ValidationError(
                _("Another person on the record already has this NHS number")
            )
        return nhs_number

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == PersonKind.UNBORN and cleaned.get("date_of_birth"):
            self.add_error(
                "date_of_birth",
                _("An unborn child has an expected date of birth, not a date of birth"),
            )
        if kind and kind != PersonKind.UNBORN and cleaned.get("expected_date_of_birth"):
            self.add_error(
                "expected_date_of_birth",
                _("Only give an expected date of birth for an unborn child"),
            )
        return cleaned

    def describe(self, person: Person, name: str) -> str:
        """The value of one field as a worker reads it (labels, not codes)."""
        value = getattr(person, name)
        if name == "disabilities":
            labels = dict(Disability.choices)
            return ", ".join(str(labels.get(code, code)) for code in value or [])
        if name in {"kind", "sex", "ethnicity", "upn_unknown_reason"}:
            return str(getattr(person, f"get_{name}_display")())
        if isinstance(value, bool):
            return str(_("Yes") if value else _("No"))
        if isinstance(value, dt.date):
            return date_format(value, "j F Y")
        return str(value or "")


class EditPersonForm(PersonForm):
    """Edit a person. Carries the version it was read at, so a stale save is refused."""

    version = IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version

    def differences(self, *, theirs: Person, mine: Person) -> list[dict[str, str]]:
        """Fields where the saved record and this worker's answers disagree."""
        rows = []
        for name in PERSON_FIELDS:
            saved, typed = self.describe(theirs, name), self.describe(mine, name)
            if saved != typed:
                rows.append({"label": str(self.fields[name].label), "theirs": saved, "mine": typed})
        return rows


class FamilyForm(GovukForm):
    name = forms.CharField(
        label=_("Family name"),
        help_text=_("For example, Smith family"),
        max_length=200,
        error_messages={"required": _("Enter the family name")},
    )


class MembershipForm(GovukForm):
    """Add an existing person to a family."""

    person = ModelChoiceField(
        queryset=Person.objects.none(),
        label=_("Person ID"),
        help_text=_("The number at the end of the person page's address, or search for them above"),
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
        error_messages={
            "required": _("Enter the person's ID, or search for them by name"),
            "invalid_choice": _("Enter the ID of a person on the record"),
        },
    )
    kind = forms.ChoiceField(
        label=_("How do they belong to the family?"),
        choices=MembershipKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select how they belong to the family")},
    )
    contact = forms.ChoiceField(
        label=_("How often are they in contact with the family?"),
        choices=ContactFrequency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select how often they are in contact")},
    )

    def __init__(
        self, *args: Any, people: Any, person: Person | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        if person is not None:
            self.fields["person"].widget = forms.HiddenInput()
            self.fields["person"].initial = person.pk
        self.fields["started_on"] = _date_field(_("Date they joined (optional)"), required=False)

    def clean_started_on(self) -> dt.date | None:
        started_on = self.cleaned_data.get("started_on")
        if started_on and started_on > _today():
            raise forms.ValidationError(_("The date they joined must be today or in the past"))
        return started_on


class EndForm(GovukForm):
    """The date something ended: a membership, a relationship or living at an address."""

    def __init__(
        self,
        *args: Any,
        label: str,
        required_message: str,
        not_before: dt.date | None,
        before_message: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.not_before = not_before
        self.before_message = before_message
        self.fields["on"] = _date_field(label, required=True, required_message=required_message)

    def clean_on(self) -> dt.date:
        on: dt.date = self.cleaned_data["on"]
        if on > _today():
            raise forms.ValidationError(_("The date must be today or in the past"))
        if self.not_before and on < self.not_before:
            raise forms.ValidationError(self.before_message)
        return on


class RelationshipForm(GovukForm):
    """How `person` is related to someone else in one of their families."""

    other = ModelChoiceField(
        queryset=Person.objects.none(),
        label=_("Who are they related to?"),
        empty_label=_("Select a person"),
        help_text=_("People in the same families"),
        error_messages={
            "required": _("Select the other person"),
            "invalid_choice": _("Select a person from the same family"),
        },
    )
    kind = forms.ChoiceField(
        label=_("Relationship"),
        choices=[("", _("Select a relationship")), *RelationshipKind.choices],
        error_messages={"required": _("Select the relationship")},
    )
    parental_responsibility = forms.BooleanField(
        label=_("Has parental responsibility for the other person"), required=False
    )
    is_main_carer = forms.BooleanField(label=_("Is the other person's main carer"), required=False)

    def __init__(self, *args: Any, person: Person, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        self.fields["other"].queryset = people
        self.fields["other"].label_from_instance = _person_choice_label
        self.fields["kind"].help_text = _("%(name)s is the … of the other person") % {
            "name": person.full_name
        }
        self.fields["started_on"] = _date_field(
            _("Date the relationship started (optional)"), required=False
        )


def _person_choice_label(person: Person) -> str:
    if person.date_of_birth:
        return f"{person.full_name} ({date_format(person.date_of_birth, 'j F Y')})"
    return person.full_name


def people_in_families_of(person: Person, visible: Any) -> Any:
    """People who share a current family with `person` (not `person` themselves)."""
    families = FamilyMembership.objects.ongoing().filter(person=person).values("family")
    return (
        visible.filter(
            Q(memberships__family__in=families)
            & Q(memberships__ended_on__isnull=True)
            & Q(memberships__archived_at__isnull=True)
        )
        .exclude(pk=person.pk)
        .distinct()
    )


class AddressForm(GovukModelForm):
    class Meta:
        model = Address
        fields = ["kind", "line_1", "line_2", "town", "postcode", "from_date", "protected"]
        widgets = {"kind": forms.RadioSelect}
        labels = {
            "kind": _("What kind of address is it?"),
            "line_1": _("Address line 1"),
            "line_2": _("Address line 2 (optional)"),
            "town": _("Town or city"),
            "postcode": _("Postcode"),
            "protected": _("This address must be protected"),
        }
        error_messages = {
            "kind": {"required": _("Select what kind of address it is")},
            "line_1": {"required": _("Enter address line 1, typically the building and street")},
            "town": {"required": _("Enter the town or city")},
            "postcode": {"required": _("Enter the postcode")},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = AddressKind.choices
        self.fields["postcode"].widget.attrs["class"] = "govuk-input--width-10"
        self.fields["from_date"] = _date_field(
            _("Date they moved in"),
            required=True,
            required_message=_("Enter the date they moved in"),
        )

    def clean_postcode(self) -> str:
        return normalise_postcode(self.cleaned_data["postcode"])

    def clean_from_date(self) -> dt.date:
        from_date: dt.date = self.cleaned_data["from_date"]
        if from_date > _today():
            raise forms.ValidationError(_("The date they moved in must be today or in the past"))
        return from_date


class RegistrationForm(GovukModelForm):
    class Meta:
        model = Registration
        fields = ["kind", "name", "code", "from_date", "hidden"]
        widgets = {"kind": forms.RadioSelect}
        labels = {
            "kind": _("Is it a school or a GP practice?"),
            "name": _("Name of the school or practice"),
            "code": _("URN or ODS code (optional)"),
            "hidden": _("The child is hidden: protect this school or GP practice"),
        }
        error_messages = {
            "kind": {"required": _("Select whether it is a school or a GP practice")},
            "name": {"required": _("Enter the name of the school or practice")},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = RegistrationKind.choices
        self.fields["code"].widget.attrs["class"] = "govuk-input--width-10"
        self.fields["from_date"] = _date_field(
            _("Date it started"), required=True, required_message=_("Enter the date it started")
        )

    def clean_from_date(self) -> dt.date:
        from_date: dt.date = self.cleaned_data["from_date"]
        if from_date > _today():
            raise forms.ValidationError(_("The date it started must be today or in the past"))
        return from_date
