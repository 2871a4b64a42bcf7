"""Forms for what the SSDA903 return needs about a looked-after child beyond the episodes.

One model form per fact (`cases/lac_models.py`): reviews, missing or away from placement,
unaccompanied asylum-seeking status, OC2 and OC3 outcomes, adoption decisions, previous
permanence and the reason a social worker changed. The models' own `clean()` holds the rules
that involve more than one field (so the admin and the services keep them too); these forms
add the GOV.UK wording, the date inputs and the rules that need today's date or the child's
other records. An edit carries the version the page was built from, so a stale edit is
refused, never saved over someone else's.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from familyworkbook.cases.lac_models import (
    AdoptionDecision,
    CareLeaverOutcome,
    LookedAfterOutcome,
    LookedAfterReview,
    MissingEpisode,
    PreviousPermanence,
    SocialWorkerChange,
    UascStatus,
)
from familyworkbook.cases.models import LookedAfterEpisode
from familyworkbook.core import clock
from familyworkbook.core.fields import IntegerField
from familyworkbook.core.forms import GovukDateField, GovukModelForm
from familyworkbook.people.models import Person

FUTURE = _("The date must be today or in the past")
LA_ELSEWHERE = {"WAL", "SCO", "NIR", "NUK"}
# dd/mm/yyyy, where the day, the month or both may be ZZ when only part is known (DfE DATE_PERM).
ORDER_DATE = re.compile(r"(\d{2}|ZZ)/(\d{2}|ZZ)/(\d{4})")


def latest_order_date(value: str) -> dt.date:
    """The latest day a DATE_PERM could mean (ZZ: the end of the month or year), as the DfE's
    rule 632 reads it."""
    day, month, year = ORDER_DATE.fullmatch(value).groups()  # type: ignore[union-attr]
    if month == "ZZ":
        return dt.date(int(year), 12, 31)
    last = calendar.monthrange(int(year), int(month))[1]
    return dt.date(int(year), int(month), last if day == "ZZ" else int(day))


def collection_year(today: dt.date | None = None) -> int:
    """The return being built today: the year ending 31 March (2026 for 2025/26)."""
    today = today or clock.today()
    return today.year + 1 if today.month >= 4 else today.year


def _date(label: Any, *, required: bool, message: Any = None, hint: Any = None) -> GovukDateField:
    return GovukDateField(
        label=label,
        required=required,
        help_text=hint or _("For example, 27 3 2025"),
        error_messages={"required": message} if message else {},
    )


def _yes_no(label: Any) -> forms.TypedChoiceField:
    """Yes, no, or not known yet (stored as None, so the return leaves it blank)."""
    return forms.TypedChoiceField(
        label=label,
        required=False,
        choices=[("true", _("Yes")), ("false", _("No")), ("", _("Not known yet"))],
        coerce=lambda value: value == "true",
        empty_value=None,
        widget=forms.RadioSelect,
    )


def _with_blank(choices: Any, blank: Any) -> list[tuple[str, Any]]:
    return [("", blank), *[(value, f"{value}: {label}") for value, label in choices]]


class FactForm(GovukModelForm):
    """A looked-after fact about `child`; with a saved instance, an edit that carries a version."""

    version = IntegerField(widget=forms.HiddenInput, required=False)
    not_in_future: tuple[str, ...] = ()

    def __init__(self, *args: Any, child: Person, **kwargs: Any) -> None:
        instance = kwargs.get("instance")
        if instance is None:
            kwargs["instance"] = self._meta.model(child=child)  # type: ignore[attr-defined]
        super().__init__(*args, **kwargs)
        self.child = child
        self.fields["version"].initial = self.instance.version if self.instance.pk else None
        for name in self.not_in_future:
            self.fields[name].validators.append(_not_in_future)

    @property
    def expected_version(self) -> int | None:
        return self.cleaned_data.get("version")

    def values(self) -> dict[str, Any]:
        """The model fields this form sets (what a service takes)."""
        return {name: self.cleaned_data[name] for name in self._meta.fields}  # type: ignore[union-attr]


def _not_in_future(value: dt.date | None) -> None:
    if value and value > clock.today():
        raise forms.ValidationError(FUTURE)


def _dates(form: forms.Form, **specs: tuple[Any, bool, Any]) -> None:
    for name, (label, required, message) in specs.items():
        form.fields[name] = _date(label, required=required, message=message)


class ReviewForm(FactForm):
    not_in_future = ("held_on",)

    class Meta:
        model = LookedAfterReview
        fields = ["held_on", "participation"]
        widgets = {"participation": forms.RadioSelect}
        labels = {"participation": _("How did the child take part?")}
        error_messages = {"participation": {"required": _("Select how the child took part")}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _dates(self, held_on=(_("Date of the review"), True, _("Enter the date of the review")))
        self.order_fields(["held_on", "participation"])


class MissingForm(FactForm):
    not_in_future = ("started_on", "ended_on")

    class Meta:
        model = MissingEpisode
        fields = ["kind", "started_on", "ended_on"]
        widgets = {"kind": forms.RadioSelect}
        labels = {"kind": _("Was the child missing, or away without authorisation?")}
        error_messages = {"kind": {"required": _("Select missing or away")}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _dates(
            self,
            started_on=(
                _("Date the child went missing or away"),
                True,
                _("Enter the date the child went missing or away"),
            ),
            ended_on=(_("Date the child returned (leave blank if not back yet)"), False, None),
        )
        self.order_fields(["kind", "started_on", "ended_on"])


class UascForm(FactForm):
    not_in_future = ("since",)

    class Meta:
        model = UascStatus
        fields = ["since", "ceased_on"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _dates(
            self,
            since=(
                _("Unaccompanied asylum-seeking child since"),
                True,
                _("Enter the date the child became an unaccompanied asylum-seeking child"),
            ),
            ceased_on=(_("Date the status ceased (optional)"), False, None),
        )
        self.fields["ceased_on"].help_text = _(
            "At the latest, the day before the 18th birthday. For example, 27 3 2025"
        )

    def clean_ceased_on(self) -> dt.date | None:
        ceased: dt.date | None = self.cleaned_data.get("ceased_on")
        born = self.child.date_of_birth
        if ceased and born and (self.child.age_on(ceased) or 0) >= 18:
            raise forms.ValidationError(
                _("The status ceases on the day before the 18th birthday at the latest")
            )
        return ceased


class YearFactForm(FactForm):
    """OC2 and OC3: one per child per collection year."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = collection_year()
        self.fields["year"] = forms.TypedChoiceField(
            label=_("Which year's return is this for?"),
            choices=[
                (y, f"{y - 1} to {y} (year ending 31 March {y})")
                for y in range(current, current - 6, -1)
            ],
            coerce=int,
            initial=self.instance.year if self.instance.pk else current,
            error_messages={"required": _("Select the year")},
        )
        self.order_fields(["year"])

    def clean_year(self) -> int:
        year: int = self.cleaned_data["year"]
        taken = (
            type(self.instance)
            .objects.filter(child=self.child, year=year, archived_at__isnull=True)
            .exclude(pk=self.instance.pk)
        )
        if taken.exists():
            raise forms.ValidationError(
                _("This year's record already exists: change that one instead")
            )
        return year


class OutcomeForm(YearFactForm):
    class Meta:
        model = LookedAfterOutcome
        fields = [
            "year",
            "sdq_score",
            "sdq_reason",
            "convicted",
            "health_check",
            "immunisations",
            "teeth_check",
            "health_assessment",
            "substance_misuse",
            "intervention_received",
            "intervention_offered",
        ]
        labels = {
            "sdq_score": _("SDQ total difficulties score (0 to 40)"),
            "sdq_reason": _("If there is no SDQ score, why not?"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sdq_score"] = IntegerField(
            label=_("SDQ total difficulties score (0 to 40)"),
            required=False,
            min_value=0,
            max_value=40,
            help_text=_(
                "For children aged 4 to 16. Leave blank and give a reason if there is none."
            ),
            error_messages={
                "invalid": _("Enter the SDQ score as a whole number from 0 to 40"),
                "min_value": _("The SDQ score must be 0 or more"),
                "max_value": _("The SDQ score must be 40 or less"),
            },
        )
        self.fields["sdq_score"].widget.attrs["class"] = "govuk-input--width-3"
        self.fields["sdq_reason"].choices = _with_blank(
            LookedAfterOutcome._meta.get_field("sdq_reason").choices, _("There is a score")
        )
        for name in self._meta.fields[3:]:  # type: ignore[index]
            self.fields[name] = _yes_no(
                LookedAfterOutcome._meta.get_field(name).verbose_name.capitalize()
            )  # type: ignore[union-attr]
        self.order_fields(self._meta.fields)  # type: ignore[arg-type]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        items = self._meta.fields[1:]  # type: ignore[index]
        if not self.errors and all(data.get(name) in (None, "") for name in items):
            raise forms.ValidationError(
                _("Record the SDQ score (or why there is none), or at least one outcome")
            )
        return data


class CareLeaverForm(YearFactForm):
    class Meta:
        model = CareLeaverOutcome
        fields = ["year", "in_touch", "activity", "accommodation"]
        widgets = {"in_touch": forms.RadioSelect}
        labels = {
            "in_touch": _("Is the council in touch with the young person?"),
            "activity": _("Main activity"),
            "accommodation": _("Accommodation, and whether it is suitable"),
        }
        error_messages = {"in_touch": {"required": _("Select whether the council is in touch")}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["activity"].choices = _with_blank(
            CareLeaverOutcome._meta.get_field("activity").choices, _("Not recorded")
        )
        self.fields["accommodation"].choices = _with_blank(
            CareLeaverOutcome._meta.get_field("accommodation").choices, _("Not recorded")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("in_touch") == "YES":
            for name in ("activity", "accommodation"):
                if not data.get(name):
                    self.add_error(
                        name,
                        _("Select the main activity")
                        if name == "activity"
                        else _("Select the accommodation"),
                    )
        return data


class AdoptionForm(FactForm):
    not_in_future = ("decided_on", "reversed_on", "matched_on")

    class Meta:
        model = AdoptionDecision
        fields = [
            "decided_on",
            "reversed_on",
            "reversal_reason",
            "matched_on",
            "with_foster_carers",
            "number_of_adopters",
            "adopters",
            "adopters_legal_status",
        ]
        widgets = {"reversal_reason": forms.RadioSelect}
        labels = {
            "reversal_reason": _("If the decision was reversed, why?"),
            "adopters": _("Sex of the adopters"),
            "adopters_legal_status": _("Legal status of the adopters"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _dates(
            self,
            decided_on=(
                _("Date of the decision that the child should be placed for adoption"),
                True,
                _("Enter the date of the decision that the child should be placed for adoption"),
            ),
            reversed_on=(
                _("Date the decision was reversed (only if it was)"),
                False,
                None,
            ),
            matched_on=(_("Date the child was matched with adopters (optional)"), False, None),
        )
        self.fields["reversal_reason"].choices = [
            ("", _("Not reversed")),
            *AdoptionDecision._meta.get_field("reversal_reason").choices,
        ]
        self.fields["reversal_reason"].required = False
        self.fields["with_foster_carers"] = _yes_no(_("Adopted by their former foster carers?"))
        self.fields["number_of_adopters"] = forms.TypedChoiceField(
            label=_("Number of adopters"),
            required=False,
            choices=[("1", "1"), ("2", "2"), ("", _("Not known yet"))],
            coerce=int,
            empty_value=None,
            widget=forms.RadioSelect,
        )
        for name in ("adopters", "adopters_legal_status"):
            self.fields[name].choices = _with_blank(
                AdoptionDecision._meta.get_field(name).choices, _("Not known yet")
            )
        self.order_fields(self._meta.fields)  # type: ignore[arg-type]


class PreviousPermanenceForm(FactForm):
    class Meta:
        model = PreviousPermanence
        fields = ["care_started_on", "kind", "local_authority", "order_date"]
        widgets = {"kind": forms.RadioSelect}
        labels = {
            "kind": _("Before this period of care, was the child adopted or under an order?"),
            "local_authority": _("Council that made the arrangement"),
            "order_date": _("Date of the order"),
        }
        help_texts = {
            "local_authority": _(
                "Its three-digit DfE number, or WAL, SCO, NIR or NUK for Wales, Scotland, "
                "Northern Ireland or not known"
            ),
            "order_date": _(
                "As dd/mm/yyyy, for example 05/11/2019. Put ZZ for a day or month not known: "
                "ZZ/11/2019"
            ),
        }
        error_messages = {"kind": {"required": _("Select the previous permanence")}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        starts = list(
            LookedAfterEpisode.objects.filter(
                child=self.child, reason_new_episode="S", archived_at__isnull=True
            )
            .order_by("-started_on")
            .values_list("started_on", flat=True)
        )
        current = self.instance.care_started_on if self.instance.pk else None
        if current and current not in starts:
            starts.append(current)
        self.fields["care_started_on"] = forms.TypedChoiceField(
            label=_("Which period of care is this about?"),
            choices=[("", _("Select the period of care"))]
            + [
                (f"{day:%Y-%m-%d}", _("Looked after from %(date)s") % {"date": f"{day:%d/%m/%Y}"})
                for day in starts
            ],
            coerce=dt.date.fromisoformat,
            error_messages={
                "required": _("Select the period of care"),
                "invalid_choice": _("Select the period of care"),
            },
        )
        self.fields["local_authority"].widget.attrs["class"] = "govuk-input--width-5"
        self.fields["order_date"].widget.attrs["class"] = "govuk-input--width-10"
        self.order_fields(self._meta.fields)  # type: ignore[arg-type]

    def clean_local_authority(self) -> str:
        value: str = self.cleaned_data["local_authority"].strip().upper()
        if value and not (re.fullmatch(r"\d{3}", value) or value in LA_ELSEWHERE):
            raise forms.ValidationError(
                _("Enter the council's three-digit DfE number, or WAL, SCO, NIR or NUK")
            )
        return value

    def clean_order_date(self) -> str:
        value: str = self.cleaned_data["order_date"].strip().upper()
        if not value:
            return value
        match = ORDER_DATE.fullmatch(value)
        if not match:
            raise forms.ValidationError(
                _("Enter the date of the order as dd/mm/yyyy, with ZZ for a day or month not known")
            )
        day, month, year = match.groups()
        try:
            latest_order_date(value)
            dt.date(int(year), 1 if month == "ZZ" else int(month), 1 if day == "ZZ" else int(day))
        except ValueError:
            raise forms.ValidationError(_("The date of the order must be a real date")) from None
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind, started = data.get("kind"), data.get("care_started_on")
        if kind and kind != "Z1":
            # The DfE needs both for an adoption, SGO or CAO (rule 630).
            if not data.get("local_authority") and "local_authority" not in self.errors:
                self.add_error("local_authority", _("Enter the council that made the arrangement"))
            if not data.get("order_date") and "order_date" not in self.errors:
                self.add_error("order_date", _("Enter the date of the order"))
        if kind == "Z1" and (data.get("local_authority") or data.get("order_date")):
            self.add_error(
                "kind", _("Leave the council and date blank when there was no previous permanence")
            )
        order = data.get("order_date")
        if (
            started
            and order
            and "order_date" not in self.errors
            and latest_order_date(order) >= started
        ):
            self.add_error(
                "order_date",
                _("The order must be before this period of care started (%(date)s)")
                % {"date": f"{started:%d/%m/%Y}"},
            )
        return data


class SocialWorkerChangeForm(GovukModelForm):
    version = IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = SocialWorkerChange
        fields = ["reason"]
        widgets = {"reason": forms.RadioSelect}
        labels = {"reason": _("Why did the social worker change?")}
        error_messages = {"reason": {"required": _("Select why the social worker changed")}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = SocialWorkerChange._meta.get_field("reason").choices
        self.fields["version"].initial = self.instance.version if self.instance.pk else None

    @property
    def expected_version(self) -> int | None:
        return self.cleaned_data.get("version")

    def values(self) -> dict[str, Any]:
        return {"reason": self.cleaned_data["reason"]}
