"""Server-rendered SVG charts for KPI tables: no script, readable without colour.

A chart is an image (`role="img"`) with a <title> and a <desc> that says in words what the
table beside it holds. Series differ by pattern (bars) or by marker shape and dash (lines)
as well as colour, every series is named in a legend, and bars carry their value as text.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from familyworkbook.insights.periods import Table

WIDTH, HEIGHT = 720, 320
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 96
COLOURS = ("#1d70b8", "#d4351c", "#00703c", "#4c2c92", "#f47738", "#505a5f")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "10 2")


def _label(value: Any) -> str:
    if isinstance(value, dt.date):
        return f"{value:%b %Y}"
    return str(value)


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def _marker(kind: int, x: float, y: float, colour: str) -> str:
    kind %= 4
    if kind == 0:
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'
    if kind == 1:
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if kind == 2:
        return (
            f'<polygon points="{x:.1f},{y - 5:.1f} {x + 5:.1f},{y + 4:.1f} {x - 5:.1f},{y + 4:.1f}"'
            f' fill="{colour}"/>'
        )
    return (
        f'<polygon points="{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f}'
        f' {x - 5:.1f},{y:.1f}" fill="{colour}"/>'
    )


def _describe(table: Table) -> str:
    """The chart in words: each series' latest value (the table beside has them all)."""
    if not table.rows:
        return _("No data for this period.")
    last = table.rows[-1]
    parts = [
        f"{table.columns[i]}: {last[i] if last[i] is not None else _('none')}" for i in table.series
    ]
    return _("%(caption)s. For %(row)s: %(values)s. Every value is in the table.") % {
        "caption": table.caption,
        "row": _label(last[0]),
        "values": "; ".join(parts),
    }


def render(table: Table) -> SafeString:
    """An SVG chart of `table.series` columns across its rows."""
    series = table.series or [1]
    values = [_number(row[i]) for row in table.rows for i in series]
    top = max(values + [1.0])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    n = max(len(table.rows), 1)
    slot = plot_w / n

    def y(value: float) -> float:
        return TOP + plot_h - plot_h * value / top

    title_id = f"chart-{table.slug}-title"
    desc_id = f"chart-{table.slug}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img"'
        f' aria-labelledby="{title_id} {desc_id}" class="fwb-chart" width="100%">',
        f'<title id="{title_id}">{escape(table.caption)}</title>',
        f'<desc id="{desc_id}">{escape(_describe(table))}</desc>',
        '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse"'
        ' patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#0b0c0c" stroke-width="3"/></pattern></defs>',
    ]
    # Axis and gridlines with their values in text.
    for step in range(5):
        value = top * step / 4
        gy = y(value)
        parts.append(
            f'<line x1="{LEFT}" y1="{gy:.1f}" x2="{WIDTH - RIGHT}" y2="{gy:.1f}" stroke="#b1b4b6"'
            ' stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{gy + 4:.1f}" text-anchor="end" font-size="12"'
            f' fill="#0b0c0c">{value:g}</text>'
        )
    for r, row in enumerate(table.rows):
        cx = LEFT + slot * (r + 0.5)
        if isinstance(row[0], dt.date):
            parts.append(
                f'<text x="{cx:.1f}" y="{TOP + plot_h + 16}" text-anchor="middle" font-size="12"'
                f' fill="#0b0c0c">{escape(_label(row[0]))}</text>'
            )
        else:  # category names: slanted so that long ones do not overlap
            ty = TOP + plot_h + 10
            parts.append(
                f'<text x="{cx:.1f}" y="{ty}" text-anchor="end" font-size="11" fill="#0b0c0c"'
                f' transform="rotate(-35 {cx:.1f} {ty})">{escape(_label(row[0])[:22])}</text>'
            )
    if table.chart == "lines":
        for s, col in enumerate(series):
            colour = COLOURS[s % len(COLOURS)]
            points = [
                (LEFT + slot * (r + 0.5), y(_number(row[col])))
                for r, row in enumerate(table.rows)
                if row[col] is not None
            ]
            if len(points) > 1:
                path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
                parts.append(
                    f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"'
                    f' stroke-dasharray="{DASHES[s % len(DASHES)]}"/>'
                )
            parts.extend(_marker(s, px, py, colour) for px, py in points)
    else:
        bar_w = slot * 0.8 / len(series)
        for r, row in enumerate(table.rows):
            for s, col in enumerate(series):
                value = _number(row[col])
                bx = LEFT + slot * r + slot * 0.1 + bar_w * s
                fill = "url(#hatch)" if s % 2 else COLOURS[s % len(COLOURS)]
                parts.append(
                    f'<rect x="{bx:.1f}" y="{y(value):.1f}" width="{bar_w:.1f}"'
                    f' height="{TOP + plot_h - y(value):.1f}" fill="{fill}" stroke="#0b0c0c"'
                    ' stroke-width="1"/>'
                )
                if len(table.rows) * len(series) <= 24:
                    parts.append(
                        f'<text x="{bx + bar_w / 2:.1f}" y="{y(value) - 3:.1f}"'
                        f' text-anchor="middle" font-size="11" fill="#0b0c0c">{value:g}</text>'
                    )
    # Legend: every series named, with its marker or fill.
    ly = HEIGHT - BOTTOM + 40
    for s, col in enumerate(series):
        lx = LEFT + (s % 3) * 220
        row_y = ly + (s // 3) * 18
        colour = COLOURS[s % len(COLOURS)]
        if table.chart == "lines":
            key = _marker(s, lx + 6, row_y - 4, colour)
        else:
            fill = "url(#hatch)" if s % 2 else colour
            key = (
                f'<rect x="{lx}" y="{row_y - 10}" width="12" height="12" fill="{fill}"'
                ' stroke="#0b0c0c"/>'
            )
        parts.append(
            key + f'<text x="{lx + 18}" y="{row_y}" font-size="12" fill="#0b0c0c">'
            f"{escape(table.columns[col])}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text value above is escaped
