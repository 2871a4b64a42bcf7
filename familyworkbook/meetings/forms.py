"""Meeting forms. They own the GOV.UK error wording; services own the rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from familyworkbook.cases.models import Case
from familyworkbook.core.fields import IntegerField, ModelChoiceField
from familyworkbook.core.forms import GovukDateField, GovukForm
from familyworkbook.meetings.models import (
    ActionStatus,
    AttendanceStatus,
    Meeting,
    MeetingType,
    Rag,
)
from familyworkbook.meetings.services import CycleStage, NewAction
from familyworkbook.teams.models import Role
from familyworkbook.workbook.models import ChangeIssue, Stage

NEW_ACTION_ROWS = 3


class TimeField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            max_length=5,
            error_messages={"required": _("Enter the time the meeting starts")},
            **kwargs,
        )

    def clean(self, value: Any) -> dt.time:
        value = super().clean(value)
        try:
            return dt.datetime.strptime(value.strip(), "%H:%M").time()  # noqa: DTZ007
        except ValueError:
            raise forms.ValidationError(
                _("Enter the time as hours and minutes, like 14:30"), code="invalid"
            ) from None


class PlanMeetingForm(GovukForm):
    mtype = ModelChoiceField(
        label=_("Type of meeting"),
        queryset=MeetingType.objects.filter(per_family=True),
        empty_label=None,
        error_messages={"required": _("Select the type of meeting")},
    )
    case = ModelChoiceField(
        label=_("Case"),
        queryset=Case.objects.none(),
        empty_label=None,
        error_messages={"required": _("Select the case")},
    )
    date = GovukDateField(label=_("Date of the meeting"))
    time = TimeField(label=_("Start time"), help_text=_("For example, 14:30"))
    duration_minutes = IntegerField(
        label=_("Length in minutes"),
        initial=60,
        min_value=15,
        max_value=480,
        error_messages={
            "required": _("Enter the length of the meeting in minutes"),
            "invalid": _("Length must be a number of minutes, like 60"),
            "min_value": _("Length must be at least 15 minutes"),
            "max_value": _("Length must be 480 minutes or fewer"),
        },
    )
    location = forms.CharField(label=_("Where (optional)"), max_length=200, required=False)
    video_link = forms.URLField(
        label=_("Video call link (optional)"),
        required=False,
        assume_scheme="https",
        error_messages={"invalid": _("Enter a video call link starting with https://")},
    )
    late_reason = forms.CharField(
        label=_("If this is later than the statutory timescale, why (optional)"),
        help_text=_(
            "Child protection conferences and the first core group have statutory timescales. "
            "You only need this if the date is later."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args: Any, cases: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases
        self.fields["case"].label_from_instance = lambda c: (
            f"{c.team} – {c.get_reason_display()} ({c.opened_on:%d/%m/%Y})"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("date") and data.get("time"):
            data["starts_at"] = timezone.make_aware(dt.datetime.combine(data["date"], data["time"]))
        return data


class ContributionForm(GovukForm):
    text = forms.CharField(
        label=_("Your contribution"),
        help_text=_(
            "A short summary from your chapter: what has changed, what is working, what worries "
            "you. It is part of the record whether or not you attend."
        ),
        widget=forms.Textarea,
        error_messages={"required": _("Enter your contribution")},
    )


class RecordMeetingForm(GovukForm):
    """The record of the meeting. Attendance, carried actions and the date are filled in
    already; where nothing has changed the chair confirms the RAG rating and the child's voice."""

    version = IntegerField(widget=forms.HiddenInput)
    held_on = GovukDateField(label=_("Date held"))
    rag = forms.ChoiceField(
        label=_("RAG rating agreed"),
        choices=Rag.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the RAG rating agreed")},
    )
    rag_reason = forms.CharField(
        label=_("Why this rating (optional)"), widget=forms.Textarea, required=False
    )
    childs_voice = forms.CharField(
        label=_("The child's voice"),
        help_text=_("What the children have said or shown about their lives, in their words"),
        widget=forms.Textarea,
        error_messages={"required": _("Enter the child's voice")},
    )
    working_well = forms.CharField(
        label=_("What is working well (optional)"), widget=forms.Textarea, required=False
    )
    worries = forms.CharField(
        label=_("What we are worried about (optional)"), widget=forms.Textarea, required=False
    )
    decisions = forms.CharField(
        label=_("Decisions (optional)"),
        help_text=_("One decision a line"),
        widget=forms.Textarea,
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        meeting: Meeting,
        attendances: list,
        carried: list,
        workers: list,
        adults: list,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        if not meeting.type.records_rag:
            del self.fields["rag"]
            del self.fields["rag_reason"]
        self.attendance_names = []
        for a in attendances:
            name = f"attendance_{a.pk}"
            who = a.worker.name if a.worker_id else str(a.person)
            self.fields[name] = forms.ChoiceField(
                label=_("%(who)s (%(discipline)s)")
                % {"who": who, "discipline": a.get_discipline_display() or _("family")},
                choices=[c for c in AttendanceStatus.choices if c[0] != AttendanceStatus.INVITED],
                widget=forms.RadioSelect,
                initial=a.status
                if a.status != AttendanceStatus.INVITED
                else AttendanceStatus.PRESENT,
                error_messages={"required": _("Select whether %(who)s attended") % {"who": who}},
            )
            self.attendance_names.append((a.pk, name))
        self.carried_names = []
        for action in carried:
            name = f"carried_{action.pk}"
            self.fields[name] = forms.ChoiceField(
                label=_("Carried forward: %(text)s (%(owner)s, due %(due)s)")
                % {
                    "text": action.text,
                    "owner": action.owner.name,
                    "due": f"{action.due_on:%d/%m/%Y}",
                },
                choices=[
                    (ActionStatus.OPEN, _("Still open")),
                    (ActionStatus.DONE, _("Done")),
                    (ActionStatus.NOT_DONE, _("Not done: no longer needed")),
                ],
                widget=forms.RadioSelect,
                initial=action.status,
            )
            self.fields[f"{name}_outcome"] = forms.CharField(
                label=_("What happened, or why not (optional)"), required=False
            )
            self.carried_names.append((action.pk, name))
        owner_choices = [("", _("Select the owner"))] + [(w.pk, w.name) for w in workers]
        self._workers = {str(w.pk): w for w in workers}
        for i in range(1, NEW_ACTION_ROWS + 1):
            self.fields[f"action_{i}_text"] = forms.CharField(
                label=_("New action %(n)s (optional)") % {"n": i}, max_length=300, required=False
            )
            self.fields[f"action_{i}_owner"] = forms.ChoiceField(
                label=_("Owner of action %(n)s") % {"n": i}, choices=owner_choices, required=False
            )
            self.fields[f"action_{i}_due"] = GovukDateField(
                label=_("Action %(n)s due by") % {"n": i}, required=False
            )
        self._adults = {str(p.pk): p for p in adults}
        if meeting.type.records_cycle_of_change and adults:
            self.fields["coc_person"] = forms.ChoiceField(
                label=_("Cycle of Change: adult (optional)"),
                choices=[("", _("No change to record"))] + [(p.pk, str(p)) for p in adults],
                required=False,
            )
            self.fields["coc_issue"] = forms.ChoiceField(
                label=_("Issue"), choices=[("", "")] + ChangeIssue.choices, required=False
            )
            self.fields["coc_stage"] = forms.ChoiceField(
                label=_("Stage"), choices=[("", "")] + Stage.choices, required=False
            )
            self.fields["coc_rationale"] = forms.CharField(
                label=_("Why this stage"), widget=forms.Textarea, required=False
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        actions = []
        for i in range(1, NEW_ACTION_ROWS + 1):
            text = (data.get(f"action_{i}_text") or "").strip()
            owner = data.get(f"action_{i}_owner")
            due = data.get(f"action_{i}_due")
            if not text:
                if owner or due:
                    self.add_error(f"action_{i}_text", _("Enter action %(n)s") % {"n": i})
                continue
            if not owner:
                self.add_error(f"action_{i}_owner", _("Select who owns action %(n)s") % {"n": i})
            if not due and f"action_{i}_due" not in self.errors:
                self.add_error(
                    f"action_{i}_due", _("Enter the date action %(n)s is due by") % {"n": i}
                )
            if owner and due:
                actions.append(NewAction(text=text, owner=self._workers[owner], due_on=due))
        data["new_actions"] = actions
        stages = []
        person = data.get("coc_person")
        if person:
            for name, message in (
                ("coc_issue", _("Select the issue")),
                ("coc_stage", _("Select the stage of change")),
                ("coc_rationale", _("Enter why the adult is at this stage")),
            ):
                if not (data.get(name) or "").strip():
                    self.add_error(name, message)
            if all(
                (data.get(n) or "").strip() for n in ("coc_issue", "coc_stage", "coc_rationale")
            ):
                stages.append(
                    CycleStage(
                        person=self._adults[person],
                        issue=data["coc_issue"],
                        stage=data["coc_stage"],
                        rationale=data["coc_rationale"].strip(),
                    )
                )
        data["cycle_of_change"] = stages
        data["decision_list"] = [
            line.strip() for line in (data.get("decisions") or "").splitlines() if line.strip()
        ]
        for _pk, name in self.carried_names:
            if (
                data.get(name) == ActionStatus.NOT_DONE
                and not (data.get(f"{name}_outcome") or "").strip()
            ):
                self.add_error(f"{name}_outcome", _("Say why the action will not be done"))
        return data

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "expected_version": d["version"],
            "held_on": d["held_on"],
            "attendance": {pk: d[name] for pk, name in self.attendance_names},
            "rag": d.get("rag", ""),
            "rag_reason": d.get("rag_reason", ""),
            "working_well": d["working_well"],
            "worries": d["worries"],
            "childs_voice": d["childs_voice"],
            "decisions": d["decision_list"],
            "new_actions": d["new_actions"],
            "carried": {
                pk: (d[name], d.get(f"{name}_outcome", "")) for pk, name in self.carried_names
            },
            "cycle_of_change": d["cycle_of_change"],
        }


class AmendmentForm(GovukForm):
    text = forms.CharField(
        label=_("Amendment"),
        widget=forms.Textarea,
        error_messages={"required": _("Enter the amendment")},
    )
    reason = forms.CharField(
        label=_("Why the record is amended"),
        widget=forms.Textarea,
        error_messages={"required": _("Say why the record is amended")},
    )


# --- Family Group Conferences ---------------------------------------------------------------


class FgcReferralForm(GovukForm):
    referred_on = GovukDateField(label=_("Date referred"))
    date = GovukDateField(
        label=_("Date of the conference"),
        help_text=_("6 to 8 weeks after the referral, to give time to prepare"),
    )
    time = TimeField(label=_("Start time"), help_text=_("For example, 14:30"))
    coordinator = ModelChoiceField(
        label=_("Coordinator"),
        queryset=None,
        empty_label=None,
        error_messages={"required": _("Select the coordinator")},
    )
    da_victim = ModelChoiceField(
        label=_("Domestic abuse victim (if any)"),
        queryset=None,
        required=False,
        empty_label=_("None"),
        help_text=_("The victim decides who is invited"),
    )
    alleged_perpetrator = ModelChoiceField(
        label=_("Alleged perpetrator (if any)"),
        queryset=None,
        required=False,
        empty_label=_("None"),
    )

    def __init__(self, *args: Any, coordinators: Any, adults: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["coordinator"].queryset = coordinators
        self.fields["coordinator"].label_from_instance = lambda w: w.name
        self.fields["da_victim"].queryset = adults
        self.fields["alleged_perpetrator"].queryset = adults

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("date") and data.get("time"):
            data["starts_at"] = timezone.make_aware(dt.datetime.combine(data["date"], data["time"]))
        return data


class VictimRequestForm(GovukForm):
    requested = forms.TypedChoiceField(
        label=_("Has the victim asked for the alleged perpetrator to attend?"),
        choices=[("no", _("No")), ("yes", _("Yes, the victim has asked for them to attend"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Select whether the victim has asked")},
    )


class InviteForm(GovukForm):
    person = ModelChoiceField(
        label=_("Family member to invite"),
        queryset=None,
        empty_label=None,
        error_messages={"required": _("Select a family member")},
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people


class FgcRecordForm(GovukForm):
    childrens_views = forms.CharField(
        label=_("The children's views"),
        help_text=_("As prepared with the children before the conference"),
        widget=forms.Textarea,
        required=False,
    )
    private_time_held = forms.BooleanField(
        label=_("The family had private time without professionals"), required=False
    )
    family_plan = forms.CharField(
        label=_("The family's plan, in their words"),
        widget=forms.Textarea,
        error_messages={"required": _("Enter the family's plan, in their words")},
    )


class FgcReviewForm(GovukForm):
    date = GovukDateField(label=_("Date of the review conference"))
    time = TimeField(label=_("Start time"), help_text=_("For example, 14:30"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("date") and data.get("time"):
            data["starts_at"] = timezone.make_aware(dt.datetime.combine(data["date"], data["time"]))
        return data


# --- Team meetings ---------------------------------------------------------------------------


class PlanTeamMeetingForm(GovukForm):
    mtype = ModelChoiceField(
        label=_("Type of meeting"),
        queryset=MeetingType.objects.filter(per_family=False),
        empty_label=None,
        error_messages={"required": _("Select the type of meeting")},
    )
    date = GovukDateField(label=_("Date of the meeting"))
    time = TimeField(label=_("Start time"), help_text=_("For example, 09:30"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("date") and data.get("time"):
            data["starts_at"] = timezone.make_aware(dt.datetime.combine(data["date"], data["time"]))
        return data


class MinutesForm(GovukForm):
    """The minutes of a unit meeting: one box per case, in the agenda's priority order."""

    version = IntegerField(widget=forms.HiddenInput)
    held_on = GovukDateField(label=_("Date held"))

    def __init__(self, *args: Any, agenda: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case_names = []
        for row in agenda:
            name = f"case_{row.case.pk}"
            label = f"{row.case.family.name} ({row.case.family.reference})"
            if row.is_cp:
                label += " – " + str(_("child protection"))
            self.fields[name] = forms.CharField(
                label=label,
                widget=forms.Textarea,
                required=False,
                help_text=_("Not discussed in the last 14 days") if row.due_for_discussion else "",
            )
            self.case_names.append((row.case.pk, name))

    def notes(self) -> dict[int, str]:
        return {pk: self.cleaned_data.get(name, "") for pk, name in self.case_names}


# --- Meeting types (system administrators) ---------------------------------------------------


class MeetingTypeForm(GovukForm):
    """A meeting type's settings. The code (slug) is asked only when the type is added."""

    version = IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        error_messages={
            "required": _("Enter the name of the meeting type"),
            "max_length": _("Name must be 100 characters or fewer"),
        },
    )
    slug = forms.SlugField(
        label=_("Code"),
        help_text=_("Lower-case letters, numbers and underscores, like core_group. Cannot change."),
        max_length=40,
        error_messages={
            "required": _("Enter a code for the meeting type"),
            "invalid": _("Code must only use lower-case letters, numbers and underscores"),
            "max_length": _("Code must be 40 characters or fewer"),
        },
    )
    per_family = forms.BooleanField(label=_("About one family"), required=False)
    due_every_days = IntegerField(
        label=_("Due every (days, optional)"),
        help_text=_("Leave empty if the meeting is not held to a schedule"),
        required=False,
        min_value=1,
        max_value=366,
        error_messages={
            "invalid": _("Due every must be a whole number of days, like 30"),
            "min_value": _("Due every must be at least 1 day"),
            "max_value": _("Due every must be 366 days or fewer"),
        },
    )
    needs_adult_specialist = forms.BooleanField(
        label=_("Due only while an adult specialist is allocated"), required=False
    )
    records_rag = forms.BooleanField(label=_("The record shows a RAG rating"), required=False)
    records_cycle_of_change = forms.BooleanField(
        label=_("The record shows Cycle of Change"), required=False
    )
    takes_contributions = forms.BooleanField(
        label=_("Professionals add written contributions beforehand"), required=False
    )
    minutes_due_hours = IntegerField(
        label=_("Minutes due within (hours, optional)"),
        required=False,
        min_value=1,
        max_value=720,
        error_messages={
            "invalid": _("Minutes due within must be a whole number of hours, like 24"),
            "min_value": _("Minutes due within must be at least 1 hour"),
            "max_value": _("Minutes due within must be 720 hours or fewer"),
        },
    )
    invite_disciplines = forms.MultipleChoiceField(
        label=_("Invite only these disciplines (optional)"),
        help_text=_(
            "Leave all unticked to invite every professional involved. The chair is always invited."
        ),
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": _("Select disciplines from the list")},
    )

    def __init__(self, *args: Any, adding: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not adding:
            del self.fields["slug"]

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()

    def clean(self) -> dict[str, Any]:
        """The service's rules across fields, shown with the field errors in one summary."""
        from familyworkbook.meetings.services.types import check_rules

        data = super().clean()
        try:
            check_rules(data)
        except forms.ValidationError as exc:
            for name, errors in exc.error_dict.items():
                if name not in self.errors:
                    for error in errors:
                        self.add_error(name, error)
        return data

    def settings(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "name": d["name"],
            "per_family": d["per_family"],
            "due_every_days": d["due_every_days"],
            "needs_adult_specialist": d["needs_adult_specialist"],
            "records_rag": d["records_rag"],
            "records_cycle_of_change": d["records_cycle_of_change"],
            "takes_contributions": d["takes_contributions"],
            "minutes_due_hours": d["minutes_due_hours"],
            "invite_disciplines": sorted(d["invite_disciplines"]),
        }


class SupervisionPeriodForm(GovukForm):
    """Which cases (all the user may see, or one team's) and which period."""

    scope = forms.ChoiceField(
        label=_("Cases"), error_messages={"invalid_choice": _("Select the cases to include")}
    )
    date_from = GovukDateField(label=_("From"))
    date_to = GovukDateField(label=_("To"))

    def __init__(self, *args: Any, teams: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = [("all", _("Every case I can see"))] + [
            (str(t.pk), t.name) for t in teams
        ]
        self._teams = {str(t.pk): t for t in teams}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        since, until = data.get("date_from"), data.get("date_to")
        if since and until:
            if until < since:
                self.add_error("date_to", _("The end of the period must be after its start"))
            elif (until - since).days > 731:
                self.add_error("date_to", _("The period must be two years or shorter"))
        return data

    @property
    def team(self) -> Any:
        return self._teams.get(self.cleaned_data.get("scope", "all"))
