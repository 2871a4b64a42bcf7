"""A demo case: its workers, each child's episode of need, plans, conferences and visits."""

from __future__ import annotations

import datetime as dt

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
    PreProceedings,
    Section47,
    Visit,
)
from familyworkbook.core.codes import Sex
from familyworkbook.demo.county import Staff, TeamInfo
from familyworkbook.demo.households import Flags, Household, Kid
from familyworkbook.demo.looked_after import LookedAfterMixin
from familyworkbook.demo.rows import Rows
from familyworkbook.demo.timeline import (
    ASSESS,
    CIN,
    CLA,
    CP,
    CasePlan,
    Phase,
    add_working_days,
    days,
    weekday_on_or_after,
)
from familyworkbook.teams.models import Role

GO_LIVE = dt.date(2020, 2, 10)
VISIT_WINDOW = days(183)
DEMO_CASELOAD = 15

REFERRAL_SOURCES = [
    ("6", 28),
    ("2A", 17),
    ("2B", 1),
    ("3A", 3),
    ("3B", 5),
    ("3C", 2),
    ("3D", 2),
    ("3E", 3),
    ("3F", 5),
    ("4", 2),
    ("5A", 6),
    ("5B", 2),
    ("5C", 2),
    ("5D", 6),
    ("1A", 5),
    ("1B", 1),
    ("1C", 1),
    ("1D", 2),
    ("7", 2),
    ("8", 3),
    ("9", 1),
    ("10", 1),
]
PRIMARY_NEEDS = [
    ("N1", 870),
    ("N4", 50),
    ("N5", 30),
    ("N3", 20),
    ("N2", 10),
    ("N6", 10),
    ("N8", 5),
    ("N9", 5),
]
ABUSE_CATEGORIES = [("NEG", 45), ("EMO", 33), ("PHY", 9), ("SAB", 4), ("MUL", 9)]
REASON_BY_STATUS = {ASSESS: "assessment", CIN: "cin", CP: "cp", CLA: "cla"}
VISIT_KIND = {ASSESS: "assessment", CIN: "cin", CP: "cp", CLA: "cla"}
FINAL_ORDER = {
    "E41": "cao",
    "E45": "sgo",
    "E47": "sgo",
    "E11": "placement",
    "E12": "placement",
    "E4A": "supervision",
}


class CaseworkMixin(LookedAfterMixin):
    def _team_for(self, *, children: int) -> TeamInfo:
        """Of two teams drawn by capacity, the one with more room: team caseloads stay even."""
        first = self.teams[self._pick_cum(self.team_cum)]
        second = self.teams[self._pick_cum(self.team_cum)]
        team = min((first, second), key=lambda t: self.loads.get(id(t), 0) / t.capacity)
        self.loads[id(team)] = self.loads.get(id(team), 0) + children
        return team

    def _lead_for(self, team: TeamInfo, *, children: int) -> Staff:
        """The lead worker for an open case: of two drawn by capacity, the one with more room.

        The demo social worker takes the demo team's first 15 open cases with one or two
        children, and no more, so their caseload page is realistic.
        """
        demo = self.county.demo_social_worker
        if team is self.county.demo_team and self.demo_cases < DEMO_CASELOAD and children <= 2:
            self.demo_cases += 1
            self.loads[id(demo)] = self.loads.get(id(demo), 0) + children
            return demo
        candidates = []
        for _ in range(2):
            lead = team.leads[self._pick_cum(self.lead_cum[id(team)])]
            if lead is demo:
                lead = team.leads[-1] if team.leads[-1] is not demo else team.leads[0]
            candidates.append(lead)
        lead = min(candidates, key=lambda s: self.loads.get(id(s), 0) / s.weight)
        self.loads[id(lead)] = self.loads.get(id(lead), 0) + children
        return lead

    def _established(self, team: TeamInfo, on: dt.date, avoid: Staff | None = None) -> Staff:
        """A lead worker who was in post on a date (for history and earlier allocations)."""
        choices = [
            s
            for s in team.leads
            if s.started_on <= on and s is not avoid and s is not self.county.demo_social_worker
        ]
        if not choices:
            choices = [s for s in team.leads if s is not avoid] or team.leads
        return self.rng.choice(choices)

    def _case(
        self, rows: Rows, home: Household, plan: CasePlan, kids: list[Kid], *, lead: Staff
    ) -> None:
        """A case and, for each child in it, the episode of need with everything that happened."""
        rng = self.rng
        team = home.team
        closed = plan.closed
        last_day = closed or self.anchor
        self._fix_exit(plan, kids)
        by = lead.user_id
        case = Case(
            family=home.family,
            team=team.team,
            reason=REASON_BY_STATUS[plan.status],
            opened_on=plan.opened,
            closed_on=closed,
            closure_reason=plan.case_closure if closed else "",
            **self.audit(plan.opened, by, until=closed),
        )
        rows.cases.append(case)
        leads = self._allocate(rows, case, plan, team, home.flags, lead)

        authorised = plan.assessment_authorised
        primary = self.pick("need") if authorised else ""
        source = self.pick("source")
        if any(k.born is None or k.born > plan.opened for k in kids) and rng.random() < 0.6:
            source = "3F"  # a midwife's referral before the birth
        first_category = self.pick("abuse")
        latest_category = first_category if rng.random() < 0.85 else self.pick("abuse")
        recorded = {
            "DA": home.flags.domestic_abuse and rng.random() < 0.5,
            "MH": home.flags.mental_health and rng.random() < 0.75,
            "SM": home.flags.substance_misuse and rng.random() < 0.68,
            "ABN": rng.random() < 0.27,
            "LD": home.flags.learning_disability,
            "PD": home.flags.physical_illness,
            "OTH": rng.random() < 0.04,
            "FAITH": rng.random() < 0.002,
        }
        for kid in kids:
            episode = CinEpisode(
                child=kid.person,
                case=case,
                referral_on=plan.opened,
                referral_source=source,
                primary_need=primary,
                referral_nfa=False,
                closed_on=closed,
                closure_reason=plan.cin_closure if closed else "",
                **self.audit(plan.opened, by, until=closed),
            )
            rows.episodes.append(episode)
            for need in self._secondary_needs(kid, plan, recorded):
                rows.needs.append(EpisodeSecondaryNeed(episode=episode, need=need))
            if plan.assessment_started:
                rows.assessments.append(
                    Assessment(
                        episode=episode,
                        started_on=plan.assessment_started,
                        authorised_on=authorised,
                        factors=self._factors(kid, plan, home.flags) if authorised else [],
                        **self.audit(plan.assessment_started, by, until=authorised),
                    )
                )
            cp = plan.phase(CP)
            if plan.s47_started:
                icpc = cp.start if cp else None
                rows.s47s.append(
                    Section47(
                        episode=episode,
                        started_on=plan.s47_started,
                        icpc_target_on=add_working_days(plan.s47_started, 15),
                        icpc_on=icpc,
                        icpc_not_required=plan.s47_not_required and icpc is None,
                        **self.audit(plan.s47_started, by, until=icpc),
                    )
                )
            for phase in plan.phases:
                if phase.kind == CIN:
                    rows.cin_plans.append(
                        CinPlan(
                            episode=episode,
                            started_on=phase.start,
                            ended_on=phase.end,
                            **self.audit(phase.start, by, until=phase.end),
                        )
                    )
                elif phase.kind == CP:
                    cp_plan = CpPlan(
                        episode=episode,
                        started_on=phase.start,
                        ended_on=phase.end,
                        initial_category=first_category,
                        latest_category=latest_category,
                        **self.audit(phase.start, by, until=phase.end),
                    )
                    rows.cp_plans.append(cp_plan)
                    for held in self._review_dates(phase):
                        rows.reviews.append(
                            CpReview(plan=cp_plan, held_on=held, **self.audit(held, by))
                        )
                elif phase.kind == CLA:
                    self._looked_after(rows, case, plan, phase, kid, home, primary, by)
            if plan.plo:
                start, end = plan.plo
                rows.pre_proceedings.append(
                    PreProceedings(
                        child=kid.person,
                        case=case,
                        started_on=start,
                        ended_on=end,
                        outcome="proceedings" if end else "",
                        **self.audit(start, by, until=end),
                    )
                )
            if plan.proceedings and kid.born is not None:
                issued, concluded = plan.proceedings
                rows.proceedings.append(
                    CareProceedings(
                        child=kid.person,
                        case=case,
                        issued_on=issued,
                        concluded_on=concluded,
                        final_order=str(plan.extra.get("order", "")) if concluded else "",
                        **self.audit(issued, by, until=concluded),
                    )
                )
            self._visits(rows, case, plan, kid, leads, last_day)

    def _fix_exit(self, plan: CasePlan, kids: list[Kid]) -> None:
        """Adoption is for young children with a placement order; others leaving care go home instead."""
        if plan.cla_exit in {"E11", "E12"}:
            phase = plan.phase(CLA)
            entered = phase.start if phase else plan.opened
            young = all(k.born is not None and k.age_on(entered) < 5 for k in kids)
            long_enough = plan.closed is not None and (plan.closed - entered).days >= 330
            if plan.cla_route == "s20" or not young or not long_enough or not plan.proceedings:
                plan.cla_exit, plan.cin_closure, plan.case_closure = "E4A", "RC7", "outcomes_met"
        if plan.proceedings and plan.closed:
            # Leaving care ends the proceedings: an order made on the day, or earlier for adoption.
            issued, _concluded = plan.proceedings
            if plan.cla_exit in {"E11", "E12"}:
                concluded = min(issued + days(self.rng.randint(150, 240)), plan.closed - days(90))
                plan.proceedings = (issued, max(concluded, issued))
            else:
                plan.proceedings = (issued, plan.closed)
            plan.extra["order"] = FINAL_ORDER.get(plan.cla_exit, "care")
        elif plan.proceedings:
            young = all(k.born is not None and k.age_on(plan.proceedings[0]) < 3 for k in kids)
            plan.extra["order"] = "placement" if young and self.rng.random() < 0.3 else "care"

    def _allocate(
        self, rows: Rows, case: Case, plan: CasePlan, team: TeamInfo, flags: Flags, lead: Staff
    ) -> list[tuple[dt.date, dt.date | None, Staff]]:
        """Lead worker(s) over time, and the others on the case; returns the leads' periods."""
        rng, anchor = self.rng, self.anchor
        closed = plan.closed
        last_day = closed or anchor
        periods: list[tuple[dt.date, dt.date | None, Staff]] = []
        start = plan.opened
        change = None
        if lead.started_on > plan.opened:
            change = lead.started_on
        elif plan.is_open and (anchor - plan.opened).days > 540 and rng.random() < 0.35:
            change = plan.opened + days(rng.randint(180, (anchor - plan.opened).days - 30))
        if change is not None and change < last_day:
            before = self._established(team, plan.opened, avoid=lead)
            periods.append((start, change, before))
            start = change
        periods.append((start, closed, lead))

        def allocate(
            staff: Staff, role: str, begin: dt.date, end: dt.date | None, *, is_lead: bool = False
        ) -> None:
            rows.allocations.append(
                Allocation(
                    case=case,
                    worker=staff.worker,
                    role=role,
                    is_lead=is_lead,
                    started_on=begin,
                    ended_on=end,
                    **self.audit(begin, lead.user_id, until=end),
                )
            )

        for begin, end, staff in periods:
            allocate(staff, staff.role, begin, end, is_lead=True)

        first_plan = next((p for p in plan.phases if p.kind != ASSESS), None)
        if first_plan is not None:
            if team.child_practitioners and rng.random() < 0.4:
                allocate(
                    rng.choice(team.child_practitioners),
                    Role.CHILD_PRACTITIONER,
                    first_plan.start,
                    closed,
                )
            if team.clinicians and rng.random() < 0.5:
                allocate(team.clinicians[0], team.clinicians[0].role, first_plan.start, closed)
        if team.is_fst:
            wants = {
                Role.DA_SURVIVOR_WORKER: flags.domestic_abuse,
                Role.DA_PERPETRATOR_WORKER: flags.domestic_abuse and flags.perpetrator_known,
                Role.SUBSTANCE_MISUSE_WORKER: flags.substance_misuse,
                Role.MENTAL_HEALTH_PRACTITIONER: flags.mental_health,
                Role.PSYCHOLOGIST: True,
            }
            for role, at_risk in wants.items():
                staff = team.specialists.get(role)
                if staff is None or not at_risk or rng.random() >= self.specialist_odds[role]:
                    continue
                begin = max(
                    plan.assessment_authorised or plan.opened + days(14), GO_LIVE, staff.started_on
                )
                begin += days(rng.randint(0, 30))
                if begin <= last_day:
                    allocate(staff, role, begin, closed)
                    plan.extra["joint"] = True
        for phase in plan.phases:
            end = phase.end if phase.end is not None else closed
            if phase.kind == CP:
                if self.county.cp_chairs:
                    allocate(rng.choice(self.county.cp_chairs), Role.CP_CHAIR, phase.start, end)
                if self.county.fgc_coordinators and rng.random() < 0.1:
                    fgc_end = min(phase.start + days(rng.randint(30, 90)), last_day)
                    allocate(
                        rng.choice(self.county.fgc_coordinators),
                        Role.FGC_COORDINATOR,
                        phase.start,
                        fgc_end if fgc_end < anchor else None,
                    )
            elif phase.kind == CLA and self.county.iros:
                allocate(rng.choice(self.county.iros), Role.IRO, phase.start, end)
        legal_from, legal_to = plan.plo if plan.plo else (None, None)
        if plan.proceedings:
            legal_from = legal_from or plan.proceedings[0]
            legal_to = plan.proceedings[1]
        if legal_from and self.county.legal:
            allocate(rng.choice(self.county.legal), Role.LEGAL, legal_from, legal_to or closed)
        return periods

    def _secondary_needs(self, kid: Kid, plan: CasePlan, recorded: dict[str, bool]) -> list[str]:
        rng = self.rng
        needs = [need for need, on in recorded.items() if on]
        if kid.born is None:
            return needs
        age = kid.age_on(plan.opened)
        if age >= 8 and rng.random() < 0.13:
            needs.append("YC")
        if age >= 10:
            for need, odds in (
                ("SUB", 0.06),
                ("SH", 0.04),
                ("CSE", 0.06 if kid.sex == Sex.FEMALE else 0.02),
                ("GANG", 0.05 if kid.sex == Sex.MALE else 0.01),
            ):
                if rng.random() < odds:
                    needs.append(need)
        if "LD" in kid.person.disabilities and "LD" not in needs and rng.random() < 0.5:
            needs.append("LD")
        return needs

    def _factors(self, kid: Kid, plan: CasePlan, flags: Flags) -> list[str]:
        """Assessment factors: the parents' risks (toxic trio 3B, 4B, 2B, 1B) and the child's own."""
        rng = self.rng
        factors = []
        parental = [
            ("3B", flags.domestic_abuse),
            ("4B", flags.mental_health),
            ("2B", flags.drugs),
            ("1B", flags.alcohol),
            ("5B", flags.learning_disability),
            ("6B", flags.physical_illness),
        ]
        factors += [code for code, on in parental if on]
        if plan.trajectory in {"nfa", "early_help"} and rng.random() < 0.5:
            factors = [f for f in factors if rng.random() < 0.5]
        age = kid.age_on(plan.opened)
        if plan.trajectory not in {"nfa", "early_help"}:
            for code, odds in (("16A", 0.45), ("17A", 0.35), ("18C", 0.08), ("19C", 0.03)):
                if rng.random() < odds:
                    factors.append(code)
        if kid.disabled:
            factors.append("5A" if rng.random() < 0.6 else "6A")
        if age >= 8 and rng.random() < 0.05:
            factors.append("7A")
        if age >= 11:
            for code, odds in (
                ("4A", 0.15),
                ("15A", 0.05),
                ("10A", 0.06),
                ("11A", 0.04),
                ("14A", 0.06),
                ("13A", 0.03),
                ("24A", 0.03),
            ):
                if rng.random() < odds:
                    factors.append(code)
        if rng.random() < 0.04:
            factors.append("20")
        if not factors and plan.trajectory not in {"nfa", "early_help"}:
            # "No factors" with the case carrying on is a CIN census query (8873Q).
            factors.append("16A" if rng.random() < 0.6 else "17A")
        return sorted(set(factors), key=factors.index) or ["21"]

    def _review_dates(self, phase: Phase) -> list[dt.date]:
        """Review conferences: three months after the ICPC, then every six months."""
        last = phase.end or self.anchor
        held = weekday_on_or_after(phase.start + days(self.rng.randint(84, 95)))
        dates = []
        while held <= last:
            dates.append(held)
            held = weekday_on_or_after(held + days(self.rng.randint(175, 185)))
        return dates

    # --- visits -------------------------------------------------------------------------

    def _visits(
        self,
        rows: Rows,
        case: Case,
        plan: CasePlan,
        kid: Kid,
        leads: list[tuple[dt.date, dt.date | None, Staff]],
        last_day: dt.date,
    ) -> None:
        """Statutory visits in the last six months: CP every 10 working days, CIN every 4–6 weeks,
        looked after every 6 weeks."""
        if kid.born is None or last_day < self.window_start:
            return
        rng = self.rng
        specialists = plan.extra.get("joint", False)
        for phase in plan.phases:
            end = min(phase.end or last_day, last_day)
            start = max(phase.start, self.window_start, kid.born)
            if end < start:
                continue
            day = start + days(rng.randint(1, 10))
            while day <= end and day <= self.anchor:
                if day.weekday() >= 5:
                    day = weekday_on_or_after(day)
                    if day > end or day > self.anchor:
                        break
                seen = rng.random() < 0.95
                age = kid.age_on(day)
                lead = next(
                    (s for b, e, s in leads if b <= day and (e is None or day <= e)), leads[-1][2]
                )
                kind = VISIT_KIND[phase.kind]
                if phase.kind in {CIN, CP} and specialists and rng.random() < 0.12:
                    kind = "joint"
                rows.visits.append(
                    Visit(
                        child=kid.person,
                        case=case,
                        visited_on=day,
                        kind=kind,
                        seen=seen,
                        seen_alone=seen and age >= 4 and rng.random() < 0.6,
                        by=lead.worker,
                        **self.audit(day, lead.user_id),
                    )
                )
                if phase.kind == CP:
                    day = add_working_days(day, rng.randint(8, 10))
                elif phase.kind == CIN:
                    day += days(rng.randint(28, 42))
                elif phase.kind == CLA:
                    day += days(rng.randint(35, 45))
                else:
                    day += days(rng.randint(7, 20))
