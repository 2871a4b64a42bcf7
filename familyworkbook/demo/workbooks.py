"""Demo Workbooks: what each professional recorded, consistent with the family's case history.

After a batch of families is saved, every family's latest case gets a Workbook: the social
worker's statutory visits of the last quarter recorded once as Workbook entries (linked
to the `cases.Visit` rows, as the entry form does; older visits are left as the statutory
record alone, which keeps the seed fast), programme module sessions in order (the adult modules led by
the allocated specialist), each allocated adult specialist's sessions in their own chapter
(health-confidential detail kept apart from the shared summary; recorded against the adult
module they deliver where the team uses the programme), the child practitioner's
direct work with the child's own words, significant entries (the chronology), risk and need
with toxic-trio flags from the assessment factors, goals per family member with worker and
family ratings over time, Cycle of Change histories, and Supporting Change for a few families
on the edge of care. The group case supervision the fidelity monitor counts is `practice.py`.

Drawn from its own seeded generator, so the rest of the county is unchanged; rows are set up
in memory and inserted with bulk_create, like the rest of the demo (services would audit and
validate every row one by one, which is what makes a seed slow).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from familyworkbook.cases.models import Allocation, Case, Visit
from familyworkbook.demo import workbook_text as text
from familyworkbook.demo.county import LONDON
from familyworkbook.demo.rows import BATCH_SIZE, Rows
from familyworkbook.people.models import Person, PersonKind
from familyworkbook.teams.models import Role, Worker
from familyworkbook.workbook.models import (
    DEFAULT_PROGRAMME,
    SUPPORTING_CHANGE,
    ChangeStage,
    Chapter,
    DecisionalBalance,
    Entry,
    EntryKind,
    Goal,
    GoalAction,
    GoalRating,
    Intervention,
    Module,
    PriorityIssue,
    Programme,
    RatedBy,
    RiskNeedItem,
    ScalingAnswer,
    ToxicTrioFlag,
)

GO_LIVE = dt.date(2020, 2, 10)
HISTORY = 18 * 30  # days of Workbook before the anchor (or the case's close)
VISITS_RECORDED_FOR = 92  # the last quarter's statutory visits are Workbook entries
RATED_FOR = 300  # goals are rated over their last ten months or so
TRIO_FACTORS = {"da": {"3B"}, "substance": {"1B", "2B"}, "mental_health": {"4B"}}
SPECIALIST_FOR = {
    "da": Role.DA_SURVIVOR_WORKER,
    "substance": Role.SUBSTANCE_MISUSE_WORKER,
    "mental_health": Role.MENTAL_HEALTH_PRACTITIONER,
}
MODULE_LEAD = {  # the adult modules are led by the specialist when one is allocated
    "relationships": Role.DA_SURVIVOR_WORKER,
    "substance-use": Role.SUBSTANCE_MISUSE_WORKER,
    "wellbeing": Role.MENTAL_HEALTH_PRACTITIONER,
}
SPECIALIST_MODULE = {  # the adult module each specialist's own sessions belong to
    Chapter.DA_SURVIVOR: "relationships",
    Chapter.DA_PERPETRATOR: "relationships",
    Chapter.SUBSTANCE_MISUSE: "substance-use",
    Chapter.MENTAL_HEALTH: "wellbeing",
    Chapter.PSYCHOLOGY: "wellbeing",
}
CHANGE_ISSUE = {"da": "da", "substance": "alcohol", "mental_health": "mental_health"}
STAGES = ["precontemplation", "contemplation", "preparation", "action", "maintenance"]


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def _weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += _days(1)
    return day


@dataclass
class TeamHabits:
    """How closely a team follows the model: some teams meet each threshold, some do not."""

    programme_use: float
    module_pace: tuple[int, int]


@dataclass
class FamilyView:
    """What the generator needs of one saved family: its people and its latest case."""

    case: Case
    adults: list[Person] = field(default_factory=list)
    kids: list[Person] = field(default_factory=list)
    allocations: list[Allocation] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)
    factors: set[str] = field(default_factory=set)

    def lead_on(self, day: dt.date) -> Worker | None:
        leads = [a for a in self.allocations if a.is_lead]
        for a in leads:
            if a.started_on <= day and (a.ended_on is None or day <= a.ended_on):
                return a.worker
        return leads[-1].worker if leads else None

    def of_role(self, role: str) -> Allocation | None:
        return next((a for a in self.allocations if a.role == role), None)


class WorkbookRecords:
    def __init__(self, *, rng: random.Random, anchor: dt.date) -> None:
        self.rng = rng
        self.anchor = anchor
        self.habits: dict[int, TeamHabits] = {}
        self._programme: Programme | None = None
        self._modules: list[Module] = []
        self._sc: Programme | None = None
        self._stamps: dict[dt.date, dt.datetime] = {}

    # --- set-up -----------------------------------------------------------------------------

    def _load_programmes(self) -> None:
        if self._programme is not None:
            return
        programme = Programme.objects.latest_of(DEFAULT_PROGRAMME)
        if programme is None:  # a flushed test database: load what migrations would have
            from familyworkbook.workbook.loader import load_shipped_programmes

            load_shipped_programmes()
            programme = Programme.objects.latest_of(DEFAULT_PROGRAMME)
        assert programme is not None
        self._programme = programme
        self._modules = list(programme.modules.order_by("number"))
        self._sc = Programme.objects.latest_of(SUPPORTING_CHANGE)

    def team_habits(self, team_id: int) -> TeamHabits:
        habits = self.habits.get(team_id)
        if habits is None:
            rng = self.rng
            # About two teams in three use the programme in 70% or more of their cases.
            use = rng.choice([0.45, 0.6, 0.75, 0.85, 0.9, 0.95])
            habits = TeamHabits(programme_use=use, module_pace=rng.choice([(10, 21), (14, 35)]))
            self.habits[team_id] = habits
        return habits

    def _module_of(self, slug: str | None) -> Module | None:
        return next((m for m in self._modules if m.slug == slug), None)

    def stamp(self, day: dt.date) -> dt.datetime:
        value = self._stamps.get(day)
        if value is None:
            value = dt.datetime(day.year, day.month, day.day, 16, 0, tzinfo=LONDON)
            self._stamps[day] = value
        return value

    def audit(self, day: dt.date, worker: Worker | None) -> dict[str, Any]:
        user_id = worker.user_id if worker else None
        return {
            "created_at": self.stamp(day),
            "modified_at": self.stamp(day),
            "created_by_id": user_id,
            "modified_by_id": user_id,
        }

    # --- the batch --------------------------------------------------------------------------

    def families(self, rows: Rows) -> list[FamilyView]:
        latest: dict[int, Case] = {}
        for case in rows.cases:
            current = latest.get(case.family_id)
            if current is None or case.opened_on > current.opened_on:
                latest[case.family_id] = case
        views = {fid: FamilyView(case=c) for fid, c in latest.items()}
        for m in rows.memberships:
            view = views.get(m.family_id)
            if view is None or m.ended_on is not None or m.kind != "household":
                continue
            person = m.person
            if person.kind == PersonKind.ADULT:
                view.adults.append(person)
            elif person.kind == PersonKind.CHILD:
                view.kids.append(person)
        by_case = {view.case.pk: view for view in views.values()}
        for a in rows.allocations:
            if a.case_id in by_case:
                by_case[a.case_id].allocations.append(a)
        for v in rows.visits:
            if v.case_id in by_case:
                by_case[v.case_id].visits.append(v)
        for a in rows.assessments:
            view = by_case.get(a.episode.case_id)
            if view is not None:
                view.factors.update(a.factors)
        for view in views.values():
            view.allocations.sort(key=lambda a: (a.started_on, a.pk))
        return [views[fid] for fid in sorted(views)]

    def add(self, rows: Rows) -> Counter[str]:
        """Create the Workbook of each family in `rows` (already saved)."""
        self._load_programmes()
        out = _Out()
        for view in self.families(rows):
            if view.adults and view.kids:
                self._family(view, out)
        return out.save()

    # --- one family -------------------------------------------------------------------------

    def _family(self, view: FamilyView, out: _Out) -> None:
        rng = self.rng
        case = view.case
        end = min(case.closed_on or self.anchor, self.anchor)
        start = max(case.opened_on, GO_LIVE, end - _days(HISTORY))
        if (end - start).days < 14:
            return
        lead = view.lead_on(start)
        if lead is None:
            return
        names = {
            "adult": view.adults[0].first_name,
            "child": view.kids[0].first_name,
            "child_list": " and ".join(k.first_name for k in view.kids[:3]),
        }
        issues = [i for i, codes in TRIO_FACTORS.items() if codes & view.factors]
        specialists = {a.role: a for a in view.allocations if a.role in Role.adult_specialists()}
        fam = case.family

        self._visit_entries(view, names, out)
        habits = self.team_habits(case.team_id)
        uses_programme = rng.random() < habits.programme_use
        if uses_programme:
            self._module_sessions(view, names, start, end, specialists, habits, out)
        for allocation in specialists.values():
            self._specialist_sessions(view, names, allocation, end, uses_programme, out)
        cp = view.of_role(Role.CHILD_PRACTITIONER)
        if cp is not None:
            self._direct_work(view, names, cp, end, out)

        # Risk and need, priority issues and toxic-trio flags, from the assessment.
        identified = min(end, start + _days(rng.randint(10, 40)))
        for kind, pool, n in (
            ("worry", text.WORRIES, 2),
            ("strength", text.STRENGTHS, 2),
            ("protective", text.PROTECTIVE, 1),
            ("must_change", text.MUST_CHANGE, 1),
        ):
            for line in rng.sample(pool, n):
                about = rng.choice(view.kids) if kind == "worry" and rng.random() < 0.3 else None
                out.risk.append(
                    RiskNeedItem(
                        family=fam,
                        about=about,
                        kind=kind,
                        text=line.format(**names),
                        identified_on=identified,
                        **self.audit(identified, lead),
                    )
                )
        priorities = issues or ["routine"]
        for rank, issue in enumerate(priorities + (["routine"] if issues else []), start=1):
            title, detail = text.PRIORITIES[issue]
            out.priorities.append(
                PriorityIssue(
                    family=fam,
                    title=title.format(**names),
                    detail=detail.format(**names),
                    rank=rank,
                    identified_on=identified,
                    **self.audit(identified, lead),
                )
            )
        adult = view.adults[0]
        for issue in issues:
            spec = specialists.get(SPECIALIST_FOR[issue])
            out.flags.append(
                ToxicTrioFlag(
                    family=fam,
                    person=adult,
                    issue=issue,
                    specialist=spec.worker if spec else None,
                    flagged_on=identified,
                    **self.audit(identified, lead),
                )
            )
        if "da" in issues and len(view.adults) > 1:
            spec = specialists.get(Role.DA_PERPETRATOR_WORKER)
            out.flags.append(
                ToxicTrioFlag(
                    family=fam,
                    person=view.adults[1],
                    issue="da",
                    specialist=spec.worker if spec else None,
                    flagged_on=identified,
                    note="Named as the person causing harm.",
                    **self.audit(identified, lead),
                )
            )

        self._goals(view, names, priorities, identified, end, lead, out)
        self._change(view, names, issues, identified, end, lead, out)
        if self._sc is not None and case.closed_on is None and rng.random() < 0.04:
            self._intervention(view, identified, end, lead, out)

    def _entry(
        self,
        view: FamilyView,
        out: _Out,
        *,
        author: Worker,
        chapter: str,
        on: dt.date,
        kind: str,
        words: tuple[str, ...],
        names: dict[str, str],
        present: Iterable[Person] = (),
        module: Module | None = None,
        completes: bool = False,
        tools: list[str] | None = None,
        headline: str = "",
        **extra: Any,
    ) -> Entry:
        what, meaning, nxt = (w.format(**names) for w in words[:3])
        change = words[3].format(**names) if len(words) > 3 else ""
        entry = Entry(
            family=view.case.family,
            author=author,
            chapter=chapter,
            happened_on=on,
            kind=kind,
            programme=self._programme,
            programme_version=self._programme.version if self._programme else "",
            module=module,
            completes_module=completes,
            tools=tools or [],
            what_happened=what,
            meaning_for_child=meaning,
            what_needs_to_change=change,
            what_happens_next=nxt,
            is_significant=bool(headline),
            headline=headline.format(**names)[:200],
            **extra,
            **self.audit(on, author),
        )
        out.entries.append(entry)
        out.present.append((entry, list(present)))
        return entry

    def _visit_entries(self, view: FamilyView, names: dict[str, str], out: _Out) -> None:
        """The statutory visits, typed once: one entry per visit day, linked to each child's visit."""
        days: dict[tuple[dt.date, int | None], list[Visit]] = defaultdict(list)
        since = self.anchor - _days(VISITS_RECORDED_FOR)
        for v in view.visits:
            if v.visited_on < since:
                continue
            days[(v.visited_on, v.by_id)].append(v)
        for (on, _by), visits in sorted(days.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)):
            author = visits[0].by
            if author is None:
                continue
            seen = [v.child for v in visits if v.seen]
            if seen:
                words = self.rng.choice(text.VISIT_TEXT)
                headline = ""
            else:
                words = text.NOT_SEEN
                headline = text.SIGNIFICANT["not_seen"]
            kind = EntryKind.JOINT_VISIT if visits[0].kind == "joint" else EntryKind.HOME_VISIT
            alone = [v.child.first_name for v in visits if v.seen_alone]
            child_words = self.rng.choice(text.CHILD_WORDS) if alone else ""
            entry = self._entry(
                view,
                out,
                author=author,
                chapter=Chapter.SOCIAL_WORK,
                on=on,
                kind=kind,
                words=words,
                names=names,
                present=[*seen, view.adults[0]],
                headline=headline,
                child_words=child_words,
            )
            out.visit_links.append((entry, visits))

    def _module_sessions(
        self,
        view: FamilyView,
        names: dict[str, str],
        start: dt.date,
        end: dt.date,
        specialists: dict[str, Allocation],
        habits: TeamHabits,
        out: _Out,
    ) -> None:
        rng = self.rng
        day = _weekday(start + _days(rng.randint(14, 35)))
        for module in self._modules:
            sessions = rng.choice([1, 1, 1, 2, 2])
            lead_role = MODULE_LEAD.get(module.slug)
            spec = specialists.get(lead_role) if lead_role else None
            for n in range(sessions):
                if day > end:
                    return
                if spec is not None and spec.started_on <= day:
                    author, chapter = spec.worker, Chapter.for_role(spec.role)
                else:
                    author, chapter = view.lead_on(day), Chapter.SOCIAL_WORK
                if author is None:
                    return
                what, meaning, change, nxt, tools = rng.choice(text.MODULE_SESSIONS[module.slug])
                last = n == sessions - 1
                self._entry(
                    view,
                    out,
                    author=author,
                    chapter=chapter,
                    on=day,
                    kind=EntryKind.SESSION if rng.random() < 0.4 else EntryKind.HOME_VISIT,
                    words=(what, meaning, nxt, change),
                    names=names,
                    present=view.adults[:2],
                    module=module,
                    completes=last,
                    tools=tools,
                    headline=(
                        text.SIGNIFICANT["completed"].replace("{module}", module.title)
                        if last and module.number == len(self._modules)
                        else ""
                    ),
                )
                day = _weekday(day + _days(rng.randint(*habits.module_pace)))

    def _specialist_sessions(
        self,
        view: FamilyView,
        names: dict[str, str],
        allocation: Allocation,
        end: dt.date,
        uses_programme: bool,
        out: _Out,
    ) -> None:
        """The specialist's own sessions. Where the family's team uses the programme they are
        recorded against the adult module the specialist delivers (so the family's progress
        shows the work); elsewhere they are sessions outside the programme, which the overview
        and the fidelity monitor count as not recorded against a module."""
        rng = self.rng
        chapter = Chapter.for_role(allocation.role)
        pool = text.SPECIALIST_SESSIONS.get(chapter)
        if not pool:
            return
        module = self._module_of(SPECIALIST_MODULE.get(chapter)) if uses_programme else None
        stop = min(end, allocation.ended_on or end)
        day = _weekday(
            max(allocation.started_on, stop - _days(HISTORY)) + _days(rng.randint(3, 14))
        )
        client = (
            view.adults[1]
            if chapter == Chapter.DA_PERPETRATOR and len(view.adults) > 1
            else view.adults[0]
        )
        local = {**names, "adult": client.first_name}
        first = True
        count = 0
        while day <= stop and count < 10:
            what, meaning, nxt, summary, detail = rng.choice(pool)
            headline = ""
            if first:
                headline = text.SIGNIFICANT["engaged"].replace(
                    "{role}", Role(allocation.role).label.lower()
                )
            elif chapter == Chapter.SUBSTANCE_MISUSE and rng.random() < 0.08:
                headline = text.SIGNIFICANT["relapse"]
            self._entry(
                view,
                out,
                author=allocation.worker,
                chapter=chapter,
                on=day,
                kind=EntryKind.SESSION,
                words=(what, meaning, nxt),
                names=local,
                present=[client],
                module=module,
                headline=headline,
                shared_summary=summary.format(**local),
                confidential_detail=detail,
            )
            first = False
            count += 1
            day = _weekday(day + _days(rng.randint(21, 42)))

    def _direct_work(
        self,
        view: FamilyView,
        names: dict[str, str],
        allocation: Allocation,
        end: dt.date,
        out: _Out,
    ) -> None:
        rng = self.rng
        stop = min(end, allocation.ended_on or end)
        day = _weekday(
            max(allocation.started_on, stop - _days(HISTORY)) + _days(rng.randint(7, 21))
        )
        count = 0
        while day <= stop and count < 8:
            child = rng.choice(view.kids)
            local = {**names, "child": child.first_name}
            headline = text.SIGNIFICANT["disclosure"] if rng.random() < 0.05 else ""
            self._entry(
                view,
                out,
                author=allocation.worker,
                chapter=Chapter.CHILD_PRACTITIONER,
                on=day,
                kind=EntryKind.DIRECT_WORK,
                words=rng.choice(text.DIRECT_WORK),
                names=local,
                present=[child],
                headline=headline,
                child_words=rng.choice(text.CHILD_WORDS),
            )
            count += 1
            day = _weekday(day + _days(rng.randint(28, 49)))

    def _goals(
        self,
        view: FamilyView,
        names: dict[str, str],
        priorities: list[str],
        set_on: dt.date,
        end: dt.date,
        lead: Worker,
        out: _Out,
    ) -> None:
        rng = self.rng
        fam = view.case.family
        wanted: list[tuple[Person, str, str, bool]] = []
        for issue in priorities[:2]:
            title, success = text.GOALS_ADULT[issue]
            wanted.append((view.adults[0], title, success, rng.random() < 0.5))
        if len(view.adults) > 1:
            title, success = text.GOALS_ADULT["routine"]
            wanted.append((view.adults[1], title, success, False))
        for kid in view.kids[:2]:
            title, success = rng.choice(text.GOAL_CHILD)
            wanted.append((kid, title, success, True))
        for person, title, success, by_family in wanted:
            local = {
                **names,
                "child": names["child"] if person.kind == PersonKind.ADULT else person.first_name,
            }
            goal = Goal(
                family=fam,
                person=person,
                title=title.format(**local)[:200],
                success_looks_like=success.format(**local),
                set_by_family=by_family,
                set_on=set_on,
                **self.audit(set_on, lead),
            )
            out.goals.append(goal)
            description, owner = rng.choice(text.ACTIONS)
            due = set_on + _days(rng.randint(20, 60))
            done = due < end and rng.random() < 0.7
            out.actions.append(
                GoalAction(
                    goal=goal,
                    description=description.format(**local),
                    owner=owner.format(**local),
                    due_on=due,
                    status="done" if done else "open",
                    **self.audit(set_on, lead),
                )
            )
            # Ratings about monthly, worker and family member, drifting up with setbacks.
            worker_score = rng.randint(1, 4)
            family_score = min(10, worker_score + rng.randint(0, 3))
            day = max(set_on, end - _days(RATED_FOR) + _days(rng.randint(0, 30)))
            while day <= end:
                rater = view.lead_on(day) or lead
                for rated_by, score in (
                    (RatedBy.WORKER, worker_score),
                    (RatedBy.FAMILY_MEMBER, family_score),
                ):
                    out.ratings.append(
                        GoalRating(
                            goal=goal,
                            rated_on=day,
                            rated_by=rated_by,
                            score=score,
                            note=rng.choice(text.RATING_NOTES),
                            recorded_by_id=rater.user_id,
                            rater_worker=rater if rated_by == RatedBy.WORKER else None,
                            recorded_at=self.stamp(day),
                        )
                    )
                step = rng.choice([-1, 0, 1, 1, 1, 2])
                worker_score = max(0, min(10, worker_score + step))
                family_score = max(0, min(10, family_score + step + rng.choice([-1, 0, 0, 1])))
                day += _days(rng.randint(56, 84))

    def _change(
        self,
        view: FamilyView,
        names: dict[str, str],
        issues: list[str],
        start: dt.date,
        end: dt.date,
        lead: Worker,
        out: _Out,
    ) -> None:
        rng = self.rng
        fam = view.case.family
        adult = view.adults[0]
        local = {**names, "adult": adult.first_name}
        for issue in issues:
            stage = rng.randint(0, 1)
            day = start
            while day <= end:
                name = STAGES[stage]
                out.stages.append(
                    ChangeStage(
                        family=fam,
                        person=adult,
                        issue=CHANGE_ISSUE[issue],
                        stage=name,
                        assessed_on=day,
                        rationale=text.STAGE_RATIONALE[name].format(**local),
                        recorded_by_id=lead.user_id,
                        recorded_at=self.stamp(day),
                    )
                )
                if stage >= 3 and rng.random() < 0.2:
                    relapse_on = day + _days(rng.randint(30, 80))
                    if relapse_on <= end:
                        out.stages.append(
                            ChangeStage(
                                family=fam,
                                person=adult,
                                issue=CHANGE_ISSUE[issue],
                                stage="relapse",
                                assessed_on=relapse_on,
                                rationale=text.STAGE_RATIONALE["relapse"].format(**local),
                                recorded_by_id=lead.user_id,
                                recorded_at=self.stamp(relapse_on),
                            )
                        )
                        day = relapse_on
                        stage = 1
                if stage == len(STAGES) - 1:
                    break
                stage += 1
                day += _days(rng.randint(45, 120))
            if rng.random() < 0.6:
                on = min(end, start + _days(rng.randint(20, 60)))
                out.balances.append(
                    DecisionalBalance(
                        family=fam,
                        person=adult,
                        issue=CHANGE_ISSUE[issue],
                        completed_on=on,
                        staying_good=text.BALANCE[0],
                        staying_bad=text.BALANCE[1],
                        changing_good=text.BALANCE[2],
                        changing_bad=text.BALANCE[3],
                        **self.audit(on, lead),
                    )
                )
        if issues:
            score = rng.randint(2, 5)
            day = start
            while day <= end:
                out.scaling.append(
                    ScalingAnswer(
                        family=fam,
                        person=adult,
                        question=text.SCALING_QUESTION,
                        score=score,
                        asked_on=day,
                        note="Fewer arguments; the children sleeping through.",
                        recorded_by_id=lead.user_id,
                        recorded_at=self.stamp(day),
                    )
                )
                score = max(0, min(10, score + rng.choice([-1, 0, 1, 1])))
                day += _days(rng.randint(60, 100))

    def _intervention(
        self, view: FamilyView, start: dt.date, end: dt.date, lead: Worker, out: _Out
    ) -> None:
        """Supporting Change: twelve weeks, sometimes extended, usually ended with an outcome."""
        rng = self.rng
        sc = self._sc
        assert sc is not None
        questions = sc.data.get("readiness_screening", {}).get("questions", [])
        answers = [rng.randint(1, 4) for _ in questions]
        score = sum(answers)
        band = next(
            (
                b["label"]
                for b in sc.data.get("readiness_screening", {}).get("bands", [])
                if b["min"] <= score <= b["max"]
            ),
            "",
        )
        began = max(start, end - _days(rng.randint(30, 200)))
        planned = began + dt.timedelta(weeks=sc.default_weeks)
        row = Intervention(
            family=view.case.family,
            child=view.kids[0],
            programme=sc,
            programme_version=sc.version,
            referred_by=lead,
            eligibility="edge_of_care",
            started_on=began,
            planned_end_on=planned,
            readiness_answers=answers,
            readiness_score=score,
            readiness_band=band,
            legal_status_at_start=rng.choice(["cp", "plo", "cin"]),
            **self.audit(began, lead),
        )
        if planned < end and rng.random() < 0.3:
            row.extended_to = planned + dt.timedelta(weeks=4)
            row.extension_reason = "Work on routines is going well and needs four more weeks."
            row.extension_agreed_by = "Head of service"
            row.extension_agreed_on = planned - _days(7)
        due = row.extended_to or planned
        if due < end:
            row.ended_on = due
            row.outcome = rng.choice(
                ["remained_home", "remained_home", "entered_care", "disengaged"]
            )
            row.legal_status_at_end = "care_order" if row.outcome == "entered_care" else "cin"
            row.outcome_notes = "Reviewed at the exit meeting with the family."
        out.interventions.append(row)


class _Out:
    """The batch's Workbook rows, inserted parents first."""

    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self.present: list[tuple[Entry, list[Person]]] = []
        self.visit_links: list[tuple[Entry, list[Visit]]] = []
        self.risk: list[RiskNeedItem] = []
        self.priorities: list[PriorityIssue] = []
        self.flags: list[ToxicTrioFlag] = []
        self.goals: list[Goal] = []
        self.actions: list[GoalAction] = []
        self.ratings: list[GoalRating] = []
        self.stages: list[ChangeStage] = []
        self.balances: list[DecisionalBalance] = []
        self.scaling: list[ScalingAnswer] = []
        self.interventions: list[Intervention] = []

    def save(self) -> Counter[str]:
        counts: Counter[str] = Counter()

        def insert(name: str, objs: list[models.Model]) -> None:
            if objs:
                type(objs[0]).objects.bulk_create(objs, batch_size=BATCH_SIZE)
            counts[name] = len(objs)

        insert("workbook_entries", self.entries)  # type: ignore[arg-type]
        present = [
            Entry.present.through(entry_id=e.pk, person_id=p.pk)
            for e, people in self.present
            for p in {p.pk: p for p in people}.values()
        ]
        insert("workbook_entry_present", present)
        links = [
            Entry.visits.through(entry_id=e.pk, visit_id=v.pk)
            for e, visits in self.visit_links
            for v in visits
        ]
        insert("workbook_visit_links", links)
        insert("risk_need_items", self.risk)  # type: ignore[arg-type]
        insert("priority_issues", self.priorities)  # type: ignore[arg-type]
        insert("toxic_trio_flags", self.flags)  # type: ignore[arg-type]
        insert("goals", self.goals)  # type: ignore[arg-type]
        insert("goal_actions", self.actions)  # type: ignore[arg-type]
        insert("goal_ratings", self.ratings)  # type: ignore[arg-type]
        insert("change_stages", self.stages)  # type: ignore[arg-type]
        insert("decisional_balances", self.balances)  # type: ignore[arg-type]
        insert("scaling_answers", self.scaling)  # type: ignore[arg-type]
        insert("interventions", self.interventions)  # type: ignore[arg-type]
        return counts
