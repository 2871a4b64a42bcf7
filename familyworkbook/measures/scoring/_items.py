"""Checking responses and the arithmetic every instrument shares.

Item keys are the printed item numbers. They may be given as strings ("1" to "N", the form JSON
stores them in) or as ints (1 to N); both mean the same item, so giving one item both ways is an
error. Leading zeros, spaces, signs, floats and bools are not item numbers. Every item of the
form must be present: a blank answer is ``None``, so a forgotten key cannot pass for a blank.

Responses are ints from the instrument's printed codes, or ``None`` for a blank. ``bool`` is
refused even though it is an ``int`` in Python, and so are floats (even ``1.0``) and strings.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction

Responses = dict[int, int | None]
Ranges = tuple[tuple[int, int], ...]


def codes_text(codes: tuple[int, ...]) -> str:
    return ", ".join(str(code) for code in codes)


def check_response(label: str, value: object, codes: tuple[int, ...]) -> int | None:
    """Return ``value`` if it is one of ``codes`` or ``None``; otherwise raise ``ValueError``.

    ``label`` names the item in the message, e.g. "sdq item 7".
    """
    if value is None:
        return None
    if type(value) is not int:
        raise ValueError(
            f"{label}: {value!r} ({type(value).__name__}) is not one of {codes_text(codes)}"
            " (give an int, or None for a blank answer)"
        )
    if value not in codes:
        raise ValueError(f"{label}: {value!r} is not one of {codes_text(codes)}")
    return value


def _item_number(instrument: str, key: object, count: int) -> int:
    if type(key) is int:
        number = key
    elif type(key) is str and key.isascii() and key.isdigit() and str(int(key)) == key:
        number = int(key)
    else:
        raise ValueError(
            f"{instrument} item {key!r}: not an item number"
            f" (give the strings '1' to '{count}' or the ints 1 to {count})"
        )
    if not 1 <= number <= count:
        raise ValueError(
            f"{instrument} item {key!r}: no such item ({instrument} items are numbered 1 to {count})"
        )
    return number


def check_items(instrument: str, items: object, count: int, codes: tuple[int, ...]) -> Responses:
    """Validate a whole form's responses and return them keyed by int item number."""
    if not isinstance(items, Mapping):
        raise ValueError(
            f"{instrument} items: expected a mapping from item number to response,"
            f" got {type(items).__name__}"
        )
    responses: Responses = {}
    for key, value in items.items():
        number = _item_number(instrument, key, count)
        if number in responses:
            raise ValueError(
                f"{instrument} item {number}: given twice (as the string and as the int)"
            )
        responses[number] = check_response(f"{instrument} item {number}", value, codes)
    missing = [number for number in range(1, count + 1) if number not in responses]
    if missing:
        listed = ", ".join(str(number) for number in missing)
        noun = "item" if len(missing) == 1 else "items"
        raise ValueError(
            f"{instrument} {noun} {listed}: missing (give every item; None marks a blank answer)"
        )
    return responses


def round_half_up(value: Fraction) -> int:
    """``floor(x + 0.5)``, as the SDQ authors' syntax rounds. Never Python's ``round()``.

    ``round()`` rounds halves to even, so 2.5 would become 2 where the authors get 3.
    ``value`` is an exact ``Fraction`` so no binary floating-point error can move a half.
    """
    return math.floor(value + Fraction(1, 2))


def complete_sum(responses: Responses, numbers: tuple[int, ...]) -> int | None:
    """The sum of ``numbers``' keyed scores, or ``None`` if any is blank (complete cases)."""
    return sum_or_none(*(responses[number] for number in numbers))


def sum_or_none(*parts: int | None) -> int | None:
    """The sum of ``parts``, or ``None`` if any part is missing."""
    total = 0
    for part in parts:
        if part is None:
            return None
        total += part
    return total


def band(ranges: Ranges, names: tuple[str, ...], value: int | None) -> str | None:
    """The name of the inclusive range holding ``value``; ``None`` for a missing score."""
    if value is None:
        return None
    for name, (low, high) in zip(names, ranges, strict=True):
        if low <= value <= high:
            return name
    raise ValueError(f"score {value} is outside every band")
