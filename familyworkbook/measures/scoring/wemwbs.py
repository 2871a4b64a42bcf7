"""WEMWBS and SWEMWBS, the (Short) Warwick-Edinburgh Mental Wellbeing Scales.

Specification: MEASURES-SCORING.md section 4. Scoring and the SWEMWBS metric conversion [A];
WEMWBS bands [B] (Warwick guidance via a secondary page); SWEMWBS bands [U], applied as the
PROJECT ASSUMPTION of half-open intervals on the metric score; missing data: PROJECT POLICY,
complete cases. Warwick stresses WEMWBS is not a screening instrument: the bands describe
wellbeing and are not a diagnosis.
"""

from __future__ import annotations

from ._items import Ranges, band, check_items, complete_sum

CODES = (1, 2, 3, 4, 5)  # None of the time .. All of the time
WEMWBS_ITEMS = 14
SWEMWBS_ITEMS = 7  # WEMWBS items 1, 2, 3, 6, 7, 9 and 11, numbered 1 to 7 on the short form

BANDS = ("probable_depression", "possible_depression", "average", "high")
WEMWBS_CUTS: Ranges = ((14, 40), (41, 44), (45, 59), (60, 70))

# SWEMWBS raw score (7-35) -> metric score, the published Rasch conversion table.
SWEMWBS_METRIC: dict[int, float] = {
    7: 7.00, 8: 9.51, 9: 11.25, 10: 12.40, 11: 13.33, 12: 14.08, 13: 14.75,
    14: 15.32, 15: 15.84, 16: 16.36, 17: 16.88, 18: 17.43, 19: 17.98, 20: 18.59,
    21: 19.25, 22: 19.98, 23: 20.73, 24: 21.54, 25: 22.35, 26: 23.21, 27: 24.11,
    28: 25.03, 29: 26.02, 30: 27.03, 31: 28.13, 32: 29.31, 33: 30.70, 34: 32.55,
    35: 35.00,
}  # fmt: skip
# Lower bounds of each band on the metric score, half-open: [bound, next bound).
SWEMWBS_LOWER_BOUNDS = (("high", 28.0), ("average", 21.0), ("possible_depression", 18.0))


def score_wemwbs(items: object) -> dict[str, object]:
    """Score a WEMWBS form (MEASURES-SCORING.md section 4; scoring [A], bands [B]).

    ``items``: "1" to "14" -> 1-5 (None of the time .. All of the time) or None.
    Returns ``total`` (14-70, higher = better) and ``band``: ``probable_depression`` (up to
    40), ``possible_depression`` (41-44), ``average`` (45-59) or ``high`` (60 and over).
    PROJECT POLICY: with any item blank, ``total`` and ``band`` are None.
    """
    responses = check_items("wemwbs", items, WEMWBS_ITEMS, CODES)
    total = complete_sum(responses, tuple(range(1, WEMWBS_ITEMS + 1)))
    return {"total": total, "band": band(WEMWBS_CUTS, BANDS, total)}


def swemwbs_band(metric: float | None) -> str | None:
    if metric is None:
        return None
    for name, lower in SWEMWBS_LOWER_BOUNDS:
        if metric >= lower:
            return name
    return "probable_depression"


def score_swemwbs(items: object) -> dict[str, object]:
    """Score a SWEMWBS form (MEASURES-SCORING.md section 4; conversion [A], bands [U]).

    ``items``: "1" to "7" -> 1-5 or None, numbered as on the short form (WEMWBS items 1, 2, 3,
    6, 7, 9, 11). Returns ``raw`` (7-35), ``metric`` (the published Rasch conversion of the raw
    sum, 7.00-35.00) and ``band`` on the metric score, PROJECT ASSUMPTION of half-open ranges:
    below 18 ``probable_depression``, 18 to below 21 ``possible_depression``, 21 to below 28
    ``average``, 28 and over ``high``. PROJECT POLICY: with any item blank all three are None,
    as a partial sum cannot be looked up.
    """
    responses = check_items("swemwbs", items, SWEMWBS_ITEMS, CODES)
    raw = complete_sum(responses, tuple(range(1, SWEMWBS_ITEMS + 1)))
    metric = None if raw is None else SWEMWBS_METRIC[raw]
    return {"raw": raw, "metric": metric, "band": swemwbs_band(metric)}
