"""The IG officer's input for subject access requests, with the GOV.UK wording of errors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from familyworkbook.core.fields import IntegerField, ModelChoiceField
from familyworkbook.core.forms import GovukDateField, GovukForm
from familyworkbook.subject_access.models import Decision, Exemption, RequesterKind, Status
from familyworkbook.teams.models import User

IG_GROUP = "Information governance"


def ig_officers() -> Any:
    group = Group.objects.filter(name=IG_GROUP).first()
    users = User.objects.filter(is_active=True)
    return users.filter(groups=group) if group else users.none()


class OpenRequestForm(GovukForm):
    requester_kind = forms.ChoiceField(
        label=_("Who is asking?"),
        choices=RequesterKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select who is asking")},
    )
    requester_name = forms.CharField(
        label=_("Requester's name"),
        max_length=200,
        error_messages={"required": _("Enter the requester's name")},
    )
    received_on = GovukDateField(label=_("Date the request was received"))
    identity_verified_on = GovukDateField(
        label=_("Date identity was verified"),
        required=False,
        help_text=_(
            "And, for someone acting for them, their authority. The one-month clock starts "
            "on this date. Leave blank until it is verified."
        ),
    )


class UpdateRequestForm(GovukForm):
    version = IntegerField(widget=forms.HiddenInput)
    identity_verified_on = GovukDateField(
        label=_("Date identity was verified"),
        required=False,
        help_text=_("The one-month clock starts on this date."),
    )
    is_complex = forms.BooleanField(
        label=_("Extend by two months: the request is complex or numerous"), required=False
    )
    complex_reason = forms.CharField(
        label=_("Why the request is complex"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    extension_told_on = GovukDateField(
        label=_("Date the requester was told of the extension and why"), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[c for c in Status.choices if c[0] != Status.RELEASED],
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the status")},
    )
    withdrawn_reason = forms.CharField(
        label=_("Why it was withdrawn"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    assigned_to = ModelChoiceField(
        label=_("Information governance officer"),
        queryset=User.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = ig_officers()  # type: ignore[attr-defined]

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version")
        return data


class DecideItemForm(GovukForm):
    version = IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[c for c in Decision.choices if c[0] != Decision.PENDING],
        widget=forms.RadioSelect,
        error_messages={"required": _("Select whether to release, redact or withhold the item")},
    )
    redacted_text = forms.CharField(
        label=_("Text to release, with the redactions made"),
        help_text=_("Only for a redaction. Replace what is withheld with [redacted]."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    exemption = forms.ChoiceField(
        label=_("Exemption"),
        choices=[("", _("Select an exemption")), *Exemption.choices],
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason or rationale"),
        help_text=_(
            "Required to redact or withhold. For serious harm, say whose physical or mental "
            "health or condition would be seriously harmed, and how."
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
