"""Properties that hold for every valid form (hypothesis), stated from MEASURES-SCORING.md."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from familyworkbook.measures.scoring import score

SDQ_SCALES = {
    "emotional": (3, 8, 13, 16, 24),
    "conduct": (5, 7, 12, 18, 22),
    "hyperactivity": (2, 10, 15, 21, 25),
    "peer": (6, 11, 14, 19, 23),
    "prosocial": (1, 4, 9, 17, 20),
}
SDQ_REVERSED = {7, 11, 14, 21, 25}
IMPACT_KEYS = {
    "parent": ("distres", "imphome", "impfrie", "impclas", "impleis"),
    "teacher": ("distres", "imppeer", "impclas"),
    "self": ("distres", "imphome", "impfrie", "impclas", "impleis"),
}
BANDS_3 = {"normal", "borderline", "abnormal"}
BANDS_4 = {"close_to_average", "slightly_raised", "high", "very_high"}
BANDS_4_PROSOCIAL = {"close_to_average", "slightly_lowered", "low", "very_low"}


def form(count: int, codes: list[int], blanks: bool = True):
    value = st.sampled_from(codes)
    if blanks:
        value = st.one_of(st.none(), value)
    return st.fixed_dictionaries({str(n): value for n in range(1, count + 1)})


@st.composite
def sdq_forms(draw, blanks: bool = True):
    informant = draw(st.sampled_from(["parent", "teacher", "self"]))
    items = draw(form(25, [0, 1, 2], blanks))
    impact = draw(
        st.one_of(
            st.none(),
            st.fixed_dictionaries(
                {
                    "ebddiff": st.one_of(st.none(), st.integers(0, 3)),
                    **{
                        key: st.one_of(st.none(), st.integers(0, 3))
                        for key in IMPACT_KEYS[informant]
                    },
                }
            ),
        )
    )
    return informant, items, impact


def in_range(value, low, high) -> bool:
    return value is None or (type(value) is int and low <= value <= high)


# ---------------------------------------------------------------- SDQ


@given(sdq_forms())
def test_sdq_scores_within_range_for_any_valid_form(form_):
    informant, items, impact = form_
    result = score("sdq", informant=informant, items=items, impact=impact)
    for scale in SDQ_SCALES:
        assert in_range(result[scale], 0, 10)
    assert in_range(result["total_difficulties"], 0, 40)
    assert in_range(result["externalising"], 0, 20)
    assert in_range(result["internalising"], 0, 20)
    top = 6 if informant == "teacher" else 10
    assert in_range(result["impact"], 0, top)
    assert in_range(result["impact_if_r_syntax"], 0, top)
    for scale, band in result["bands_3"].items():
        assert (band is None) == (result[scale] is None)
        assert band is None or band in BANDS_3
    for scale, band in result["bands_4"].items():
        assert (band is None) == (result[scale] is None)
        allowed = BANDS_4_PROSOCIAL if scale == "prosocial" else BANDS_4
        assert band is None or band in allowed


@given(sdq_forms())
def test_sdq_scale_missing_exactly_when_fewer_than_three_answered(form_):
    informant, items, impact = form_
    result = score("sdq", informant=informant, items=items, impact=impact)
    for scale, numbers in SDQ_SCALES.items():
        answered = sum(items[str(n)] is not None for n in numbers)
        assert (result[scale] is None) == (answered < 3)


@given(sdq_forms())
def test_sdq_r_and_stata_impact_differ_only_when_ebddiff_is_blank(form_):
    informant, items, impact = form_
    result = score("sdq", informant=informant, items=items, impact=impact)
    if impact is None or impact["ebddiff"] is not None:
        assert result["impact_if_r_syntax"] == result["impact"]
    else:
        assert result["impact_if_r_syntax"] is None


@given(sdq_forms(blanks=False))
def test_sdq_prorating_equals_the_sum_when_all_answered(form_):
    informant, items, _ = form_
    result = score("sdq", informant=informant, items=items)
    for scale, numbers in SDQ_SCALES.items():
        keyed = [2 - items[str(n)] if n in SDQ_REVERSED else items[str(n)] for n in numbers]
        assert result[scale] == sum(keyed)


@given(
    st.sampled_from(list(SDQ_SCALES)),
    st.integers(0, 2),
    st.sets(st.integers(0, 4), min_size=3),
)
def test_sdq_equal_answers_score_five_times_the_answer_however_many_are_answered(
    scale, keyed, answered_positions
):
    items = {str(n): 0 if n not in SDQ_REVERSED else 2 for n in range(1, 26)}
    for position, number in enumerate(SDQ_SCALES[scale]):
        tick = 2 - keyed if number in SDQ_REVERSED else keyed
        items[str(number)] = tick if position in answered_positions else None
    assert score("sdq", informant="parent", items=items)[scale] == 5 * keyed


@given(st.sampled_from(list(SDQ_SCALES)), form(5, [0, 1, 2]))
def test_sdq_prorated_score_is_the_mean_times_five_rounded_half_up(scale, answers):
    items = {str(n): 1 for n in range(1, 26)}
    keyed = []
    for number, tick in zip(SDQ_SCALES[scale], answers.values(), strict=True):
        items[str(number)] = tick
        if tick is not None:
            keyed.append(2 - tick if number in SDQ_REVERSED else tick)
    result = score("sdq", informant="self", items=items)[scale]
    if len(keyed) < 3:
        assert result is None
    else:
        exact = Fraction(5 * sum(keyed), len(keyed))
        # The only integer in (exact - 1/2, exact + 1/2]: halves go up, never to even.
        assert result - exact <= Fraction(1, 2)
        assert result - exact > Fraction(-1, 2)


@given(sdq_forms(blanks=False))
def test_sdq_reversal_symmetry(form_):
    """Mirroring every tick (x -> 2 - x) mirrors every complete scale about 5."""
    informant, items, _ = form_
    mirrored = {key: 2 - value for key, value in items.items()}
    a = score("sdq", informant=informant, items=items)
    b = score("sdq", informant=informant, items=mirrored)
    for scale in SDQ_SCALES:
        assert a[scale] + b[scale] == 10
    assert a["total_difficulties"] + b["total_difficulties"] == 40


# ---------------------------------------------------------------- other instruments


@given(form(15, [1, 2, 3, 4, 5]))
def test_score15_within_range(items):
    result = score("score-15", items=items)
    assert in_range(result["total"], 15, 75)
    for name in (
        "strengths_adaptability",
        "overwhelmed_by_difficulties",
        "disrupted_communication",
    ):
        assert in_range(result[name], 5, 25)
        mean = result[f"{name}_mean"]
        assert (mean is None) == (result[name] is None)
        assert mean is None or 1 <= mean <= 5
    assert (result["total"] is None) == any(value is None for value in items.values())


@given(form(15, [1, 2, 3, 4, 5], blanks=False))
def test_score15_reversal_symmetry(items):
    mirrored = {key: 6 - value for key, value in items.items()}
    a = score("score-15", items=items)
    b = score("score-15", items=mirrored)
    assert a["total"] + b["total"] == 90
    for name in (
        "strengths_adaptability",
        "overwhelmed_by_difficulties",
        "disrupted_communication",
    ):
        assert a[name] + b[name] == 30


@given(form(18, [1, 2, 3, 4]))
def test_ida_within_range(items):
    result = score("ida", items=items)
    assert in_range(result["depression"], 0, 15)
    assert in_range(result["anxiety"], 0, 15)
    assert in_range(result["outward_irritability"], 0, 12)
    assert in_range(result["inward_irritability"], 0, 12)
    for name, band in result["bands"].items():
        assert (band is None) == (result[name] is None)
        assert band in {None, "normal", "borderline", "high"}


@given(form(18, [1, 2, 3, 4], blanks=False))
def test_ida_reversal_symmetry(items):
    """Mirroring every printed option (p -> 5 - p) mirrors each subscale about its midpoint."""
    mirrored = {key: 5 - value for key, value in items.items()}
    a = score("ida", items=items)
    b = score("ida", items=mirrored)
    assert a["depression"] + b["depression"] == 15
    assert a["anxiety"] + b["anxiety"] == 15
    assert a["outward_irritability"] + b["outward_irritability"] == 12
    assert a["inward_irritability"] + b["inward_irritability"] == 12


@given(form(14, [1, 2, 3, 4, 5]))
def test_wemwbs_within_range(items):
    result = score("wemwbs", items=items)
    assert in_range(result["total"], 14, 70)
    if None not in items.values():
        assert result["total"] == sum(items.values())


@given(form(7, [1, 2, 3, 4, 5]), form(7, [1, 2, 3, 4, 5], blanks=False))
def test_swemwbs_metric_rises_with_raw(items, other):
    result = score("swemwbs", items=items)
    assert in_range(result["raw"], 7, 35)
    assert result["metric"] is None or 7.0 <= result["metric"] <= 35.0
    if result["raw"] is not None:
        second = score("swemwbs", items=other)
        if result["raw"] < second["raw"]:
            assert result["metric"] < second["metric"]


@given(form(32, [1, 2, 3, 4, 5]))
def test_urica_within_range_and_readiness_is_c_plus_a_plus_m_minus_pc(items):
    result = score("urica", items=items)
    for stage in ("precontemplation", "contemplation", "action", "maintenance"):
        assert result[stage] is None or 1 <= result[stage] <= 5
    if result["readiness"] is not None:
        assert -2 <= result["readiness"] <= 14
        expected = (
            result["contemplation"]
            + result["action"]
            + result["maintenance"]
            - result["precontemplation"]
        )
        assert abs(result["readiness"] - expected) < 1e-9
        assert result["nearest_stage"] in {"precontemplation", "contemplation", "action"}
    else:
        assert result["nearest_stage"] is None
