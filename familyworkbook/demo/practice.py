"""What the fidelity monitor reads, for the demo county: supervision, training, group supervision.

- Group case supervision (a Meetings meeting of type `group_case_supervision`) about monthly
  for each case with an adult specialist, over the last year, with attendance and a RAG
  rating; each team keeps to the monthly rhythm more or less well.
- The clinical supervision log: monthly sessions for each practitioner, mostly from their own
  profession, some months missed; some teams better than others.
- The training register: Motivational Interviewing (core and follow-up) and the Workbook course.

Team habits vary on purpose, so the monitor shows some teams meeting each threshold and
some missing it. Drawn from its own seeded generator; bulk inserts like the rest of the demo.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from familyworkbook.cases.models import Allocation, Case
from familyworkbook.demo.county import LONDON
from familyworkbook.demo.rows import BATCH_SIZE, Rows
from familyworkbook.insights.fidelity import PRACTITIONERS, SOCIAL_WORK
from familyworkbook.insights.models import ClinicalSupervision, Course, TrainingRecord
from familyworkbook.meetings.models import (
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingStatus,
    MeetingType,
    Rag,
)
from familyworkbook.meetings.snapshots import held_before_key, take_many
from familyworkbook.teams.models import Post, Role, Worker

GROUP_SUPERVISION = "group_case_supervision"
SUPERVISION_HISTORY = 365  # days of meetings and supervision before the anchor
RAG_TEXT = {
    Rag.RED: "Little change yet; the adults are not engaging with the specialists.",
    Rag.AMBER: "Some progress; the plan is working on most days but is fragile.",
    Rag.GREEN: "Good progress: the children say home is calmer and school attendance is up.",
}


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


@dataclass
class Habits:
    group_supervision: float  # chance a month's group case supervision happens
    clinical: float  # chance a practitioner's monthly clinical supervision happens
    own_profession: float  # chance it is from their own profession
    mi_trained: float
    follow_up: float


class PracticeRecords:
    def __init__(self, *, rng: random.Random, anchor: dt.date) -> None:
        self.rng = rng
        self.anchor = anchor
        self.habits: dict[int, Habits] = {}
        self.managers: dict[int, Worker] = {}
        self._type: MeetingType | None = None

    def team_habits(self, team_id: int) -> Habits:
        habits = self.habits.get(team_id)
        if habits is None:
            rng = self.rng
            habits = Habits(
                group_supervision=rng.choice([0.55, 0.65, 0.8, 0.9, 0.95]),
                clinical=rng.choice([0.8, 0.9, 0.97, 1.0]),
                own_profession=rng.choice([0.85, 0.95, 1.0]),
                mi_trained=rng.choice([0.55, 0.7, 0.8, 0.9]),
                follow_up=rng.choice([0.45, 0.6, 0.75, 0.85]),
            )
            self.habits[team_id] = habits
        return habits

    def stamp(self, day: dt.date, hour: int = 10) -> dt.datetime:
        return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=LONDON)

    def audit(self, day: dt.date, user_id: int | None) -> dict[str, Any]:
        return {
            "created_at": self.stamp(day, 17),
            "modified_at": self.stamp(day, 17),
            "created_by_id": user_id,
            "modified_by_id": user_id,
        }

    # --- the county: clinical supervision and training ------------------------------------

    def county(self) -> Counter[str]:
        """The clinical supervision log and the training register for every post holder."""
        rng, anchor = self.rng, self.anchor
        holders: dict[int, tuple[Worker, int]] = {}
        posts = (
            Post.objects.filter(holder__isnull=False)
            .select_related("holder")
            .prefetch_related("teams")
            .order_by("pk")
        )
        for post in posts:
            teams = sorted(t.pk for t in post.teams.all())
            if not teams or post.holder is None:
                continue
            holders.setdefault(post.holder.pk, (post.holder, teams[0]))
            if post.role == Role.TEAM_MANAGER:
                for team_id in teams:
                    self.managers.setdefault(team_id, post.holder)
        sessions: list[ClinicalSupervision] = []
        training: list[TrainingRecord] = []
        admin = None
        for worker, team_id in holders.values():
            habits = self.team_habits(team_id)
            if worker.role in PRACTITIONERS:
                sessions += self._supervision(worker, team_id, habits)
            started = worker.started_on or anchor - _days(1000)
            if rng.random() < habits.mi_trained:
                core = max(started + _days(rng.randint(20, 120)), anchor - _days(1500))
                if core < anchor:
                    training.append(self._course(worker, Course.MI_CORE, core, admin))
                    follow = core + _days(rng.randint(60, 200))
                    if follow < anchor and rng.random() < habits.follow_up:
                        training.append(self._course(worker, Course.MI_FOLLOW_UP, follow, admin))
            if worker.role in PRACTITIONERS and rng.random() < 0.6:
                done = min(anchor - _days(1), started + _days(rng.randint(10, 90)))
                training.append(self._course(worker, Course.WORKBOOK, done, admin))
        ClinicalSupervision.objects.bulk_create(sessions, batch_size=BATCH_SIZE)
        TrainingRecord.objects.bulk_create(training, batch_size=BATCH_SIZE)
        return Counter(clinical_supervision=len(sessions), training_records=len(training))

    def _course(self, worker: Worker, course: str, on: dt.date, by: int | None) -> TrainingRecord:
        return TrainingRecord(worker=worker, course=course, completed_on=on, **self.audit(on, by))

    def _supervision(
        self, worker: Worker, team_id: int, habits: Habits
    ) -> list[ClinicalSupervision]:
        rng, anchor = self.rng, self.anchor
        manager = self.managers.get(team_id)
        own_social_work = worker.role in SOCIAL_WORK
        made = []
        month = (anchor - _days(SUPERVISION_HISTORY)).replace(day=1)
        started = worker.started_on or month
        while month <= anchor:
            # In the anchor's own month, on or before the anchor: the demo stops there.
            held = month + _days(rng.randint(0, min(24, (anchor - month).days)))
            if held <= anchor and held >= started and rng.random() < habits.clinical:
                own = rng.random() < habits.own_profession
                if own_social_work:
                    supervisor = manager if own and manager and manager.pk != worker.pk else None
                    role = Role.TEAM_MANAGER if own else Role.PSYCHOLOGIST
                else:
                    supervisor = None if own else manager
                    role = worker.role if own else Role.TEAM_MANAGER
                made.append(
                    ClinicalSupervision(
                        worker=worker,
                        supervisor=supervisor,
                        supervisor_role=role,
                        held_on=held,
                        **self.audit(held, worker.user_id),
                    )
                )
            month = (month + _days(32)).replace(day=1)
        return made

    # --- a batch of families: group case supervision ---------------------------------------

    def _meeting_type(self) -> MeetingType:
        if self._type is None:
            found = MeetingType.objects.filter(slug=GROUP_SUPERVISION).first()
            if found is None:  # a flushed test database: the types the migration creates
                from familyworkbook.meetings.seed import seed_meeting_types

                seed_meeting_types(MeetingType)
                found = MeetingType.objects.get(slug=GROUP_SUPERVISION)
            self._type = found
        return self._type

    def add(self, rows: Rows) -> Counter[str]:
        """Group case supervision for each case in `rows` (saved) with an adult specialist."""
        rng, anchor = self.rng, self.anchor
        kind = self._meeting_type()
        by_case: dict[int, list[Allocation]] = defaultdict(list)
        for a in rows.allocations:
            by_case[a.case_id].append(a)
        meetings: list[Meeting] = []
        invites: list[tuple[Meeting, list[tuple[Allocation, str]]]] = []
        for case in sorted(rows.cases, key=lambda c: c.pk):
            allocations = by_case.get(case.pk, [])
            specialists = [a for a in allocations if a.role in Role.adult_specialists()]
            if not specialists:
                continue
            habits = self.team_habits(case.team_id)
            end = min(case.closed_on or anchor, anchor)
            first = min(a.started_on for a in specialists)
            day = max(first, anchor - _days(SUPERVISION_HISTORY)) + _days(rng.randint(5, 25))
            rag = rng.choice([Rag.RED, Rag.AMBER, Rag.AMBER])
            while day <= end:
                if day.weekday() >= 5:
                    day += _days(7 - day.weekday())
                    continue
                if rng.random() < habits.group_supervision:
                    meeting = self._meeting(case, kind, day, allocations, rag)
                    if meeting is not None:
                        meetings.append(meeting[0])
                        invites.append(meeting)
                        rag = self._next_rag(rag)
                day += _days(rng.randint(26, 33))
        Meeting.objects.bulk_create(meetings, batch_size=BATCH_SIZE)
        attendances = []
        for meeting, people in invites:
            for allocation, status in people:
                attendances.append(
                    Attendance(
                        meeting=meeting,
                        worker=allocation.worker,
                        discipline=allocation.role,
                        status=status,
                        **self.audit(meeting.held_on, meeting.created_by_id),
                    )
                )
        Attendance.objects.bulk_create(attendances, batch_size=BATCH_SIZE)
        self._follow_on(meetings)
        # As the sign-off service does: keep what each record showed. Computed as of each
        # meeting, so the Workbook ratings made before or after in this batch make no odds.
        snapshots = take_many(meetings)
        return Counter(
            group_supervision_meetings=len(meetings),
            meeting_attendances=len(attendances),
            meeting_snapshots=snapshots,
        )

    def _follow_on(self, meetings: list[Meeting]) -> None:
        """Each meeting follows the family's one before it (all are signed off), as
        `services.plan_meeting` and `sign_off` would have linked them."""
        by_family: dict[int, list[Meeting]] = defaultdict(list)
        for m in meetings:
            by_family[m.family_id].append(m)
        changed = []
        for rows in by_family.values():
            rows.sort(key=held_before_key)
            for before, m in zip(rows, rows[1:], strict=False):
                m.previous = before
                changed.append(m)
        Meeting.objects.bulk_update(changed, ["previous"], batch_size=BATCH_SIZE)

    def _next_rag(self, rag: str) -> str:
        roll = self.rng.random()
        if rag == Rag.RED:
            return Rag.AMBER if roll < 0.4 else Rag.RED
        if rag == Rag.AMBER:
            return Rag.GREEN if roll < 0.3 else (Rag.RED if roll > 0.9 else Rag.AMBER)
        return Rag.AMBER if roll < 0.15 else Rag.GREEN

    def _meeting(
        self,
        case: Case,
        kind: MeetingType,
        day: dt.date,
        allocations: list[Allocation],
        rag: str,
    ) -> tuple[Meeting, list[tuple[Allocation, str]]] | None:
        rng = self.rng
        current = [
            a
            for a in allocations
            if a.started_on <= day and (a.ended_on is None or day <= a.ended_on)
        ]
        lead = next((a for a in current if a.is_lead), None)
        if lead is None:
            return None
        chair = self.managers.get(case.team_id) or lead.worker
        people: list[tuple[Allocation, str]] = []
        seen_workers = {chair.pk}
        for a in current:
            if a.worker_id in seen_workers or not (
                a.is_lead or a.role in Role.adult_specialists() or a.role == Role.CHILD_PRACTITIONER
            ):
                continue
            seen_workers.add(a.worker_id)
            roll = rng.random()
            status = (
                AttendanceStatus.PRESENT
                if roll < 0.75
                else AttendanceStatus.VIRTUAL
                if roll < 0.9
                else AttendanceStatus.APOLOGY
            )
            people.append((a, status))
        meeting = Meeting(
            type=kind,
            family_id=case.family_id,
            case=case,
            team_id=case.team_id,
            starts_at=self.stamp(day, rng.choice([9, 10, 13, 14])),
            duration_minutes=60,
            location="Team room",
            chair=chair,
            status=MeetingStatus.SIGNED_OFF,
            held_on=day,
            working_well="The family are engaging with the specialists; school reports are better.",
            worries="Whether the changes last when the case steps down.",
            childs_voice="The children say home is calmer than it was.",
            rag=rag,
            rag_reason=RAG_TEXT[rag],
            signed_off_at=self.stamp(day, 17),
            signed_off_by=chair,
            **self.audit(day, chair.user_id),
        )
        return meeting, people
