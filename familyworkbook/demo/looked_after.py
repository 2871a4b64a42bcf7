"""A looked-after child's SSDA903 episodes: legal status and placements over time."""

from __future__ import annotations

import datetime as dt

from familyworkbook.cases.models import (
    Case,
    LookedAfterEpisode,
)
from familyworkbook.demo.base import GeneratorBase
from familyworkbook.demo.households import Household, Kid
from familyworkbook.demo.postcodes import (
    DISTRICTS,
    post_town,
)
from familyworkbook.demo.rows import Rows
from familyworkbook.demo.timeline import (
    ONE_DAY,
    CasePlan,
    Phase,
    days,
)
from familyworkbook.people.models import (
    Address,
    AddressKind,
)

PLACE_CHANGE_REASONS = [
    ("CARPL", 40),
    ("CREQB", 14),
    ("CREQO", 14),
    ("STAND", 4),
    ("ALLEG", 3),
    ("CHILD", 6),
    ("LAREQ", 5),
    ("CLOSE", 2),
    ("OTHER", 12),
]


class LookedAfterMixin(GeneratorBase):
    def _placement(self, kid: Kid, on: dt.date) -> tuple[str, str, str, str]:
        """(placement type, provider, postcode, URN) suited to the child's age on the day."""
        rng = self.rng
        age = kid.age_on(on)
        if age < 1 and rng.random() < 0.12:
            kind = "R3"
        elif age >= 16 and rng.random() < 0.3:
            kind = "K3"
        elif age >= 12 and rng.random() < 0.35:
            kind = "K2"
        else:
            kind = rng.choices(["U6", "U4", "U3", "U1"], weights=[55, 15, 20, 10])[0]
        if kind in {"U1", "U3"}:
            provider = "PR1"
        elif kind in {"U4", "U6"}:
            provider = "PR1" if rng.random() < 0.6 else "PR4"
        elif kind == "K2":
            provider = "PR1" if rng.random() < 0.3 else "PR4"
        else:
            provider = rng.choice(["PR4", "PR5"])
        # Own provision is inside the county (903 rule 1015); private placements often are not.
        # Supported accommodation with an Ofsted URN is inside the county too (903 rule 241).
        if provider == "PR1" or rng.random() < 0.6 or kind == "K3":
            postcode = rng.choice(self.postcodes[rng.choice(list(DISTRICTS))])
        else:
            postcode = rng.choice(self.out_of_area)
        registered = kind in {"K2", "K3", "R3"} or provider in {"PR4", "PR5"}
        urn = f"SC{rng.randint(100000, 999999)}" if registered else "XXXXXXX"
        return kind, provider, postcode, urn

    def _looked_after(
        self,
        rows: Rows,
        case: Case,
        plan: CasePlan,
        phase: Phase,
        kid: Kid,
        home: Household,
        primary: str,
        by: int,
    ) -> None:
        """A child's SSDA903 episodes: contiguous, first RNE S, each change ending one with X1."""
        rng, anchor = self.rng, self.anchor
        entered = phase.start
        last_day = phase.end or anchor
        # Legal status over time.
        legal: list[tuple[dt.date, str]] = []
        if plan.cla_route == "s20":
            legal.append((entered, "V2"))
        else:
            if plan.cla_route == "emergency":
                legal.append((entered, "L2"))
                epo_days = rng.randint(3, 8)
                if entered + days(epo_days) < last_day:
                    legal.append((entered + days(epo_days), "C1"))
            else:
                legal.append((entered, "C1"))
            concluded = plan.proceedings[1] if plan.proceedings else None
            if concluded and concluded < last_day:
                # A care order (C2) or, for a young child to be adopted, a placement order (E1).
                legal.append((concluded, "E1" if plan.extra.get("order") == "placement" else "C2"))
        legal_dates = {d for d, _ in legal}
        # Placements over time: about one move every two and a half years.
        moves: list[dt.date] = []
        span = (last_day - entered).days
        expected_moves = span / (2.5 * 365)
        n_moves = int(expected_moves) + (1 if rng.random() < expected_moves % 1 else 0)
        for _ in range(n_moves):
            if span > 30:
                day = entered + days(rng.randint(14, span - 7))
                if day not in legal_dates and day not in moves and day < last_day:
                    moves.append(day)
        adoption_move = None
        if any(status == "E1" for _, status in legal):
            e1_from = next(d for d, s in legal if s == "E1")
            candidate = e1_from + days(rng.randint(30, 80))
            if candidate < last_day and candidate not in legal_dates:
                adoption_move = candidate
                moves = [m for m in moves if m < e1_from]
                moves.append(candidate)
        moves.sort()
        changes = sorted(legal_dates | set(moves))
        home_pc = home.home_postcode
        need = primary if primary and primary not in {"N9", "N0"} else "N1"
        current_legal = legal[0][1]
        kind, provider, postcode, urn = self._placement(kid, entered)
        episodes: list[LookedAfterEpisode] = []
        for index, start in enumerate(changes):
            legal_changed = start in legal_dates and index > 0
            placement_changed = start in moves
            if legal_changed:
                current_legal = next(status for day, status in legal if day == start)
            if placement_changed:
                if start == adoption_move:
                    kind = "A6"
                    provider, urn = "PR1", "XXXXXXX"
                    postcode = rng.choice(self.postcodes[rng.choice(list(DISTRICTS))])
                else:
                    kind, provider, postcode, urn = self._placement(kid, start)
            if index == 0:
                reason = "S"
            elif legal_changed and placement_changed:
                reason = "B"
            elif legal_changed:
                reason = "L"
            else:
                reason = "P"
            if episodes:
                previous = episodes[-1]
                previous.ceased_on = start
                previous.reason_ceased = "X1"
                if reason in {"P", "B", "T", "U"}:
                    previous.reason_place_change = (
                        "CARPL" if start == adoption_move else self.pick("place_change")
                    )
                previous.modified_at = self.stamp(start)
            episodes.append(
                LookedAfterEpisode(
                    child=kid.person,
                    case=case,
                    started_on=start,
                    reason_new_episode=reason,
                    legal_status=current_legal,
                    need=need,
                    placement_type=kind,
                    placement_provider=provider,
                    home_postcode=home_pc,
                    placement_postcode=postcode,
                    urn=urn,
                    **self.audit(start, by),
                )
            )
        if phase.end is not None:
            final = episodes[-1]
            final.ceased_on = phase.end
            final.reason_ceased = plan.cla_exit or "E4A"
            if final.reason_ceased in {"E45", "E46"} and not final.placement_type.startswith("U"):
                # An SGO to former foster carers needs a foster placement to end (903 rule
                # 516); from any other placement it is an SGO to other carers.
                final.reason_ceased = {"E45": "E47", "E46": "E48"}[final.reason_ceased]
            final.modified_at = self.stamp(phase.end)
        else:
            # The child lives at the placement now (since it began: a change of legal status
            # alone is not a move); the family home is a past address.
            current = next(e for e in reversed(episodes) if e.reason_new_episode != "L")
            since, postcode = current.started_on, current.placement_postcode
            if kid.home_address is not None:
                kid.home_address.to_date = max(kid.home_address.from_date, entered - ONE_DAY)
            rows.addresses.append(
                Address(
                    person=kid.person,
                    kind=AddressKind.PLACEMENT,
                    line_1=f"{self.fake.building_number()} {self.fake.street_name()}",
                    town=post_town(postcode, default="Cambridge"),
                    postcode=postcode,
                    from_date=since,
                    **self.audit(since, by),
                )
            )
        rows.looked_after.extend(episodes)
