"""SDQ, Strengths and Difficulties Questionnaire, 4-17 (parent, teacher and self-report forms).

Specification: MEASURES-SCORING.md section 1. Item keying, proration, rounding and the impact
rules are [A] (the authors' scoring syntax on sdqinfo.org). The 3-band cut-points for the parent
problem scales and total, and the teacher 4-band table, are [A]; the other bands are [B]. The
Stata/R discrepancy for a blank ``ebddiff`` is resolved in favour of Stata (project choice, as the
specification says), and the R result is recorded as ``impact_if_r_syntax``.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from ._items import Ranges, band, check_items, check_response, round_half_up, sum_or_none

ITEMS = 25
CODES = (0, 1, 2)  # Not true, Somewhat true, Certainly true: as ticked, before any reversal
REVERSED = frozenset({7, 11, 14, 21, 25})  # scored 2 - x

SCALES: dict[str, tuple[int, ...]] = {
    "emotional": (3, 8, 13, 16, 24),
    "conduct": (5, 7, 12, 18, 22),
    "hyperactivity": (2, 10, 15, 21, 25),
    "peer": (6, 11, 14, 19, 23),
    "prosocial": (1, 4, 9, 17, 20),
}
MIN_ANSWERED = 3  # a scale with fewer than 3 of its 5 items answered is missing

INFORMANTS = ("parent", "teacher", "self")

EBDDIFF_CODES = (0, 1, 2, 3)  # No, minor, definite, severe difficulties
IMPACT_CODES = (0, 1, 2, 3)  # not at all, only a little, quite a lot, a great deal
IMPACT_RECODE = {0: 0, 1: 0, 2: 1, 3: 2}

# The impact items on each form, by the sdqinfo item stem (without the p/t/s prefix).
IMPACT_ITEMS: dict[str, tuple[str, ...]] = {
    "parent": ("distres", "imphome", "impfrie", "impclas", "impleis"),
    "teacher": ("distres", "imppeer", "impclas"),
    "self": ("distres", "imphome", "impfrie", "impclas", "impleis"),
}
# The teacher form asks about "peer relations" where the parent and self forms ask about
# "friendships"; sdqinfo's teacher stem is ``imppeer``. ``impfrie`` is accepted for the same
# question on the teacher form so a caller using one set of keys for every form is not refused.
TEACHER_ALIASES = {"impfrie": "imppeer"}
IMPACT_MAX = {"parent": 10, "teacher": 6, "self": 10}

BANDS_3 = ("normal", "borderline", "abnormal")
BANDS_4 = ("close_to_average", "slightly_raised", "high", "very_high")
BANDS_4_PROSOCIAL = ("close_to_average", "slightly_lowered", "low", "very_low")

# Inclusive score ranges for each band, in the order of the band names above, copied from
# MEASURES-SCORING.md section 1 "Bands". Prosocial runs the other way (low is the concern).
CUTS_3: dict[str, dict[str, Ranges]] = {
    "parent": {
        "total_difficulties": ((0, 13), (14, 16), (17, 40)),
        "emotional": ((0, 3), (4, 4), (5, 10)),
        "conduct": ((0, 2), (3, 3), (4, 10)),
        "hyperactivity": ((0, 5), (6, 6), (7, 10)),
        "peer": ((0, 2), (3, 3), (4, 10)),
        "prosocial": ((6, 10), (5, 5), (0, 4)),
        "impact": ((0, 0), (1, 1), (2, 10)),
    },
    "teacher": {
        "total_difficulties": ((0, 11), (12, 15), (16, 40)),
        "emotional": ((0, 4), (5, 5), (6, 10)),
        "conduct": ((0, 2), (3, 3), (4, 10)),
        "hyperactivity": ((0, 5), (6, 6), (7, 10)),
        "peer": ((0, 3), (4, 4), (5, 10)),
        "prosocial": ((6, 10), (5, 5), (0, 4)),
        "impact": ((0, 0), (1, 1), (2, 6)),
    },
    "self": {
        "total_difficulties": ((0, 15), (16, 19), (20, 40)),
        "emotional": ((0, 5), (6, 6), (7, 10)),
        "conduct": ((0, 3), (4, 4), (5, 10)),
        "hyperactivity": ((0, 5), (6, 6), (7, 10)),
        "peer": ((0, 3), (4, 5), (6, 10)),
        "prosocial": ((6, 10), (5, 5), (0, 4)),
        "impact": ((0, 0), (1, 1), (2, 10)),
    },
}
CUTS_4: dict[str, dict[str, Ranges]] = {
    "parent": {
        "total_difficulties": ((0, 13), (14, 16), (17, 19), (20, 40)),
        "emotional": ((0, 3), (4, 4), (5, 6), (7, 10)),
        "conduct": ((0, 2), (3, 3), (4, 5), (6, 10)),
        "hyperactivity": ((0, 5), (6, 7), (8, 8), (9, 10)),
        "peer": ((0, 2), (3, 3), (4, 4), (5, 10)),
        "prosocial": ((8, 10), (7, 7), (6, 6), (0, 5)),
        "impact": ((0, 0), (1, 1), (2, 2), (3, 10)),
    },
    "teacher": {
        "total_difficulties": ((0, 11), (12, 15), (16, 18), (19, 40)),
        "emotional": ((0, 3), (4, 4), (5, 5), (6, 10)),
        "conduct": ((0, 2), (3, 3), (4, 4), (5, 10)),
        "hyperactivity": ((0, 5), (6, 7), (8, 8), (9, 10)),
        "peer": ((0, 2), (3, 4), (5, 5), (6, 10)),
        "prosocial": ((6, 10), (5, 5), (4, 4), (0, 3)),
        "impact": ((0, 0), (1, 1), (2, 2), (3, 6)),
    },
    "self": {
        "total_difficulties": ((0, 14), (15, 17), (18, 19), (20, 40)),
        "emotional": ((0, 4), (5, 5), (6, 6), (7, 10)),
        "conduct": ((0, 3), (4, 4), (5, 5), (6, 10)),
        "hyperactivity": ((0, 5), (6, 6), (7, 7), (8, 10)),
        "peer": ((0, 2), (3, 3), (4, 4), (5, 10)),
        "prosocial": ((7, 10), (6, 6), (5, 5), (0, 4)),
        "impact": ((0, 0), (1, 1), (2, 2), (3, 10)),
    },
}


def _check_cut_tables() -> None:
    """Each table must cover its whole range exactly once (catches a slip in the tables above)."""
    for cuts in (CUTS_3, CUTS_4):
        for informant, scales in cuts.items():
            for scale, ranges in scales.items():
                top = {"total_difficulties": 40, "impact": IMPACT_MAX[informant]}.get(scale, 10)
                covered = sorted(value for low, high in ranges for value in range(low, high + 1))
                if covered != list(range(top + 1)):
                    raise RuntimeError(
                        f"SDQ band table for {informant} {scale} has a gap or overlap"
                    )


_check_cut_tables()


def _band_names(scheme: str, scale: str) -> tuple[str, ...]:
    if scheme == "bands_3":
        return BANDS_3
    return BANDS_4_PROSOCIAL if scale == "prosocial" else BANDS_4


def scale_score(keyed: dict[int, int | None], numbers: tuple[int, ...]) -> int | None:
    """Mean of the answered items x 5, rounded half up; missing with fewer than 3 answered."""
    answered = [keyed[number] for number in numbers if keyed[number] is not None]
    if len(answered) < MIN_ANSWERED:
        return None
    return round_half_up(Fraction(sum(answered) * len(numbers), len(answered)))


def _check_impact(informant: str, impact: object) -> dict[str, int | None] | None:
    if impact is None:
        return None
    if not isinstance(impact, Mapping):
        raise ValueError(
            f"sdq impact: expected a mapping from impact item to response,"
            f" got {type(impact).__name__}"
        )
    expected = ("ebddiff", *IMPACT_ITEMS[informant])
    checked: dict[str, int | None] = {}
    for key, value in impact.items():
        name = TEACHER_ALIASES.get(key, key) if informant == "teacher" else key
        if name not in expected:
            raise ValueError(
                f"sdq impact item {key!r}: not on the {informant} form"
                f" (its impact items are {', '.join(expected)})"
            )
        if name in checked:
            raise ValueError(
                f"sdq impact item {key!r}: given twice (imppeer and impfrie are the same question"
                " on the teacher form)"
            )
        codes = EBDDIFF_CODES if name == "ebddiff" else IMPACT_CODES
        checked[name] = check_response(f"sdq impact item {key}", value, codes)
    missing = [name for name in expected if name not in checked]
    if missing:
        raise ValueError(
            f"sdq impact item {', '.join(missing)}: missing"
            " (give every impact item; None marks a blank answer)"
        )
    return checked


def impact_scores(
    informant: str, impact: dict[str, int | None] | None
) -> tuple[int | None, int | None]:
    """Return (impact as the Stata syntax scores it, impact as the R syntax scores it).

    The impact items are recoded 0,1 -> 0; 2 -> 1; 3 -> 2 and summed, a blank counting 0, when
    at least one is answered; with none answered the score is missing. ``ebddiff`` = 0 ("No")
    makes the score 0 whatever else is ticked. With ``ebddiff`` blank, Stata keeps the item
    score but R's ``ifelse(ebddiff == 0, 0, impact)`` returns NA.
    """
    if impact is None:
        return None, None
    answers = [impact[name] for name in IMPACT_ITEMS[informant]]
    answered = [value for value in answers if value is not None]
    stata = sum(IMPACT_RECODE[value] for value in answered) if answered else None
    ebddiff = impact["ebddiff"]
    if ebddiff == 0:
        return 0, 0
    if ebddiff is None:
        return stata, None
    return stata, stata


def _bands(informant: str, banded: dict[str, int | None]) -> dict[str, dict[str, str | None]]:
    """The 3- and 4-band names of each banded score, on the informant's cut-points."""
    return {
        key: {
            scale: band(cuts[informant][scale], _band_names(key, scale), value)
            for scale, value in banded.items()
        }
        for key, cuts in (("bands_3", CUTS_3), ("bands_4", CUTS_4))
    }


def score_sdq(items: object, informant: object, impact: object = None) -> dict[str, object]:
    """Score an SDQ 4-17 form (MEASURES-SCORING.md section 1; keying and rules [A]).

    ``items``: "1" to "25" -> 0, 1, 2 as ticked (Not true, Somewhat true, Certainly true) or
    None; items 7, 11, 14, 21 and 25 are reversed here (2 - x), never by the caller.
    ``informant``: "parent", "teacher" or "self".
    ``impact``: the back page, or None if it was not used. Parent and self forms: ``ebddiff``,
    ``distres``, ``imphome``, ``impfrie``, ``impclas``, ``impleis``. Teacher form: ``ebddiff``,
    ``distres``, ``imppeer`` (peer relations; ``impfrie`` is accepted for it), ``impclas``.
    ``ebddiff`` is 0-3 (No, minor, definite, severe); impact items 0-3 (not at all .. a great
    deal). Chronicity and burden are not scored and are not accepted.

    Returns the five scale scores (0-10, missing with fewer than 3 of 5 items answered, else the
    mean x 5 rounded half up), ``total_difficulties`` (0-40), ``externalising`` (conduct +
    hyperactivity) and ``internalising`` (emotional + peer) (0-20, unbanded), each missing if a
    part is missing; ``impact`` (Stata logic) and ``impact_if_r_syntax``; and ``bands_3`` and
    ``bands_4`` for the five scales, the total and impact on the informant's cut-points.
    Missing scores are None. The age range (4-17; self-report 11-17) is not checked here.
    """
    if informant not in INFORMANTS:
        raise ValueError(f"sdq informant {informant!r}: not one of {', '.join(INFORMANTS)}")
    responses = check_items("sdq", items, ITEMS, CODES)
    checked_impact = _check_impact(informant, impact)

    keyed = {
        number: (2 - value if number in REVERSED and value is not None else value)
        for number, value in responses.items()
    }
    scales = {name: scale_score(keyed, numbers) for name, numbers in SCALES.items()}
    impact_score, impact_r = impact_scores(informant, checked_impact)
    banded: dict[str, int | None] = {
        **scales,
        "total_difficulties": sum_or_none(
            scales["emotional"], scales["conduct"], scales["hyperactivity"], scales["peer"]
        ),
        "impact": impact_score,
    }
    result: dict[str, object] = {
        **banded,
        "externalising": sum_or_none(scales["conduct"], scales["hyperactivity"]),
        "internalising": sum_or_none(scales["emotional"], scales["peer"]),
        "impact_if_r_syntax": impact_r,
    }
    result.update(_bands(informant, banded))
    return result


def score_total_only(total: object, informant: object) -> dict[str, object]:
    """Score an SDQ known only by its total difficulties score (0-40), as a council's previous
    system holds it for the SSDA903 return (the SSD's ``ssd_sdq_scores``).

    The result has the same keys as ``score_sdq``; what cannot be known without the answers
    (the five scales, impact, externalising and internalising) is None, and the total is
    banded on the informant's cut-points as a full form's total is.
    """
    if informant not in INFORMANTS:
        raise ValueError(f"sdq informant {informant!r}: not one of {', '.join(INFORMANTS)}")
    if isinstance(total, bool) or not isinstance(total, int) or not 0 <= total <= 40:
        raise ValueError(f"sdq total difficulties {total!r}: not a whole number from 0 to 40")
    banded: dict[str, int | None] = {name: None for name in SCALES}
    banded["total_difficulties"] = total
    banded["impact"] = None
    result: dict[str, object] = {
        **banded,
        "externalising": None,
        "internalising": None,
        "impact_if_r_syntax": None,
    }
    result.update(_bands(informant, banded))
    return result
