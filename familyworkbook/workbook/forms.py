"""Forms for entries and intensive interventions: input and the GOV.UK wording of errors.

Field names match the model fields and service arguments they fill, so a refusal a service
raises against a field lands on the field the user typed into.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from familyworkbook.cases.forms import VersionedForm, VersionInput, not_in_future
from familyworkbook.core import clock
from familyworkbook.core.fields import IntegerField, ModelChoiceField, ModelMultipleChoiceField
from familyworkbook.core.forms import GovukDateField, GovukForm
from familyworkbook.people.models import Family, Person, PersonKind
from familyworkbook.teams.models import Worker
from familyworkbook.workbook.models import (
    Chapter,
    Eligibility,
    EntryKind,
    InterventionOutcome,
    Module,
    Programme,
    StatusAtPoint,
)

CHILD_KINDS = (PersonKind.CHILD, PersonKind.UNBORN)


class PersonChoices(ModelMultipleChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return obj.full_name


class PersonChoice(ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return obj.full_name


class WorkerChoices(ModelMultipleChoiceField):
    def label_from_instance(self, obj: Worker) -> str:
        return f"{obj.name} ({obj.get_role_display()})"


class WorkerChoice(ModelChoiceField):
    def label_from_instance(self, obj: Worker) -> str:
        return f"{obj.name} ({obj.get_role_display()})"


class ModuleChoice(ModelChoiceField):
    def label_from_instance(self, obj: Module) -> str:
        if obj.programme.kind == "intervention":
            return f"{obj.programme.title}: {obj.number}. {obj.title}"
        return f"{obj.number}. {obj.title}"


def members_of(family: Family) -> QuerySet[Person]:
    return Person.objects.filter(
        memberships__family=family,
        memberships__ended_on__isnull=True,
        memberships__archived_at__isnull=True,
        archived_at__isnull=True,
    ).order_by("kind", "date_of_birth", "pk")


def current_modules() -> QuerySet[Module]:
    """Modules of the latest version of every programme loaded."""
    latest = [p.pk for p in (Programme.objects.latest_of(s) for s in _programme_slugs()) if p]
    return (
        Module.objects.filter(programme_id__in=latest)
        .select_related("programme")
        .order_by("programme__kind", "programme__slug", "number")
    )


def _programme_slugs() -> list[str]:
    return list(Programme.objects.order_by().values_list("slug", flat=True).distinct())


def team_workers_for(family: Family) -> QuerySet[Worker]:
    """Workers allocated now to one of the family's open cases: who could have been there."""
    return (
        Worker.objects.filter(
            allocations__case__family=family,
            allocations__case__closed_on__isnull=True,
            allocations__ended_on__isnull=True,
            allocations__archived_at__isnull=True,
        )
        .select_related("user")
        .distinct()
        .order_by("user__first_name", "user__last_name")
    )


def _text(label: Any, message: Any, *, hint: Any = "", required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        required=required,
        widget=forms.Textarea,
        error_messages={"required": message},
    )


class EntryForm(GovukForm):
    happened_on = GovukDateField(label=_("Date of the session or visit"))
    kind = forms.ChoiceField(
        label=_("Kind of contact"),
        choices=EntryKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the kind of contact")},
    )
    present = PersonChoices(
        label=_("Family members present"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Select members of this family")},
    )
    seen_alone = PersonChoices(
        label=_("Children seen alone"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "For a home or joint visit. The visit is also recorded as the statutory visit to "
            "each child on the case: seen if ticked as present above, and seen alone if ticked "
            "here. You do not record it again."
        ),
        error_messages={"invalid_choice": _("Select children of this family")},
    )
    professionals_present = WorkerChoices(
        label=_("Other professionals present"),
        queryset=Worker.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Select professionals working with this family")},
    )
    others_present = forms.CharField(
        label=_("Anyone else present"),
        required=False,
        max_length=300,
        help_text=_("For example a grandparent, a teacher or an interpreter."),
    )
    module = ModuleChoice(
        label=_("Programme module"),
        queryset=Module.objects.none(),
        required=False,
        empty_label=_("Not a programme session"),
        help_text=_(
            "The module this session is part of, so it counts toward the family's progress. "
            "It starts on the module the family is working on; choose \u201cNot a programme "
            "session\u201d for a visit or contact outside the programme."
        ),
        error_messages={"invalid_choice": _("Select a module from the list")},
    )
    completes_module = forms.BooleanField(
        label=_("This session completes the module"), required=False
    )
    tools = forms.CharField(
        label=_("Tools used"),
        required=False,
        max_length=500,
        help_text=_("Separate tools with commas, for example: Genogram, Three houses."),
    )
    what_happened = _text(
        _("What happened"), _("Enter what happened"), hint=_("Briefly: who, where, what was done.")
    )
    meaning_for_child = _text(
        _("What it means for the child"),
        _("Enter what it means for the child"),
        hint=_("Your analysis: the impact on the child's safety, development and daily life."),
    )
    what_needs_to_change = _text(_("What needs to change"), "", required=False)
    what_happens_next = _text(
        _("What happens next"),
        _("Enter what happens next"),
        hint=_("Who will do what, and by when."),
    )
    child_words = _text(
        _("The child's own words"),
        "",
        required=False,
        hint=_("What the child said, as they said it."),
    )
    tagged = PersonChoices(
        label=_("Who this entry is about"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty if it is about the whole family."),
        error_messages={"invalid_choice": _("Select members of this family")},
    )
    is_significant = forms.BooleanField(
        label=_("This is a significant event (it goes in the chronology)"), required=False
    )
    headline = forms.CharField(
        label=_("Headline for the chronology"),
        required=False,
        max_length=200,
        help_text=_("One line, for example: Ava disclosed an incident of domestic abuse."),
    )
    shared_summary = _text(
        _("Summary shared with the team"),
        "",
        required=False,
        hint=_("What the team needs to know from the confidential detail."),
    )
    confidential_detail = _text(
        _("Health-confidential detail"),
        "",
        required=False,
        hint=_("For example a diagnosis or a test result. Only you can read this."),
    )

    def __init__(self, *args: Any, family: Family, chapter: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.family = family
        members = members_of(family)
        self.fields["present"].queryset = members
        self.fields["tagged"].queryset = members
        self.fields["seen_alone"].queryset = members.filter(kind=PersonKind.CHILD)
        self.fields["professionals_present"].queryset = team_workers_for(family)
        self.fields["module"].queryset = current_modules()
        self.fields["happened_on"].error_messages["required"] = _(
            "Enter the date of the session or visit"
        )
        if chapter not in Chapter.specialist_chapters():
            del self.fields["shared_summary"]
            del self.fields["confidential_detail"]
        if not self.is_bound and "happened_on" not in self.initial:
            self.fields["happened_on"].initial = clock.today()

    def clean_happened_on(self) -> Any:
        value = self.cleaned_data["happened_on"]
        not_in_future(value, _("The date of the session or visit must be today or in the past"))
        return value

    def clean_tools(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data["tools"].split(",") if t.strip()]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("is_significant") and not (data.get("headline") or "").strip():
            self.add_error("headline", _("Enter a headline for the chronology"))
        present = {p.pk for p in data.get("present") or []}
        if {p.pk for p in data.get("seen_alone") or []} - present:
            self.add_error("seen_alone", _("A child seen alone must also be ticked as present"))
        if data.get("seen_alone") and data.get("kind") not in ("home_visit", "joint_visit"):
            self.add_error(
                "seen_alone", _("Only a home or joint visit records children seen alone")
            )
        if data.get("completes_module") and not data.get("module"):
            self.add_error("completes_module", _("Select the module this session completes"))
        if (data.get("confidential_detail") or "").strip() and not (
            data.get("shared_summary") or ""
        ).strip():
            self.add_error(
                "shared_summary",
                _("Enter the summary you share with the team about the confidential detail"),
            )
        return data

    def values(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class EditEntryForm(EntryForm):
    version = IntegerField(widget=VersionInput, required=False)

    def __init__(self, *args: Any, record: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = record.version

    @property
    def expected_version(self) -> int | None:
        return self.cleaned_data.get("version")


def entry_initial(entry: Any) -> dict[str, Any]:
    """The form's starting values for an existing entry."""
    names = [
        "happened_on", "kind", "others_present", "module", "completes_module", "what_happened",
        "meaning_for_child", "what_needs_to_change", "what_happens_next", "child_words",
        "is_significant", "headline", "shared_summary", "confidential_detail",
    ]  # fmt: skip
    initial = {name: getattr(entry, name) for name in names}
    initial["module"] = entry.module_id
    initial["tools"] = ", ".join(entry.tools)
    initial["present"] = [p.pk for p in entry.present.all()]
    initial["tagged"] = [p.pk for p in entry.tagged.all()]
    initial["professionals_present"] = [w.pk for w in entry.professionals_present.all()]
    initial["seen_alone"] = [
        v.child_id for v in entry.visits.filter(archived_at__isnull=True, seen_alone=True)
    ]
    return initial


def draft_initial(form: forms.Form, data: dict[str, list[str]]) -> dict[str, Any]:
    """Starting values from a saved draft, read the way each widget reads a POST."""
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for key, values in data.items():
        query.setlist(key, values)
    initial: dict[str, Any] = {}
    for name, field in form.fields.items():
        if name == "version":
            continue
        value = field.widget.value_from_datadict(query, {}, form.add_prefix(name))
        if value not in (None, "", [], [None, None, None]):
            initial[name] = value
    return initial


# --- Intensive intervention ----------------------------------------------------------------

READINESS_CHOICES = [(str(n), str(n)) for n in range(5)]


class StartInterventionForm(GovukForm):
    child = PersonChoice(
        label=_("Child the referral is about"),
        queryset=Person.objects.none(),
        empty_label=_("Select a child"),
        error_messages={"required": _("Select the child"), "invalid_choice": _("Select the child")},
    )
    eligibility = forms.ChoiceField(
        label=_("Why the family is eligible"),
        choices=Eligibility.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select why the family is eligible")},
    )
    started_on = GovukDateField(label=_("Start date"))
    keyworker = WorkerChoice(
        label=_("Keyworker"),
        queryset=Worker.objects.none(),
        required=False,
        empty_label=_("Not allocated yet"),
    )
    legal_status_at_start = forms.ChoiceField(
        label=_("Legal status at the start"),
        choices=[("", _("Select the legal status")), *StatusAtPoint.choices],
        error_messages={"required": _("Select the legal status at the start")},
    )

    def __init__(self, *args: Any, family: Family, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = members_of(family).filter(kind__in=CHILD_KINDS)
        self.fields["keyworker"].queryset = Worker.objects.filter(
            archived_at__isnull=True, left_on__isnull=True
        ).select_related("user")
        self.fields["started_on"].error_messages["required"] = _("Enter the start date")
        self.questions = programme.data.get("readiness_screening", {}).get("questions", [])
        for i, question in enumerate(self.questions, start=1):
            self.fields[f"readiness_{i}"] = forms.ChoiceField(
                label=question,
                choices=READINESS_CHOICES,
                widget=forms.RadioSelect,
                help_text=_("0 is not at all, 4 is very much."),
                error_messages={"required": _("Answer this readiness question from 0 to 4")},
            )

    def values(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith("readiness_")}
        data["readiness_answers"] = [
            int(self.cleaned_data[f"readiness_{i}"]) for i in range(1, len(self.questions) + 1)
        ]
        return data


class ExtendInterventionForm(VersionedForm):
    extended_to = GovukDateField(label=_("New end date"))
    extension_reason = _text(_("Reason for the extension"), _("Enter the reason for the extension"))
    extension_agreed_by = forms.CharField(
        label=_("Who agreed the extension"),
        max_length=200,
        error_messages={"required": _("Enter who agreed the extension")},
    )
    extension_agreed_on = GovukDateField(label=_("Date the extension was agreed"))

    def __init__(self, *args: Any, record: Any, **kwargs: Any) -> None:
        super().__init__(*args, record=record, **kwargs)
        self.intervention = record
        self.fields["extended_to"].error_messages["required"] = _("Enter the new end date")
        self.fields["extension_agreed_on"].error_messages["required"] = _(
            "Enter the date the extension was agreed"
        )

    def clean_extended_to(self) -> Any:
        value = self.cleaned_data["extended_to"]
        if value and value <= self.intervention.planned_end_on:
            raise forms.ValidationError(
                _("The new end date must be after the planned end date (%(date)s)")
                % {"date": f"{self.intervention.planned_end_on:%d/%m/%Y}"}
            )
        return value


class EndInterventionForm(VersionedForm):
    ended_on = GovukDateField(label=_("End date"))
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=InterventionOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the outcome")},
    )
    legal_status_at_end = forms.ChoiceField(
        label=_("Legal status at the end"),
        choices=[("", _("Select the legal status")), *StatusAtPoint.choices],
        error_messages={"required": _("Select the legal status at the end")},
    )
    outcome_notes = _text(_("How the family's outcomes were met"), "", required=False)

    def __init__(self, *args: Any, record: Any, **kwargs: Any) -> None:
        super().__init__(*args, record=record, **kwargs)
        self.intervention = record
        self.fields["ended_on"].error_messages["required"] = _("Enter the end date")

    def clean_ended_on(self) -> Any:
        value = self.cleaned_data["ended_on"]
        not_in_future(value, _("The end date must be today or in the past"))
        if value and value < self.intervention.started_on:
            raise forms.ValidationError(_("The end date must be on or after the start date"))
        return value
