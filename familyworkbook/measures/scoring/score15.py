"""SCORE-15, Systemic Clinical Outcome and Routine Evaluation (Stratton et al. 2010, 2014).

Specification: MEASURES-SCORING.md section 2. Coding and subscales [A]; which items are reversed
[B] (to confirm against the AFT guide); missing data: PROJECT POLICY, complete cases (S15-06).
No bands: the authors publish none.
"""

from __future__ import annotations

from fractions import Fraction

from ._items import check_items, complete_sum

ITEMS = 15
CODES = (1, 2, 3, 4, 5)  # Describes us: very well, well, partly, not well, not at all
REVERSED = frozenset({2, 4, 5, 7, 8, 9, 11, 12, 13, 14})  # scored 6 - x

SUBSCALES: dict[str, tuple[int, ...]] = {
    "strengths_adaptability": (1, 3, 6, 10, 15),
    "overwhelmed_by_difficulties": (5, 7, 9, 11, 14),
    "disrupted_communication": (2, 4, 8, 12, 13),
}


def _mean(total: int | None, count: int) -> float | None:
    return None if total is None else float(Fraction(total, count))


def score_score15(items: object) -> dict[str, object]:
    """Score a SCORE-15 form (MEASURES-SCORING.md section 2; coding [A], reversals [B]).

    ``items``: "1" to "15" -> 1-5 as printed (1 = "Describes us: very well" .. 5 = "not at
    all") or None. Items 2, 4, 5, 7, 8, 9, 11, 12, 13 and 14 are reversed here (6 - x).

    Returns sums after reversal, ``total`` (15-75) and each subscale (5-25), where higher
    always means more difficulty, and the mean item score (1-5) of each as ``<name>_mean``,
    a float that is not rounded (round only for display). PROJECT POLICY (complete cases): a
    sum or mean is None unless every one of its items is answered, so one blank item leaves its
    subscale and the total None and the other subscales scored.
    """
    responses = check_items("score-15", items, ITEMS, CODES)
    keyed = {
        number: (6 - value if number in REVERSED and value is not None else value)
        for number, value in responses.items()
    }
    sums = {"total": complete_sum(keyed, tuple(range(1, ITEMS + 1)))}
    sums.update({name: complete_sum(keyed, numbers) for name, numbers in SUBSCALES.items()})
    counts = {"total": ITEMS, **{name: len(numbers) for name, numbers in SUBSCALES.items()}}
    means = {f"{name}_mean": _mean(value, counts[name]) for name, value in sums.items()}
    return {**sums, **means}
