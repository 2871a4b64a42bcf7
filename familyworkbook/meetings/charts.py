"""A horizontal bar chart as numbers for an SVG template: no JavaScript, a table beside it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

BAR_HEIGHT = 28
GAP = 8
LABEL_WIDTH = 260
PLOT_WIDTH = 300


@dataclass
class Bar:
    label: str
    value: int
    y: int
    width: float
    text_x: float
    text_y: int


def bars(rows: list[Any], top: int) -> list[Bar]:
    """One bar per row (`label`, `attendances`), scaled to the largest value."""
    out = []
    for i, row in enumerate(rows):
        width = PLOT_WIDTH * row.attendances / top if top else 0
        y = i * (BAR_HEIGHT + GAP)
        out.append(
            Bar(
                label=row.label,
                value=row.attendances,
                y=y,
                width=round(width, 1),
                text_x=LABEL_WIDTH + round(width, 1) + 6,
                text_y=y + BAR_HEIGHT // 2,
            )
        )
    return out


def height(items: list[Bar]) -> int:
    return max(len(items) * (BAR_HEIGHT + GAP), BAR_HEIGHT)
