"""URICA scoring, tested from MEASURES-SCORING.md section 5."""

from __future__ import annotations

from fractions import Fraction

import pytest

from familyworkbook.measures.scoring import score

STAGES = {
    "precontemplation": (1, 5, 11, 13, 23, 26, 29),
    "contemplation": (2, 8, 12, 15, 19, 21, 24),
    "action": (3, 7, 10, 14, 17, 25, 30),
    "maintenance": (6, 16, 18, 22, 27, 28, 32),
}
UNSCORED = (4, 9, 20, 31)


def items_with_sums(pc: int, c: int, a: int, m: int, unscored: int = 3) -> dict[str, int | None]:
    """A complete form whose stage item sums (7-35 each) are as given."""
    items: dict[str, int | None] = {str(n): unscored for n in UNSCORED}
    for total, numbers in zip((pc, c, a, m), STAGES.values(), strict=True):
        remaining = total - 7
        for number in numbers:
            extra = min(4, remaining)
            remaining -= extra
            items[str(number)] = 1 + extra
        assert remaining == 0
    return items


def items_with_readiness(sevenths: int) -> dict[str, int | None]:
    """A form whose readiness is ``sevenths`` / 7: precontemplation all 1s, the rest shared."""
    rest = sevenths + 7
    c = min(35, rest - 14)
    a = min(35, rest - c - 7)
    m = rest - c - a
    return items_with_sums(7, c, a, m)


def test_every_item_is_a_stage_item_or_unscored():
    numbers = sorted([*UNSCORED, *(n for items in STAGES.values() for n in items)])
    assert numbers == list(range(1, 33))


def test_stage_means_and_readiness():
    result = score("urica", items=items_with_sums(14, 21, 28, 35))
    assert result["precontemplation"] == 2.0
    assert result["contemplation"] == 3.0
    assert result["action"] == 4.0
    assert result["maintenance"] == 5.0
    assert result["readiness"] == 10.0  # 3 + 4 + 5 - 2


def test_means_are_over_seven_items_and_not_rounded():
    result = score("urica", items=items_with_sums(8, 22, 7, 7))
    assert result["precontemplation"] == float(Fraction(8, 7))
    assert result["contemplation"] == float(Fraction(22, 7))
    assert result["readiness"] == pytest.approx(float(Fraction(22 + 7 + 7 - 8, 7)))


def test_readiness_extremes():
    ready = score("urica", items=items_with_sums(7, 35, 35, 35))
    assert ready["readiness"] == 14.0
    assert ready["nearest_stage"] == "action"
    unready = score("urica", items=items_with_sums(35, 7, 7, 7))
    assert unready["readiness"] == -2.0
    assert unready["nearest_stage"] == "precontemplation"


@pytest.mark.parametrize("code", [1, 2, 3, 4, 5])
def test_items_4_9_20_31_are_not_scored(code):
    assert score("urica", items=items_with_sums(10, 20, 25, 30, unscored=code)) == score(
        "urica", items=items_with_sums(10, 20, 25, 30)
    )


@pytest.mark.parametrize(
    ("sevenths", "stage"),
    [
        (14, "precontemplation"),  # 2.0
        (65, "precontemplation"),  # 9.29, at the precontemplation mean 9.3
        (71, "precontemplation"),  # 10.14: 0.84 from 9.3, 0.86 from 11.0
        (72, "contemplation"),  # 10.29: 0.99 from 9.3, 0.71 from 11.0
        (77, "contemplation"),  # 11.0 exactly
        (82, "contemplation"),  # 11.71: 0.71 from 11.0, 0.89 from 12.6
        (83, "action"),  # 11.86: 0.86 from 11.0, 0.74 from 12.6
        (88, "action"),  # 12.57
        (98, "action"),  # 14.0
    ],
)
def test_nearest_stage_by_group_mean(sevenths, stage):
    result = score("urica", items=items_with_readiness(sevenths))
    assert result["readiness"] == pytest.approx(sevenths / 7)
    assert result["nearest_stage"] == stage


@pytest.mark.parametrize("stage", STAGES)
def test_blank_stage_item_leaves_that_mean_and_readiness_missing(stage):
    items = items_with_sums(14, 21, 28, 35)
    items[str(STAGES[stage][0])] = None
    result = score("urica", items=items)
    assert result[stage] is None
    assert result["readiness"] is None
    assert result["nearest_stage"] is None
    for other in STAGES:
        if other != stage:
            assert result[other] is not None


@pytest.mark.parametrize("item", UNSCORED)
def test_blank_unscored_item_changes_nothing(item):
    items = items_with_sums(14, 21, 28, 35)
    expected = score("urica", items=items)
    items[str(item)] = None
    assert score("urica", items=items) == expected


def test_result_keys():
    result = score("urica", items=items_with_sums(14, 21, 28, 35))
    assert set(result) == {*STAGES, "readiness", "nearest_stage"}
