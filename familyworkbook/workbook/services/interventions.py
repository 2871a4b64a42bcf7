"""Supporting Change episodes: intake (with readiness screening), extension, outcome."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from familyworkbook.people.models import Family, Person, PersonKind
from familyworkbook.teams.models import User, Worker
from familyworkbook.workbook.models import SUPPORTING_CHANGE, Intervention, Programme
from familyworkbook.workbook.services._common import create, edit, require_member, worker_of

LABEL = "Intensive intervention"


def readiness_band(programme: Programme, score: int) -> str:
    for band in programme.data.get("readiness_screening", {}).get("bands", []):
        if band["min"] <= score <= band["max"]:
            return str(band["label"])
    return ""


@transaction.atomic
def start_intervention(
    *,
    family: Family,
    by: User,
    child: Person,
    eligibility: str,
    started_on: dt.date,
    readiness_answers: list[int],
    legal_status_at_start: str,
    keyworker: Worker | None = None,
    programme: Programme | None = None,
) -> Intervention:
    """Intake: the case-holding social worker refers; screening decides how to start."""
    programme = programme or Programme.objects.latest_of(SUPPORTING_CHANGE)
    if programme is None:
        raise ValidationError(_("The Supporting Change programme is not loaded"))
    require_member(family, child, "child")
    if child.kind not in (PersonKind.CHILD, PersonKind.UNBORN):
        raise ValidationError({"child": _("Select a child")})
    questions = programme.data.get("readiness_screening", {}).get("questions", [])
    if len(readiness_answers) != len(questions) or any(not 0 <= a <= 4 for a in readiness_answers):
        raise ValidationError(_("Answer every readiness-for-change question from 0 to 4"))
    if Intervention.objects.filter(
        family=family, ended_on__isnull=True, archived_at__isnull=True
    ).exists():
        raise ValidationError(_("This family already has an open intensive intervention"))
    score = sum(readiness_answers)
    intervention = Intervention(
        family=family,
        child=child,
        programme=programme,
        programme_version=programme.version,
        referred_by=worker_of(by),
        keyworker=keyworker,
        eligibility=eligibility,
        started_on=started_on,
        planned_end_on=started_on + dt.timedelta(weeks=programme.default_weeks),
        readiness_answers=list(readiness_answers),
        readiness_score=score,
        readiness_band=readiness_band(programme, score),
        legal_status_at_start=legal_status_at_start,
    )
    return create(intervention, by=by, label=LABEL, data={"family": family.pk, "score": score})


@transaction.atomic
def extend_intervention(
    intervention: Intervention,
    *,
    by: User,
    expected_version: int | None,
    extended_to: dt.date,
    extension_reason: str,
    extension_agreed_by: str,
    extension_agreed_on: dt.date,
) -> Intervention:
    """Beyond twelve weeks only with agreement and a reason (seed 000)."""
    if not intervention.is_open:
        raise ValidationError(_("This intervention has ended"))
    return edit(
        intervention,
        by=by,
        expected_version=expected_version,
        label=LABEL,
        extended_to=extended_to,
        extension_reason=extension_reason,
        extension_agreed_by=extension_agreed_by,
        extension_agreed_on=extension_agreed_on,
    )


@transaction.atomic
def end_intervention(
    intervention: Intervention,
    *,
    by: User,
    expected_version: int | None,
    ended_on: dt.date,
    outcome: str,
    legal_status_at_end: str,
    outcome_notes: str = "",
) -> Intervention:
    if not intervention.is_open:
        raise ValidationError(_("This intervention has already ended"))
    return edit(
        intervention,
        by=by,
        expected_version=expected_version,
        label=LABEL,
        ended_on=ended_on,
        outcome=outcome,
        legal_status_at_end=legal_status_at_end,
        outcome_notes=outcome_notes,
    )
