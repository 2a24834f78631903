"""Server-side SVG pictures: shapes, marks and escaping."""

import re
from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

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


def test_line_chart_draws_every_point_on_round_ticks_with_a_labelled_target_line():
    points = [("2024-W31", D("90")), ("2024-W32", D("96.05")), ("2024-W33", D("81.72"))]
    svg = charts.line_chart(points, target=D("95"), value_label=lambda v: f"{v:.2f}%", title="吞吐率")
    assert svg.count("<circle") == 3
    assert ">2024-W31</text>" in svg and ">2024-W33</text>" in svg
    assert 'class="target"' in svg and ">95.00%</text>" in svg
    ticks = re.findall(r'class="tick"[^>]*>([^<]+)</text>', svg)
    # Round steps covering 81.72–96.05, not the data's own min/mid/max.
    assert ticks == ["80.00%", "85.00%", "90.00%", "95.00%", "100.00%"]
    assert ">96.05%</text>" not in svg and ">81.72%</text>" not in svg


def test_line_chart_tick_label_gets_the_places_the_ticks_need():
    points = [("2024-W32", D("99.987")), ("2024-W33", D("99.999"))]
    svg = charts.line_chart(points, tick_label=lambda v, places: f"{v:.{places}f}%")
    ticks = re.findall(r'class="tick"[^>]*>([^<]+)</text>', svg)
    assert ticks == ["99.985%", "99.990%", "99.995%", "100.000%"]


def test_nice_ticks_are_round_and_cover_the_range():
    assert charts.nice_ticks(D("292"), D("313")) == [D(290), D(295), D(300), D(305), D(310), D(315)]
    assert charts.nice_ticks(D("0"), D("0.5"))[0] == 0 and charts.nice_ticks(D("0"), D("0.5"))[-1] == D("0.5")
    assert charts.nice_ticks(D("0"), D("0")) == [D(0), D(1)]
    assert charts.nice_ticks(D("5"), D("5")) == [D(3), D(5), D(7)]


def test_line_chart_marks_incident_weeks_in_their_grade_colour_with_the_titles_on_hover():
    points = [("2024-W30", D("1")), ("2024-W31", D("2")), ("2024-W33", D("3"))]
    markers = [
        ("2024-W31", "C", "POS<卡>"),
        ("2024-W31", "B", "gateway"),
        ("2024-W32", "", "risk"),
        ("2024-W40", "A", "x"),
    ]
    svg = charts.line_chart(points, markers=markers)
    groups = re.findall(r'<g class="incident-marker" data-week="([^"]+)" data-grade="([^"]*)">', svg)
    # The worst grade of the week colours it; a week without a value sits between its neighbours;
    # a week outside the chart is left out.
    assert groups == [("2024-W31", "B"), ("2024-W32", "")]
    assert "POS&lt;卡&gt;" in svg and "2024-W31 · B · gateway" in svg
    assert charts.GRADE_COLOURS["B"] in svg


def test_line_chart_labels_at_most_about_eight_weeks_on_the_axis():
    points = [(f"W{index:02d}", D(index)) for index in range(1, 53)]
    svg = charts.line_chart(points)
    week_labels = re.findall(r'class="week"[^>]*>W\d\d<', svg)
    assert 6 <= len(week_labels) <= 9
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
    svg = charts.tally_bars(rows, width=260)
    widths = re.findall(r'<rect x="26" y="\d+" width="([\d.]+)"', svg)
    assert widths == ["0", "0", "35.5", "142", "71", "0"]
    assert ">0.5</text>" in svg and ">2</text>" in svg
    # this week above last week: fewer is green, more is red
    assert 'width="35.5" height="12" rx="2" fill="#18794e"' in svg
    assert 'width="71" height="12" rx="2" fill="#c62828"' in svg


def test_tally_bars_put_this_and_last_week_figures_side_by_side_never_stacked():
    rows = [("A", D("1"), D("2")), ("B", D("0"), D("0.5"))]
    svg = charts.tally_bars(rows)
    figures = re.findall(r'<text x="(\d+)" y="(\d+)" text-anchor="end"', svg)
    # Per row: this week and last week on one baseline, in two columns; rows 30 px apart.
    assert figures == [("216", "17"), ("260", "17"), ("216", "47"), ("260", "47")]


def _markers_by_search(points, markers, to_x, top, plot_h):
    """The markers' first implementation (a list search per week), to compare the lookup with."""
    labels = [label for label, _value in points]
    by_week = {}
    for week, grade, title in markers:
        if labels[0] <= week <= labels[-1]:
            by_week.setdefault(week, []).append((grade or "", title))
    found = []
    for week in sorted(by_week):
        if week in labels:
            position = float(labels.index(week))
        else:
            position = next(index for index, label in enumerate(labels) if label > week) - 0.5
        found.append((week, to_x(position)))
    return found


def test_incident_markers_sit_where_a_search_put_them_on_a_long_history():
    from common.weeks import IsoWeek

    weeks = [IsoWeek(2015, 1).shifted(offset) for offset in range(520)]
    # Every third week without a value, and markers on weeks with and without one, and outside.
    points = [(str(week), D(index % 17)) for index, week in enumerate(weeks) if index % 3]
    markers = [(str(week), "ABCD"[index % 4], f"t{index}") for index, week in enumerate(weeks) if index % 2]
    markers.append(("2014-W50", "A", "before"))

    def to_x(position):
        return 64 + position * 1.25

    expected = _markers_by_search(points, markers, to_x, 22, 216)
    svg = charts._incident_markers(points, markers, to_x, 22, 216)
    positions = [re.search(r'data-week="([^"]+)".*?<line x1="([^"]+)"', part).groups() for part in svg]
    assert positions == [(week, charts._fmt(x)) for week, x in expected]
    assert len(positions) > 200


@given(
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False) | st.integers(-2000, 2000).map(lambda n: n / 20)
)
def test_a_coordinate_prints_to_a_tenth_without_a_trailing_zero(number):
    """What the formula it replaced printed: rounded to a tenth, ".0" dropped, a whole number as an int."""
    expected = f"{number:.1f}".rstrip("0").rstrip(".") if number % 1 else str(int(number))
    assert charts._fmt(number) == expected


def _points_as_computed_per_point(values, width=96, height=24, pad=3):
    """Every point's printed coordinates, each worked out from its own position, as the line once did."""
    known = [value for value in values if value is not None]
    to_y = charts._scale(known, pad, height - pad)
    step = (width - 2 * pad) / max(len(values) - 1, 1)
    return [
        f"{charts._fmt(pad + position * step)},{charts._fmt(to_y(value))}"
        for position, value in enumerate(values)
        if value is not None
    ]


@given(
    st.lists(
        st.none() | st.decimals(min_value=-(10**6), max_value=10**6, places=3, allow_nan=False),
        min_size=1,
        max_size=30,
    ).filter(lambda values: any(value is not None for value in values))
)
def test_a_sparklines_points_are_those_each_weeks_position_gives(values):
    """The x coordinates are printed once per number of weeks (`_x_texts`): every point, the lone ones
    and the last one marked, sits where its own week's position puts it."""
    svg = charts.sparkline(values)
    drawn = re.findall(r'points="([^"]+)"', svg)
    circles = re.findall(r'<circle cx="([^"]+)" cy="([^"]+)" r="1.2"', svg)
    points = [point for line in drawn for point in line.split(" ")] + [f"{x},{y}" for x, y in circles]
    expected = _points_as_computed_per_point(values)
    assert sorted(points) == sorted(expected)
    last = re.search(r'<circle cx="([^"]+)" cy="([^"]+)" r="2.6"', svg).groups()
    assert ",".join(last) == expected[-1]
