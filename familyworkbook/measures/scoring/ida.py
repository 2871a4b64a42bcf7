"""IDA, the Irritability, Depression and Anxiety scale (Snaith et al. 1978), printed in the
Department of Health Family Pack of Questionnaires and Scales (2000) as the "Adult Wellbeing
Scale".

Specification: MEASURES-SCORING.md section 3. Subscales and keying [B] (inferred from the Family
Pack form's wording and Snaith's four subscales); bands [U] (neither source text was retrievable:
confirm against Snaith 1978 or the Family Pack scoring sheet before release); missing data:
PROJECT POLICY, complete cases per subscale. There is no total score.
"""

from __future__ import annotations

from ._items import Ranges, band, check_items, complete_sum

ITEMS = 18
CODES = (1, 2, 3, 4)  # the printed option position, first to fourth
# On these positively worded items the first printed option scores 0; on all others it scores 3.
FIRST_OPTION_SCORES_0 = frozenset({1, 2, 5, 12, 13, 17})

SUBSCALES: dict[str, tuple[int, ...]] = {
    "depression": (1, 3, 5, 9, 12),
    "anxiety": (2, 7, 10, 14, 17),
    "outward_irritability": (4, 6, 13, 16),
    "inward_irritability": (8, 11, 15, 18),
}
BANDS = ("normal", "borderline", "high")
CUTS: dict[str, Ranges] = {
    "depression": ((0, 3), (4, 6), (7, 15)),
    "anxiety": ((0, 5), (6, 8), (9, 15)),
    "outward_irritability": ((0, 4), (5, 7), (8, 12)),
    "inward_irritability": ((0, 3), (4, 5), (6, 12)),
}


def item_score(number: int, position: int) -> int:
    """0-3 for the printed option ``position`` (1-4) of item ``number``."""
    return position - 1 if number in FIRST_OPTION_SCORES_0 else 4 - position


def score_ida(items: object) -> dict[str, object]:
    """Score an IDA / Adult Wellbeing Scale form (MEASURES-SCORING.md section 3; keying [B],
    bands [U]).

    ``items``: "1" to "18" -> the printed option position ticked, 1-4 (first to fourth), or
    None. On items 1, 2, 5, 12, 13 and 17 the first option scores 0; on every other item
    (appetite, item 3, included) it scores 3.

    Returns ``depression`` and ``anxiety`` (0-15), ``outward_irritability`` and
    ``inward_irritability`` (0-12), and ``bands``, from each of those names to
    ``normal|borderline|high``. PROJECT POLICY: a subscale with any item blank, and its band,
    are None; the other subscales are still scored.
    """
    responses = check_items("ida", items, ITEMS, CODES)
    keyed = {
        number: None if position is None else item_score(number, position)
        for number, position in responses.items()
    }
    sums = {name: complete_sum(keyed, numbers) for name, numbers in SUBSCALES.items()}
    bands = {name: band(CUTS[name], BANDS, value) for name, value in sums.items()}
    return {**sums, "bands": bands}
