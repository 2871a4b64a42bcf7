"""Recording a completed questionnaire, and correcting one, in one audited transaction.

The scores are computed here from the responses with the scorer and stored with its version:
nobody types a score. The scorer is the last word on what a valid response is, so its message
(which names the item) is what a refused save says. Forms check the same things first, in
GOV.UK words.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from familyworkbook import audit
from familyworkbook.cases.models import Case
from familyworkbook.core import clock
from familyworkbook.measures.instruments import INFO, Informant
from familyworkbook.measures.models import MeasureResponse
from familyworkbook.measures.scoring import SCORER_VERSION, score
from familyworkbook.people.models import Person, PersonKind
from familyworkbook.teams.models import User


def age_problem(person: Person, instrument: str, informant: str, on: dt.date) -> str | None:
    """Why this person cannot have this questionnaire on this date (by age), or None."""
    meta = INFO[instrument]
    age = person.age_on(on)
    if age is None:
        return None  # an adult with no date of birth recorded: nothing to check against
    lowest = meta.min_age
    if informant == Informant.SELF and meta.self_min_age is not None:
        lowest = meta.self_min_age
    if lowest is not None and age < lowest:
        return _("The %(name)s is for people aged %(age)s or over: %(person)s was %(was)s") % {
            "name": meta.short_name,
            "age": lowest,
            "person": person.full_name,
            "was": age,
        }
    if meta.max_age is not None and age > meta.max_age:
        return _("The %(name)s is for people aged %(age)s or under: %(person)s was %(was)s") % {
            "name": meta.short_name,
            "age": meta.max_age,
            "person": person.full_name,
            "was": age,
        }
    return None


def _check(
    *,
    person: Person,
    case: Case,
    instrument: str,
    informant: str,
    completed_on: dt.date,
) -> None:
    if instrument not in INFO:
        raise ValidationError({"instrument": _("Select a questionnaire from the list")})
    if informant not in INFO[instrument].informants:
        raise ValidationError({"informant": _("Select who completed the questionnaire")})
    if person.kind == PersonKind.UNBORN:
        raise ValidationError(_("Questionnaires are recorded for people who have been born"))
    if completed_on > clock.today():
        raise ValidationError(
            {"completed_on": _("The date completed must be today or in the past")}
        )
    if person.date_of_birth and completed_on < person.date_of_birth:
        raise ValidationError(
            {"completed_on": _("The date completed must be on or after the date of birth")}
        )
    if completed_on < case.opened_on:
        raise ValidationError(
            {
                "completed_on": _(
                    "The date completed must be on or after the case opened (%(date)s)"
                )
                % {"date": f"{case.opened_on:%d/%m/%Y}"}
            }
        )
    belongs = case.family.memberships.filter(person=person, archived_at__isnull=True).exists()
    if not belongs:
        raise ValidationError({"case": _("Select a case of a family this person belongs to")})
    problem = age_problem(person, instrument, informant, completed_on)
    if problem:
        raise ValidationError({"completed_on": problem})


def _scores(
    instrument: str, informant: str, responses: dict[str, Any], impact: dict[str, Any] | None
) -> dict[str, Any]:
    if not isinstance(responses, dict) or not any(v is not None for v in responses.values()):
        raise ValidationError({"responses": _("Answer at least one item")})
    try:
        if instrument == "sdq":
            return score("sdq", informant=informant, items=responses, impact=impact)
        if impact is not None:
            raise ValidationError({"impact": _("Only the SDQ has an impact supplement")})
        return score(instrument, items=responses)
    except ValueError as exc:
        # The scorer's message names the item: it is what the user needs to put it right.
        raise ValidationError({"responses": str(exc)}) from exc


def _label(record: MeasureResponse) -> str:
    return f"{record.instrument} ({record.informant}) {record.completed_on:%d/%m/%Y}"


@transaction.atomic
def record_measure(
    *,
    person: Person,
    case: Case,
    instrument: str,
    informant: str,
    completed_on: dt.date,
    collection_point: str,
    responses: dict[str, int | None],
    impact: dict[str, int | None] | None = None,
    by: User,
    supersedes: MeasureResponse | None = None,
    correction_reason: str = "",
) -> MeasureResponse:
    """Score and save a completed questionnaire; with ``supersedes``, as a correction of it."""
    _check(
        person=person,
        case=case,
        instrument=instrument,
        informant=informant,
        completed_on=completed_on,
    )
    if supersedes is not None:
        # Lock the record being corrected so two corrections of it cannot both go through.
        old = MeasureResponse.objects.select_for_update().get(pk=supersedes.pk)
        if old.person_id != person.pk or old.instrument != instrument:
            raise ValidationError(_("A correction is for the same person and questionnaire"))
        if old.is_archived or MeasureResponse.objects.filter(supersedes=old).exists():
            raise ValidationError(
                _("This record has already been corrected: open the latest version to correct it")
            )
        if not correction_reason.strip():
            raise ValidationError(
                {"correction_reason": _("Enter why the record is being corrected")}
            )
    elif correction_reason:
        raise ValidationError({"correction_reason": _("Only a correction has a reason")})
    scores = _scores(instrument, informant, responses, impact)
    record = MeasureResponse(
        person=person,
        case=case,
        instrument=instrument,
        informant=informant,
        completed_on=completed_on,
        collection_point=collection_point,
        responses={str(k): v for k, v in responses.items()},
        impact=impact,
        scores=scores,
        scorer_version=SCORER_VERSION,
        supersedes=supersedes,
        correction_reason=correction_reason.strip(),
    )
    record.stamp(by)
    record.full_clean(exclude=["scores", "scorer_version"])
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError as exc:
        if supersedes is not None:
            raise ValidationError(
                _("This record has already been corrected: open the latest version to correct it")
            ) from exc
        raise
    data = {
        "person": person.pk,
        "case": case.pk,
        "instrument": instrument,
        "informant": informant,
        "completed_on": completed_on,
        "collection_point": collection_point,
        "scorer_version": SCORER_VERSION,
    }
    if supersedes is not None:
        data["supersedes"] = supersedes.pk
        audit.record(
            actor=by,
            verb=audit.Verb.CHANGED,
            target=supersedes,
            label=_label(supersedes),
            data={"superseded_by": record.pk},
        )
    audit.record(actor=by, verb=audit.Verb.CREATED, target=record, label=_label(record), data=data)
    return record
