"""GOV.UK Frontend rendering for Django forms, and the date input GOV.UK services use.

Every form in the product renders through these templates, so each field gets the
GOV.UK label, hint, error message and the error summary links to it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.forms.models import ModelFormMetaclass
from django.forms.renderers import TemplatesSetting
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from familyworkbook.core.fields import formfield_for


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"


class GovukDateInput(forms.MultiWidget):
    """Day, month and year boxes (the GOV.UK date input pattern)."""

    template_name = "core/forms/date_input.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets = {
            "day": forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "class": "govuk-input govuk-date-input__input govuk-input--width-2",
                }
            ),
            "month": forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "class": "govuk-input govuk-date-input__input govuk-input--width-2",
                }
            ),
            "year": forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "class": "govuk-input govuk-date-input__input govuk-input--width-4",
                }
            ),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


def _message(template: Any, label: Any, lower: bool = False) -> str:
    thing = str(label)
    return str(template) % {"thing": thing[:1].lower() + thing[1:] if lower else thing}


_lazy_message = lazy(_message, str)


class GovukDateField(forms.MultiValueField):
    """A date typed as day, month and year, with GOV.UK error messages naming what is wrong."""

    widget = GovukDateInput

    def __init__(self, *, label: str, **kwargs: Any) -> None:
        # Messages stay lazy so they are translated in the language of each request.
        error_messages = {
            "required": _lazy_message(_("Enter %(thing)s"), label, lower=True),
            "incomplete": _lazy_message(_("%(thing)s must include a day, month and year"), label),
            "invalid": _lazy_message(_("%(thing)s must be a real date"), label),
        }
        error_messages.update(kwargs.pop("error_messages", {}))
        fields = (forms.CharField(), forms.CharField(), forms.CharField())
        super().__init__(
            fields=fields,
            label=label,
            error_messages=error_messages,
            require_all_fields=False,
            **kwargs,
        )

    def compress(self, data_list: list[Any]) -> dt.date | None:
        if not data_list or not any(data_list):
            return None
        if not all(data_list):
            raise forms.ValidationError(self.error_messages["incomplete"], code="incomplete")
        try:
            day, month, year = (int(str(v).strip()) for v in data_list)
            if year < 1900:
                raise ValueError
            return dt.date(year, month, day)
        except (ValueError, OverflowError):  # "99999999999999999999" as a year: not a date
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class GovukForm(forms.Form):
    """Base form: nothing extra today, but one place to hang house conventions."""


class GovukModelFormMetaclass(ModelFormMetaclass):
    """Gives every model form's generated fields our database-safe classes (core.fields).

    Django reads `formfield_callback` from each form's own Meta, which a subclass replaces
    rather than inherits, so the default is set on each Meta as the class is made.
    """

    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> type:
        meta = attrs.get("Meta")
        if meta is not None and not hasattr(meta, "formfield_callback"):
            meta.formfield_callback = staticmethod(formfield_for)
        return super().__new__(mcs, name, bases, attrs)


class GovukModelForm(forms.ModelForm, metaclass=GovukModelFormMetaclass):
    """Base model form. Keys and integers use core.fields; dates become GOV.UK date inputs."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in list(self.fields.items()):
            if isinstance(field, forms.DateField) and not isinstance(field, GovukDateField):
                self.fields[name] = GovukDateField(
                    label=field.label,
                    required=field.required,
                    help_text=field.help_text,
                    initial=field.initial,
                )
