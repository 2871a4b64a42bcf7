"""Score standardised measures exactly as their authors specify: a pure function, no database.

    from familyworkbook.measures.scoring import score, SCORER_VERSION

    score("sdq", informant="parent", items={"1": 2, ..., "25": 0}, impact={"ebddiff": 1, ...})
    score("score-15", items={"1": 3, ..., "15": 2})
    score("ida", items={"1": 1, ..., "18": 4})
    score("wemwbs", items={"1": 3, ..., "14": 4})
    score("swemwbs", items={"1": 3, ..., "7": 4})
    score("urica", items={"1": 2, ..., "32": 5})

The rules, their sources and their confidence are in MEASURES-SCORING.md; each instrument's
module cites its section. Item keys are the printed item numbers as strings ("1") or ints (1);
every item must be present, ``None`` marking a blank answer. Anything else (an unknown item or
informant, a missing item, a code outside the printed options, a bool, float or string response)
raises ``ValueError`` naming the item. Missing scores are ``None``.

Store ``SCORER_VERSION`` with every score: change it whenever a rule here changes, so a stored
score can be traced to the rules that produced it (and rescored from its stored responses).
"""

from __future__ import annotations

from typing import NamedTuple

from . import ida, score15, sdq, urica, wemwbs

__all__ = ["INSTRUMENTS", "SCORER_VERSION", "Instrument", "score"]

SCORER_VERSION = "2026.11.1"


class Instrument(NamedTuple):
    """What a form for the instrument must collect: items numbered 1 to ``items``, each one of
    ``codes`` (or blank), and for the SDQ an informant and impact items per informant."""

    name: str
    items: int
    codes: tuple[int, ...]
    informants: tuple[str, ...] = ()


INSTRUMENTS: dict[str, Instrument] = {
    "sdq": Instrument("sdq", sdq.ITEMS, sdq.CODES, sdq.INFORMANTS),
    "score-15": Instrument("score-15", score15.ITEMS, score15.CODES),
    "ida": Instrument("ida", ida.ITEMS, ida.CODES),
    "wemwbs": Instrument("wemwbs", wemwbs.WEMWBS_ITEMS, wemwbs.CODES),
    "swemwbs": Instrument("swemwbs", wemwbs.SWEMWBS_ITEMS, wemwbs.CODES),
    "urica": Instrument("urica", urica.ITEMS, urica.CODES),
}

_SCORERS = {
    "score-15": score15.score_score15,
    "ida": ida.score_ida,
    "wemwbs": wemwbs.score_wemwbs,
    "swemwbs": wemwbs.score_swemwbs,
    "urica": urica.score_urica,
}


def score(
    instrument: str,
    *,
    items: object,
    informant: str | None = None,
    impact: object = None,
) -> dict[str, object]:
    """Score one completed questionnaire and return its scores as a dict (see the module doc).

    ``informant`` and ``impact`` apply to the SDQ only (informant is required there); passing
    them for another instrument raises ``ValueError`` rather than being ignored.
    """
    if instrument == "sdq":
        if informant is None:
            raise ValueError("sdq informant: required (parent, teacher or self)")
        return sdq.score_sdq(items, informant, impact)
    if not isinstance(instrument, str) or instrument not in _SCORERS:
        known = ", ".join(INSTRUMENTS)
        raise ValueError(f"instrument {instrument!r}: not one of {known}")
    if informant is not None:
        raise ValueError(f"{instrument} informant {informant!r}: only the sdq takes an informant")
    if impact is not None:
        raise ValueError(f"{instrument} impact: only the sdq has impact items")
    return _SCORERS[instrument](items)
