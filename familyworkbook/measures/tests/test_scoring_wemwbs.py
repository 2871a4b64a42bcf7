"""WEMWBS and SWEMWBS scoring, tested from MEASURES-SCORING.md section 4."""

from __future__ import annotations

import pytest

from familyworkbook.measures.scoring import score

# Section 4, the SWEMWBS raw -> metric table, verbatim.
SPEC_TABLE = """
| 7→7.00 | 8→9.51 | 9→11.25 | 10→12.40 | 11→13.33 | 12→14.08 | 13→14.75 |
| 14→15.32 | 15→15.84 | 16→16.36 | 17→16.88 | 18→17.43 | 19→17.98 | 20→18.59 |
| 21→19.25 | 22→19.98 | 23→20.73 | 24→21.54 | 25→22.35 | 26→23.21 | 27→24.11 |
| 28→25.03 | 29→26.02 | 30→27.03 | 31→28.13 | 32→29.31 | 33→30.70 | 34→32.55 |
| 35→35.00 | | | | | | |
"""
CONVERSION = {
    int(raw): float(metric)
    for cell in SPEC_TABLE.replace("\n", "|").split("|")
    if "→" in cell
    for raw, metric in [cell.strip().split("→")]
}


def items_summing_to(total: int, count: int) -> dict[str, int]:
    """``count`` items of 1-5 that sum to ``total``."""
    items = {}
    remaining = total - count  # everything above the minimum of 1 per item
    for number in range(1, count + 1):
        extra = min(4, remaining)
        remaining -= extra
        items[str(number)] = 1 + extra
    assert remaining == 0
    return items


# ---------------------------------------------------------------- WEMWBS


@pytest.mark.parametrize("total", [14, 27, 42, 56, 70])
def test_wemwbs_total_is_the_sum(total):
    assert score("wemwbs", items=items_summing_to(total, 14))["total"] == total


def test_wemwbs_has_no_reversed_items():
    for number in range(1, 15):
        items = {str(n): 1 for n in range(1, 15)}
        items[str(number)] = 5
        assert score("wemwbs", items=items)["total"] == 18


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (14, "probable_depression"),
        (40, "probable_depression"),
        (41, "possible_depression"),
        (44, "possible_depression"),
        (45, "average"),
        (59, "average"),
        (60, "high"),
        (70, "high"),
    ],
)
def test_wemwbs_band_edges(total, band):
    assert score("wemwbs", items=items_summing_to(total, 14)) == {"total": total, "band": band}


@pytest.mark.parametrize("item", range(1, 15))
def test_wemwbs_blank_item_means_no_score(item):
    items = items_summing_to(50, 14)
    items[str(item)] = None
    assert score("wemwbs", items=items) == {"total": None, "band": None}


# ---------------------------------------------------------------- SWEMWBS


def test_conversion_table_has_every_raw_score():
    assert sorted(CONVERSION) == list(range(7, 36))


@pytest.mark.parametrize(("raw", "metric"), sorted(CONVERSION.items()))
def test_swemwbs_metric_conversion(raw, metric):
    result = score("swemwbs", items=items_summing_to(raw, 7))
    assert result["raw"] == raw
    assert result["metric"] == metric


@pytest.mark.parametrize(
    ("raw", "metric"),
    [(7, 7.00), (8, 9.51), (21, 19.25), (22, 19.98), (34, 32.55), (35, 35.00)],
)
def test_swemwbs_spot_checks_at_both_ends_and_the_middle(raw, metric):
    assert score("swemwbs", items=items_summing_to(raw, 7))["metric"] == metric


@pytest.mark.parametrize(
    ("raw", "band"),
    [
        (7, "probable_depression"),
        (18, "probable_depression"),  # 17.43
        (19, "probable_depression"),  # 17.98, between the circulating 17 and 18
        (20, "possible_depression"),  # 18.59
        (22, "possible_depression"),  # 19.98
        (23, "possible_depression"),  # 20.73, between 20 and 21
        (24, "average"),  # 21.54
        (30, "average"),  # 27.03, between 27 and 28
        (31, "high"),  # 28.13
        (35, "high"),
    ],
)
def test_swemwbs_bands_are_half_open_on_the_metric_score(raw, band):
    assert score("swemwbs", items=items_summing_to(raw, 7))["band"] == band


@pytest.mark.parametrize("item", range(1, 8))
def test_swemwbs_blank_item_means_no_score(item):
    items = items_summing_to(21, 7)
    items[str(item)] = None
    assert score("swemwbs", items=items) == {"raw": None, "metric": None, "band": None}
