"""The SWEpisodes table: who the child's social worker was, from the cases' lead allocations."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING

from familyworkbook.cases.models import Allocation, LookedAfterEpisode, SocialWorkerChange
from familyworkbook.people.models import Person
from familyworkbook.returns.ssda903.care import care_periods
from familyworkbook.returns.ssda903.tables import d

if TYPE_CHECKING:
    from familyworkbook.returns.ssda903.builder import Builder


def lead_allocations(
    episodes: dict[int, list[LookedAfterEpisode]],
) -> tuple[dict[int, list[Allocation]], dict[int, str]]:
    """Each child's lead allocations on the cases their looked-after episodes belong to, and
    the recorded reason for each change of social worker (by allocation)."""
    case_children: dict[int, set[int]] = defaultdict(set)
    for child_id, child_episodes in episodes.items():
        for e in child_episodes:
            if e.case_id:
                case_children[e.case_id].add(child_id)
    by_child: dict[int, list[Allocation]] = defaultdict(list)
    allocations = (
        Allocation.objects.filter(
            archived_at__isnull=True, is_lead=True, case_id__in=list(case_children)
        )
        .select_related("worker")
        .order_by("started_on", "pk")
    )
    change_reasons = dict(
        SocialWorkerChange.objects.filter(
            archived_at__isnull=True, allocation__in=allocations
        ).values_list("allocation_id", "reason")
    )
    for allocation in allocations:
        for child_id in case_children[allocation.case_id]:
            by_child[child_id].append(allocation)
    return by_child, change_reasons


def add_sw_episodes(
    b: Builder, child: Person, episodes: list[LookedAfterEpisode], allocations: list[Allocation]
) -> None:
    """Social worker episodes over each period of care in the year, from the lead allocations.

    An SSDA903 social worker episode ends when another social worker takes over (SW_DEC
    is the day of the change), so the latest one stays open even after care ends
    (SW17STG2). Each period of care starts with the social worker allocated then ("first
    contact"); when the child comes back into care, the earlier period's last episode ends
    the day that care ended (SW10bSTG2). A hand-over within three days of the previous one
    is reported as one episode with the later worker (SW09STG2 takes shorter episodes for
    recording errors).
    """
    year, ref, dob = b.year, child.la_child_id, d(child.date_of_birth)
    periods: list[tuple[dt.date | None, list[list]]] = []  # (care ended, rows)
    for start, end in care_periods(episodes):
        end_in_year = year.within(end)
        if not year.overlaps(start, end_in_year):
            continue
        last_day = end_in_year or year.end
        leads = sorted(
            (
                (max(a.started_on, start), a)
                for a in allocations
                if a.started_on <= last_day and (a.ended_on is None or a.ended_on >= start)
            ),
            key=lambda pair: (pair[0], pair[1].pk),
        )
        if not leads:
            b.add(
                child,
                "SW17STG2",
                "social worker",
                f"No lead social worker is recorded while looked after from {start:%d/%m/%Y}.",
            )
            continue
        rows: list[list] = []  # [start, reason, allocation]
        for a_start, allocation in leads:
            if rows and (a_start - rows[-1][0]).days < 3:
                # The same day, or a hand-over within three days: the later worker, from
                # the earlier start, for the earlier reason.
                rows[-1][2] = allocation
                continue
            if not rows:
                reason = "FCONTA"
            else:
                reason = b.change_reasons.get(allocation.pk, "")
                left_on = rows[-1][2].worker.left_on
                if not reason and left_on and abs((a_start - left_on).days) <= 7:
                    reason = "LEFTRL"  # the previous social worker left the council
            if not reason:
                b.add(
                    child,
                    "SW13STG1",
                    "reason the social worker changed",
                    f"Record why the social worker changed on {a_start:%d/%m/%Y}.",
                )
            rows.append([a_start, reason, allocation])
        periods.append((end_in_year, rows))
    for p_index, (care_ended, rows) in enumerate(periods):
        more_care = p_index + 1 < len(periods)
        for index, (a_start, reason, allocation) in enumerate(rows):
            if index + 1 < len(rows):
                ended: dt.date | None = rows[index + 1][0]
            else:
                ended = care_ended if more_care else None
            if ended is not None and ended < year.start:
                continue
            number = allocation.worker.swe_number
            sw_id = number if number.upper().startswith("SW") else f"XX{allocation.worker_id}"
            b.result.tables["SWEpisodes"].append(
                {
                    "CHILD": ref,
                    "DOB": dob,
                    "SW_ID": sw_id,
                    "SW_DECOM": d(a_start),
                    "SW_DEC": d(ended),
                    "SW_REASON": reason,
                }
            )
