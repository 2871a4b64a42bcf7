"""Risk and need, priority issues, toxic-trio flags, goals, actions, ratings, Cycle of Change."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from familyworkbook import audit
from familyworkbook.people.models import Family, Person, PersonKind
from familyworkbook.teams.models import User, Worker
from familyworkbook.workbook.models import (
    ChangeStage,
    DecisionalBalance,
    Goal,
    GoalAction,
    GoalRating,
    PriorityIssue,
    RatedBy,
    RiskNeedItem,
    ScalingAnswer,
    ToxicTrioFlag,
)
from familyworkbook.workbook.services._common import create, edit, require_member, worker_of

# --- Risk and need -------------------------------------------------------------------------


@transaction.atomic
def add_risk_need_item(
    *,
    family: Family,
    by: User,
    kind: str,
    text: str,
    identified_on: dt.date,
    about: Person | None = None,
) -> RiskNeedItem:
    require_member(family, about, "about")
    if about is not None and about.kind == PersonKind.ADULT:
        raise ValidationError({"about": _("Select the whole family or one child")})
    item = RiskNeedItem(
        family=family, about=about, kind=kind, text=text, identified_on=identified_on
    )
    return create(item, by=by, label="Risk and need item", data={"family": family.pk, "kind": kind})


@transaction.atomic
def edit_risk_need_item(
    item: RiskNeedItem, *, by: User, expected_version: int | None, **changes: Any
) -> RiskNeedItem:
    require_member(item.family, changes.get("about"), "about")
    return edit(
        item, by=by, expected_version=expected_version, label="Risk and need item", **changes
    )


@transaction.atomic
def add_priority_issue(
    *, family: Family, by: User, title: str, identified_on: dt.date, detail: str = "", rank: int = 1
) -> PriorityIssue:
    issue = PriorityIssue(
        family=family, title=title, detail=detail, rank=rank, identified_on=identified_on
    )
    return create(issue, by=by, label="Priority issue", data={"family": family.pk})


@transaction.atomic
def resolve_priority_issue(
    issue: PriorityIssue, *, by: User, expected_version: int | None, resolved_on: dt.date
) -> PriorityIssue:
    if resolved_on < issue.identified_on:
        raise ValidationError(
            {"resolved_on": _("The date resolved must be on or after the date identified")}
        )
    return edit(
        issue,
        by=by,
        expected_version=expected_version,
        label="Priority issue",
        resolved_on=resolved_on,
    )


@transaction.atomic
def flag_toxic_trio(
    *,
    family: Family,
    by: User,
    person: Person,
    issue: str,
    flagged_on: dt.date,
    specialist: Worker | None = None,
    note: str = "",
) -> ToxicTrioFlag:
    require_member(family, person, "person")
    if ToxicTrioFlag.objects.filter(
        person=person, issue=issue, ended_on__isnull=True, archived_at__isnull=True
    ).exists():
        raise ValidationError({"issue": _("This adult already has this flag")})
    flag = ToxicTrioFlag(
        family=family,
        person=person,
        issue=issue,
        flagged_on=flagged_on,
        specialist=specialist,
        note=note,
    )
    return create(flag, by=by, label="Toxic-trio flag", data={"family": family.pk, "issue": issue})


@transaction.atomic
def end_toxic_trio_flag(
    flag: ToxicTrioFlag, *, by: User, expected_version: int | None, ended_on: dt.date
) -> ToxicTrioFlag:
    if ended_on < flag.flagged_on:
        raise ValidationError({"ended_on": _("The date must be on or after the flag was raised")})
    return edit(
        flag, by=by, expected_version=expected_version, label="Toxic-trio flag", ended_on=ended_on
    )


# --- Goals ---------------------------------------------------------------------------------


@transaction.atomic
def set_goal(
    *,
    family: Family,
    by: User,
    person: Person,
    title: str,
    set_on: dt.date,
    success_looks_like: str = "",
    set_by_family: bool = False,
) -> Goal:
    require_member(family, person, "person")
    goal = Goal(
        family=family,
        person=person,
        title=title,
        set_on=set_on,
        success_looks_like=success_looks_like,
        set_by_family=set_by_family,
    )
    return create(goal, by=by, label="Goal", data={"family": family.pk, "person": person.pk})


@transaction.atomic
def update_goal_status(
    goal: Goal, *, by: User, expected_version: int | None, status: str, status_reason: str = ""
) -> Goal:
    return edit(
        goal,
        by=by,
        expected_version=expected_version,
        label="Goal",
        status=status,
        status_reason=status_reason,
    )


@transaction.atomic
def add_action(
    *, goal: Goal, by: User, description: str, owner: str, due_on: dt.date
) -> GoalAction:
    action = GoalAction(goal=goal, description=description, owner=owner, due_on=due_on)
    return create(action, by=by, label="Goal action", data={"goal": goal.pk})


@transaction.atomic
def update_action(
    action: GoalAction, *, by: User, expected_version: int | None, **changes: Any
) -> GoalAction:
    return edit(action, by=by, expected_version=expected_version, label="Goal action", **changes)


@transaction.atomic
def rate_goal(
    *, goal: Goal, by: User, rated_by: str, score: int, rated_on: dt.date, note: str = ""
) -> GoalRating:
    """Add a rating. Ratings are history: a new one never replaces an old one."""
    if rated_on < goal.set_on:
        raise ValidationError(
            {"rated_on": _("The date of the rating must be on or after the goal was set")}
        )
    rating = GoalRating(
        goal=goal,
        rated_by=rated_by,
        score=score,
        rated_on=rated_on,
        note=note,
        recorded_by=by,
        rater_worker=worker_of(by) if rated_by == RatedBy.WORKER else None,
    )
    rating.full_clean()
    rating.save()
    audit.record(
        actor=by,
        verb=audit.Verb.CREATED,
        target=rating,
        label="Goal rating",
        data={"goal": goal.pk, "rated_by": rated_by, "score": score},
    )
    return rating


# --- Cycle of Change, cost-benefit, scaling ------------------------------------------------


def _require_adult_member(family: Family, person: Person) -> None:
    require_member(family, person, "person")
    if person.kind != PersonKind.ADULT:
        raise ValidationError({"person": _("Select an adult")})


@transaction.atomic
def record_change_stage(
    *,
    family: Family,
    by: User,
    person: Person,
    issue: str,
    stage: str,
    assessed_on: dt.date,
    rationale: str,
) -> ChangeStage:
    _require_adult_member(family, person)
    row = ChangeStage(
        family=family,
        person=person,
        issue=issue,
        stage=stage,
        assessed_on=assessed_on,
        rationale=rationale,
        recorded_by=by,
    )
    row.full_clean()
    row.save()
    audit.record(
        actor=by,
        verb=audit.Verb.CREATED,
        target=row,
        label="Cycle of Change stage",
        data={"family": family.pk, "person": person.pk, "issue": issue, "stage": stage},
    )
    return row


@transaction.atomic
def record_decisional_balance(
    *, family: Family, by: User, person: Person, **fields: Any
) -> DecisionalBalance:
    _require_adult_member(family, person)
    balance = DecisionalBalance(family=family, person=person, **fields)
    return create(balance, by=by, label="Cost-benefit analysis", data={"family": family.pk})


@transaction.atomic
def record_scaling(
    *,
    family: Family,
    by: User,
    person: Person,
    question: str,
    score: int,
    asked_on: dt.date,
    note: str = "",
) -> ScalingAnswer:
    require_member(family, person, "person")
    row = ScalingAnswer(
        family=family,
        person=person,
        question=question,
        score=score,
        asked_on=asked_on,
        note=note,
        recorded_by=by,
    )
    row.full_clean()
    row.save()
    audit.record(
        actor=by,
        verb=audit.Verb.CREATED,
        target=row,
        label="Scaling answer",
        data={"family": family.pk, "score": score},
    )
    return row
