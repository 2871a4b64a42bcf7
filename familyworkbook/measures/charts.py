"""Scores over time as server-rendered SVG: no script, readable without colour.

Each chart is an image with a title and a description (the latest score and its band in
words); the page puts a table with every score beside it. Bands are shaded in greys and
named in text at the right-hand edge; several lines on one chart differ by marker shape and
dash pattern as well as colour, and a legend names them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from familyworkbook.measures.instruments import INFO, band_label
from familyworkbook.measures.models import format_score
from familyworkbook.measures.scoring import sdq, wemwbs

if TYPE_CHECKING:
    from familyworkbook.measures.selectors import Series

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 150, 16, 56
COLOURS = ("#1d70b8", "#d4351c", "#00703c", "#4c2c92")  # GOV.UK blue, red, green, purple
DASHES = ("", "6 3", "2 3", "8 3 2 3")
BAND_FILLS = ("#f3f2f1", "#dedcd9")


@dataclass(frozen=True)
class Line:
    label: str
    values: Sequence[float | None]


@dataclass(frozen=True)
class Band:
    low: float
    high: float
    label: str


def _marker(kind: int, x: float, y: float, colour: str) -> str:
    if kind == 0:
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{colour}"/>'
    if kind == 1:
        return f'<rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" fill="{colour}"/>'
    if kind == 2:
        return (
            f'<polygon points="{x:.1f},{y - 6:.1f} {x + 6:.1f},{y + 5:.1f} {x - 6:.1f},{y + 5:.1f}"'
            f' fill="{colour}"/>'
        )
    return (
        f'<polygon points="{x:.1f},{y - 6:.1f} {x + 6:.1f},{y:.1f} {x:.1f},{y + 6:.1f}'
        f' {x - 6:.1f},{y:.1f}" fill="{colour}"/>'
    )


def line_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    dates: Sequence[dt.date],
    lines: Sequence[Line],
    y_range: tuple[float, float],
    bands: Sequence[Band] = (),
) -> SafeString:
    """An SVG line chart of ``lines`` (one value per date, None for a gap) over ``dates``."""
    low, high = y_range
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_of(index: int) -> float:
        if len(dates) == 1:
            return LEFT + plot_w / 2
        first, last = dates[0].toordinal(), dates[-1].toordinal()
        span = (last - first) or 1
        return LEFT + plot_w * (dates[index].toordinal() - first) / span

    def y_of(value: float) -> float:
        return TOP + plot_h * (1 - (value - low) / ((high - low) or 1))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="fwb-chart" viewBox="0 0 {WIDTH} {HEIGHT}"'
        f' width="100%" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc"'
        f' focusable="false">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]
    for index, band in enumerate(bands):
        top, bottom = y_of(min(band.high, high)), y_of(max(band.low, low))
        parts.append(
            f'<rect x="{LEFT}" y="{top:.1f}" width="{plot_w}" height="{bottom - top:.1f}"'
            f' fill="{BAND_FILLS[index % 2]}"/>'
        )
        parts.append(
            f'<text x="{LEFT + plot_w + 6}" y="{(top + bottom) / 2 + 4:.1f}" font-size="12"'
            f' fill="#0b0c0c">{escape(band.label)}</text>'
        )
    # Axes and y ticks (five steps).
    parts.append(
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="#0b0c0c"/>'
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}"'
        ' stroke="#0b0c0c"/>'
    )
    for step in range(6):
        value = low + (high - low) * step / 5
        y = y_of(value)
        shown = f"{value:g}" if value == int(value) else f"{value:.1f}"
        parts.append(
            f'<line x1="{LEFT - 4}" y1="{y:.1f}" x2="{LEFT}" y2="{y:.1f}" stroke="#0b0c0c"/>'
            f'<text x="{LEFT - 8}" y="{y + 4:.1f}" font-size="12" text-anchor="end"'
            f' fill="#0b0c0c">{shown}</text>'
        )
    # Date labels: every date when there are few, else the first and the last.
    label_indexes = range(len(dates)) if len(dates) <= 4 else (0, len(dates) - 1)
    for index in label_indexes:
        parts.append(
            f'<text x="{x_of(index):.1f}" y="{TOP + plot_h + 18}" font-size="12"'
            f' text-anchor="middle" fill="#0b0c0c">{escape(date_format(dates[index], "M Y"))}</text>'
        )
    for number, line in enumerate(lines):
        colour, dash = COLOURS[number % 4], DASHES[number % 4]
        points = [
            (x_of(i), y_of(value)) for i, value in enumerate(line.values) if value is not None
        ]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"'
                f"{dash_attr}/>"
            )
        parts.extend(_marker(number % 4, x, y, colour) for x, y in points)
    if len(lines) > 1:
        for number, line in enumerate(lines):
            y = TOP + plot_h + 36 + 0
            x = LEFT + number * 130
            parts.append(_marker(number % 4, x + 6, y - 4, COLOURS[number % 4]))
            parts.append(
                f'<text x="{x + 16}" y="{y}" font-size="12" fill="#0b0c0c">'
                f"{escape(line.label)}</text>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text value above is escaped


def _bands(instrument: str, informant: str) -> list[Band]:
    if instrument == "sdq":
        ranges = sdq.CUTS_4[informant]["total_difficulties"]
        return [
            Band(lo, hi + 1 if hi < 40 else hi, band_label(name))
            for (lo, hi), name in zip(ranges, sdq.BANDS_4, strict=True)
        ]
    if instrument == "wemwbs":
        return [
            Band(lo, hi + 1 if hi < 70 else hi, band_label(name))
            for (lo, hi), name in zip(wemwbs.WEMWBS_CUTS, wemwbs.BANDS, strict=True)
        ]
    if instrument == "swemwbs":
        bounds = sorted(wemwbs.SWEMWBS_LOWER_BOUNDS, key=lambda pair: pair[1])
        edges = [7.0, *(lower for _name, lower in bounds), 35.0]
        names = ["probable_depression", *(name for name, _lower in bounds)]
        return [Band(edges[i], edges[i + 1], band_label(name)) for i, name in enumerate(names)]
    return []


def measure_chart(series: Series) -> SafeString:
    meta = INFO[series.instrument]
    records = series.records
    dates = [record.completed_on for record in records]
    if meta.chart_series:
        labels = {score.key: str(score.label) for score in meta.scores}
        lines = [
            Line(labels[key], [_number(r.scores.get(key)) for r in records])
            for key in meta.chart_series
        ]
    else:
        lines = [Line(str(meta.headline.label), [_number(r.headline["value"]) for r in records])]
    latest = records[-1].headline
    if latest["value"] is None:
        summary = _("The latest questionnaire could not be scored: too many items were blank.")
    else:
        summary = _("Latest score %(value)s%(band)s on %(date)s.") % {
            "value": latest["display"],
            "band": f" ({latest['band']})" if latest["band"] else "",
            "date": date_format(records[-1].completed_on, "j F Y"),
        }
    count = _("%(count)s questionnaires from %(first)s to %(last)s.") % {
        "count": len(records),
        "first": date_format(dates[0], "j F Y"),
        "last": date_format(dates[-1], "j F Y"),
    }
    key = f"{series.instrument}-{series.informant or 'all'}".replace("_", "-")
    return line_chart(
        chart_id=f"chart-{key}",
        title=_("%(name)s scores over time") % {"name": series.title},
        desc=f"{count} {summary} {_('The table beside the chart lists every score.')}",
        dates=dates,
        lines=lines,
        y_range=meta.chart_range,
        bands=_bands(series.instrument, series.informant),
    )


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


__all__ = ["Band", "Line", "format_score", "line_chart", "measure_chart"]
