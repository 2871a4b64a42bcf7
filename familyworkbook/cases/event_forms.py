"""Forms for a child's statutory events: referral to closure, plans, looked-after episodes,
pre-proceedings, care proceedings and visits.

Each form checks the rules it can see (dates in order, one open episode or plan at a time)
with GOV.UK wording on the field concerned; the services check them again as a guard.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from familyworkbook.cases import services
from familyworkbook.cases.forms import VersionedForm, _d, case_field, not_in_future
from familyworkbook.cases.models import (
    CareProceedings,
    Case,
    CinEpisode,
    CinPlan,
    CourtOrder,
    CpPlan,
    LookedAfterEpisode,
    PreProceedings,
    VisitKind,
    validate_factors,
)
from familyworkbook.core.codes import (
    AbuseCategory,
    AssessmentFactor,
    CinClosureReason,
    LegalStatus,
    PlacementProvider,
    PlacementType,
    PrimaryNeed,
    ReasonEpisodeCeased,
    ReasonNewEpisode,
    ReferralSource,
    SecondaryNeed,
)
from familyworkbook.core.fields import ModelChoiceField
from familyworkbook.core.forms import GovukDateField, GovukForm
from familyworkbook.people.models import Person, normalise_postcode
from familyworkbook.teams.models import Worker

FUTURE = _("The date must be today or in the past")


def _choices_with_blank(choices: list[tuple[str, Any]], blank: Any) -> list[tuple[str, Any]]:
    return [("", blank), *choices]


def _not_before(value: dt.date | None, earliest: dt.date, message: Any) -> None:
    if value and value < earliest:
        raise forms.ValidationError(message % {"date": _d(earliest)})


class EpisodeForm(GovukForm):
    """A form that adds to an open episode of need."""

    def __init__(self, *args: Any, episode: CinEpisode, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.episode = episode

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.episode.is_open:
            raise forms.ValidationError(
                _("This episode of need is closed: record a new referral first")
            )
        return data

    def _after_referral(self, value: dt.date | None) -> None:
        _not_before(
            value,
            self.episode.referral_on,
            _("The date must be on or after the referral date (%(date)s)"),
        )


# --- Referral and closure ------------------------------------------------------------------


class ReferralForm(GovukForm):
    referral_on = GovukDateField(
        label=_("Referral date"),
        error_messages={"required": _("Enter the referral date")},
    )
    referral_source = forms.ChoiceField(
        label=_("Referral source"),
        choices=_choices_with_blank(ReferralSource.choices, _("Select the source")),
        error_messages={"required": _("Select the referral source")},
    )
    primary_need = forms.ChoiceField(
        label=_("Primary need"),
        required=False,
        choices=_choices_with_blank(PrimaryNeed.choices, _("Not identified yet")),
        help_text=_("Recorded once the assessment has identified it."),
    )
    secondary_needs = forms.MultipleChoiceField(
        label=_("Secondary needs"),
        required=False,
        choices=SecondaryNeed.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Select all that apply."),
    )
    referral_nfa = forms.BooleanField(
        label=_("No further action at referral"),
        required=False,
    )

    def __init__(self, *args: Any, child: Person, cases: QuerySet[Case], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.child = child
        self.fields["case"] = case_field(cases)
        if cases.count() == 1:
            self.fields["case"].initial = cases.first()

    def clean_referral_on(self) -> dt.date:
        referral_on: dt.date = self.cleaned_data["referral_on"]
        not_in_future(referral_on, _("The referral date must be today or in the past"))
        born = self.child.date_of_birth or self.child.expected_date_of_birth
        if born and referral_on < born - services.PRE_BIRTH_LIMIT:
            raise forms.ValidationError(
                _(
                    "The referral date cannot be more than 40 weeks before the child's (expected) date of birth"
                )
            )
        return referral_on

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if CinEpisode.objects.open().filter(child=self.child).exists():
            raise forms.ValidationError(_("This child already has an open episode of need"))
        return data


class CloseEpisodeForm(VersionedForm):
    closed_on = GovukDateField(
        label=_("Closure date"),
        error_messages={"required": _("Enter the closure date")},
    )
    closure_reason = forms.ChoiceField(
        label=_("Reason for closure"),
        choices=CinClosureReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the reason the episode closed")},
    )

    def __init__(self, *args: Any, episode: CinEpisode, **kwargs: Any) -> None:
        super().__init__(*args, record=episode, **kwargs)
        self.episode = episode

    def clean_closed_on(self) -> dt.date:
        closed_on: dt.date = self.cleaned_data["closed_on"]
        latest = services.latest_event_in(self.episode)
        if latest and closed_on < latest[0]:
            raise forms.ValidationError(
                _("The closure date must be on or after %(event)s (%(date)s)")
                % {"event": latest[1], "date": _d(latest[0])}
            )
        not_in_future(closed_on, _("The closure date must be today or in the past"))
        return closed_on


# --- Assessment and section 47 ---------------------------------------------------------------


class AssessmentForm(EpisodeForm):
    started_on = GovukDateField(
        label=_("Start date"),
        error_messages={"required": _("Enter the start date")},
    )
    authorised_on = GovukDateField(
        label=_("Authorisation date"),
        required=False,
        help_text=_("Leave blank until the assessment is authorised."),
    )
    factors = forms.MultipleChoiceField(
        label=_("Factors identified"),
        required=False,
        choices=AssessmentFactor.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Record factors once the assessment is authorised."),
    )

    def clean_started_on(self) -> dt.date:
        started_on: dt.date = self.cleaned_data["started_on"]
        self._after_referral(started_on)
        not_in_future(started_on, FUTURE)
        return started_on

    def clean_authorised_on(self) -> dt.date | None:
        authorised_on: dt.date | None = self.cleaned_data["authorised_on"]
        not_in_future(authorised_on, FUTURE)
        return authorised_on

    def clean_factors(self) -> list[str]:
        factors: list[str] = self.cleaned_data["factors"]
        validate_factors(factors)
        return factors

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        started, authorised = data.get("started_on"), data.get("authorised_on")
        if started and authorised and authorised < started:
            self.add_error(
                "authorised_on", _("The authorisation date must be on or after the start date")
            )
        if data.get("factors") and not authorised and "authorised_on" not in self.errors:
            self.add_error("factors", _("Record factors once the assessment is authorised"))
        return data


class Section47Form(EpisodeForm):
    started_on = GovukDateField(
        label=_("Start date of the enquiry"),
        error_messages={"required": _("Enter the start date of the enquiry")},
    )
    icpc_target_on = GovukDateField(
        label=_("Target date for the initial conference"),
        required=False,
    )
    icpc_on = GovukDateField(
        label=_("Date of the initial child protection conference"),
        required=False,
        help_text=_("Leave blank if the conference has not been held yet."),
    )
    icpc_not_required = forms.BooleanField(
        label=_("An initial conference is not required"),
        required=False,
    )

    def clean_started_on(self) -> dt.date:
        started_on: dt.date = self.cleaned_data["started_on"]
        self._after_referral(started_on)
        not_in_future(started_on, FUTURE)
        return started_on

    def clean_icpc_on(self) -> dt.date | None:
        icpc_on: dt.date | None = self.cleaned_data["icpc_on"]
        if icpc_on and icpc_on.weekday() >= 5:
            raise forms.ValidationError(_("A child protection conference cannot be at a weekend"))
        not_in_future(icpc_on, FUTURE)
        return icpc_on

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        started, icpc = data.get("started_on"), data.get("icpc_on")
        if started and icpc and icpc < started:
            self.add_error(
                "icpc_on", _("The conference date must be on or after the start of the enquiry")
            )
        if icpc and data.get("icpc_not_required"):
            self.add_error(
                "icpc_not_required", _("Give a conference date or 'not required', not both")
            )
        return data


# --- Plans -----------------------------------------------------------------------------------


class CpPlanForm(EpisodeForm):
    started_on = GovukDateField(
        label=_("Start date"),
        error_messages={"required": _("Enter the start date")},
        help_text=_("The date of the initial child protection conference that made the plan."),
    )
    initial_category = forms.ChoiceField(
        label=_("Initial category of abuse"),
        choices=AbuseCategory.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the initial category of abuse")},
    )
    latest_category = forms.ChoiceField(
        label=_("Latest category of abuse"),
        required=False,
        choices=_choices_with_blank(AbuseCategory.choices, _("Same as the initial category")),
    )
    start_differs_from_conference = forms.BooleanField(
        label=_("The plan started on a different date from the initial conference"),
        required=False,
    )

    def clean_started_on(self) -> dt.date:
        started_on: dt.date = self.cleaned_data["started_on"]
        self._after_referral(started_on)
        not_in_future(started_on, FUTURE)
        return started_on

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if CpPlan.objects.open().filter(episode__child_id=self.episode.child_id).exists():
            raise forms.ValidationError(_("This child already has an open child protection plan"))
        started = data.get("started_on")
        icpc = services.icpc_date_for(self.episode)
        if started and icpc and started != icpc and not data.get("start_differs_from_conference"):
            self.add_error(
                "started_on",
                _(
                    "The plan should start on the date of the initial child protection conference "
                    "(%(date)s). Correct the date, or confirm the plan started on a different date"
                )
                % {"date": _d(icpc)},
            )
        open_cin = CinPlan.objects.open().filter(episode=self.episode).first()
        if started and open_cin and started < open_cin.started_on:
            self.add_error(
                "started_on",
                _(
                    "The child protection plan must start on or after the child in need plan started (%(date)s)"
                )
                % {"date": _d(open_cin.started_on)},
            )
        return data


class CpReviewForm(GovukForm):
    held_on = GovukDateField(
        label=_("Review conference date"),
        error_messages={"required": _("Enter the review conference date")},
    )
    latest_category = forms.ChoiceField(
        label=_("Latest category of abuse"),
        choices=AbuseCategory.choices,
        error_messages={"required": _("Select the latest category of abuse")},
    )

    def __init__(self, *args: Any, plan: CpPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["latest_category"].initial = plan.latest_category

    def clean_held_on(self) -> dt.date:
        held_on: dt.date = self.cleaned_data["held_on"]
        if held_on <= self.plan.started_on:
            raise forms.ValidationError(
                _("A review must be after the plan started (%(date)s)")
                % {"date": _d(self.plan.started_on)}
            )
        if self.plan.ended_on and held_on > self.plan.ended_on:
            raise forms.ValidationError(
                _("The review must be on or before the plan ended (%(date)s)")
                % {"date": _d(self.plan.ended_on)}
            )
        not_in_future(held_on, FUTURE)
        return held_on


class CinPlanForm(EpisodeForm):
    started_on = GovukDateField(
        label=_("Start date"),
        error_messages={"required": _("Enter the start date")},
    )

    def clean_started_on(self) -> dt.date:
        started_on: dt.date = self.cleaned_data["started_on"]
        self._after_referral(started_on)
        not_in_future(started_on, FUTURE)
        return started_on

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        child_id = self.episode.child_id
        if CpPlan.objects.open().filter(episode__child_id=child_id).exists():
            raise forms.ValidationError(
                _(
                    "This child has an open child protection plan: end it before starting a child in need plan"
                )
            )
        if CinPlan.objects.open().filter(episode__child_id=child_id).exists():
            raise forms.ValidationError(_("This child already has an open child in need plan"))
        return data


class EndPlanForm(VersionedForm):
    """End a CIN or CP plan."""

    ended_on = GovukDateField(
        label=_("End date"),
        error_messages={"required": _("Enter the end date")},
    )

    def __init__(self, *args: Any, plan: CinPlan | CpPlan, **kwargs: Any) -> None:
        super().__init__(*args, record=plan, **kwargs)
        self.plan = plan

    def clean_ended_on(self) -> dt.date:
        ended_on: dt.date = self.cleaned_data["ended_on"]
        _not_before(
            ended_on,
            self.plan.started_on,
            _("The end date must be on or after the start date (%(date)s)"),
        )
        not_in_future(ended_on, FUTURE)
        return ended_on


# --- Looked after ----------------------------------------------------------------------------


def _postcode(value: str) -> str:
    if not value:
        return ""
    try:
        return normalise_postcode(value)
    except forms.ValidationError:
        raise forms.ValidationError(_("Enter a real postcode, like CB3 0AP")) from None


class LookedAfterForm(GovukForm):
    started_on = GovukDateField(
        label=_("Date episode started"),
        error_messages={"required": _("Enter the date the episode started")},
    )
    reason_new_episode = forms.ChoiceField(
        label=_("Reason for new episode"),
        choices=_choices_with_blank(ReasonNewEpisode.choices, _("Select the reason")),
        error_messages={"required": _("Select the reason for the new episode")},
    )
    legal_status = forms.ChoiceField(
        label=_("Legal status"),
        choices=_choices_with_blank(LegalStatus.choices, _("Select the legal status")),
        error_messages={"required": _("Select the legal status")},
    )
    need = forms.ChoiceField(
        label=_("Category of need"),
        choices=_choices_with_blank(PrimaryNeed.choices, _("Select the category of need")),
        error_messages={"required": _("Select the category of need")},
    )
    placement_type = forms.ChoiceField(
        label=_("Placement type"),
        choices=_choices_with_blank(PlacementType.choices, _("Select the placement type")),
        error_messages={"required": _("Select the placement type")},
    )
    placement_provider = forms.ChoiceField(
        label=_("Placement provider"),
        required=False,
        choices=_choices_with_blank(PlacementProvider.choices, _("Not known")),
    )
    home_postcode = forms.CharField(
        label=_("Postcode of the child's home"),
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "autocomplete": "off"}),
    )
    placement_postcode = forms.CharField(
        label=_("Postcode of the placement"),
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, child: Person, cases: QuerySet[Case], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.child = child
        self.current = LookedAfterEpisode.objects.open().filter(child=child).first()
        self.fields["case"] = case_field(cases)
        if self.current:
            self.fields["started_on"].help_text = _(
                "The current episode (from %(date)s) ends on this date, with reason X1."
            ) % {"date": _d(self.current.started_on)}
        else:
            self.fields["reason_new_episode"].initial = ReasonNewEpisode.S

    def clean_started_on(self) -> dt.date:
        started_on: dt.date = self.cleaned_data["started_on"]
        if self.current:
            _not_before(
                started_on,
                self.current.started_on,
                _("The new episode must start on or after the current one started (%(date)s)"),
            )
        not_in_future(started_on, FUTURE)
        return started_on

    def clean_reason_new_episode(self) -> str:
        reason: str = self.cleaned_data["reason_new_episode"]
        if self.current is None and reason != ReasonNewEpisode.S:
            raise forms.ValidationError(
                _(
                    "Select 'Started to be looked after': this child has no open looked-after episode"
                )
            )
        if self.current is not None and reason == ReasonNewEpisode.S:
            raise forms.ValidationError(
                _("This child is already looked after: select what changed")
            )
        return reason

    def clean_home_postcode(self) -> str:
        return _postcode(self.cleaned_data["home_postcode"])

    def clean_placement_postcode(self) -> str:
        return _postcode(self.cleaned_data["placement_postcode"])


class EndLookedAfterForm(VersionedForm):
    ceased_on = GovukDateField(
        label=_("Date episode ceased"),
        error_messages={"required": _("Enter the date the episode ceased")},
    )
    reason_ceased = forms.ChoiceField(
        label=_("Reason episode ceased"),
        choices=_choices_with_blank(
            [c for c in ReasonEpisodeCeased.choices if c[0] != ReasonEpisodeCeased.X1],
            _("Select the reason"),
        ),
        error_messages={"required": _("Select the reason the episode ceased")},
    )

    def __init__(self, *args: Any, episode: LookedAfterEpisode, **kwargs: Any) -> None:
        super().__init__(*args, record=episode, **kwargs)
        self.episode = episode

    def clean_ceased_on(self) -> dt.date:
        ceased_on: dt.date = self.cleaned_data["ceased_on"]
        _not_before(
            ceased_on,
            self.episode.started_on,
            _("The date the episode ceased must be on or after it started (%(date)s)"),
        )
        not_in_future(ceased_on, FUTURE)
        return ceased_on


# --- Pre-proceedings and care proceedings ------------------------------------------------------


class PreProceedingsForm(GovukForm):
    started_on = GovukDateField(
        label=_("Date of the pre-proceedings meeting"),
        error_messages={"required": _("Enter the date of the pre-proceedings meeting")},
    )

    def __init__(self, *args: Any, child: Person, cases: QuerySet[Case], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.child = child
        self.fields["case"] = case_field(cases)

    def clean_started_on(self) -> dt.date:
        started_on: dt.date = self.cleaned_data["started_on"]
        not_in_future(started_on, FUTURE)
        return started_on

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if PreProceedings.objects.open().filter(child=self.child).exists():
            raise forms.ValidationError(_("This child is already in pre-proceedings"))
        return data


class EndPreProceedingsForm(VersionedForm):
    ended_on = GovukDateField(
        label=_("End date"),
        error_messages={"required": _("Enter the end date")},
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=PreProceedings._meta.get_field("outcome").choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the outcome of pre-proceedings")},
    )

    def __init__(self, *args: Any, plo: PreProceedings, **kwargs: Any) -> None:
        super().__init__(*args, record=plo, **kwargs)
        self.plo = plo

    def clean_ended_on(self) -> dt.date:
        ended_on: dt.date = self.cleaned_data["ended_on"]
        _not_before(
            ended_on,
            self.plo.started_on,
            _("The end date must be on or after the start date (%(date)s)"),
        )
        not_in_future(ended_on, FUTURE)
        return ended_on


class CareProceedingsForm(GovukForm):
    issued_on = GovukDateField(
        label=_("Date the application was issued"),
        error_messages={"required": _("Enter the date the application was issued")},
    )

    def __init__(self, *args: Any, child: Person, cases: QuerySet[Case], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.child = child
        self.fields["case"] = case_field(cases)

    def clean_issued_on(self) -> dt.date:
        issued_on: dt.date = self.cleaned_data["issued_on"]
        not_in_future(issued_on, FUTURE)
        return issued_on

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if CareProceedings.objects.filter(
            child=self.child, concluded_on__isnull=True, archived_at__isnull=True
        ).exists():
            raise forms.ValidationError(
                _("This child already has care proceedings that have not concluded")
            )
        return data


class ConcludeProceedingsForm(VersionedForm):
    concluded_on = GovukDateField(
        label=_("Date proceedings concluded"),
        error_messages={"required": _("Enter the date proceedings concluded")},
    )
    final_order = forms.ChoiceField(
        label=_("Final order"),
        choices=CourtOrder.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the final order")},
    )

    def __init__(self, *args: Any, proceedings: CareProceedings, **kwargs: Any) -> None:
        super().__init__(*args, record=proceedings, **kwargs)
        self.proceedings = proceedings

    def clean_concluded_on(self) -> dt.date:
        concluded_on: dt.date = self.cleaned_data["concluded_on"]
        _not_before(
            concluded_on,
            self.proceedings.issued_on,
            _("The date proceedings concluded must be on or after they were issued (%(date)s)"),
        )
        not_in_future(concluded_on, FUTURE)
        return concluded_on


# --- Visits ----------------------------------------------------------------------------------


class VisitorChoiceField(ModelChoiceField):
    def label_from_instance(self, obj: Worker) -> str:
        return f"{obj.name} ({obj.get_role_display()})"


class VisitForm(GovukForm):
    visited_on = GovukDateField(
        label=_("Date of visit"),
        error_messages={"required": _("Enter the date of the visit")},
    )
    kind = forms.ChoiceField(
        label=_("Kind of visit"),
        choices=VisitKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the kind of visit")},
    )
    seen = forms.BooleanField(label=_("The child was seen"), required=False)
    seen_alone = forms.BooleanField(label=_("The child was seen alone"), required=False)

    def __init__(
        self, *args: Any, child: Person, cases: QuerySet[Case], worker: Worker | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.child = child
        self.fields["visitor"] = VisitorChoiceField(
            label=_("Visiting worker"),
            queryset=Worker.objects.filter(archived_at__isnull=True, left_on__isnull=True)
            .select_related("user")
            .order_by("user__last_name", "user__first_name", "pk"),
            empty_label=_("Select the visiting worker"),
            error_messages={"invalid_choice": _("Select the visiting worker")},
            initial=worker,
            required=False,
            help_text=_("Leave as it is if you made the visit."),
        )
        self.worker = worker
        self.fields["case"] = case_field(cases)
        if cases.count() == 1:
            self.fields["case"].initial = cases.first()

    def clean_visited_on(self) -> dt.date:
        visited_on: dt.date = self.cleaned_data["visited_on"]
        not_in_future(visited_on, _("The date of the visit must be today or in the past"))
        return visited_on

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("visitor") and "visitor" not in self.errors:
            if self.worker is None:
                self.add_error("visitor", _("Select the visiting worker"))
            else:
                data["visitor"] = self.worker
        if data.get("seen_alone") and not data.get("seen"):
            self.add_error("seen_alone", _("A child seen alone must also have been seen"))
        return data
