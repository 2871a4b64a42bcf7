"""SDQ scoring, tested from MEASURES-SCORING.md section 1 (not from the scorer's own tables).

The item keys, reversals and band tables below are copied from the specification's text, so a
slip in the scorer's copy shows up here as a failure.
"""

from __future__ import annotations

import pytest

from familyworkbook.measures.scoring import score

# Specification, "Items and keying": scale -> items; reversed items score 2 - x.
SCALE_ITEMS = {
    "emotional": (3, 8, 13, 16, 24),
    "conduct": (5, 7, 12, 18, 22),
    "hyperactivity": (2, 10, 15, 21, 25),
    "peer": (6, 11, 14, 19, 23),
    "prosocial": (1, 4, 9, 17, 20),
}
REVERSED = {7, 11, 14, 21, 25}
PROBLEM_SCALES = ("emotional", "conduct", "hyperactivity", "peer")
INFORMANTS = ("parent", "teacher", "self")
IMPACT_KEYS = {
    "parent": ("distres", "imphome", "impfrie", "impclas", "impleis"),
    "teacher": ("distres", "imppeer", "impclas"),
    "self": ("distres", "imphome", "impfrie", "impclas", "impleis"),
}


def tick_for(item: int, keyed: int) -> int:
    """The tick that scores ``keyed`` on ``item`` (reversed items are ticked 2 - keyed)."""
    return 2 - keyed if item in REVERSED else keyed


def items_for(**scale_scores: int) -> dict[str, int | None]:
    """A complete form whose scales score as given (others 0), each scale spread over 5 items."""
    items: dict[str, int | None] = {}
    for scale, numbers in SCALE_ITEMS.items():
        remaining = scale_scores.get(scale, 0)
        for number in numbers:
            keyed = min(2, remaining)
            remaining -= keyed
            items[str(number)] = tick_for(number, keyed)
        assert remaining == 0, f"{scale} cannot score {scale_scores[scale]}"
    return items


def items_for_total(total: int) -> dict[str, int | None]:
    parts = {}
    for scale in PROBLEM_SCALES:
        parts[scale] = min(10, total)
        total -= parts[scale]
    return items_for(**parts)


def impact_for(informant: str, value: int, ebddiff: int | None = 2) -> dict[str, int | None]:
    """Impact answers whose recoded sum is ``value`` (3 "a great deal" -> 2, 2 "quite a lot" -> 1)."""
    answers: dict[str, int | None] = {"ebddiff": ebddiff}
    for key in IMPACT_KEYS[informant]:
        recoded = min(2, value)
        value -= recoded
        answers[key] = {0: 0, 1: 2, 2: 3}[recoded]
    assert value == 0
    return answers


def sdq(items, informant="parent", impact=None):
    return score("sdq", informant=informant, items=items, impact=impact)


# ---------------------------------------------------------------- keying and reversal


@pytest.mark.parametrize("item", range(1, 26))
@pytest.mark.parametrize("tick", [0, 1, 2])
def test_every_item_is_keyed_as_specified(item, tick):
    scale = next(name for name, numbers in SCALE_ITEMS.items() if item in numbers)
    items = items_for()  # every item keyed 0
    items[str(item)] = tick
    expected = 2 - tick if item in REVERSED else tick
    assert sdq(items)[scale] == expected


@pytest.mark.parametrize("item", sorted(REVERSED))
def test_reversed_items_score_two_when_ticked_not_true(item):
    items = items_for()
    items[str(item)] = 0  # "Not true" on a positively worded item is the difficulty
    scale = next(name for name, numbers in SCALE_ITEMS.items() if item in numbers)
    assert sdq(items)[scale] == 2


def test_somewhat_true_scores_one_on_every_item():
    result = sdq({str(n): 1 for n in range(1, 26)})
    assert [result[scale] for scale in SCALE_ITEMS] == [5, 5, 5, 5, 5]
    assert result["total_difficulties"] == 20


def test_all_certainly_true_as_ticked():
    result = sdq({str(n): 2 for n in range(1, 26)})
    # Reversed items ticked 2 score 0: conduct loses item 7, hyperactivity 21 and 25, peer 11 and 14.
    assert result["emotional"] == 10
    assert result["conduct"] == 8
    assert result["hyperactivity"] == 6
    assert result["peer"] == 6
    assert result["prosocial"] == 10
    assert result["total_difficulties"] == 30


# ---------------------------------------------------------------- proration and rounding


def test_rounding_trap_sum_two_over_four_items_is_three():
    items = items_for()
    for number, tick in zip((3, 8, 13, 16, 24), (1, 1, 0, 0, None), strict=True):
        items[str(number)] = tick
    assert sdq(items)["emotional"] == 3  # 2 / 4 * 5 = 2.5 -> 3; Python's round() gives 2


def test_rounding_sum_six_over_four_items_is_eight():
    items = items_for()
    for number, tick in zip((3, 8, 13, 16, 24), (2, 2, 1, 1, None), strict=True):
        items[str(number)] = tick
    assert sdq(items)["emotional"] == 8  # 7.5 -> 8


def test_rounding_trap_with_a_reversed_item():
    # Peer 6, 11, 14, 19, 23 with 23 blank: 6 ticked 1, 11 ticked 2 (keyed 0), 14 ticked 1
    # (keyed 1), 19 ticked 0: sum 2 over 4 answered -> 2.5 -> 3.
    items = items_for()
    items.update({"6": 1, "11": 2, "14": 1, "19": 0, "23": None})
    assert sdq(items)["peer"] == 3


def test_sdqinfo_worked_example_sum_four_over_three_items_is_seven():
    items = items_for()
    items.update({"3": 2, "8": 2, "13": 0, "16": None, "24": None})
    assert sdq(items)["emotional"] == 7  # 6.67 -> 7


def test_sum_one_over_three_items_is_two():
    items = items_for()
    items.update({"5": 1, "7": 2, "12": 0, "18": None, "22": None})
    assert sdq(items)["conduct"] == 2  # 1.67 -> 2


def test_five_answered_items_score_their_plain_sum():
    items = items_for()
    items.update({"2": 2, "10": 1, "15": 2, "21": 1, "25": 0})  # keyed 2, 1, 2, 1, 2
    assert sdq(items)["hyperactivity"] == 8


@pytest.mark.parametrize("answered", [3, 4, 5])
def test_prorated_when_three_or_more_answered(answered):
    items = items_for()
    numbers = SCALE_ITEMS["prosocial"]
    for position, number in enumerate(numbers):
        items[str(number)] = 2 if position < answered else None
    assert sdq(items)["prosocial"] == 10  # mean 2 x 5, whatever the count


@pytest.mark.parametrize("answered", [0, 1, 2])
def test_scale_missing_with_fewer_than_three_answered(answered):
    items = items_for()
    for position, number in enumerate(SCALE_ITEMS["emotional"]):
        items[str(number)] = 1 if position < answered else None
    result = sdq(items)
    assert result["emotional"] is None
    assert result["bands_3"]["emotional"] is None
    assert result["bands_4"]["emotional"] is None


@pytest.mark.parametrize("scale", PROBLEM_SCALES)
def test_total_missing_if_any_problem_scale_missing(scale):
    items = items_for(emotional=3, conduct=3, hyperactivity=3, peer=3)
    for number in SCALE_ITEMS[scale][:3]:
        items[str(number)] = None
    result = sdq(items)
    assert result[scale] is None
    assert result["total_difficulties"] is None
    assert result["bands_3"]["total_difficulties"] is None
    assert result["bands_4"]["total_difficulties"] is None


def test_prosocial_is_not_part_of_the_total():
    items = items_for(emotional=1, conduct=2, hyperactivity=3, peer=4, prosocial=10)
    for number in SCALE_ITEMS["prosocial"][:3]:
        items[str(number)] = None
    result = sdq(items)
    assert result["prosocial"] is None
    assert result["total_difficulties"] == 10


def test_externalising_and_internalising():
    result = sdq(items_for(emotional=1, conduct=2, hyperactivity=3, peer=4, prosocial=9))
    assert result["externalising"] == 5  # conduct + hyperactivity
    assert result["internalising"] == 5  # emotional + peer
    assert result["total_difficulties"] == 10
    assert "externalising" not in result["bands_3"]
    assert "internalising" not in result["bands_4"]


def test_externalising_missing_with_conduct_and_internalising_with_peer():
    items = items_for(emotional=1, conduct=2, hyperactivity=3, peer=4)
    for number in (5, 7, 12):
        items[str(number)] = None
    result = sdq(items)
    assert result["externalising"] is None
    assert result["internalising"] == 5
    items = items_for(emotional=1, conduct=2, hyperactivity=3, peer=4)
    for number in (6, 11, 14):
        items[str(number)] = None
    result = sdq(items)
    assert result["externalising"] == 5
    assert result["internalising"] is None


def test_scales_at_their_extremes():
    worst = items_for(emotional=10, conduct=10, hyperactivity=10, peer=10, prosocial=0)
    result = sdq(worst)
    assert result["total_difficulties"] == 40
    assert result["externalising"] == 20
    assert result["internalising"] == 20
    assert result["prosocial"] == 0


# ---------------------------------------------------------------- impact


@pytest.mark.parametrize("informant", INFORMANTS)
@pytest.mark.parametrize(("code", "recoded"), [(0, 0), (1, 0), (2, 1), (3, 2)])
def test_each_impact_item_is_recoded(informant, code, recoded):
    for key in IMPACT_KEYS[informant]:
        impact = {"ebddiff": 2, **{other: 0 for other in IMPACT_KEYS[informant]}}
        impact[key] = code
        assert sdq(items_for(), informant, impact)["impact"] == recoded, key


@pytest.mark.parametrize(("informant", "top"), [("parent", 10), ("teacher", 6), ("self", 10)])
def test_impact_maximum_per_informant(informant, top):
    impact = {"ebddiff": 3, **{key: 3 for key in IMPACT_KEYS[informant]}}
    result = sdq(items_for(), informant, impact)
    assert result["impact"] == top
    assert result["impact_if_r_syntax"] == top


@pytest.mark.parametrize("informant", INFORMANTS)
def test_ebddiff_no_makes_impact_zero_whatever_else_is_ticked(informant):
    impact = {"ebddiff": 0, **{key: 3 for key in IMPACT_KEYS[informant]}}
    result = sdq(items_for(), informant, impact)
    assert result["impact"] == 0
    assert result["impact_if_r_syntax"] == 0
    assert result["bands_3"]["impact"] == "normal"
    assert result["bands_4"]["impact"] == "close_to_average"


@pytest.mark.parametrize("informant", INFORMANTS)
def test_ebddiff_no_with_impact_items_skipped_is_zero(informant):
    # The form tells a respondent who answers "No" to skip the impact questions.
    impact = {"ebddiff": 0, **{key: None for key in IMPACT_KEYS[informant]}}
    result = sdq(items_for(), informant, impact)
    assert result["impact"] == 0
    assert result["impact_if_r_syntax"] == 0


@pytest.mark.parametrize("informant", INFORMANTS)
def test_ebddiff_blank_follows_stata_and_records_r(informant):
    # SDQ-06: Stata keeps the item-based score; R's ifelse(ebddiff == 0, 0, impact) gives NA.
    impact = {"ebddiff": None, **{key: 3 for key in IMPACT_KEYS[informant]}}
    result = sdq(items_for(), informant, impact)
    assert result["impact"] == 2 * len(IMPACT_KEYS[informant])
    assert result["impact_if_r_syntax"] is None


@pytest.mark.parametrize("informant", INFORMANTS)
@pytest.mark.parametrize("ebddiff", [None, 1, 2, 3])
def test_no_impact_item_answered_is_missing(informant, ebddiff):
    impact = {"ebddiff": ebddiff, **{key: None for key in IMPACT_KEYS[informant]}}
    result = sdq(items_for(), informant, impact)
    assert result["impact"] is None
    assert result["impact_if_r_syntax"] is None
    assert result["bands_3"]["impact"] is None
    assert result["bands_4"]["impact"] is None


@pytest.mark.parametrize("informant", INFORMANTS)
def test_blank_impact_items_count_zero_when_one_is_answered(informant):
    first, *rest = IMPACT_KEYS[informant]
    impact = {"ebddiff": 2, first: 3, **{key: None for key in rest}}
    result = sdq(items_for(), informant, impact)
    assert result["impact"] == 2
    assert result["impact_if_r_syntax"] == 2


@pytest.mark.parametrize("informant", INFORMANTS)
def test_impact_not_collected_is_missing(informant):
    result = sdq(items_for(emotional=6), informant)
    assert result["impact"] is None
    assert result["impact_if_r_syntax"] is None
    assert result["bands_3"]["impact"] is None
    assert result["emotional"] == 6


def test_teacher_peer_relations_may_be_keyed_imppeer_or_impfrie():
    by_stem = {"ebddiff": 1, "distres": 0, "imppeer": 3, "impclas": 2}
    by_parent_key = {"ebddiff": 1, "distres": 0, "impfrie": 3, "impclas": 2}
    assert sdq(items_for(), "teacher", by_stem)["impact"] == 3
    assert sdq(items_for(), "teacher", by_parent_key)["impact"] == 3


@pytest.mark.parametrize("key", ["imphome", "impleis"])
def test_teacher_form_has_no_home_or_leisure_item(key):
    impact = {"ebddiff": 1, "distres": 0, "imppeer": 0, "impclas": 0, key: 0}
    with pytest.raises(ValueError, match=rf"^sdq impact item '{key}': not on the teacher form"):
        sdq(items_for(), "teacher", impact)


def test_teacher_peer_relations_given_twice_is_refused():
    impact = {"ebddiff": 1, "distres": 0, "imppeer": 0, "impfrie": 1, "impclas": 0}
    with pytest.raises(ValueError, match=r"^sdq impact item 'impfrie': given twice"):
        sdq(items_for(), "teacher", impact)


@pytest.mark.parametrize("informant", ["parent", "self"])
def test_parent_and_self_forms_have_no_imppeer(informant):
    impact = {"ebddiff": 1, **{key: 0 for key in IMPACT_KEYS[informant]}, "imppeer": 0}
    with pytest.raises(ValueError, match=r"^sdq impact item 'imppeer': not on the"):
        sdq(items_for(), informant, impact)


# ---------------------------------------------------------------- bands

# MEASURES-SCORING.md section 1 "Bands", verbatim.
SPEC_3_BAND = """
| Total | 0–13, 14–16, 17–40 | 0–11, 12–15, 16–40 | 0–15, 16–19, 20–40 |
| Emotional | 0–3, 4, 5–10 | 0–4, 5, 6–10 | 0–5, 6, 7–10 |
| Conduct | 0–2, 3, 4–10 | 0–2, 3, 4–10 | 0–3, 4, 5–10 |
| Hyperactivity | 0–5, 6, 7–10 | 0–5, 6, 7–10 | 0–5, 6, 7–10 |
| Peer | 0–2, 3, 4–10 | 0–3, 4, 5–10 | 0–3, 4–5, 6–10 |
| Prosocial | 6–10, 5, 0–4 | 6–10, 5, 0–4 | 6–10, 5, 0–4 |
| Impact | 0, 1, 2–10 | 0, 1, 2–6 | 0, 1, 2–10 |
"""
SPEC_4_BAND = """
| Total | 0–13, 14–16, 17–19, 20–40 | 0–11, 12–15, 16–18, 19–40 | 0–14, 15–17, 18–19, 20–40 |
| Emotional | 0–3, 4, 5–6, 7–10 | 0–3, 4, 5, 6–10 | 0–4, 5, 6, 7–10 |
| Conduct | 0–2, 3, 4–5, 6–10 | 0–2, 3, 4, 5–10 | 0–3, 4, 5, 6–10 |
| Hyperactivity | 0–5, 6–7, 8, 9–10 | 0–5, 6–7, 8, 9–10 | 0–5, 6, 7, 8–10 |
| Peer | 0–2, 3, 4, 5–10 | 0–2, 3–4, 5, 6–10 | 0–2, 3, 4, 5–10 |
| Prosocial | 8–10, 7, 6, 0–5 | 6–10, 5, 4, 0–3 | 7–10, 6, 5, 0–4 |
| Impact | 0, 1, 2, 3–10 | 0, 1, 2, 3–6 | 0, 1, 2, 3–10 |
"""
ROW_SCALE = {
    "Total": "total_difficulties",
    "Emotional": "emotional",
    "Conduct": "conduct",
    "Hyperactivity": "hyperactivity",
    "Peer": "peer",
    "Prosocial": "prosocial",
    "Impact": "impact",
}
NAMES = {
    "bands_3": ("normal", "borderline", "abnormal"),
    "bands_4": ("close_to_average", "slightly_raised", "high", "very_high"),
}
NAMES_PROSOCIAL_4 = ("close_to_average", "slightly_lowered", "low", "very_low")


def parse_table(text: str) -> dict[tuple[str, str], list[tuple[int, int]]]:
    tables = {}
    for line in text.strip().splitlines():
        row, *cells = [cell.strip() for cell in line.strip("|").split("|")]
        for informant, cell in zip(INFORMANTS, cells, strict=True):
            ranges = []
            for part in cell.split(", "):
                low, _, high = part.partition("–")
                ranges.append((int(low), int(high or low)))
            tables[(ROW_SCALE[row], informant)] = ranges
    return tables


TABLES = {"bands_3": parse_table(SPEC_3_BAND), "bands_4": parse_table(SPEC_4_BAND)}


def band_names(scheme: str, scale: str) -> tuple[str, ...]:
    if scheme == "bands_4" and scale == "prosocial":
        return NAMES_PROSOCIAL_4
    return NAMES[scheme]


def scored(informant: str, scale: str, value: int) -> dict:
    if scale == "impact":
        return sdq(items_for(), informant, impact_for(informant, value))
    if scale == "total_difficulties":
        return sdq(items_for_total(value), informant)
    return sdq(items_for(**{scale: value}), informant)


def edge_cases():
    """Both ends of every band: the value at each cut-point and the value one below it."""
    for scheme, tables in TABLES.items():
        for (scale, informant), ranges in tables.items():
            names = band_names(scheme, scale)
            for name, (low, high) in zip(names, ranges, strict=True):
                for value in sorted({low, high}):
                    yield pytest.param(
                        scheme, informant, scale, value, name,
                        id=f"{scheme}-{informant}-{scale}-{value}",
                    )  # fmt: skip


@pytest.mark.parametrize(("scheme", "informant", "scale", "value", "expected"), list(edge_cases()))
def test_band_edges(scheme, informant, scale, value, expected):
    result = scored(informant, scale, value)
    assert result[scale] == value
    assert result[scheme][scale] == expected


@pytest.mark.parametrize(
    ("scheme", "scale", "informant"),
    [(scheme, scale, informant) for scheme in TABLES for (scale, informant) in TABLES[scheme]],
)
def test_every_value_bands_as_the_table_says(scheme, scale, informant):
    names = band_names(scheme, scale)
    ranges = TABLES[scheme][(scale, informant)]
    top = max(high for _, high in ranges)
    for value in range(top + 1):
        expected = next(n for n, (lo, hi) in zip(names, ranges, strict=True) if lo <= value <= hi)
        assert scored(informant, scale, value)[scheme][scale] == expected, value


def test_parent_prosocial_five_differs_between_schemes():
    result = sdq(items_for(prosocial=5))
    assert result["bands_3"]["prosocial"] == "borderline"
    assert result["bands_4"]["prosocial"] == "very_low"


def test_sdq05_parent_hyperactivity_seven():
    result = sdq(items_for(hyperactivity=7))
    assert result["bands_3"]["hyperactivity"] == "abnormal"
    assert result["bands_4"]["hyperactivity"] == "slightly_raised"


def test_bands_cover_the_scales_the_total_and_impact_only():
    result = sdq(items_for(), impact=impact_for("parent", 1))
    expected = {*SCALE_ITEMS, "total_difficulties", "impact"}
    assert set(result["bands_3"]) == expected
    assert set(result["bands_4"]) == expected


def test_result_keys():
    result = sdq(items_for())
    assert set(result) == {
        *SCALE_ITEMS,
        "total_difficulties",
        "externalising",
        "internalising",
        "impact",
        "impact_if_r_syntax",
        "bands_3",
        "bands_4",
    }


def test_items_may_be_keyed_by_int():
    by_str = items_for(emotional=4, conduct=7, peer=1, prosocial=8)
    by_int = {int(key): value for key, value in by_str.items()}
    assert sdq(by_int) == sdq(by_str)
