"""Forms for cases and allocation: what the user types, and the GOV.UK wording of errors.

Field names match the model fields they fill, so an error a service raises against a model
field lands on the field the user typed into. Statutory event forms are in `event_forms.py`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from familyworkbook.cases.models import Allocation, Case, CaseClosureReason, CaseReason
from familyworkbook.core import clock
from familyworkbook.core.fields import IntegerField, ModelChoiceField
from familyworkbook.core.forms import GovukDateField, GovukForm
from familyworkbook.people.models import Family
from familyworkbook.teams.models import Post, Role, Team, User, Worker


def _d(value: dt.date) -> str:
    return f"{value:%d/%m/%Y}"


def not_in_future(value: dt.date | None, message: Any) -> None:
    if value and value > clock.today():
        raise forms.ValidationError(message)


# The version a page was built from travels in Django's own hidden input.
VersionInput = forms.HiddenInput


class VersionedForm(GovukForm):
    """An edit of an existing record: carries the version the page was built from."""

    version = IntegerField(widget=VersionInput, required=False)

    def __init__(self, *args: Any, record: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = record.version

    @property
    def expected_version(self) -> int | None:
        return self.cleaned_data.get("version")

    def values(self) -> dict[str, Any]:
        """The cleaned data a service takes (everything but the version)."""
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class CaseChoiceField(ModelChoiceField):
    def label_from_instance(self, obj: Case) -> str:
        return str(
            _("%(team)s, opened %(date)s") % {"team": obj.team.name, "date": _d(obj.opened_on)}
        )


class OpenCaseForm(GovukForm):
    team = ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.none(),
        empty_label=_("Select a team"),
        error_messages={"required": _("Select the team"), "invalid_choice": _("Select the team")},
    )
    reason = forms.ChoiceField(
        label=_("Reason for involvement"),
        choices=CaseReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the reason for involvement")},
    )
    opened_on = GovukDateField(
        label=_("Date the case opened"),
        error_messages={"required": _("Enter the date the case opened")},
    )

    def __init__(self, *args: Any, family: Family, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.family = family
        # The signed-in worker's own teams first: they are nearly always opening for one of them.
        mine = Team.objects.of_user(user).filter(pk=OuterRef("pk"))
        self.fields["team"].queryset = (
            Team.objects.filter(archived_at__isnull=True)
            .annotate(is_mine=Exists(mine))
            .order_by("-is_mine", "name")
        )
        self.fields["opened_on"].initial = clock.today()

    def clean_opened_on(self) -> dt.date:
        opened_on: dt.date = self.cleaned_data["opened_on"]
        not_in_future(opened_on, _("The date the case opened must be today or in the past"))
        return opened_on

    def clean_team(self) -> Team:
        team: Team = self.cleaned_data["team"]
        if Case.objects.open().filter(family=self.family, team=team).exists():
            raise forms.ValidationError(
                _("This family already has an open case with %(team)s") % {"team": team.name}
            )
        return team


class CloseCaseForm(VersionedForm):
    closed_on = GovukDateField(
        label=_("Date the case closed"),
        error_messages={"required": _("Enter the date the case closed")},
    )
    closure_reason = forms.ChoiceField(
        label=_("Reason for closing the case"),
        choices=CaseClosureReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the reason for closing the case")},
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, record=case, **kwargs)
        self.case = case

    def clean_closed_on(self) -> dt.date:
        closed_on: dt.date = self.cleaned_data["closed_on"]
        if closed_on < self.case.opened_on:
            raise forms.ValidationError(
                _("The date the case closed must be on or after the date it opened (%(date)s)")
                % {"date": _d(self.case.opened_on)}
            )
        not_in_future(closed_on, _("The date the case closed must be today or in the past"))
        return closed_on


class WorkerChoiceField(ModelChoiceField):
    def label_from_instance(self, obj: Worker) -> str:
        label = f"{obj.name} ({obj.get_role_display()})"
        if not getattr(obj, "in_team", True):
            label = str(_("%(worker)s – another team") % {"worker": label})
        return label


class AllocateForm(GovukForm):
    worker = WorkerChoiceField(
        label=_("Worker"),
        queryset=Worker.objects.none(),
        empty_label=_("Select a worker"),
        error_messages={
            "required": _("Select the worker"),
            "invalid_choice": _("Select the worker"),
        },
    )
    role = forms.ChoiceField(
        label=_("Role on the case"),
        required=False,
        choices=[("", _("Their job role"))] + list(Role.choices),
        help_text=_("For example, a social worker may be the case holder or a co-worker."),
    )
    is_lead = forms.BooleanField(
        label=_("Make them the lead worker"),
        required=False,
        help_text=_("The current lead worker's allocation ends on the date this one starts."),
    )
    started_on = GovukDateField(
        label=_("Date allocated"),
        error_messages={"required": _("Enter the date allocated")},
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        in_team = Post.objects.filter(
            holder=OuterRef("pk"), teams=case.team, disestablished_on__isnull=True
        )
        # Workers in the case's team first, then everyone else (adult specialists may serve it).
        self.fields["worker"].queryset = (
            Worker.objects.filter(archived_at__isnull=True, left_on__isnull=True)
            .exclude(pk__in=Allocation.objects.current().filter(case=case).values("worker"))
            .select_related("user")
            .annotate(in_team=Exists(in_team))
            .order_by("-in_team", "user__last_name", "user__first_name", "pk")
        )
        self.fields["started_on"].initial = clock.today()
        if not Allocation.objects.current().filter(case=case, is_lead=True).exists():
            self.fields["is_lead"].initial = True

    def clean_started_on(self) -> dt.date:
        started_on: dt.date = self.cleaned_data["started_on"]
        if started_on < self.case.opened_on:
            raise forms.ValidationError(
                _("The date allocated must be on or after the case opened (%(date)s)")
                % {"date": _d(self.case.opened_on)}
            )
        return started_on

    def clean_worker(self) -> Worker:
        worker: Worker = self.cleaned_data["worker"]
        if Allocation.objects.current().filter(case=self.case, worker=worker).exists():
            raise forms.ValidationError(
                _("%(name)s is already allocated to this case") % {"name": worker.name}
            )
        return worker

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("worker") and not data.get("role"):
            data["role"] = data["worker"].role
        return data


class EndAllocationForm(VersionedForm):
    ended_on = GovukDateField(
        label=_("Date the allocation ended"),
        error_messages={"required": _("Enter the date the allocation ended")},
    )

    def __init__(self, *args: Any, allocation: Allocation, **kwargs: Any) -> None:
        super().__init__(*args, record=allocation, **kwargs)
        self.allocation = allocation
        self.fields["ended_on"].initial = clock.today()

    def clean_ended_on(self) -> dt.date:
        ended_on: dt.date = self.cleaned_data["ended_on"]
        if ended_on < self.allocation.started_on:
            raise forms.ValidationError(
                _("The date the allocation ended must be on or after it started (%(date)s)")
                % {"date": _d(self.allocation.started_on)}
            )
        return ended_on


def case_field(cases: QuerySet[Case]) -> CaseChoiceField:
    return CaseChoiceField(
        label=_("Case"),
        queryset=cases,
        required=False,
        empty_label=_("Not linked to a case"),
        error_messages={"invalid_choice": _("Select one of the family's open cases")},
    )
