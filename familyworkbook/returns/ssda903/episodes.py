"""The Episodes table: one row per looked-after episode open at any time in the year."""

from __future__ import annotations

from typing import TYPE_CHECKING

from familyworkbook.cases.models import LookedAfterEpisode
from familyworkbook.people.models import Person
from familyworkbook.returns.ssda903.tables import NO_PROVIDER, PLACEMENT_CHANGES, d

if TYPE_CHECKING:
    from familyworkbook.returns.ssda903.builder import Builder


def add_episodes(b: Builder, child: Person, episodes: list[LookedAfterEpisode]) -> None:
    """Rows for the episodes that touch the year (anything after 31 March is not yet known)."""
    year = b.year
    for e in episodes:
        if not year.overlaps(e.started_on, year.within(e.ceased_on)):
            continue
        ceased = year.within(e.ceased_on)
        if e.placement_type not in NO_PROVIDER and not e.placement_provider:
            b.add(
                child,
                "526",
                "placement provider",
                f"Record the provider of the placement from {e.started_on:%d/%m/%Y}.",
            )
        if ceased and e.reason_ceased in {"E45", "E46"} and not e.placement_type.startswith("U"):
            b.add(
                child,
                "516",
                "reason episode ceased",
                "An SGO to former foster carers (E45, E46) needs the last placement to be with them (a foster placement).",
            )
        if not e.home_postcode or not e.placement_postcode:
            b.add(
                child,
                "392b",
                "postcodes",
                f"Record the home and placement postcodes of the episode from {e.started_on:%d/%m/%Y}.",
            )
        b.result.tables["Episodes"].append(
            {
                "CHILD": child.la_child_id,
                "DECOM": d(e.started_on),
                "RNE": e.reason_new_episode,
                "LS": e.legal_status,
                "CIN": e.need,
                "PLACE": e.placement_type,
                "PLACE_PROVIDER": "" if e.placement_type in NO_PROVIDER else e.placement_provider,
                "DEC": d(ceased),
                "REC": e.reason_ceased if ceased else "",
                "REASON_PLACE_CHANGE": e.reason_place_change if ceased else "",
                "HOME_POST": e.home_postcode,
                "PL_POST": e.placement_postcode,
                "URN": e.urn,
            }
        )
    _check_placement_changes(b, child, episodes)


def _check_placement_changes(b: Builder, child: Person, episodes: list[LookedAfterEpisode]) -> None:
    """Rule 225: a reason for the placement change exactly when the placement changed."""
    year = b.year
    for previous, current in zip(episodes, episodes[1:], strict=False):
        if current.started_on > year.end or (
            previous.ceased_on and previous.ceased_on < year.start
        ):
            continue
        if previous.ceased_on == current.started_on and (
            (current.reason_new_episode in PLACEMENT_CHANGES) != bool(previous.reason_place_change)
        ):
            b.add(
                child,
                "225",
                "reason for placement change",
                f"The episode ending {previous.ceased_on:%d/%m/%Y} needs a reason for the placement change exactly when the placement changed.",
            )
