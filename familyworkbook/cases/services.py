"""State changes to cases, allocations and a child's statutory episodes.

Each function is one transaction, takes keyword arguments and `by=` (the acting user), and
refuses an invalid state with a `ValidationError` whose keys are the model's field names, so a
view can show the message against the field the user typed. Forms check the same rules first
with friendlier timing; these checks are the guard that holds whoever calls.

Edits of an existing record take `expected_version` (the version the user's form was built
from): if someone else saved the record since, the edit is refused with `StaleEditError`
instead of silently overwriting their change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from familyworkbook import audit
from familyworkbook.cases.models import (
    Allocation,
    Assessment,
    CareProceedings,
    Case,
    CinEpisode,
    CinPlan,
    CpPlan,
    CpReview,
    EpisodeSecondaryNeed,
    LookedAfterEpisode,
    PreProceedings,
    Section47,
    Visit,
)
from familyworkbook.core import scoping
from familyworkbook.core.codes import ReasonEpisodeCeased, ReasonNewEpisode
from familyworkbook.core.models import RecordModel, StaleEditError
from familyworkbook.people.models import Family, Person, PersonKind
from familyworkbook.teams.models import Team, User, Worker

R = TypeVar("R", bound=RecordModel)

# An unborn baby can be referred before birth, but not before a pregnancy could exist.
PRE_BIRTH_LIMIT = dt.timedelta(weeks=40)


def _create(record: R, *, by: User) -> R:
    record.stamp(by)
    record.full_clean()
    record.save()
    audit.record(
        actor=by,
        verb=audit.Verb.CREATED,
        target=record,
        data={"changes": audit.changes({}, record, redact=scoping.redacted_fields(record))},
    )
    return record


def _edit(record: R, *, by: User, expected_version: int | None, **changes: Any) -> R:
    """Apply `changes` to a fresh copy and save it, refusing a stale edit.

    Works on a fresh copy so that a refused edit leaves the caller's object as it was (the
    page that re-renders still shows the record as stored).
    """
    fresh = type(record)._default_manager.get(pk=record.pk)
    if expected_version is not None and fresh.version != expected_version:
        raise StaleEditError(fresh, expected=expected_version, actual=fresh.version)
    before = audit.snapshot(fresh)
    for name, value in changes.items():
        setattr(fresh, name, value)
    fresh.full_clean()
    fresh.save_checked(by=by, expected_version=fresh.version)
    audit.record(
        actor=by,
        verb=audit.Verb.CHANGED,
        target=fresh,
        data={"changes": audit.changes(before, fresh, redact=scoping.redacted_fields(fresh))},
    )
    return fresh


def _refuse_stale(record: RecordModel, expected_version: int | None) -> None:
    """Refuse before any other rule: "someone else changed this" explains a refusal best."""
    if expected_version is None:
        return
    current = type(record)._default_manager.get(pk=record.pk)
    if current.version != expected_version:
        raise StaleEditError(current, expected=expected_version, actual=current.version)


def _require_child(child: Person) -> None:
    if child.kind not in (PersonKind.CHILD, PersonKind.UNBORN):
        raise ValidationError(_("Statutory episodes are recorded for children only"))


def _require_open_case_of(child: Person, case: Case | None) -> None:
    """A statutory event may name one of the open cases of a family the child belongs to."""
    if case is None:
        return
    belongs = case.family.memberships.filter(
        person=child, ended_on__isnull=True, archived_at__isnull=True
    ).exists()
    if not case.is_open or not belongs:
        raise ValidationError({"case": _("Select one of the family's open cases")})


# --- Cases and allocation ------------------------------------------------------------------


@transaction.atomic
def open_case(*, family: Family, team: Team, reason: str, opened_on: dt.date, by: User) -> Case:
    if Case.objects.open().filter(family=family, team=team).exists():
        raise ValidationError(
            {"team": _("This family already has an open case with %(team)s") % {"team": team}}
        )
    return _create(Case(family=family, team=team, reason=reason, opened_on=opened_on), by=by)


@transaction.atomic
def close_case(
    case: Case,
    *,
    closed_on: dt.date,
    closure_reason: str,
    by: User,
    expected_version: int | None = None,
) -> Case:
    """Close the case and end every current allocation on the closing date."""
    _refuse_stale(case, expected_version)
    if not case.is_open:
        raise ValidationError(_("This case is already closed"))
    current = list(case.allocations.current().select_related("worker__user"))
    for allocation in current:
        if allocation.started_on > closed_on:
            raise ValidationError(
                {
                    "closed_on": _(
                        "The date the case closed must be on or after %(name)s was allocated (%(date)s)"
                    )
                    % {"name": allocation.worker.name, "date": f"{allocation.started_on:%d/%m/%Y}"}
                }
            )
    closed = _edit(
        case,
        by=by,
        expected_version=expected_version,
        closed_on=closed_on,
        closure_reason=closure_reason,
    )
    for allocation in current:
        _edit(allocation, by=by, expected_version=allocation.version, ended_on=closed_on)
    return closed


@transaction.atomic
def allocate_worker(
    case: Case,
    *,
    worker: Worker,
    role: str,
    is_lead: bool,
    started_on: dt.date,
    by: User,
) -> Allocation:
    """Allocate a worker. Making someone lead ends the current lead's allocation that day."""
    if not case.is_open:
        raise ValidationError(_("You cannot allocate a worker to a closed case"))
    if started_on < case.opened_on:
        raise ValidationError(
            {
                "started_on": _("The allocation must start on or after the case opened (%(date)s)")
                % {"date": f"{case.opened_on:%d/%m/%Y}"}
            }
        )
    if case.allocations.current().filter(worker=worker).exists():
        raise ValidationError(
            {"worker": _("%(name)s is already allocated to this case") % {"name": worker.name}}
        )
    if is_lead:
        for lead in case.allocations.current().filter(is_lead=True):
            if lead.started_on > started_on:
                raise ValidationError(
                    {
                        "started_on": _(
                            "The new lead must start on or after the current lead started (%(date)s)"
                        )
                        % {"date": f"{lead.started_on:%d/%m/%Y}"}
                    }
                )
            _edit(lead, by=by, expected_version=lead.version, ended_on=started_on)
    return _create(
        Allocation(case=case, worker=worker, role=role, is_lead=is_lead, started_on=started_on),
        by=by,
    )


@transaction.atomic
def end_allocation(
    allocation: Allocation,
    *,
    ended_on: dt.date,
    by: User,
    expected_version: int | None = None,
) -> Allocation:
    _refuse_stale(allocation, expected_version)
    if allocation.ended_on is not None:
        raise ValidationError(_("This allocation has already ended"))
    if ended_on < allocation.started_on:
        raise ValidationError(
            {
                "ended_on": _("The allocation must end on or after it started (%(date)s)")
                % {"date": f"{allocation.started_on:%d/%m/%Y}"}
            }
        )
    return _edit(allocation, by=by, expected_version=expected_version, ended_on=ended_on)


# --- Episodes of need ----------------------------------------------------------------------


@transaction.atomic
def record_referral(
    *,
    child: Person,
    referral_on: dt.date,
    referral_source: str,
    by: User,
    primary_need: str = "",
    secondary_needs: Iterable[str] = (),
    referral_nfa: bool = False,
    case: Case | None = None,
) -> CinEpisode:
    """Open a new episode of need with the referral that starts it."""
    _require_child(child)
    _require_open_case_of(child, case)
    if CinEpisode.objects.open().filter(child=child).exists():
        raise ValidationError(_("This child already has an open episode of need"))
    born = child.date_of_birth or child.expected_date_of_birth
    if born and referral_on < born - PRE_BIRTH_LIMIT:
        raise ValidationError(
            {
                "referral_on": _(
                    "The referral date cannot be more than 40 weeks before the child's (expected) date of birth"
                )
            }
        )
    episode = _create(
        CinEpisode(
            child=child,
            case=case,
            referral_on=referral_on,
            referral_source=referral_source,
            primary_need=primary_need,
            referral_nfa=referral_nfa,
        ),
        by=by,
    )
    EpisodeSecondaryNeed.objects.bulk_create(
        EpisodeSecondaryNeed(episode=episode, need=need) for need in dict.fromkeys(secondary_needs)
    )
    return episode


def latest_event_in(episode: CinEpisode) -> tuple[dt.date, str] | None:
    """The latest dated event recorded in the episode, and what it was (CIN census rule 8565)."""
    live = {"archived_at__isnull": True}
    dates: list[tuple[dt.date, str]] = [(episode.referral_on, _("the referral"))]
    for a in episode.assessments.filter(**live):
        dates.append((a.started_on, _("an assessment started")))
        if a.authorised_on:
            dates.append((a.authorised_on, _("an assessment was authorised")))
    for s in episode.section47s.filter(**live):
        dates.append((s.started_on, _("a section 47 enquiry started")))
        if s.icpc_on:
            dates.append((s.icpc_on, _("the initial child protection conference")))
    for p in episode.cin_plans.filter(**live):
        dates.append((p.started_on, _("a child in need plan started")))
        if p.ended_on:
            dates.append((p.ended_on, _("a child in need plan ended")))
    for p in episode.cp_plans.filter(**live):
        dates.append((p.started_on, _("a child protection plan started")))
        if p.ended_on:
            dates.append((p.ended_on, _("a child protection plan ended")))
    for r in CpReview.objects.filter(plan__episode=episode, **live):
        dates.append((r.held_on, _("a child protection review")))
    return max(dates, key=lambda d: d[0])


@transaction.atomic
def close_episode(
    episode: CinEpisode,
    *,
    closed_on: dt.date,
    closure_reason: str,
    by: User,
    expected_version: int | None = None,
) -> CinEpisode:
    """Close the episode; open CIN and CP plans end on the same day."""
    _refuse_stale(episode, expected_version)
    if not episode.is_open:
        raise ValidationError(_("This episode of need is already closed"))
    latest = latest_event_in(episode)
    if latest and closed_on < latest[0]:
        raise ValidationError(
            {
                "closed_on": _("The closure date must be on or after %(event)s (%(date)s)")
                % {"event": latest[1], "date": f"{latest[0]:%d/%m/%Y}"}
            }
        )
    closed = _edit(
        episode,
        by=by,
        expected_version=expected_version,
        closed_on=closed_on,
        closure_reason=closure_reason,
    )
    for plan in [*episode.cin_plans.open(), *episode.cp_plans.open()]:
        _edit(plan, by=by, expected_version=plan.version, ended_on=closed_on)
    return closed


def _require_open_episode(episode: CinEpisode) -> None:
    if not episode.is_open:
        raise ValidationError(_("This episode of need is closed: record a new referral first"))


def _not_before_referral(episode: CinEpisode, on: dt.date, field: str) -> None:
    if on < episode.referral_on:
        raise ValidationError(
            {
                field: _("The date must be on or after the referral date (%(date)s)")
                % {"date": f"{episode.referral_on:%d/%m/%Y}"}
            }
        )


@transaction.atomic
def record_assessment(
    *,
    episode: CinEpisode,
    started_on: dt.date,
    by: User,
    authorised_on: dt.date | None = None,
    factors: Iterable[str] = (),
) -> Assessment:
    _require_open_episode(episode)
    _not_before_referral(episode, started_on, "started_on")
    return _create(
        Assessment(
            episode=episode,
            started_on=started_on,
            authorised_on=authorised_on,
            factors=list(factors),
        ),
        by=by,
    )


@transaction.atomic
def record_s47(
    *,
    episode: CinEpisode,
    started_on: dt.date,
    by: User,
    icpc_target_on: dt.date | None = None,
    icpc_on: dt.date | None = None,
    icpc_not_required: bool = False,
) -> Section47:
    _require_open_episode(episode)
    _not_before_referral(episode, started_on, "started_on")
    return _create(
        Section47(
            episode=episode,
            started_on=started_on,
            icpc_target_on=icpc_target_on,
            icpc_on=icpc_on,
            icpc_not_required=icpc_not_required,
        ),
        by=by,
    )


def icpc_date_for(episode: CinEpisode) -> dt.date | None:
    """The latest initial conference date in the episode: a CP plan should start on it."""
    s47 = (
        episode.section47s.filter(icpc_on__isnull=False, archived_at__isnull=True)
        .order_by("-icpc_on")
        .first()
    )
    return s47.icpc_on if s47 else None


@transaction.atomic
def record_cp_plan(
    *,
    episode: CinEpisode,
    started_on: dt.date,
    initial_category: str,
    by: User,
    latest_category: str = "",
) -> CpPlan:
    """Start a child protection plan; an open child in need plan ends the same day."""
    _require_open_episode(episode)
    _not_before_referral(episode, started_on, "started_on")
    if CpPlan.objects.open().filter(episode__child_id=episode.child_id).exists():
        raise ValidationError(_("This child already has an open child protection plan"))
    for plan in episode.cin_plans.open():
        if plan.started_on > started_on:
            raise ValidationError(
                {
                    "started_on": _(
                        "The child protection plan must start on or after the child in need plan started (%(date)s)"
                    )
                    % {"date": f"{plan.started_on:%d/%m/%Y}"}
                }
            )
        _edit(plan, by=by, expected_version=plan.version, ended_on=started_on)
    return _create(
        CpPlan(
            episode=episode,
            started_on=started_on,
            initial_category=initial_category,
            latest_category=latest_category or initial_category,
        ),
        by=by,
    )


@transaction.atomic
def end_cp_plan(
    plan: CpPlan,
    *,
    ended_on: dt.date,
    by: User,
    expected_version: int | None = None,
) -> CpPlan:
    _refuse_stale(plan, expected_version)
    if plan.ended_on is not None:
        raise ValidationError(_("This child protection plan has already ended"))
    last_review = plan.reviews.filter(archived_at__isnull=True).order_by("-held_on").first()
    if last_review and ended_on < last_review.held_on:
        raise ValidationError(
            {
                "ended_on": _("The end date must be on or after the last review (%(date)s)")
                % {"date": f"{last_review.held_on:%d/%m/%Y}"}
            }
        )
    return _edit(plan, by=by, expected_version=expected_version, ended_on=ended_on)


@transaction.atomic
def record_cp_review(
    *,
    plan: CpPlan,
    held_on: dt.date,
    by: User,
    latest_category: str = "",
) -> CpReview:
    """Record a review conference; it may change the plan's latest category."""
    if plan.ended_on and held_on > plan.ended_on:
        raise ValidationError(
            {
                "held_on": _("The review must be on or before the plan ended (%(date)s)")
                % {"date": f"{plan.ended_on:%d/%m/%Y}"}
            }
        )
    review = _create(CpReview(plan=plan, held_on=held_on), by=by)
    if latest_category and latest_category != plan.latest_category:
        _edit(plan, by=by, expected_version=plan.version, latest_category=latest_category)
    return review


@transaction.atomic
def record_cin_plan(*, episode: CinEpisode, started_on: dt.date, by: User) -> CinPlan:
    _require_open_episode(episode)
    _not_before_referral(episode, started_on, "started_on")
    if CpPlan.objects.open().filter(episode__child_id=episode.child_id).exists():
        raise ValidationError(
            _(
                "This child has an open child protection plan: end it before starting a child in need plan"
            )
        )
    if CinPlan.objects.open().filter(episode__child_id=episode.child_id).exists():
        raise ValidationError(_("This child already has an open child in need plan"))
    return _create(CinPlan(episode=episode, started_on=started_on), by=by)


@transaction.atomic
def end_cin_plan(
    plan: CinPlan,
    *,
    ended_on: dt.date,
    by: User,
    expected_version: int | None = None,
) -> CinPlan:
    _refuse_stale(plan, expected_version)
    if plan.ended_on is not None:
        raise ValidationError(_("This child in need plan has already ended"))
    return _edit(plan, by=by, expected_version=expected_version, ended_on=ended_on)


# --- Looked after, PLO, proceedings, visits ------------------------------------------------


@transaction.atomic
def record_lac_episode(
    *,
    child: Person,
    started_on: dt.date,
    reason_new_episode: str,
    legal_status: str,
    need: str,
    placement_type: str,
    by: User,
    placement_provider: str = "",
    home_postcode: str = "",
    placement_postcode: str = "",
    case: Case | None = None,
) -> LookedAfterEpisode:
    """Start a looked-after episode. An open episode ends the same day with reason X1.

    SSDA903 counts a change of legal status or placement as a new episode; the old one
    ceases "X1" on the day the new one starts, so the periods join without a gap.
    """
    _require_child(child)
    _require_open_case_of(child, case)
    current = LookedAfterEpisode.objects.open().filter(child=child).first()
    if current is None and reason_new_episode != ReasonNewEpisode.S:
        raise ValidationError(
            {
                "reason_new_episode": _(
                    "Select 'Started to be looked after': this child has no open looked-after episode"
                )
            }
        )
    if current is not None:
        if reason_new_episode == ReasonNewEpisode.S:
            raise ValidationError(
                {"reason_new_episode": _("This child is already looked after: select what changed")}
            )
        if started_on < current.started_on:
            raise ValidationError(
                {
                    "started_on": _(
                        "The new episode must start on or after the current one started (%(date)s)"
                    )
                    % {"date": f"{current.started_on:%d/%m/%Y}"}
                }
            )
        _edit(
            current,
            by=by,
            expected_version=current.version,
            ceased_on=started_on,
            reason_ceased=ReasonEpisodeCeased.X1,
        )
    return _create(
        LookedAfterEpisode(
            child=child,
            case=case,
            started_on=started_on,
            reason_new_episode=reason_new_episode,
            legal_status=legal_status,
            need=need,
            placement_type=placement_type,
            placement_provider=placement_provider,
            home_postcode=home_postcode,
            placement_postcode=placement_postcode,
        ),
        by=by,
    )


@transaction.atomic
def end_lac_episode(
    episode: LookedAfterEpisode,
    *,
    ceased_on: dt.date,
    reason_ceased: str,
    by: User,
    expected_version: int | None = None,
) -> LookedAfterEpisode:
    _refuse_stale(episode, expected_version)
    if episode.ceased_on is not None:
        raise ValidationError(_("This looked-after episode has already ended"))
    if reason_ceased == ReasonEpisodeCeased.X1:
        raise ValidationError(
            {
                "reason_ceased": _(
                    "To change legal status or placement, record a new looked-after episode"
                )
            }
        )
    return _edit(
        episode,
        by=by,
        expected_version=expected_version,
        ceased_on=ceased_on,
        reason_ceased=reason_ceased,
    )


@transaction.atomic
def record_plo(
    *,
    child: Person,
    started_on: dt.date,
    by: User,
    case: Case | None = None,
) -> PreProceedings:
    _require_child(child)
    _require_open_case_of(child, case)
    if PreProceedings.objects.open().filter(child=child).exists():
        raise ValidationError(_("This child is already in pre-proceedings"))
    return _create(PreProceedings(child=child, case=case, started_on=started_on), by=by)


@transaction.atomic
def end_plo(
    plo: PreProceedings,
    *,
    ended_on: dt.date,
    outcome: str,
    by: User,
    expected_version: int | None = None,
) -> PreProceedings:
    _refuse_stale(plo, expected_version)
    if plo.ended_on is not None:
        raise ValidationError(_("Pre-proceedings have already ended"))
    return _edit(plo, by=by, expected_version=expected_version, ended_on=ended_on, outcome=outcome)


@transaction.atomic
def record_proceedings(
    *,
    child: Person,
    issued_on: dt.date,
    by: User,
    case: Case | None = None,
) -> CareProceedings:
    _require_child(child)
    _require_open_case_of(child, case)
    if CareProceedings.objects.filter(
        child=child, concluded_on__isnull=True, archived_at__isnull=True
    ).exists():
        raise ValidationError(_("This child already has care proceedings that have not concluded"))
    return _create(CareProceedings(child=child, case=case, issued_on=issued_on), by=by)


@transaction.atomic
def conclude_proceedings(
    proceedings: CareProceedings,
    *,
    concluded_on: dt.date,
    final_order: str,
    by: User,
    expected_version: int | None = None,
) -> CareProceedings:
    _refuse_stale(proceedings, expected_version)
    if proceedings.concluded_on is not None:
        raise ValidationError(_("These proceedings have already concluded"))
    return _edit(
        proceedings,
        by=by,
        expected_version=expected_version,
        concluded_on=concluded_on,
        final_order=final_order,
    )


@transaction.atomic
def record_visit(
    *,
    child: Person,
    visited_on: dt.date,
    kind: str,
    seen: bool,
    by: User,
    seen_alone: bool = False,
    visitor: Worker | None = None,
    case: Case | None = None,
) -> Visit:
    _require_child(child)
    _require_open_case_of(child, case)
    return _create(
        Visit(
            child=child,
            case=case,
            visited_on=visited_on,
            kind=kind,
            seen=seen,
            seen_alone=seen_alone,
            by=visitor,
        ),
        by=by,
    )
