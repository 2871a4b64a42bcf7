"""Forms for emergency access, the sharing log and the audit search (GOV.UK wording here)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from familyworkbook.access.models import (
    Consent,
    Decision,
    LawfulBasis,
    SharingAgreement,
    SharingRecord,
)
from familyworkbook.audit.verbs import Verb
from familyworkbook.core import clock
from familyworkbook.core.fields import ModelChoiceField
from familyworkbook.core.forms import GovukDateField, GovukForm, GovukModelForm
from familyworkbook.people.models import Person
from familyworkbook.teams.models import Role, User


class BreakGlassForm(GovukForm):
    reference = forms.CharField(
        label=_("Family reference"),
        help_text=_("For example, F0001234"),
        max_length=20,
        error_messages={"required": _("Enter the family reference")},
    )
    reason = forms.CharField(
        label=_("Why do you need emergency access?"),
        help_text=_(
            "Your manager and the family's team managers will see this. Access ends after 4 hours."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Explain why you need emergency access")},
    )

    def clean_reference(self) -> str:
        return "".join(self.cleaned_data["reference"].split()).upper()


class _ServiceChecksCompleteness:
    """The service names the missing part of a disclosure on its field (consent, reason);
    the database constraint backs it up. So the form skips the generic constraint message."""

    def _post_clean(self) -> None:
        instance = self.instance  # type: ignore[attr-defined]
        full_clean = instance.full_clean
        instance.full_clean = lambda *a, **k: full_clean(*a, **{**k, "validate_constraints": False})
        try:
            super()._post_clean()  # type: ignore[misc]
        finally:
            del instance.full_clean


class SharingForm(_ServiceChecksCompleteness, GovukModelForm):
    class Meta:
        model = SharingRecord
        fields = [
            "decision",
            "person",
            "what",
            "recipient",
            "organisation",
            "purpose",
            "lawful_basis",
            "consent",
            "agreement",
            "override_reason",
            "decided_on",
        ]
        widgets = {
            "decision": forms.RadioSelect,
            "lawful_basis": forms.RadioSelect,
            "what": forms.Textarea(attrs={"rows": 3}),
            "purpose": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "decision": _("What did you decide?"),
            "person": _("Who is the information about? (optional)"),
            "what": _("What was shared, or asked for"),
            "recipient": _("Shared with (name and role)"),
            "organisation": _("Their organisation (optional)"),
            "purpose": _("Why"),
            "lawful_basis": _("Lawful basis"),
            "consent": _("Consent relied on (if the basis is consent)"),
            "agreement": _("Information-sharing agreement (if the basis is an agreement)"),
            "override_reason": _("Why it is shared without consent (if no consent is relied on)"),
        }
        error_messages = {
            "decision": {"required": _("Select whether you shared or decided not to share")},
            "what": {"required": _("Enter what was shared, or asked for")},
            "recipient": {"required": _("Enter who it was shared with, or who asked")},
            "purpose": {"required": _("Enter why you shared it, or why not")},
            "lawful_basis": {"required": _("Select the lawful basis")},
        }

    def __init__(self, *args: Any, people: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = Decision.choices
        self.fields["lawful_basis"].choices = LawfulBasis.choices
        self.fields["person"].queryset = people
        self.fields["consent"].queryset = Consent.objects.filter(
            person__in=people, archived_at__isnull=True
        )
        self.fields["agreement"].queryset = SharingAgreement.objects.filter(
            archived_at__isnull=True
        )
        self.fields["decided_on"] = GovukDateField(
            label=_("Date of the decision"),
            required=True,
            error_messages={"required": _("Enter the date of the decision")},
        )

    def clean_decided_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["decided_on"]
        if day > clock.today():
            raise forms.ValidationError(_("The date of the decision must be today or in the past"))
        return day


class AuditSearchForm(GovukForm):
    actor = forms.CharField(label=_("Username (optional)"), required=False, max_length=150)
    target_type = forms.ChoiceField(
        label=_("Kind of record (optional)"),
        required=False,
        choices=[
            ("", _("Any")),
            ("people.person", _("Person")),
            ("people.family", _("Family")),
            ("cases.case", _("Case")),
        ],
    )
    target_id = forms.CharField(label=_("Record number (optional)"), required=False, max_length=64)
    verb = forms.ChoiceField(
        label=_("What happened (optional)"),
        required=False,
        choices=[("", _("Anything")), *Verb.choices],
    )


class DisclosureForm(_ServiceChecksCompleteness, GovukModelForm):
    """R6: the disclosure record an export, print or download needs before it is served."""

    class Meta:
        model = SharingRecord
        fields = [
            "recipient",
            "organisation",
            "person",
            "purpose",
            "lawful_basis",
            "consent",
            "agreement",
            "override_reason",
        ]
        widgets = {
            "lawful_basis": forms.RadioSelect,
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "override_reason": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "recipient": _("Who will receive it (name and role)"),
            "organisation": _("Their organisation (optional)"),
            "person": _("Who is it mainly about? (optional)"),
            "purpose": _("Why are you sharing it?"),
            "lawful_basis": _("Lawful basis"),
            "consent": _("Consent relied on (if the basis is consent)"),
            "agreement": _("Information-sharing agreement (if the basis is an agreement)"),
            "override_reason": _("Why it is shared without consent (if no consent is relied on)"),
        }
        error_messages = {
            "recipient": {"required": _("Enter who will receive it")},
            "purpose": {"required": _("Enter why you are sharing it")},
            "lawful_basis": {"required": _("Select the lawful basis")},
        }

    def __init__(self, *args: Any, people: QuerySet[Person], internal: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lawful_basis"].choices = LawfulBasis.choices
        self.fields["person"].queryset = people
        self.fields["consent"].queryset = Consent.objects.filter(
            person__in=people, archived_at__isnull=True, withdrawn_on__isnull=True
        )
        self.fields["agreement"].queryset = SharingAgreement.objects.filter(
            archived_at__isnull=True
        )
        if internal:
            for name in ("person", "consent", "agreement"):
                del self.fields[name]
            self.fields["recipient"].label = _("Who will use it (name and role)")
            self.fields["override_reason"].label = _(
                "Why it is used without the consent of the people in it"
            )
            self.fields["override_reason"].help_text = _(
                "For example: management information for supervision, kept inside the council"
            )


class ProtectedAccessRequestForm(GovukForm):
    """R7: ask for someone to see a person's protected details (a second approver decides)."""

    grantee = ModelChoiceField(
        label=_("Who needs to see the protected details?"),
        queryset=User.objects.none(),
        error_messages={"required": _("Select who needs to see the protected details")},
    )
    reason = forms.CharField(
        label=_("Why do they need to see them?"),
        help_text=_("A manager or information governance will read this before deciding."),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Explain why they need to see the protected details")},
    )
    code = forms.CharField(
        label=_("Your authenticator code"),
        help_text=_("Enter the 6-digit code from your authenticator app to confirm it is you."),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        error_messages={"required": _("Enter the code from your authenticator app")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grantee"].queryset = (
            User.objects.filter(is_active=True, worker__isnull=False)
            .exclude(worker__role=Role.DA_PERPETRATOR_WORKER)
            .order_by("last_name", "first_name", "pk")
        )
        self.fields["grantee"].label_from_instance = lambda u: (
            f"{u.get_full_name() or u.get_username()} ({u.get_username()})"
        )
        self.fields["code"].widget.attrs["class"] = "govuk-input--width-5"


class DecisionForm(GovukForm):
    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=[("approve", _("Approve")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Select approve or refuse")},
    )
    note = forms.CharField(
        label=_("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
