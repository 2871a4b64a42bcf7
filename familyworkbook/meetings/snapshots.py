"""What a meeting record shows, and the copy of it kept from sign-off (issue 22, "One truth").

A record is partly derived from other rows: the previous meeting (its RAG rating, and the day
"since the last meeting" starts), goal ratings in the Workbook, actions whose status moves on
at the next meeting, attendance, and people's and goals' names. Read live, a signed-off record
kept changing after sign-off (ratings added later appeared in it; the previous meeting was
whatever the plan-time query had found). So:

- `build_many` computes what a record shows, *as of the meeting*: the previous meeting is the
  family's latest signed-off meeting of the same kind held before this one (and signed off
  by the time this one was); goal ratings are those dated after that meeting was held and on
  or before this one was held. Nothing depends on when rows were created, so a snapshot
  computed later for an old sign-off (the data migration, the demo seeder) says what a
  snapshot taken on the day would have said.
- `sign_off` stores it (`take`), in `MeetingSnapshot`, written once.
- `record_of` is what every view of the record renders (the meeting page, the printable
  record, the PDF fillers): the stored snapshot once signed off, else computed live.

The builder uses model fields only (no model methods but Django's `get_FOO_display`), so the
data migration can run it on historical models (`Models.from_apps`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps as django_apps
from django.utils import timezone

VERSION = 1
SIGNED_OFF = "signed_off"  # MeetingStatus.SIGNED_OFF, spelled out for historical models
UNBORN = "unborn"  # PersonKind.UNBORN


@dataclass(frozen=True)
class Models:
    """The model classes the builder reads: the live ones, or a migration's historical ones."""

    Meeting: Any
    MeetingSnapshot: Any
    Attendance: Any
    Action: Any
    Contribution: Any
    Decision: Any
    CaseDiscussion: Any
    GoalRating: Any
    ChangeStage: Any

    @classmethod
    def from_apps(cls, apps: Any = django_apps) -> Models:
        m = "meetings"
        return cls(
            Meeting=apps.get_model(m, "Meeting"),
            MeetingSnapshot=apps.get_model(m, "MeetingSnapshot"),
            Attendance=apps.get_model(m, "Attendance"),
            Action=apps.get_model(m, "Action"),
            Contribution=apps.get_model(m, "Contribution"),
            Decision=apps.get_model(m, "Decision"),
            CaseDiscussion=apps.get_model(m, "CaseDiscussion"),
            GoalRating=apps.get_model("workbook", "GoalRating"),
            ChangeStage=apps.get_model("workbook", "ChangeStage"),
        )


def _user_name(user: Any) -> str:
    """As `User.__str__`: the full name, else the username."""
    if user is None:
        return ""
    return f"{user.first_name} {user.last_name}".strip() or user.username


def _worker_name(worker: Any) -> str:
    return _user_name(worker.user) if worker is not None else ""


def _person_name(person: Any) -> str:
    """As `Person.full_name`."""
    full = getattr(person, "full_name", None)
    if isinstance(full, str):
        return full
    if person.kind == UNBORN and not person.first_name:
        return f"Unborn baby {person.last_name}"
    return f"{person.first_name} {person.last_name}".strip()


def _held(meeting: Any) -> dt.date:
    return meeting.held_on or timezone.localtime(meeting.starts_at).date()


def held_before_key(meeting: Any) -> tuple[dt.date, dt.datetime, int]:
    """The order meetings were held in: day held, then start time, then id."""
    return (_held(meeting), meeting.starts_at, meeting.pk or 0)


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def previous_of(meeting: Any, candidates: Iterable[Any]) -> Any | None:
    """The latest of `candidates` (signed-off meetings of this family and kind) held before
    `meeting` and, if it is signed off, signed off by the time it was."""
    key = held_before_key(meeting)
    best = None
    for c in candidates:
        if c.pk == meeting.pk or c.status != SIGNED_OFF or c.archived_at is not None:
            continue
        if held_before_key(c) >= key:
            continue
        if meeting.signed_off_at and c.signed_off_at and c.signed_off_at > meeting.signed_off_at:
            continue
        if best is None or held_before_key(c) > held_before_key(best):
            best = c
    return best


def _candidates(meetings: list[Any], models: Models) -> dict[tuple[int, int], list[Any]]:
    families = {m.family_id for m in meetings if m.family_id}
    types = {m.type_id for m in meetings}
    out: dict[tuple[int, int], list[Any]] = defaultdict(list)
    if not families:
        return out
    rows = models.Meeting.objects.filter(
        family_id__in=families, type_id__in=types, status=SIGNED_OFF, archived_at__isnull=True
    ).select_related("chair__user", "type")
    for row in rows:
        out[(row.family_id, row.type_id)].append(row)
    return out


def previous_signed_off(meeting: Any, *, models: Models | None = None) -> Any | None:
    """The meeting this one follows: the family's latest signed-off meeting of the same kind
    held before it. None for a team meeting or the family's first."""
    if meeting.family_id is None:
        return None
    models = models or Models.from_apps()
    return previous_of(
        meeting, _candidates([meeting], models)[(meeting.family_id, meeting.type_id)]
    )


def _by_meeting(qs: Any) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = defaultdict(list)
    for row in qs:
        out[row.meeting_id].append(row)
    return out


def build_many(meetings: Iterable[Any], *, models: Models | None = None) -> dict[int, dict]:
    """What each meeting's record shows, as of the meeting (see the module docstring).

    A fixed number of queries whatever the number of meetings, so the demo seeder and the
    data migration can snapshot thousands at once."""
    models = models or Models.from_apps()
    pks = [m.pk for m in meetings]
    if not pks:
        return {}
    meetings = list(
        models.Meeting.objects.filter(pk__in=pks).select_related(
            "chair__user", "signed_off_by__user"
        )
    )
    candidates = _candidates(meetings, models)
    previous = {
        m.pk: previous_of(m, candidates.get((m.family_id, m.type_id), []))
        for m in meetings
        if m.family_id
    }
    live = {"archived_at__isnull": True, "meeting_id__in": pks}
    attendances = _by_meeting(
        models.Attendance.objects.filter(**live)
        .select_related("worker__user", "person")
        .order_by("discipline", "pk")
    )
    contributions = _by_meeting(
        models.Contribution.objects.filter(**live)
        .select_related("author__user")
        .order_by("created_at", "pk")
    )
    decisions = _by_meeting(models.Decision.objects.filter(**live).order_by("pk"))
    actions = _by_meeting(
        models.Action.objects.filter(**live)
        .select_related("owner__user", "carried_from__meeting")
        .order_by("due_on", "pk")
    )
    discussions = _by_meeting(
        models.CaseDiscussion.objects.filter(**live).select_related("case__family").order_by("pk")
    )
    ratings_by_family: dict[int, list[Any]] = defaultdict(list)
    stages_by_family: dict[int, list[Any]] = defaultdict(list)
    families = {m.family_id for m in meetings if m.family_id}
    if families:
        for r in (
            models.GoalRating.objects.filter(
                goal__family_id__in=families, goal__archived_at__isnull=True
            )
            .select_related("goal__person", "rater_worker__user", "recorded_by")
            .order_by("goal_id", "rated_on", "pk")
        ):
            ratings_by_family[r.goal.family_id].append(r)
        held_days = {m.held_on for m in meetings if m.held_on}
        for s in models.ChangeStage.objects.filter(
            family_id__in=families, assessed_on__in=held_days
        ).order_by("person_id", "issue", "pk"):
            stages_by_family[s.family_id].append(s)

    out = {}
    for m in meetings:
        prev = previous.get(m.pk)
        until = _held(m)
        since = prev.held_on if prev is not None else None
        ratings = [
            r
            for r in ratings_by_family.get(m.family_id, [])
            if r.rated_on <= until and (since is None or r.rated_on > since)
        ]
        out[m.pk] = {
            "version": VERSION,
            "as_of": _iso(until),
            "chair": _worker_name(m.chair),
            "signed_off_by": _worker_name(m.signed_off_by) if m.signed_off_by_id else "",
            "previous": None
            if prev is None
            else {
                "id": prev.pk,
                "type": prev.type.name,
                "held_on": _iso(prev.held_on),
                "chair": _worker_name(prev.chair),
                "rag": prev.rag,
                "rag_label": str(prev.get_rag_display()) if prev.rag else "",
            },
            "attendance": [
                {
                    "id": a.pk,
                    "worker_id": a.worker_id,
                    "person_id": a.person_id,
                    "name": _worker_name(a.worker) if a.worker_id else _person_name(a.person),
                    "discipline": a.discipline,
                    "discipline_label": str(a.get_discipline_display()) if a.discipline else "",
                    "status": a.status,
                    "status_label": str(a.get_status_display()),
                    "invited_at": _iso(a.invited_at),
                }
                for a in attendances.get(m.pk, [])
            ],
            "contributions": [
                {
                    "id": c.pk,
                    "author_id": c.author_id,
                    "author": _worker_name(c.author),
                    "chapter_label": str(c.get_chapter_display()),
                    "text": c.text,
                    "created_at": _iso(c.created_at),
                }
                for c in contributions.get(m.pk, [])
            ],
            "ratings": [
                {
                    "id": r.pk,
                    "goal_id": r.goal_id,
                    "goal": r.goal.title,
                    "person_id": r.goal.person_id,
                    "person": _person_name(r.goal.person),
                    "rated_on": _iso(r.rated_on),
                    "rated_by": r.rated_by,
                    "rated_by_label": str(r.get_rated_by_display()),
                    "rater": _worker_name(r.rater_worker) or _user_name(r.recorded_by),
                    "score": r.score,
                }
                for r in ratings
            ],
            "decisions": [{"id": d.pk, "text": d.text} for d in decisions.get(m.pk, [])],
            "actions": [
                {
                    "id": a.pk,
                    "text": a.text,
                    "owner_id": a.owner_id,
                    "owner": _worker_name(a.owner),
                    "due_on": _iso(a.due_on),
                    "status": a.status,
                    "status_label": str(a.get_status_display()),
                    "outcome": a.outcome,
                    "carried_from_id": a.carried_from_id,
                    "carried_from_held_on": _iso(a.carried_from.meeting.held_on)
                    if a.carried_from_id
                    else None,
                }
                for a in actions.get(m.pk, [])
            ],
            "discussions": [
                {
                    "id": d.pk,
                    "case_id": d.case_id,
                    "family": d.case.family.name,
                    "reference": d.case.family.reference,
                    "note": d.note,
                }
                for d in discussions.get(m.pk, [])
            ],
            "change_stages": [
                s.pk for s in stages_by_family.get(m.family_id, []) if s.assessed_on == m.held_on
            ],
        }
    return out


def build(meeting: Any, *, models: Models | None = None) -> dict:
    return build_many([meeting], models=models)[meeting.pk]


def take_many(meetings: Iterable[Any], *, models: Models | None = None) -> int:
    """Store the snapshot of each signed-off meeting that has none yet; returns how many."""
    models = models or Models.from_apps()
    meetings = [m for m in meetings if m.status == SIGNED_OFF]
    have = set(
        models.MeetingSnapshot.objects.filter(meeting_id__in=[m.pk for m in meetings]).values_list(
            "meeting_id", flat=True
        )
    )
    todo = [m for m in meetings if m.pk not in have]
    rows = [
        models.MeetingSnapshot(meeting_id=pk, as_of=dt.date.fromisoformat(data["as_of"]), data=data)
        for pk, data in build_many(todo, models=models).items()
    ]
    models.MeetingSnapshot.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def take(meeting: Any) -> Any:
    """The snapshot of a meeting being signed off (called by `services.sign_off`)."""
    from familyworkbook.meetings.models import MeetingSnapshot

    data = build(meeting)
    return MeetingSnapshot.objects.create(
        meeting=meeting, as_of=dt.date.fromisoformat(data["as_of"]), data=data
    )


# --- reading: what the pages and the PDF render ---------------------------------------------


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _datetime(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def load(data: dict) -> dict:
    """The stored JSON with its dates as dates again (for templates' `date` filter)."""
    out = dict(data)
    out["as_of"] = _date(data["as_of"])
    if data["previous"]:
        out["previous"] = {**data["previous"], "held_on": _date(data["previous"]["held_on"])}
    out["attendance"] = [
        {**a, "invited_at": _datetime(a["invited_at"]), "attended": a["status"] in _ATTENDED}
        for a in data["attendance"]
    ]
    out["contributions"] = [
        {**c, "created_at": _datetime(c["created_at"])} for c in data["contributions"]
    ]
    out["ratings"] = [{**r, "rated_on": _date(r["rated_on"])} for r in data["ratings"]]
    actions = [
        {
            **a,
            "due_on": _date(a["due_on"]),
            "carried_from_held_on": _date(a["carried_from_held_on"]),
        }
        for a in data["actions"]
    ]
    out["actions"] = actions
    out["carried"] = [a for a in actions if a["carried_from_id"]]
    out["new_actions"] = [a for a in actions if not a["carried_from_id"]]
    return out


_ATTENDED = ("present", "virtual")  # meetings.models.ATTENDED


def record_of(meeting: Any) -> dict:
    """What the record shows: the snapshot taken at sign-off, or (not yet signed off) the
    same thing computed now. One query when signed off."""
    from familyworkbook.meetings.models import MeetingSnapshot

    if meeting.status == SIGNED_OFF:
        stored = MeetingSnapshot.objects.filter(meeting=meeting).values_list("data", flat=True)
        data = stored.first()
        if data is not None:
            return load(data)
    return load(build(meeting))
