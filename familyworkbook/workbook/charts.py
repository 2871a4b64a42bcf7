"""Server-rendered SVG for goal ratings over time: two series, told apart by line style and
marker shape as well as colour, with a data table beside the chart in the page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from familyworkbook.core import clock

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 16, 40


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    on: dt.date
    score: int


@dataclass(frozen=True)
class Series:
    name: str
    points: list[Point]
    style: str  # "worker" (solid line, circles) or "family" (dashed line, squares)

    @property
    def path(self) -> str:
        return " ".join(
            f"{'M' if i == 0 else 'L'}{p.x:.1f},{p.y:.1f}" for i, p in enumerate(self.points)
        )


@dataclass(frozen=True)
class Tick:
    pos: float
    label: str


@dataclass(frozen=True)
class RatingChart:
    width: int
    height: int
    series: list[Series]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int

    @property
    def is_empty(self) -> bool:
        return not any(s.points for s in self.series)


def rating_chart(
    worker: list[tuple[dt.date, int]],
    family: list[tuple[dt.date, int]],
    *,
    worker_name: str,
    family_name: str,
) -> RatingChart:
    dates = [d for d, _ in worker + family]
    start = min(dates) if dates else clock.today()  # a placeholder axis
    end = max(dates) if dates else start
    span = max((end - start).days, 1)
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM

    def x(on: dt.date) -> float:
        if start == end:
            return LEFT + plot_w / 2
        return LEFT + plot_w * (on - start).days / span

    def y(score: int) -> float:
        return TOP + plot_h * (10 - score) / 10

    def series(name: str, values: list[tuple[dt.date, int]], style: str) -> Series:
        return Series(name, [Point(x(d), y(s), d, s) for d, s in values], style)

    x_dates = sorted(set(dates))
    if len(x_dates) > 6:  # label at most six dates, evenly spread
        step = (len(x_dates) - 1) / 5
        x_dates = [x_dates[round(i * step)] for i in range(6)]
    return RatingChart(
        width=WIDTH,
        height=HEIGHT,
        series=[series(worker_name, worker, "worker"), series(family_name, family, "family")],
        y_ticks=[Tick(y(v), str(v)) for v in range(0, 11, 2)],
        x_ticks=[Tick(x(d), f"{d:%d %b %y}") for d in x_dates],
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        plot_top=TOP,
        plot_bottom=HEIGHT - BOTTOM,
    )
