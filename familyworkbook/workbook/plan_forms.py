"""Forms for risk and need, priority issues, toxic-trio flags, goals and Cycle of Change."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from familyworkbook.cases.forms import VersionedForm, not_in_future
from familyworkbook.core import clock
from familyworkbook.core.fields import IntegerField
from familyworkbook.core.forms import GovukDateField, GovukForm
from familyworkbook.people.models import Family, Person, PersonKind
from familyworkbook.teams.models import Role, Worker
from familyworkbook.workbook.forms import (
    CHILD_KINDS,
    PersonChoice,
    WorkerChoice,
    _text,
    members_of,
)
from familyworkbook.workbook.models import (
    ActionStatus,
    ChangeIssue,
    GoalStatus,
    RatedBy,
    RiskNeedKind,
    Stage,
    TrioIssue,
)

SCORE_CHOICES = [(str(n), str(n)) for n in range(11)]


def _date(label: Any, required_message: Any, *, today: bool = True) -> GovukDateField:
    field = GovukDateField(label=label, error_messages={"required": required_message})
    if today:
        field.initial = clock.today
    return field


def _past(value: Any, label: Any) -> Any:
    not_in_future(value, _("%(thing)s must be today or in the past") % {"thing": label})
    return value


class RiskNeedItemForm(GovukForm):
    kind = forms.ChoiceField(
        label=_("What kind of item"),
        choices=RiskNeedKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select what kind of item this is")},
    )
    about = PersonChoice(
        label=_("About"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("The whole family"),
        error_messages={"invalid_choice": _("Select the whole family or one child")},
    )
    text = _text(_("Description"), _("Enter a description"))
    identified_on = _date(_("Date identified"), _("Enter the date identified"))

    def __init__(self, *args: Any, family: Family, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["about"].queryset = members_of(family).filter(kind__in=CHILD_KINDS)

    def clean_identified_on(self) -> Any:
        return _past(self.cleaned_data["identified_on"], _("The date identified"))


class EditRiskNeedItemForm(VersionedForm, RiskNeedItemForm):
    def __init__(self, *args: Any, record: Any, family: Family, **kwargs: Any) -> None:
        super().__init__(*args, record=record, family=family, **kwargs)


class PriorityIssueForm(GovukForm):
    title = forms.CharField(
        label=_("Priority issue"),
        max_length=200,
        error_messages={"required": _("Enter the priority issue")},
    )
    detail = _text(_("Why it is a priority"), "", required=False)
    rank = IntegerField(
        label=_("Priority order"),
        min_value=1,
        max_value=20,
        initial=1,
        help_text=_("1 is the most important."),
        error_messages={
            "required": _("Enter the priority order"),
            "invalid": _("Priority order must be a whole number, like 1"),
            "min_value": _("Priority order must be 1 or more"),
            "max_value": _("Priority order must be 20 or less"),
        },
    )
    identified_on = _date(_("Date identified"), _("Enter the date identified"))

    def clean_identified_on(self) -> Any:
        return _past(self.cleaned_data["identified_on"], _("The date identified"))


class ResolvePriorityIssueForm(VersionedForm):
    resolved_on = _date(_("Date resolved"), _("Enter the date resolved"))

    def clean_resolved_on(self) -> Any:
        return _past(self.cleaned_data["resolved_on"], _("The date resolved"))


class TrioFlagForm(GovukForm):
    person = PersonChoice(
        label=_("Adult"),
        queryset=Person.objects.none(),
        empty_label=_("Select an adult"),
        error_messages={"required": _("Select the adult"), "invalid_choice": _("Select the adult")},
    )
    issue = forms.ChoiceField(
        label=_("Issue"),
        choices=TrioIssue.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the issue")},
    )
    specialist = WorkerChoice(
        label=_("Specialist involved"),
        queryset=Worker.objects.none(),
        required=False,
        empty_label=_("No specialist involved yet"),
    )
    flagged_on = _date(_("Date flagged"), _("Enter the date flagged"))
    note = _text(_("Note"), "", required=False)

    def __init__(self, *args: Any, family: Family, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = members_of(family).filter(kind=PersonKind.ADULT)
        self.fields["specialist"].queryset = Worker.objects.filter(
            role__in=sorted(Role.adult_specialists()), archived_at__isnull=True
        ).select_related("user")

    def clean_flagged_on(self) -> Any:
        return _past(self.cleaned_data["flagged_on"], _("The date flagged"))


class EndTrioFlagForm(VersionedForm):
    ended_on = _date(_("No longer a concern from"), _("Enter the date it stopped being a concern"))

    def clean_ended_on(self) -> Any:
        return _past(self.cleaned_data["ended_on"], _("The date"))


# --- Goals ---------------------------------------------------------------------------------


class GoalForm(GovukForm):
    person = PersonChoice(
        label=_("Whose goal"),
        queryset=Person.objects.none(),
        empty_label=_("Select a family member"),
        error_messages={
            "required": _("Select whose goal this is"),
            "invalid_choice": _("Select whose goal this is"),
        },
    )
    title = forms.CharField(
        label=_("Goal"),
        max_length=200,
        help_text=_("In the family member's words where you can."),
        error_messages={"required": _("Enter the goal")},
    )
    success_looks_like = _text(_("What success looks like"), "", required=False)
    set_by_family = forms.BooleanField(
        label=_("The family member set this goal themselves"), required=False
    )
    set_on = _date(_("Date set"), _("Enter the date the goal was set"))

    def __init__(self, *args: Any, family: Family, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = members_of(family)

    def clean_set_on(self) -> Any:
        return _past(self.cleaned_data["set_on"], _("The date set"))


class GoalStatusForm(VersionedForm):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=GoalStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the status")},
    )
    status_reason = _text(_("Why"), "", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (
            data.get("status") in (GoalStatus.NOT_ACHIEVED, GoalStatus.STOPPED)
            and not (data.get("status_reason") or "").strip()
        ):
            self.add_error("status_reason", _("Say why the goal was not achieved or stopped"))
        return data


class ActionForm(GovukForm):
    description = _text(_("Action"), _("Enter the action"))
    owner = forms.CharField(
        label=_("Who will do it"),
        max_length=200,
        error_messages={"required": _("Enter who will do it")},
    )
    due_on = _date(_("Due by"), _("Enter the date it is due by"), today=False)


class UpdateActionForm(VersionedForm):
    status = forms.ChoiceField(
        label=_("Done or not"),
        choices=ActionStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select whether the action was done")},
    )
    outcome = _text(_("Why it worked or did not"), "", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("status") == ActionStatus.NOT_DONE and not (data.get("outcome") or "").strip():
            self.add_error("outcome", _("Say why the action was not done"))
        return data


class RatingForm(GovukForm):
    rated_by = forms.ChoiceField(
        label=_("Who is rating"),
        choices=RatedBy.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select who is rating")},
    )
    score = forms.TypedChoiceField(
        label=_("Rating from 0 to 10"),
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("0 is nothing has changed yet; 10 is the goal is fully met."),
        error_messages={"required": _("Select a rating from 0 to 10")},
    )
    rated_on = _date(_("Date of the rating"), _("Enter the date of the rating"))
    note = _text(_("What the rating is based on"), "", required=False)

    def clean_rated_on(self) -> Any:
        return _past(self.cleaned_data["rated_on"], _("The date of the rating"))


# --- Cycle of Change -----------------------------------------------------------------------


class _AdultForm(GovukForm):
    person = PersonChoice(
        label=_("Adult"),
        queryset=Person.objects.none(),
        empty_label=_("Select an adult"),
        error_messages={"required": _("Select the adult"), "invalid_choice": _("Select the adult")},
    )
    issue = forms.ChoiceField(
        label=_("Issue"),
        choices=ChangeIssue.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the issue")},
    )

    def __init__(self, *args: Any, family: Family, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = members_of(family).filter(kind=PersonKind.ADULT)


class ChangeStageForm(_AdultForm):
    stage = forms.ChoiceField(
        label=_("Stage in the Cycle of Change"),
        choices=Stage.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the stage")},
    )
    assessed_on = _date(_("Date assessed"), _("Enter the date assessed"))
    rationale = _text(
        _("Why this stage"),
        _("Enter why you think the adult is at this stage"),
        hint=_("What the adult said and did that tells you this."),
    )

    def clean_assessed_on(self) -> Any:
        return _past(self.cleaned_data["assessed_on"], _("The date assessed"))


class DecisionalBalanceForm(_AdultForm):
    completed_on = _date(_("Date completed"), _("Enter the date completed"))
    staying_good = _text(
        _("Good things about staying the same"), _("Enter the good things about staying the same")
    )
    staying_bad = _text(
        _("Not so good things about staying the same"),
        _("Enter the not so good things about staying the same"),
    )
    changing_good = _text(
        _("Good things about changing"), _("Enter the good things about changing")
    )
    changing_bad = _text(
        _("Not so good things about changing"), _("Enter the not so good things about changing")
    )

    def clean_completed_on(self) -> Any:
        return _past(self.cleaned_data["completed_on"], _("The date completed"))


class ScalingForm(GovukForm):
    person = PersonChoice(
        label=_("Who answered"),
        queryset=Person.objects.none(),
        empty_label=_("Select a family member"),
        error_messages={
            "required": _("Select who answered"),
            "invalid_choice": _("Select who answered"),
        },
    )
    question = forms.CharField(
        label=_("Question"),
        max_length=300,
        help_text=_("For example: how safe do you feel at home, from 0 to 10?"),
        error_messages={"required": _("Enter the question")},
    )
    score = forms.TypedChoiceField(
        label=_("Answer from 0 to 10"),
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the answer from 0 to 10")},
    )
    asked_on = _date(_("Date asked"), _("Enter the date asked"))
    note = _text(_("What would move it one point up"), "", required=False)

    def __init__(self, *args: Any, family: Family, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = members_of(family)

    def clean_asked_on(self) -> Any:
        return _past(self.cleaned_data["asked_on"], _("The date asked"))
