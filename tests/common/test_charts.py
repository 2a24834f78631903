"""Server-side SVG pictures: shapes, marks and escaping."""

import re
from decimal import Decimal as D

from common import charts


def test_sparkline_marks_the_last_point_in_the_tone_colour():
    svg = charts.sparkline([D("1"), D("3"), D("2")], tone="worse")
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<polyline") == 1
    last = re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)" r="2.6" fill="([^"]+)"', svg)
    assert last == [("93", "12", charts.TONE_COLOURS["worse"])]


def test_sparkline_leaves_gaps_open_and_marks_the_last_known_point():
    svg = charts.sparkline([D("1"), D("2"), None, D("4"), D("5"), None], tone="better")
    assert svg.count("<polyline") == 2
    assert 'r="2.6" fill="#18794e"' in svg
    marked = re.search(r'<circle cx="([\d.]+)"[^>]*r="2.6"', svg).group(1)
    assert float(marked) == 3 + 4 * 90 / 5


def test_sparkline_flat_series_does_not_divide_by_zero():
    svg = charts.sparkline([D("5"), D("5"), D("5")])
    assert 'points="3,12 48,12 93,12"' in svg


def test_sparkline_without_history_is_a_dashed_placeholder():
    svg = charts.sparkline([None, None])
    assert "stroke-dasharray" in svg and "<polyline" not in svg


def test_sparkline_label_is_escaped():
    svg = charts.sparkline([D("1")], label='<script>"x"</script>')
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_line_chart_draws_every_point_axis_labels_and_a_target_line():
    points = [("2024-W31", D("90")), ("2024-W32", D("96.05")), ("2024-W33", D("81.72"))]
    svg = charts.line_chart(points, target=D("95"), value_label=lambda v: f"{v:.2f}%", title="吞吐率")
    assert svg.count("<circle") == 3
    assert ">2024-W31</text>" in svg and ">2024-W33</text>" in svg
    assert 'class="target"' in svg and "95.00%" in svg
    assert ">96.05%</text>" in svg and ">81.72%</text>" in svg  # the y axis runs from low to high


def test_line_chart_labels_at_most_about_ten_weeks_on_the_axis():
    points = [(f"W{index:02d}", D(index)) for index in range(1, 53)]
    svg = charts.line_chart(points)
    week_labels = re.findall(r'text-anchor="middle" font-size="11" fill="#616e7c">W\d\d<', svg)
    assert 9 <= len(week_labels) <= 11
    assert ">W52<" in svg


def test_line_chart_escapes_labels_and_handles_no_points():
    svg = charts.line_chart([("<w>", D("1"))], title="<t>")
    assert "<w>" not in svg and "&lt;w&gt;" in svg and "&lt;t&gt;" in svg
    assert "No values yet." in charts.line_chart([])


def test_progress_bar_fills_to_this_week_and_ticks_last_week():
    svg = charts.progress_bar(D("85"), D("80"), width=100)
    assert '<rect x="0" y="2" width="85"' in svg
    assert 'class="previous" x1="80"' in svg


def test_progress_bar_without_previous_has_no_tick_and_clamps():
    svg = charts.progress_bar(D("120"), None, width=100)
    assert 'width="100" height="12" rx="3" fill="#2f5ea8"' in svg
    assert 'class="previous"' not in svg


def test_tally_bars_scale_to_the_largest_and_show_half_shares():
    rows = [("A", D("0"), D("0")), ("C", D("0.5"), D("2")), ("D", D("1"), D("0"))]
    svg = charts.tally_bars(rows, width=220)
    widths = re.findall(r'<rect x="22" y="\d+" width="([\d.]+)"', svg)
    assert widths == ["0", "0", "40.5", "162", "81", "0"]
    assert ">0.5</text>" in svg and ">2</text>" in svg
    # this week above last week: fewer is green, more is red
    assert 'width="40.5" height="9" fill="#18794e"' in svg
    assert 'width="81" height="9" fill="#c62828"' in svg
