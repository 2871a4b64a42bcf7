"""Reading field history: the changes to a person's or a family's records, as a viewer may see them.

Events are snapshots (the whole row after an insert or an update); a change is the difference
between a row's snapshot and the one before it. Protected values (a safe address, a hidden
child's school, a specialist's health-confidential detail) are shown only to a viewer the
access policy lets see them, and otherwise as "changed (protected)". A viewer who may not even
be told that protected details exist (a perpetrator worker) sees no event of a protected row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

from familyworkbook.access import policy
from familyworkbook.history.models import EVENT_MODELS
from familyworkbook.people.models import Person
from familyworkbook.teams.models import User

# How many changes a page shows, newest first.
LIMIT = 200

# Bookkeeping every save changes: not what anyone means by "what changed".
BOOKKEEPING = frozenset({"created_at", "created_by", "modified_at", "modified_by", "version"})
PROTECTED_TEXT = "changed (protected)"


@dataclass
class FieldChange:
    label: str
    old: str
    new: str
    protected: bool = False


@dataclass
class Change:
    at: dt.datetime
    record: str
    record_id: Any
    kind: str  # "added" or "changed"
    user_id: Any
    url: str
    request_id: str
    fields: list[FieldChange] = field(default_factory=list)
    who: str = ""


# --- Which events belong to a person's or a family's record ----------------------------------


def _ids(queryset: models.QuerySet) -> list[Any]:
    return list(queryset.values_list("pk", flat=True))


def _person_scopes(person_id: int) -> dict[str, Q]:
    from familyworkbook.cases.models import CinEpisode

    episodes = _ids(CinEpisode.objects.filter(child_id=person_id))
    return {
        "people.person": Q(pgh_obj_id=person_id),
        "people.address": Q(person_id=person_id),
        "people.registration": Q(person_id=person_id),
        "people.familymembership": Q(person_id=person_id),
        "people.relationship": Q(person_id=person_id) | Q(other_id=person_id),
        **{
            label: Q(child_id=person_id)
            for label in [
                "cases.cinepisode",
                "cases.lookedafterepisode",
                "cases.preproceedings",
                "cases.careproceedings",
                "cases.visit",
            ]
        },
        **{
            label: Q(episode_id__in=episodes)
            for label in ["cases.assessment", "cases.section47", "cases.cinplan", "cases.cpplan"]
        },
        "workbook.goal": Q(person_id=person_id),
        "workbook.riskneeditem": Q(about_id=person_id),
        "workbook.toxictrioflag": Q(person_id=person_id),
        "access.accessgrant": Q(person_id=person_id),
        "access.recordrestriction": Q(person_id=person_id),
        "access.consent": Q(person_id=person_id),
        "access.perpetratorlink": Q(perpetrator_id=person_id) | Q(survivor_id=person_id),
    }


def _family_scopes(family_id: int, user: User) -> dict[str, Q]:
    from familyworkbook.cases.models import Case, CinEpisode
    from familyworkbook.documents.models import Document
    from familyworkbook.meetings.models import Meeting
    from familyworkbook.workbook.models import Goal

    cases = _ids(Case.objects.filter(family_id=family_id))
    episodes = _ids(CinEpisode.objects.filter(case_id__in=cases))
    goals = _ids(Goal.objects.filter(family_id=family_id))
    meetings = _ids(Meeting.objects.filter(family_id=family_id))
    documents = _ids(Document.objects.filter(family_id=family_id))
    # A member the viewer may not open (a restricted person) stays out of the family's history.
    visible = Person.objects.visible_to(user).values("pk")
    return {
        "people.family": Q(pgh_obj_id=family_id),
        "people.familymembership": Q(family_id=family_id, person_id__in=visible),
        "cases.case": Q(family_id=family_id),
        "cases.allocation": Q(case_id__in=cases),
        **{
            label: Q(case_id__in=cases, child_id__in=visible)
            for label in [
                "cases.cinepisode",
                "cases.lookedafterepisode",
                "cases.preproceedings",
                "cases.careproceedings",
                "cases.visit",
            ]
        },
        **{
            label: Q(episode_id__in=episodes)
            for label in ["cases.assessment", "cases.section47", "cases.cinplan", "cases.cpplan"]
        },
        "workbook.entry": Q(family_id=family_id),
        "workbook.goal": Q(family_id=family_id),
        "workbook.goalaction": Q(goal_id__in=goals),
        "workbook.goalrating": Q(goal_id__in=goals),
        "workbook.riskneeditem": Q(family_id=family_id),
        "workbook.priorityissue": Q(family_id=family_id),
        "workbook.toxictrioflag": Q(family_id=family_id),
        "meetings.decision": Q(meeting_id__in=meetings),
        "meetings.action": Q(meeting_id__in=meetings),
        "documents.writtensection": Q(document_id__in=documents),
    }


# --- Who may see which values -----------------------------------------------------------------

# Protection that is not held in the rules table: the author alone reads a specialist's
# health-confidential detail (workbook Entry.confidential_visible_to).
ALWAYS_PROTECTED: dict[str, tuple[list[str], Callable[[Any, User], bool]]] = {
    "workbook.entry": (
        ["confidential_detail"],
        lambda snapshot, user: bool(snapshot.created_by_id) and snapshot.created_by_id == user.pk,
    ),
}


class _Protection:
    """The fields of one event to withhold from this viewer, and whether to drop it entirely."""

    def __init__(self, user: User, tracked: type[models.Model]) -> None:
        self.user = user
        self.label = tracked._meta.label_lower
        self.rules = policy.rules_for(self.label)
        self.may_be_told = policy.may_be_told_of_protected(user)
        self._person_cache: dict[Any, bool] = {}

    def _may_see_person(self, person_id: Any) -> bool:
        if person_id not in self._person_cache:
            person = Person.objects.filter(pk=person_id).first()
            self._person_cache[person_id] = bool(
                person and policy.may_see_protected_of(self.user, person)
            )
        return self._person_cache[person_id]

    def hidden(self, snapshots: Iterable[Any]) -> set[str] | None:
        """Field names to withhold, or None when the whole event must not be shown."""
        snapshots = [s for s in snapshots if s is not None]
        hidden: set[str] = set()
        for rule in self.rules:
            if not any(getattr(s, rule.flag_field, False) for s in snapshots):
                continue
            if not self.may_be_told:
                return None
            person_id = getattr(snapshots[-1], "person_id", None)
            if person_id is None or not self._may_see_person(person_id):
                hidden.update(rule.fields)
        if self.label in ALWAYS_PROTECTED:
            names, allowed = ALWAYS_PROTECTED[self.label]
            if not allowed(snapshots[-1], self.user):
                hidden.update(names)
        return hidden


# --- Turning snapshots into changes ------------------------------------------------------------


def _display(f: models.Field, value: Any) -> str:
    if value is None or value == "":
        return "–"
    if f.is_relation:
        # The id only: naming the related record could show a person the viewer may not open.
        return _("record %(id)s") % {"id": value}
    if f.flatchoices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.datetime):
        return value.strftime("%-d %b %Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%-d %b %Y")
    return str(value)


def _changes_for(
    event_model: type[models.Model], scope: Q, user: User, *, limit: int
) -> list[Change]:
    tracked = event_model.pgh_tracked_model
    fields = [
        f
        for f in event_model._meta.fields
        if not f.name.startswith("pgh_") and f.name not in BOOKKEEPING and f.name != "id"
    ]
    protection = _Protection(user, tracked)
    # The newest events in scope; each needs its row's event before it for the "from" value.
    recent = list(
        event_model.objects.filter(scope)
        .order_by("-pgh_id")
        .values_list("pk", "pgh_obj_id")[:limit]
    )
    if not recent:
        return []
    in_scope = {pk for pk, _obj in recent}
    events = event_model.objects.filter(pgh_obj_id__in={obj for _pk, obj in recent}).order_by(
        "pgh_obj_id", "pgh_id"
    )
    changes: list[Change] = []
    previous: dict[Any, Any] = {}
    for event in events:
        before = previous.get(event.pgh_obj_id)
        previous[event.pgh_obj_id] = event
        if event.pk not in in_scope:
            continue
        hidden = protection.hidden([before, event])
        if hidden is None:
            continue
        context = event.pgh_context or {}
        change = Change(
            at=event.pgh_created_at,
            record=str(tracked._meta.verbose_name).capitalize(),
            record_id=event.pgh_obj_id,
            kind="added" if event.pgh_label == "insert" else "changed",
            user_id=context.get("user"),
            url=str(context.get("url") or ""),
            request_id=str(context.get("request_id") or ""),
        )
        for f in fields:
            new = getattr(event, f.attname)
            if before is None:
                if event.pgh_label == "insert" and new in (None, ""):
                    continue
                old_text = "–" if event.pgh_label == "insert" else _("not recorded")
            else:
                old = getattr(before, f.attname)
                if old == new:
                    continue
                old_text = _display(f, old)
            label = str(f.verbose_name).capitalize()
            if f.name in hidden:
                change.fields.append(FieldChange(label, "", "", protected=True))
            else:
                change.fields.append(FieldChange(label, old_text, _display(f, new)))
        if change.fields:
            changes.append(change)
    return changes


def _collect(scopes: dict[str, Q], user: User, *, limit: int) -> list[Change]:
    changes: list[Change] = []
    for label, scope in scopes.items():
        changes.extend(_changes_for(EVENT_MODELS[label], scope, user, limit=limit))
    changes.sort(key=lambda c: c.at, reverse=True)
    changes = changes[:limit]
    names = {
        u.pk: (u.get_full_name() or u.get_username())
        for u in User.objects.filter(pk__in={c.user_id for c in changes if c.user_id})
    }
    for c in changes:
        c.who = names.get(c.user_id, "") if c.user_id else ""
    return changes


def changes_to_person(person: Person, user: User, *, limit: int = LIMIT) -> list[Change]:
    """Changes to a person's own records, newest first, as `user` may see them."""
    return _collect(_person_scopes(person.pk), user, limit=limit)


def changes_to_family(family: Any, user: User, *, limit: int = LIMIT) -> list[Change]:
    """Changes to a family's records (cases, episodes, Workbook, meetings), newest first."""
    return _collect(_family_scopes(family.pk, user), user, limit=limit)
