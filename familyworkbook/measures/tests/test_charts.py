"""Charts: accessible SVG, text escaped, bands named in words, lines told apart without colour."""

from __future__ import annotations

import datetime as dt

from familyworkbook.measures.charts import Band, Line, line_chart


def test_a_chart_has_a_title_and_description_and_escapes_text():
    svg = line_chart(
        chart_id="c1",
        title="Scores <for> Ava & co",
        desc="Latest 20",
        dates=[dt.date(2025, 9, 1), dt.date(2026, 3, 1)],
        lines=[Line("Total", [10, 20])],
        y_range=(0, 40),
        bands=[Band(0, 14, "close to average"), Band(14, 40, "high")],
    )
    assert 'role="img"' in svg and 'aria-labelledby="c1-title c1-desc"' in svg
    assert "Scores &lt;for&gt; Ava &amp; co" in svg
    assert "<desc" in svg and "Latest 20" in svg
    assert "close to average" in svg and ">high</text>" in svg
    assert "<polyline" in svg and svg.count("<circle") == 2


def test_several_lines_differ_by_marker_and_dash_and_have_a_legend():
    svg = line_chart(
        chart_id="c2",
        title="IDA",
        desc="d",
        dates=[dt.date(2025, 9, 1), dt.date(2026, 3, 1)],
        lines=[Line("Depression", [3, 4]), Line("Anxiety", [5, 6]), Line("Gap", [None, 2])],
        y_range=(0, 15),
    )
    assert "stroke-dasharray" in svg  # the second line is dashed
    assert "<rect" in svg  # the second line's markers are squares
    assert ">Depression</text>" in svg and ">Anxiety</text>" in svg


def test_a_single_questionnaire_is_a_point_not_a_line():
    svg = line_chart(
        chart_id="c3",
        title="t",
        desc="d",
        dates=[dt.date(2025, 9, 1)],
        lines=[Line("Total", [7])],
        y_range=(0, 40),
    )
    assert "<polyline" not in svg and svg.count("<circle") == 1
