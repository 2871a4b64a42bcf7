"""When things happen in a demo case: referral, assessment, plans, care, closure.

Pure dates, no database. A case is a run of contiguous phases — assessment, child in need
plan, child protection plan, looked after — planned backwards from its end (the closure date,
or the anchor date for a case still open), so the mix of cases open on the anchor date can
be set directly to the shares in SEED-NUMBERS.md.

The rules the CIN census and SSDA903 validators apply are kept by construction:
a CP plan starts on the ICPC date, which is a weekday; a CIN plan may end on the ICPC day
(step-up) and start on the day a CP plan ends (step-down), but never overlaps it.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

HISTORY_START = dt.date(2019, 1, 14)
ONE_DAY = dt.timedelta(days=1)

ASSESS, CIN, CP, CLA = "assess", "cin", "cp", "cla"

# Share of open cases by what the children are on at the anchor date (SEED-NUMBERS.md, P4):
# CIN plan 53%, CP plan 34%, looked after 13%; a few cases are still being assessed.
OPEN_STATUS = [(ASSESS, 0.06), (CIN, 0.53 * 0.94), (CP, 0.34 * 0.94), (CLA, 0.13 * 0.94)]
# Closed cases, by how they went.
CLOSED_TRAJECTORY = [
    ("nfa", 0.33),
    ("early_help", 0.15),
    ("cin", 0.30),
    ("cp", 0.14),
    ("moved", 0.04),
    ("cla_left", 0.04),
]
# Open CP cases in pre-proceedings (PLO): about 5% of all open cases.
PLO_SHARE_OF_LONG_CP = 0.24


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def weekday_on_or_before(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day -= ONE_DAY
    return day


def weekday_on_or_after(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += ONE_DAY
    return day


def add_working_days(day: dt.date, n: int) -> dt.date:
    step = ONE_DAY if n >= 0 else -ONE_DAY
    for _ in range(abs(n)):
        day += step
        while day.weekday() >= 5:
            day += step
    return day


@dataclass
class Phase:
    kind: str
    start: dt.date
    end: dt.date | None  # None: still going on the anchor date


@dataclass
class CasePlan:
    opened: dt.date
    closed: dt.date | None
    phases: list[Phase]
    trajectory: str
    # CIN census reason for closure of each child's episode, and the case's own reason.
    cin_closure: str = ""
    case_closure: str = ""
    s47_not_required: bool = False
    s47_started: dt.date | None = None
    assessment_started: dt.date | None = None
    assessment_authorised: dt.date | None = None
    cla_route: str = ""  # "plo" (care proceedings), "s20" or "emergency"
    cla_exit: str = ""  # SSDA903 reason the last episode ceased, for a closed case
    plo: tuple[dt.date, dt.date | None] | None = None
    proceedings: tuple[dt.date, dt.date | None] | None = None
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def is_open(self) -> bool:
        return self.closed is None

    def phase(self, kind: str) -> Phase | None:
        return next((p for p in self.phases if p.kind == kind), None)

    @property
    def status(self) -> str:
        return self.phases[-1].kind


class Planner:
    def __init__(self, rng: random.Random, anchor: dt.date) -> None:
        self.rng = rng
        self.anchor = anchor

    # --- durations --------------------------------------------------------------------

    def assessment_days(self) -> int:
        # Statutory limit is 45 working days; most are done well within it.
        return int(self.rng.triangular(10, 62, 28))

    def icpc_lag(self, s47_start: dt.date) -> dt.date:
        """ICPC within 15 working days of the strategy discussion, on a weekday."""
        return add_working_days(s47_start, self.rng.randint(6, 15))

    def closed_cp_weeks(self) -> int:
        """CP plan length at closure: mean about 44 weeks (SEED-NUMBERS.md: 36 to 48)."""
        r = self.rng.random()
        if r < 0.2:
            return self.rng.randint(12, 20)
        if r < 0.75:
            return self.rng.randint(26, 52)
        return self.rng.randint(53, 100)

    def _pick(self, table: list[tuple[str, float]]) -> str:
        names = [name for name, _ in table]
        return self.rng.choices(names, weights=[w for _, w in table])[0]

    def open_status(self) -> str:
        return self._pick(OPEN_STATUS)

    def closed_trajectory(self) -> str:
        return self._pick(CLOSED_TRAJECTORY)

    # --- open cases (planned back from the anchor) ------------------------------------

    def plan_open(self, status: str) -> CasePlan:
        for _ in range(30):
            plan = self._plan_open(status)
            if plan.opened >= HISTORY_START:
                return plan
        return self._plan_open(CIN, short=True)

    def _start_assessment(
        self, plan: CasePlan, *, authorised_by: dt.date | None = None
    ) -> CasePlan:
        rng = self.rng
        plan.assessment_started = plan.opened + days(rng.randint(0, 2))
        if authorised_by is None:
            authorised = plan.assessment_started + days(self.assessment_days())
        else:
            authorised = max(plan.assessment_started, authorised_by)
        end = plan.closed or self.anchor
        plan.assessment_authorised = (
            min(authorised, end) if authorised <= end or plan.closed else None
        )
        return plan

    def _plan_open(self, status: str, *, short: bool = False) -> CasePlan:
        rng, anchor = self.rng, self.anchor
        if status == ASSESS:
            opened = anchor - days(rng.randint(1, 40))
            plan = CasePlan(opened, None, [Phase(ASSESS, opened, None)], "assess")
            plan.assessment_started = opened + days(rng.randint(0, 2))
            if plan.assessment_started > anchor:
                plan.assessment_started = opened
            if rng.random() < 0.2:
                plan.s47_started = opened + days(rng.randint(0, 2))
                if plan.s47_started > anchor:
                    plan.s47_started = opened
            return plan
        if status == CIN:
            so_far = rng.randint(1, 120) if short else int(rng.triangular(1, 480, 60))
            if not short and rng.random() < 0.22:
                # Stepped down from a CP plan: the CIN plan starts the day the CP plan ends.
                cin_start = weekday_on_or_before(anchor - days(so_far))
                icpc = weekday_on_or_before(cin_start - days(7 * self.closed_cp_weeks()))
                s47 = add_working_days(icpc, -rng.randint(6, 15))
                opened = s47 - days(rng.randint(0, 3))
                plan = CasePlan(
                    opened,
                    None,
                    [
                        Phase(ASSESS, opened, icpc),
                        Phase(CP, icpc, cin_start),
                        Phase(CIN, cin_start, None),
                    ],
                    "cin_stepdown",
                )
                plan.s47_started = s47
                return self._start_assessment(plan)
            cin_start = anchor - days(so_far)
            opened = cin_start - days(self.assessment_days())
            plan = CasePlan(
                opened, None, [Phase(ASSESS, opened, cin_start), Phase(CIN, cin_start, None)], "cin"
            )
            if rng.random() < 0.2:
                plan.s47_started = opened + days(rng.randint(0, 3))
                plan.s47_not_required = True
            return self._start_assessment(plan, authorised_by=cin_start)
        if status == CP:
            so_far = min(int(rng.expovariate(1 / 30) * 7), 95 * 7)
            icpc = weekday_on_or_before(anchor - days(so_far))
            s47 = add_working_days(icpc, -rng.randint(6, 15))
            if rng.random() < 0.15:
                # Stepped up from a CIN plan that ends on the ICPC day.
                cin_start = s47 - days(rng.randint(40, 250))
                opened = cin_start - days(self.assessment_days())
                plan = CasePlan(
                    opened,
                    None,
                    [
                        Phase(ASSESS, opened, cin_start),
                        Phase(CIN, cin_start, icpc),
                        Phase(CP, icpc, None),
                    ],
                    "cp_stepup",
                )
                plan.s47_started = s47
                self._start_assessment(plan, authorised_by=cin_start)
            else:
                opened = s47 - days(rng.randint(0, 3))
                plan = CasePlan(
                    opened, None, [Phase(ASSESS, opened, icpc), Phase(CP, icpc, None)], "cp"
                )
                plan.s47_started = s47
                self._start_assessment(plan)
            if (anchor - icpc).days >= 84 and rng.random() < PLO_SHARE_OF_LONG_CP:
                start = weekday_on_or_before(icpc + days(rng.randint(84, (anchor - icpc).days)))
                plan.plo = (max(start, icpc + ONE_DAY), None)
            return plan
        return self._plan_looked_after(end=None, exit_reason="")

    def _plan_looked_after(self, *, end: dt.date | None, exit_reason: str) -> CasePlan:
        """Into care by care proceedings after a CP plan, by agreement (s20), or in an emergency."""
        rng = self.rng
        last_day = end or self.anchor
        r = rng.random()
        route = "plo" if r < 0.55 else ("s20" if r < 0.85 else "emergency")
        if end is None:
            r = rng.random()
            in_care = (
                rng.randint(20, 365)
                if r < 0.35
                else (rng.randint(365, 3 * 365) if r < 0.7 else rng.randint(3 * 365, 6 * 365))
            )
        else:
            in_care = rng.randint(60, 1000)
        entered = weekday_on_or_before(last_day - days(in_care))
        if route == "emergency":
            opened = entered
            plan = CasePlan(opened, end, [Phase(CLA, entered, end)], "cla")
            plan.s47_started = opened
            plan.s47_not_required = True
            self._start_assessment(plan)
            plan.proceedings = self._proceedings(entered, end)
        else:
            before = CP if (route == "plo" or rng.random() < 0.5) else CIN
            if before == CP:
                icpc = weekday_on_or_before(entered - days(rng.randint(120, 420)))
                s47 = add_working_days(icpc, -rng.randint(6, 15))
                opened = s47 - days(rng.randint(0, 3))
                phases = [
                    Phase(ASSESS, opened, icpc),
                    Phase(CP, icpc, entered),
                    Phase(CLA, entered, end),
                ]
                plan = CasePlan(opened, end, phases, "cla")
                plan.s47_started = s47
                self._start_assessment(plan)
                if route == "plo":
                    plo_start = weekday_on_or_before(
                        icpc + days(rng.randint(60, max(61, (entered - icpc).days - 20)))
                    )
                    plo_start = min(max(plo_start, icpc + ONE_DAY), entered)
                    plan.plo = (plo_start, entered)
                    plan.proceedings = self._proceedings(entered, end)
            else:
                cin_start = entered - days(rng.randint(60, 300))
                opened = cin_start - days(self.assessment_days())
                phases = [
                    Phase(ASSESS, opened, cin_start),
                    Phase(CIN, cin_start, entered),
                    Phase(CLA, entered, end),
                ]
                plan = CasePlan(opened, end, phases, "cla")
                self._start_assessment(plan, authorised_by=cin_start)
        plan.cla_route = route
        plan.cla_exit = exit_reason
        return plan

    def _proceedings(self, issued: dt.date, end: dt.date | None) -> tuple[dt.date, dt.date | None]:
        """Care proceedings issued the day the child came into care; concluded about 26 weeks on.

        A child who has left care had their proceedings concluded by then.
        """
        concluded = issued + days(self.rng.randint(150, 260))
        if end is not None:
            return (issued, min(concluded, end))
        return (issued, concluded if concluded < self.anchor else None)

    # --- closed cases (planned back from the closure date) ----------------------------

    def plan_closed(self, closed: dt.date, trajectory: str) -> CasePlan:
        rng = self.rng
        if trajectory in {"nfa", "early_help"}:
            opened = closed - days(self.assessment_days())
            plan = CasePlan(
                opened,
                closed,
                [Phase(ASSESS, opened, closed)],
                trajectory,
                cin_closure="RC8" if trajectory == "nfa" else "RC9",
                case_closure="nfa" if trajectory == "nfa" else "step_down",
            )
            return self._start_assessment(plan, authorised_by=closed)
        if trajectory in {"cin", "moved"}:
            cin_start = closed - days(rng.randint(60, 360))
            opened = cin_start - days(self.assessment_days())
            plan = CasePlan(
                opened,
                closed,
                [Phase(ASSESS, opened, cin_start), Phase(CIN, cin_start, closed)],
                trajectory,
            )
            if trajectory == "moved":
                plan.cin_closure, plan.case_closure = "RC5", "transferred_la"
            else:
                plan.cin_closure = "RC7"
                plan.case_closure = "outcomes_met" if rng.random() < 0.7 else "step_down"
            if rng.random() < 0.2:
                plan.s47_started = opened + days(rng.randint(0, 3))
                plan.s47_not_required = True
            return self._start_assessment(plan, authorised_by=cin_start)
        if trajectory == "cp":
            if rng.random() < 0.75:
                cp_end = weekday_on_or_before(closed - days(rng.randint(60, 200)))
                tail = [Phase(CIN, cp_end, closed)]
            else:
                closed = weekday_on_or_before(closed)
                cp_end = closed
                tail = []
            icpc = weekday_on_or_before(cp_end - days(7 * self.closed_cp_weeks()))
            s47 = add_working_days(icpc, -rng.randint(6, 15))
            opened = s47 - days(rng.randint(0, 3))
            plan = CasePlan(
                opened,
                closed,
                [Phase(ASSESS, opened, icpc), Phase(CP, icpc, cp_end), *tail],
                "cp",
                cin_closure="RC7",
                case_closure="outcomes_met",
            )
            plan.s47_started = s47
            return self._start_assessment(plan)
        # Left care: home, a child arrangements order, special guardianship, or adoption.
        exit_reason = rng.choices(
            ["E4A", "E41", "E45", "E47", "E11", "E12"], weights=[50, 15, 10, 10, 10, 5]
        )[0]
        plan = self._plan_looked_after(end=closed, exit_reason=exit_reason)
        plan.cin_closure = {
            "E41": "RC3",
            "E45": "RC4",
            "E47": "RC4",
            "E11": "RC1",
            "E12": "RC1",
        }.get(exit_reason, "RC7")
        plan.case_closure = "outcomes_met" if exit_reason == "E4A" else "permanence"
        return plan
