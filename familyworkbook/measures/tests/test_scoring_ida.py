"""IDA ("Adult Wellbeing Scale") scoring, tested from MEASURES-SCORING.md section 3."""

from __future__ import annotations

import pytest

from familyworkbook.measures.scoring import score

SUBSCALES = {
    "depression": (1, 3, 5, 9, 12),
    "anxiety": (2, 7, 10, 14, 17),
    "outward_irritability": (4, 6, 13, 16),
    "inward_irritability": (8, 11, 15, 18),
}
FIRST_OPTION_ZERO = {1, 2, 5, 12, 13, 17}
# Section 3 "Bands" (normal / borderline / high).
SPEC_BANDS = {
    "depression": "0–3 / 4–6 / 7–15",
    "anxiety": "0–5 / 6–8 / 9–15",
    "outward_irritability": "0–4 / 5–7 / 8–12",
    "inward_irritability": "0–3 / 4–5 / 6–12",
}
BAND_NAMES = ("normal", "borderline", "high")


def position_for(item: int, points: int) -> int:
    """The printed option position (1-4) that scores ``points`` (0-3) on ``item``."""
    return points + 1 if item in FIRST_OPTION_ZERO else 4 - points


def items_for(**subscale_scores: int) -> dict[str, int | None]:
    items: dict[str, int | None] = {}
    for name, numbers in SUBSCALES.items():
        remaining = subscale_scores.get(name, 0)
        for number in numbers:
            points = min(3, remaining)
            remaining -= points
            items[str(number)] = position_for(number, points)
        assert remaining == 0
    return items


def subscale_of(item: int) -> str:
    return next(name for name, numbers in SUBSCALES.items() if item in numbers)


def test_every_item_is_in_exactly_one_subscale_and_there_is_no_total():
    numbers = sorted(n for items in SUBSCALES.values() for n in items)
    assert numbers == list(range(1, 19))
    result = score("ida", items=items_for())
    assert set(result) == {*SUBSCALES, "bands"}


@pytest.mark.parametrize("item", range(1, 19))
@pytest.mark.parametrize("position", [1, 2, 3, 4])
def test_every_item_keyed_as_specified(item, position):
    items = items_for()
    items[str(item)] = position
    expected = position - 1 if item in FIRST_OPTION_ZERO else 4 - position
    assert score("ida", items=items)[subscale_of(item)] == expected


def test_appetite_item_three_first_option_scores_three():
    items = items_for()
    items["3"] = 1
    assert score("ida", items=items)["depression"] == 3


@pytest.mark.parametrize(
    ("name", "top"),
    [
        ("depression", 15),
        ("anxiety", 15),
        ("outward_irritability", 12),
        ("inward_irritability", 12),
    ],
)
def test_subscale_ranges(name, top):
    assert score("ida", items=items_for(**{name: top}))[name] == top
    assert score("ida", items=items_for())[name] == 0


def edge_cases():
    cases = []
    for name, text in SPEC_BANDS.items():
        for band, part in zip(BAND_NAMES, text.split(" / "), strict=True):
            low, high = (int(value) for value in part.split("–"))
            for value in sorted({low, high}):
                cases.append(pytest.param(name, value, band, id=f"{name}-{value}"))
    return cases


@pytest.mark.parametrize(("name", "value", "expected"), edge_cases())
def test_band_edges(name, value, expected):
    result = score("ida", items=items_for(**{name: value}))
    assert result[name] == value
    assert result["bands"][name] == expected


@pytest.mark.parametrize("item", range(1, 19))
def test_blank_item_leaves_only_its_subscale_missing(item):
    items = items_for(depression=5, anxiety=5, outward_irritability=5, inward_irritability=5)
    items[str(item)] = None
    result = score("ida", items=items)
    for name in SUBSCALES:
        if name == subscale_of(item):
            assert result[name] is None
            assert result["bands"][name] is None
        else:
            assert result[name] == 5
            assert result["bands"][name] is not None
