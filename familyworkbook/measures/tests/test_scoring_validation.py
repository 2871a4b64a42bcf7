"""Every way a response can be wrong raises ValueError naming the item (issue 8)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from familyworkbook.measures.scoring import INSTRUMENTS, SCORER_VERSION, score

# instrument -> (item count, printed codes)
SPEC = {
    "sdq": (25, (0, 1, 2)),
    "score-15": (15, (1, 2, 3, 4, 5)),
    "ida": (18, (1, 2, 3, 4)),
    "wemwbs": (14, (1, 2, 3, 4, 5)),
    "swemwbs": (7, (1, 2, 3, 4, 5)),
    "urica": (32, (1, 2, 3, 4, 5)),
}
PARENT_IMPACT = {
    "ebddiff": 1,
    "distres": 0,
    "imphome": 0,
    "impfrie": 0,
    "impclas": 0,
    "impleis": 0,
}


def complete(instrument: str) -> dict[str, int | None]:
    count, codes = SPEC[instrument]
    return {str(n): codes[0] for n in range(1, count + 1)}


def run(instrument: str, items, **extra):
    if instrument == "sdq":
        extra.setdefault("informant", "parent")
    return score(instrument, items=items, **extra)


def test_instruments_listed_match_the_specification():
    assert {name: (i.items, i.codes) for name, i in INSTRUMENTS.items()} == SPEC
    assert INSTRUMENTS["sdq"].informants == ("parent", "teacher", "self")


def test_scorer_version_is_a_dated_version_string():
    assert re.fullmatch(r"\d{4}\.\d{1,2}\.\d+", SCORER_VERSION)


@pytest.mark.parametrize("instrument", SPEC)
def test_complete_forms_score(instrument):
    assert run(instrument, complete(instrument))


# ---------------------------------------------------------------- response values


def out_of_range_cases():
    for instrument, (count, codes) in SPEC.items():
        for value in (min(codes) - 1, max(codes) + 1):
            yield pytest.param(instrument, count, value, codes, id=f"{instrument}-{value}")


@pytest.mark.parametrize(("instrument", "item", "value", "codes"), list(out_of_range_cases()))
def test_out_of_range_code_names_the_item(instrument, item, value, codes):
    items = complete(instrument)
    items[str(item)] = value
    allowed = ", ".join(str(code) for code in codes)
    message = f"{instrument} item {item}: {value} is not one of {allowed}"
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        run(instrument, items)


def test_sdq_message_is_as_the_issue_shows():
    items = complete("sdq")
    items["7"] = 3
    with pytest.raises(ValueError, match=r"^sdq item 7: 3 is not one of 0, 1, 2$"):
        run("sdq", items)


@pytest.mark.parametrize("instrument", SPEC)
@pytest.mark.parametrize(
    ("value", "shown"),
    [(True, "True (bool)"), (False, "False (bool)"), (1.0, "1.0 (float)"), ("1", "'1' (str)")],
)
def test_wrong_types_name_the_item(instrument, value, shown):
    items = complete(instrument)
    items["2"] = value
    with pytest.raises(ValueError, match=f"^{re.escape(f'{instrument} item 2: {shown}')}"):
        run(instrument, items)


# ---------------------------------------------------------------- item keys


@pytest.mark.parametrize("instrument", SPEC)
def test_unknown_item_number_is_named(instrument):
    count, codes = SPEC[instrument]
    items = {**complete(instrument), str(count + 1): codes[0]}
    with pytest.raises(ValueError, match=f"^{instrument} item '{count + 1}': no such item"):
        run(instrument, items)


@pytest.mark.parametrize("key", ["0", "26", "100", 0, -1, 26])
def test_item_numbers_outside_the_form_are_refused(key):
    items = {**complete("sdq"), key: 0}
    with pytest.raises(ValueError, match=f"^sdq item {re.escape(repr(key))}: no such item"):
        run("sdq", items)


@pytest.mark.parametrize(
    "key", ["01", "-1", " 1", "1 ", "+1", "one", "", "1.0", 1.0, True, None, "١"]
)
def test_malformed_item_keys_are_refused(key):
    items = {**complete("sdq"), key: 0}
    with pytest.raises(ValueError, match=f"^sdq item {re.escape(repr(key))}: not an item number"):
        run("sdq", items)


@pytest.mark.parametrize("instrument", SPEC)
def test_missing_item_is_named(instrument):
    items = complete(instrument)
    del items["5"]
    with pytest.raises(ValueError, match=f"^{instrument} item 5: missing"):
        run(instrument, items)


def test_several_missing_items_are_all_named():
    items = complete("sdq")
    for key in ("3", "17", "25"):
        del items[key]
    with pytest.raises(ValueError, match=r"^sdq items 3, 17, 25: missing"):
        run("sdq", items)


@pytest.mark.parametrize("instrument", SPEC)
def test_int_item_keys_are_accepted(instrument):
    by_str = complete(instrument)
    by_int = {int(key): value for key, value in by_str.items()}
    assert run(instrument, by_int) == run(instrument, by_str)


def test_mixed_str_and_int_keys_are_accepted():
    items = {(int(key) if int(key) % 2 else key): value for key, value in complete("sdq").items()}
    assert run("sdq", items) == run("sdq", complete("sdq"))


def test_an_item_given_both_as_str_and_int_is_refused():
    items = {**complete("sdq"), 4: 1}
    with pytest.raises(ValueError, match=r"^sdq item 4: given twice"):
        run("sdq", items)


@pytest.mark.parametrize("items", [None, [0] * 25, "0" * 25, 25])
def test_items_must_be_a_mapping(items):
    with pytest.raises(ValueError, match=r"^sdq items: expected a mapping"):
        run("sdq", items)


# ---------------------------------------------------------------- instrument and informant


@pytest.mark.parametrize("instrument", ["SDQ", "score15", "sdq-2-4", "family-star-plus", "", None])
def test_unknown_instrument(instrument):
    with pytest.raises(ValueError, match=r"^instrument .*: not one of sdq, score-15, ida"):
        score(instrument, items=complete("sdq"))


@pytest.mark.parametrize("informant", ["mother", "Parent", "practitioner", "", 1])
def test_unknown_informant_is_named(informant):
    with pytest.raises(
        ValueError, match=f"^sdq informant {re.escape(repr(informant))}: not one of"
    ):
        score("sdq", informant=informant, items=complete("sdq"))


def test_sdq_requires_an_informant():
    with pytest.raises(ValueError, match=r"^sdq informant: required"):
        score("sdq", items=complete("sdq"))


@pytest.mark.parametrize("instrument", [name for name in SPEC if name != "sdq"])
def test_informant_and_impact_are_refused_for_other_instruments(instrument):
    with pytest.raises(ValueError, match=f"^{instrument} informant 'parent': only the sdq"):
        score(instrument, informant="parent", items=complete(instrument))
    with pytest.raises(ValueError, match=f"^{instrument} impact: only the sdq"):
        score(instrument, items=complete(instrument), impact=PARENT_IMPACT)


# ---------------------------------------------------------------- SDQ impact answers


@pytest.mark.parametrize(("key", "value"), [("ebddiff", 4), ("ebddiff", -1), ("impclas", 4)])
def test_impact_code_out_of_range_names_the_item(key, value):
    impact = {**PARENT_IMPACT, key: value}
    message = f"sdq impact item {key}: {value} is not one of 0, 1, 2, 3"
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        run("sdq", complete("sdq"), impact=impact)


@pytest.mark.parametrize("value", [True, 2.0, "2"])
def test_impact_wrong_type_names_the_item(value):
    impact = {**PARENT_IMPACT, "distres": value}
    with pytest.raises(ValueError, match=r"^sdq impact item distres: "):
        run("sdq", complete("sdq"), impact=impact)


@pytest.mark.parametrize("key", ["overmon", "pimpact", "burden", "imppeer", 1])
def test_unknown_impact_item_is_named(key):
    impact = {**PARENT_IMPACT, key: 0}
    with pytest.raises(
        ValueError, match=f"^sdq impact item {re.escape(repr(key))}: not on the parent form"
    ):
        run("sdq", complete("sdq"), impact=impact)


@pytest.mark.parametrize("key", list(PARENT_IMPACT))
def test_missing_impact_item_is_named(key):
    impact = dict(PARENT_IMPACT)
    del impact[key]
    with pytest.raises(ValueError, match=f"^sdq impact item {key}: missing"):
        run("sdq", complete("sdq"), impact=impact)


def test_teacher_missing_peer_relations_is_named():
    impact = {"ebddiff": 1, "distres": 0, "impclas": 0}
    with pytest.raises(ValueError, match=r"^sdq impact item imppeer: missing"):
        run("sdq", complete("sdq"), informant="teacher", impact=impact)


def test_impact_must_be_a_mapping():
    with pytest.raises(ValueError, match=r"^sdq impact: expected a mapping"):
        run("sdq", complete("sdq"), impact=[1, 0, 0, 0, 0, 0])


def test_scorer_is_pure_python_without_django():
    code = (
        "import sys\n"
        "from familyworkbook.measures.scoring import score\n"
        "score('wemwbs', items={str(n): 3 for n in range(1, 15)})\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in {'django', 'config'})\n"
        "assert not loaded, loaded\n"
    )
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)  # noqa: S603
