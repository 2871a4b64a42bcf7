"""SCORE-15 scoring, tested from MEASURES-SCORING.md section 2."""

from __future__ import annotations

import pytest

from familyworkbook.measures.scoring import score

SUBSCALES = {
    "strengths_adaptability": (1, 3, 6, 10, 15),
    "overwhelmed_by_difficulties": (5, 7, 9, 11, 14),
    "disrupted_communication": (2, 4, 8, 12, 13),
}
REVERSED = {2, 4, 5, 7, 8, 9, 11, 12, 13, 14}  # scored 6 - x
KEPT = {1, 3, 6, 10, 15}


def form(**answers: int | None) -> dict[str, int | None]:
    """Every item "partly" (3, which scores 3 either way) unless given as item_<n>=."""
    items: dict[str, int | None] = {str(n): 3 for n in range(1, 16)}
    for key, value in answers.items():
        items[key.removeprefix("item_")] = value
    return items


def subscale_of(item: int) -> str:
    return next(name for name, numbers in SUBSCALES.items() if item in numbers)


def test_reversed_items_are_exactly_the_two_difficulty_subscales():
    difficulty_items = {
        *SUBSCALES["overwhelmed_by_difficulties"],
        *SUBSCALES["disrupted_communication"],
    }
    assert difficulty_items == REVERSED
    assert set(SUBSCALES["strengths_adaptability"]) == KEPT


@pytest.mark.parametrize("item", range(1, 16))
@pytest.mark.parametrize("code", [1, 2, 3, 4, 5])
def test_every_item_keyed_as_specified(item, code):
    result = score("score-15", items=form(**{f"item_{item}": code}))
    keyed = 6 - code if item in REVERSED else code
    assert result[subscale_of(item)] == 12 + keyed
    assert result["total"] == 42 + keyed


def test_healthiest_answers_score_fifteen():
    # Strength items "describes us very well" (1); problem items "not at all" (5).
    items = {str(n): 1 if n in KEPT else 5 for n in range(1, 16)}
    result = score("score-15", items=items)
    assert result["total"] == 15
    assert all(result[name] == 5 for name in SUBSCALES)
    assert result["total_mean"] == 1.0


def test_most_troubled_answers_score_seventy_five():
    items = {str(n): 5 if n in KEPT else 1 for n in range(1, 16)}
    result = score("score-15", items=items)
    assert result["total"] == 75
    assert all(result[name] == 25 for name in SUBSCALES)
    assert all(result[f"{name}_mean"] == 5.0 for name in SUBSCALES)


def test_all_ones_as_ticked():
    result = score("score-15", items={str(n): 1 for n in range(1, 16)})
    assert result["strengths_adaptability"] == 5
    assert result["overwhelmed_by_difficulties"] == 25
    assert result["disrupted_communication"] == 25
    assert result["total"] == 55


def test_means_are_sum_over_item_count():
    result = score("score-15", items=form(item_1=4))  # total 46
    assert result["total"] == 46
    assert result["total_mean"] == pytest.approx(46 / 15)
    assert result["strengths_adaptability_mean"] == pytest.approx(16 / 5)
    assert result["overwhelmed_by_difficulties_mean"] == 3.0


@pytest.mark.parametrize("item", range(1, 16))
def test_one_blank_item_leaves_its_subscale_and_the_total_missing(item):
    # S15-06, PROJECT POLICY: complete cases only.
    result = score("score-15", items=form(**{f"item_{item}": None}))
    assert result["total"] is None
    assert result["total_mean"] is None
    for name in SUBSCALES:
        if name == subscale_of(item):
            assert result[name] is None
            assert result[f"{name}_mean"] is None
        else:
            assert result[name] == 15
            assert result[f"{name}_mean"] == 3.0


def test_all_blank():
    result = score("score-15", items={str(n): None for n in range(1, 16)})
    assert all(value is None for value in result.values())


def test_no_bands():
    result = score("score-15", items=form())
    assert set(result) == {
        "total",
        "total_mean",
        *SUBSCALES,
        *(f"{name}_mean" for name in SUBSCALES),
    }
