"""Small inline SVG pictures drawn on the server: no script, no outside asset, and they print.

Values arrive as Decimal and are only turned into float for pixel coordinates; every figure shown
as text is formatted from the Decimal by the caller. All text placed in SVG goes through `escape`.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from common.formatting import escape_text

# Stroke colours per tone; the same palette as the tone-* classes in app.css.
TONE_COLOURS = {
    "better": "#18794e",
    "worse": "#c62828",
    "neutral": "#616e7c",
    "unchanged": "#616e7c",
    "new": "#2f5ea8",
    "missing": "#9aa5b1",
}
LINE = "#2f5ea8"
GRID = "#d9e2ec"
MUTED = "#616e7c"


def _fmt(number: float) -> str:
    """A pixel coordinate to a tenth, without a trailing ".0": 12.25 → "12.2", 11.97 → "12", 3.0 → "3"."""
    if not number:
        return "0"
    text = f"{number:.1f}"
    # A card's sparkline prints ~30 of these, a cold overview ~3,000: one format, no float arithmetic.
    return text[:-2] if text.endswith(".0") else text


def _scale(values: Sequence[Decimal], low_px: float, high_px: float, extra: Sequence[Decimal] = ()):
    """A function mapping a value to a y pixel (high values at the top)."""
    everything = [*values, *extra]
    low, high = min(everything), max(everything)
    if low == high:
        # A flat series sits in the middle instead of dividing by a zero range.
        middle = (low_px + high_px) / 2
        return lambda value: middle
    span = float(high - low)

    def to_y(value: Decimal) -> float:
        return high_px - (float(value - low) / span) * (high_px - low_px)

    return to_y


def sparkline(
    values: Sequence[Decimal | None],
    tone: str = "neutral",
    width: int = 96,
    height: int = 24,
    label: str = "",
) -> SafeString:
    """A trend line over the weeks given (oldest first), gaps left open, the last point marked."""
    pad = 3
    known = [value for value in values if value is not None]
    title = f"<title>{escape_text(label)}</title>" if label else ""
    if not known:
        # Gettext calls stay outside f-strings: xgettext 0.21 does not extract them from inside one.
        no_history = _("no history")
        return mark_safe(
            f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
            f'role="img" aria-label="{escape_text(no_history)}">{title}'
            f'<line x1="{pad}" y1="{height / 2}" x2="{width - pad}" y2="{height / 2}" '
            f'stroke="{GRID}" stroke-dasharray="2 3"/></svg>'
        )
    to_y = _scale(known, pad, height - pad)
    xs = _x_texts(len(values), width, pad)
    segments, current = [], []
    for position, value in enumerate(values):
        if value is None:
            if current:
                segments.append(current)
            current = []
            continue
        current.append((xs[position], _fmt(to_y(value))))
    if current:
        segments.append(current)
    paths = []
    for segment in segments:
        if len(segment) == 1:
            x, y = segment[0]
            paths.append(f'<circle cx="{x}" cy="{y}" r="1.2" fill="{LINE}"/>')
        else:
            points = " ".join(f"{x},{y}" for x, y in segment)
            paths.append(
                f'<polyline points="{points}" fill="none" stroke="{LINE}" stroke-width="1.4" '
                f'stroke-linejoin="round" stroke-linecap="round"/>'
            )
    last_x, last_y = segments[-1][-1]
    colour = TONE_COLOURS.get(tone, MUTED)
    aria_label = label or _("trend")
    return mark_safe(
        f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape_text(aria_label)}">{title}{"".join(paths)}'
        f'<circle cx="{last_x}" cy="{last_y}" r="2.6" fill="{colour}"/></svg>'
    )


@lru_cache(maxsize=64)
def _x_texts(count: int, width: int, pad: int) -> tuple[str, ...]:
    """The x coordinates of a sparkline's `count` weeks, printed: the same for every line of that many
    weeks (a cold overview prints 120 lines of 12)."""
    step = (width - 2 * pad) / max(count - 1, 1)
    return tuple(_fmt(pad + position * step) for position in range(count))


def nice_ticks(low: Decimal, high: Decimal, most: int = 6) -> list[Decimal]:
    """Round axis ticks covering low..high: a step of 1, 2, 2.5 or 5 × 10^k, at most `most` ticks.

    81.72–97.45 gives 80, 85, 90, 95, 100 rather than the data's own 81.72 / 89.59 / 97.45.
    """
    if low == high:
        # A flat series: one step either side of the value, on the value's own scale; a series flat
        # at 0 (no incidents) gets 0 and 1 rather than a negative tick.
        if not low:
            return [Decimal(0), Decimal(1)]
        step = _nice_step(abs(low) / 4)
        below = max(low - step, Decimal(0)) if low > 0 else low - step
        return [_snap(below, step), _snap(low, step), _snap(low + step, step)]
    for factor in range(max(1, most - 1), 0, -1):
        step = _nice_step((high - low) / factor)
        first = (low / step).to_integral_value(rounding=ROUND_FLOOR) * step
        last = (high / step).to_integral_value(rounding=ROUND_CEILING) * step
        count = int((last - first) / step) + 1
        if count <= most:
            return [_snap(first + step * index, step) for index in range(count)]
    return [low, high]


def _nice_step(raw: Decimal) -> Decimal:
    exponent = raw.adjusted()
    unit = Decimal(1).scaleb(exponent)
    for multiple in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10)):
        if raw <= multiple * unit:
            return (multiple * unit).normalize()
    return (10 * unit).normalize()


def _snap(value: Decimal, step: Decimal) -> Decimal:
    """Drop the noise of repeated addition: a tick has no more places than its step."""
    places = max(0, -step.normalize().as_tuple().exponent)
    return value.quantize(Decimal(1).scaleb(-places))


def tick_places(ticks: Sequence[Decimal]) -> int:
    """The decimals a set of round ticks needs: 80, 85 → 0; 99.99, 99.995 → 3."""
    return max((max(0, -tick.normalize().as_tuple().exponent) for tick in ticks), default=0)


# Incident grade colours, the same as the grade badges: A and B red, C amber, D slate.
GRADE_COLOURS = {"A": "#c62828", "B": "#c62828", "C": "#b25e09", "D": "#52606d", "": MUTED}
TARGET = "#b25e09"


def line_chart(
    points: Sequence[tuple[str, Decimal]],
    target: Decimal | None = None,
    value_label=str,
    width: int = 760,
    height: int = 280,
    title: str = "",
    tick_label=None,
    markers: Sequence[tuple[str, str, str]] = (),
) -> SafeString:
    """Every week's value as a line on round y-axis ticks, a labelled target line, and incident markers.

    `points` are (week label, value) oldest first, week labels sortable (2024-W33); `value_label`
    formats a value for hover titles and the target; `tick_label(value, places)` an axis tick (default
    `value_label`). `markers` are (week label, grade, title): each week with an incident gets a line
    in its grade's colour and a flag with the titles on hover; the page lists them in text as well.
    The target's label sits in the right margin, beside its line, where no data point is drawn.
    """
    left, right, top, bottom = 64, 96, 22, 42
    plot_w, plot_h = width - left - right, height - top - bottom
    head = (
        f'<svg class="chart" width="100%" viewBox="0 0 {width} {height}" preserveAspectRatio="xMidYMid meet" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    )
    if not points:
        empty = _("No values yet.")
        return mark_safe(
            f'{head}<text x="{width / 2}" y="{height / 2}" text-anchor="middle" fill="{MUTED}">'
            f"{escape(empty)}</text></svg>"
        )
    values = [value for _label, value in points]
    extra = [target] if target is not None else []
    ticks = nice_ticks(min([*values, *extra]), max([*values, *extra]))
    places = tick_places(ticks)
    to_y = _scale(ticks, top, top + plot_h)
    step = plot_w / max(len(points) - 1, 1)

    def to_x(position: float) -> float:
        return left + (position * step if len(points) > 1 else plot_w / 2)

    def label_tick(tick: Decimal) -> str:
        return tick_label(tick, places) if tick_label else value_label(tick)

    parts = [head]
    for tick in ticks:
        y = _fmt(to_y(tick))
        parts.append(f'<line x1="{left}" y1="{y}" x2="{left + plot_w}" y2="{y}" stroke="{GRID}"/>')
        parts.append(
            f'<text class="tick" x="{left - 6}" y="{y}" dy="0.32em" text-anchor="end" font-size="12" '
            f'fill="{MUTED}">{escape(label_tick(tick))}</text>'
        )
    parts.extend(_incident_markers(points, markers, to_x, top, plot_h))
    if target is not None:
        y = _fmt(to_y(target))
        target_word = _("target")
        parts.append(
            f'<line class="target" x1="{left}" y1="{y}" x2="{left + plot_w}" y2="{y}" '
            f'stroke="{TARGET}" stroke-dasharray="6 4" stroke-width="1.4"/>'
            f'<text class="target-label" x="{left + plot_w + 6}" y="{y}" dy="-0.2em" font-size="11" '
            f'fill="{TARGET}">{escape(target_word)}</text>'
            f'<text class="target-label" x="{left + plot_w + 6}" y="{y}" dy="1em" font-size="11" '
            f'font-weight="600" fill="{TARGET}">{escape(value_label(target))}</text>'
        )
    # At most ~8 week labels, so "2024-W33" never runs into its neighbour.
    every = max(1, -(-len(points) // 8))
    last = len(points) - 1
    for position, (label, _value) in enumerate(points):
        # The last week is always labelled; the regular label just before it would collide.
        if (position % every == 0 and last - position >= every) or position == last:
            parts.append(
                f'<text class="week" x="{_fmt(to_x(position))}" y="{height - bottom + 18}" '
                f'text-anchor="middle" font-size="11" fill="{MUTED}">{escape(label)}</text>'
            )
    coordinates = " ".join(f"{_fmt(to_x(p))},{_fmt(to_y(v))}" for p, (_l, v) in enumerate(points))
    parts.append(
        f'<polyline points="{coordinates}" fill="none" stroke="{LINE}" stroke-width="2" '
        f'stroke-linejoin="round"/>'
    )
    for position, (label, value) in enumerate(points):
        parts.append(
            f'<circle cx="{_fmt(to_x(position))}" cy="{_fmt(to_y(value))}" r="3" fill="{LINE}">'
            f"<title>{escape_text(label)}: {escape_text(value_label(value))}</title></circle>"
        )
    parts.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="{MUTED}"/>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _incident_markers(points, markers, to_x, top: float, plot_h: float) -> list[str]:
    """A grade-coloured line and flag per incident week; a week without a value sits between neighbours."""
    labels = [label for label, _value in points]
    # Looked up, not searched: a ten-year chart has 520 weeks and a marker on most of them.
    positions = {label: index for index, label in reversed(list(enumerate(labels)))}
    by_week: dict[str, list[tuple[str, str]]] = {}
    for week, grade, title in markers:
        if labels[0] <= week <= labels[-1]:
            by_week.setdefault(week, []).append((grade or "", title))
    parts = []
    for week, incidents in sorted(by_week.items()):
        # A week without a value sits half a step before the first week after it (labels are in order).
        position = float(positions[week]) if week in positions else bisect_right(labels, week) - 0.5
        grade = min((grade for grade, _title in incidents if grade), default="")
        colour = GRADE_COLOURS.get(grade, MUTED)
        x = _fmt(to_x(position))
        hover = "\n".join(f"{week} · {grade or '–'} · {title}" for grade, title in incidents)
        parts.append(
            f'<g class="incident-marker" data-week="{escape_text(week)}" data-grade="{escape_text(grade)}">'
            f"<title>{escape_text(hover)}</title>"
            f'<line x1="{x}" y1="{top}" x2="{x}" y2="{top + plot_h}" stroke="{colour}" stroke-width="1.5" '
            f'stroke-dasharray="2 3"/>'
            f'<path d="M{x} {top - 2} l-6 -10 h12 z" fill="{colour}"/></g>'
        )
    return parts


def progress_bar(
    current: Decimal | None, previous: Decimal | None = None, width: int = 140, height: int = 12
) -> SafeString:
    """A bar filled to this week's progress with a tick where last week's progress stood."""

    def clamp(value: Decimal) -> float:
        return max(0.0, min(100.0, float(value)))

    label = _("progress %(current)s%%") % {"current": "–" if current is None else f"{current.normalize():f}"}
    parts = [
        f'<svg class="progress" width="{width}" height="{height + 4}" viewBox="0 0 {width} {height + 4}" '
        f'role="img" aria-label="{escape_text(label)}"><title>{escape_text(label)}</title>',
        f'<rect x="0" y="2" width="{width}" height="{height}" rx="3" fill="#eef1f4"/>',
    ]
    if current is not None:
        parts.append(
            f'<rect x="0" y="2" width="{_fmt(width * clamp(current) / 100)}" height="{height}" rx="3" '
            f'fill="{LINE}"/>'
        )
    if previous is not None:
        x = _fmt(min(width - 1, max(1, width * clamp(previous) / 100)))
        parts.append(
            f'<line class="previous" x1="{x}" y1="0" x2="{x}" y2="{height + 4}" stroke="#1f2933" '
            f'stroke-width="2"/>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def tally_bars(rows: Sequence[tuple[str, Decimal, Decimal]], width: int = 260) -> SafeString:
    """Grade tally: per grade a bar for this week above a lighter bar for last week, figures side by side.

    Each row has its own band of 30 px and each figure its own column, so no label sits on another.
    """
    label_w, figures_w, row_h = 26, 84, 30
    bar_w = width - label_w - figures_w - 8
    most = max([Decimal(1), *(max(this, last) for _g, this, last in rows)])
    height = row_h * len(rows) + 4
    aria_label = _("Incidents by grade, this week against last week")
    last_word = _("last week")
    parts = [
        f'<svg class="tally" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(aria_label)}"><title>{escape(aria_label)}</title>'
    ]
    for index, (grade, this, last) in enumerate(rows):
        y = index * row_h + 4
        this_w = _fmt(bar_w * float(this / most))
        last_w = _fmt(bar_w * float(last / most))
        this_colour = "#c62828" if this > last else ("#18794e" if this < last else "#616e7c")
        parts.append(
            f'<text x="0" y="{y + 13}" font-size="14" font-weight="700" fill="#1f2933">{escape(grade)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{this_w}" height="12" rx="2" fill="{this_colour}"/>'
            f'<rect x="{label_w}" y="{y + 15}" width="{last_w}" height="7" rx="2" fill="#bcccdc"/>'
            f'<text x="{width - 44}" y="{y + 13}" text-anchor="end" font-size="14" font-weight="600" '
            f'fill="#1f2933">{escape(_figure(this))}</text>'
            f'<text x="{width}" y="{y + 13}" text-anchor="end" font-size="12" fill="{MUTED}">'
            f"<title>{escape(last_word)}</title>{escape(_figure(last))}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def progress_line(
    figures: Sequence[Decimal | None],
    pace: Sequence[Decimal | None],
    label: str = "",
    width: int = 150,
    height: int = 34,
) -> SafeString:
    """A key result's progress week by week on a 0–100% scale, with its pace to the ETA dashed beneath."""
    pad = 3

    def to_y(value: Decimal) -> float:
        return height - pad - float(max(Decimal(0), min(Decimal(100), value))) / 100 * (height - 2 * pad)

    step = (width - 2 * pad) / max(len(figures) - 1, 1)
    parts = [
        f'<svg class="progress-line" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(label)}"><title>{escape(label)}</title>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#f5f7fa"/>',
    ]
    pace_points = [(pad + i * step, to_y(v)) for i, v in enumerate(pace) if v is not None]
    if len(pace_points) > 1:
        coordinates = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in pace_points)
        parts.append(
            f'<polyline class="pace" points="{coordinates}" fill="none" stroke="{TARGET}" '
            f'stroke-dasharray="4 3" stroke-width="1.2"/>'
        )
    known = [(pad + i * step, to_y(v)) for i, v in enumerate(figures) if v is not None]
    if len(known) > 1:
        coordinates = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in known)
        parts.append(
            f'<polyline class="actual" points="{coordinates}" fill="none" stroke="{LINE}" stroke-width="1.8" '
            f'stroke-linejoin="round"/>'
        )
    if known:
        x, y = known[-1]
        parts.append(f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="2.6" fill="{LINE}"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _figure(value: Decimal) -> str:
    """0.5 stays 0.5, 1.00 reads 1."""
    return f"{value.normalize():f}"
