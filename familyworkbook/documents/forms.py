"""Forms for documents: choose a type and window, write a section, share, comment, redact."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from familyworkbook.access.models import LawfulBasis
from familyworkbook.core.fields import IntegerField, ModelChoiceField
from familyworkbook.core.forms import GovukDateField
from familyworkbook.documents import schemas
from familyworkbook.documents.models import CommentKind, Method
from familyworkbook.people.models import PersonKind

SHARE_BASES = [
    (k, v) for k, v in LawfulBasis.choices if k not in (LawfulBasis.CONSENT, LawfulBasis.AGREEMENT)
]


class NewDocumentForm(forms.Form):
    type_key = forms.ChoiceField(
        label=_("Kind of document"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Select a kind of document")},
    )
    window_start = GovukDateField(label=_("From"), required=False)
    window_end = GovukDateField(label=_("To"), required=False)
    event_on = GovukDateField(label=_("Date of the conference or hearing"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type_key"].choices = [(t.key, t.title) for t in schemas.all_types()]
        self.fields["window_start"].help_text = _(
            "Leave the period empty to use the document's usual period (for a court chronology, the last two years)."
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("window_start"), data.get("window_end")
        if bool(start) != bool(end) and not self.errors:
            self.add_error("window_start", _("Enter both dates of the period, or neither"))
        elif start and end and start > end:
            self.add_error("window_start", _("The start of the period must be before its end"))
        return data


class WriteSectionForm(forms.Form):
    text = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 14, "class": "govuk-textarea"}),
        required=False,
    )
    version = IntegerField(widget=forms.HiddenInput, min_value=0)


class FamilyMemberChoice(ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.full_name


class ShareForm(forms.Form):
    recipient_person = FamilyMemberChoice(
        queryset=None,
        label=_("Family member"),
        required=False,
        empty_label=_("Not a family member"),
    )
    recipient_name = forms.CharField(
        label=_("Or: professional or organisation"), max_length=200, required=False
    )
    purpose = forms.CharField(
        label=_("Why you are sharing it"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Enter why you are sharing the document")},
    )
    lawful_basis = forms.ChoiceField(
        label=_("Lawful basis"),
        choices=SHARE_BASES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the lawful basis")},
    )
    method = forms.ChoiceField(
        label=_("How"),
        choices=Method.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select how the document was shared")},
    )
    shared_on = GovukDateField(label=_("Date shared"))
    include_protected = forms.BooleanField(
        label=_("Include protected details that they may not otherwise see"),
        help_text=_(
            "Protected details are a safe address, or a hidden child's school or GP practice. "
            "They are left out unless a second person has approved including them in this "
            "share."
        ),
        required=False,
    )

    def __init__(self, *args: Any, family: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient_person"].queryset = family.members.filter(
            memberships__archived_at__isnull=True
        ).distinct()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        person, name = data.get("recipient_person"), (data.get("recipient_name") or "").strip()
        if bool(person) == bool(name):
            self.add_error(
                "recipient_person",
                _("Select the family member, or name the professional or organisation (not both)"),
            )
        return data


class CommentForm(forms.Form):
    person = FamilyMemberChoice(
        queryset=None,
        label=_("Who said it"),
        error_messages={"required": _("Select who said it")},
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=CommentKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select whether it is a comment or a disagreement")},
    )
    section_key = forms.ChoiceField(label=_("About the section"), required=False)
    text = forms.CharField(
        label=_("What they said, in their words"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Enter what they said")},
    )
    received_on = GovukDateField(label=_("Date received"))

    def __init__(self, *args: Any, family: Any, doc_type: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = family.members.filter(
            kind=PersonKind.ADULT, memberships__archived_at__isnull=True
        ).distinct()
        self.fields["section_key"].choices = [("", _("The whole report"))] + [
            (s.key, s.heading) for s in doc_type.sections
        ]


class RedactForm(forms.Form):
    section_key = forms.ChoiceField(
        label=_("Section"), error_messages={"required": _("Select the section")}
    )
    source_ref = forms.CharField(
        label=_("One fact only: its source (leave empty to withhold the whole section)"),
        max_length=120,
        required=False,
    )
    reason = forms.CharField(
        label=_("Safeguarding reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Enter the safeguarding reason for withholding this")},
    )
    agreed_by = forms.CharField(
        label=_("Agreed with (name and role)"),
        max_length=200,
        error_messages={"required": _("Enter who agreed the redaction")},
    )

    def __init__(self, *args: Any, doc_type: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section_key"].choices = [("", "")] + [
            (s.key, s.heading) for s in doc_type.sections
        ]


class FreezeForm(forms.Form):
    reason = forms.ChoiceField(choices=[("filed", "filed"), ("signed", "signed")])


class FactStatusForm(forms.Form):
    source_ref = forms.ChoiceField(
        label=_("Fact"), error_messages={"required": _("Select the fact")}
    )
    basis = forms.ChoiceField(
        label=_("How is this known?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Select how this is known")},
    )

    def __init__(self, *args: Any, facts: list[tuple[str, str]], **kwargs: Any) -> None:
        from familyworkbook.documents.facts import Basis

        super().__init__(*args, **kwargs)
        self.fields["source_ref"].choices = [("", "")] + facts
        self.fields["basis"].choices = Basis.choices


class ProtectedShareRequestForm(forms.Form):
    """R7: ask a second person to approve including protected details in one share."""

    recipient_person = FamilyMemberChoice(
        queryset=None,
        label=_("Family member"),
        required=False,
        empty_label=_("Not a family member"),
    )
    recipient_name = forms.CharField(
        label=_("Or: professional or organisation"), max_length=200, required=False
    )
    reason = forms.CharField(
        label=_("Why do they need the protected details?"),
        help_text=_("A manager or information governance will read this before deciding."),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Explain why they need the protected details")},
    )
    code = forms.CharField(
        label=_("Your authenticator code"),
        help_text=_("Enter the 6-digit code from your authenticator app to confirm it is you."),
        max_length=10,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "govuk-input--width-5",
            }
        ),
        error_messages={"required": _("Enter the code from your authenticator app")},
    )

    def __init__(self, *args: Any, family: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient_person"].queryset = family.members.filter(
            memberships__archived_at__isnull=True
        ).distinct()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        person, name = data.get("recipient_person"), (data.get("recipient_name") or "").strip()
        if bool(person) == bool(name):
            self.add_error(
                "recipient_person",
                _("Select the family member, or name the professional or organisation (not both)"),
            )
        return data
