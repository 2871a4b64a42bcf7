"""URICA, the University of Rhode Island Change Assessment (32-item psychotherapy version;
McConnaughy et al.).

Specification: MEASURES-SCORING.md section 5. Items, subscales, readiness and the nearest-group
classification [A] (URI, UMBC Habits Lab, Mid-Atlantic ATTC scoring sheet); the Habits Lab warns
the group means are population-specific. Missing data: PROJECT POLICY chosen here, because the
specification gives none: complete cases per subscale.
"""

from __future__ import annotations

from fractions import Fraction

from ._items import check_items, complete_sum

ITEMS = 32
CODES = (1, 2, 3, 4, 5)  # strongly disagree .. strongly agree
STAGES: dict[str, tuple[int, ...]] = {
    "precontemplation": (1, 5, 11, 13, 23, 26, 29),
    "contemplation": (2, 8, 12, 15, 19, 21, 24),
    "action": (3, 7, 10, 14, 17, 25, 30),
    "maintenance": (6, 16, 18, 22, 27, 28, 32),
}
ITEMS_PER_STAGE = 7
UNSCORED = frozenset({4, 9, 20, 31})
# Mid-Atlantic ATTC scoring sheet: the readiness group means a score is compared with.
GROUP_MEANS: dict[str, Fraction] = {
    "precontemplation": Fraction("9.3"),
    "contemplation": Fraction("11.0"),
    "action": Fraction("12.6"),
}


def nearest_stage(readiness: Fraction) -> str:
    """The stage whose group mean is nearest; ties cannot occur (readiness is a multiple of 1/7)."""
    return min(GROUP_MEANS, key=lambda stage: abs(readiness - GROUP_MEANS[stage]))


def score_urica(items: object) -> dict[str, object]:
    """Score a URICA form (MEASURES-SCORING.md section 5; [A]).

    ``items``: "1" to "32" -> 1-5 (strongly disagree .. strongly agree) or None. Items 4, 9,
    20 and 31 must be given (the form has them) but are not scored.

    Returns the mean of each stage's 7 items, ``precontemplation``, ``contemplation``,
    ``action`` and ``maintenance`` (1-5); ``readiness`` = C + A + M - PC (-2 to 14); and
    ``nearest_stage``, the stage (precontemplation, contemplation or action) whose group mean
    (9.3, 11.0, 12.6) is nearest the readiness score. Means and readiness are computed exactly
    and returned as unrounded floats (round only for display). PROJECT POLICY: a stage with a
    blank item has no mean, and then readiness and nearest_stage are None.
    """
    responses = check_items("urica", items, ITEMS, CODES)
    sums = {stage: complete_sum(responses, numbers) for stage, numbers in STAGES.items()}
    result: dict[str, object] = {
        stage: None if total is None else float(Fraction(total, ITEMS_PER_STAGE))
        for stage, total in sums.items()
    }
    pc, c = sums["precontemplation"], sums["contemplation"]
    a, m = sums["action"], sums["maintenance"]
    if pc is None or c is None or a is None or m is None:
        return {**result, "readiness": None, "nearest_stage": None}
    # C + A + M - PC on the means: every stage has 7 items, so on the sums over 7.
    readiness = Fraction(c + a + m - pc, ITEMS_PER_STAGE)
    return {**result, "readiness": float(readiness), "nearest_stage": nearest_stage(readiness)}
