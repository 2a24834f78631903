"""Small inline SVG pictures drawn on the server: no script, no outside asset, and they print.

Values arrive as Decimal and are only turned into float for pixel coordinates; every figure shown
as text is formatted from the Decimal by the caller. All text placed in SVG goes through `escape`.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

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
    return f"{number:.1f}".rstrip("0").rstrip(".") if number % 1 else str(int(number))


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
    title = f"<title>{escape(label)}</title>" if label else ""
    if not known:
        # Gettext calls stay outside f-strings: xgettext 0.21 does not extract them from inside one.
        no_history = _("no history")
        return mark_safe(
            f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
            f'role="img" aria-label="{escape(no_history)}">{title}'
            f'<line x1="{pad}" y1="{height / 2}" x2="{width - pad}" y2="{height / 2}" '
            f'stroke="{GRID}" stroke-dasharray="2 3"/></svg>'
        )
    to_y = _scale(known, pad, height - pad)
    step = (width - 2 * pad) / max(len(values) - 1, 1)
    segments, current = [], []
    for position, value in enumerate(values):
        if value is None:
            if current:
                segments.append(current)
            current = []
            continue
        current.append((pad + position * step, to_y(value)))
    if current:
        segments.append(current)
    paths = []
    for segment in segments:
        if len(segment) == 1:
            x, y = segment[0]
            paths.append(f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="1.2" fill="{LINE}"/>')
        else:
            points = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in segment)
            paths.append(
                f'<polyline points="{points}" fill="none" stroke="{LINE}" stroke-width="1.4" '
                f'stroke-linejoin="round" stroke-linecap="round"/>'
            )
    last_position = max(position for position, value in enumerate(values) if value is not None)
    last_x, last_y = pad + last_position * step, to_y(values[last_position])
    colour = TONE_COLOURS.get(tone, MUTED)
    aria_label = label or _("trend")
    return mark_safe(
        f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(aria_label)}">{title}{"".join(paths)}'
        f'<circle cx="{_fmt(last_x)}" cy="{_fmt(last_y)}" r="2.6" fill="{colour}"/></svg>'
    )


def line_chart(
    points: Sequence[tuple[str, Decimal]],
    target: Decimal | None = None,
    value_label=str,
    width: int = 760,
    height: int = 260,
    title: str = "",
) -> SafeString:
    """Every week's value as a line with axis labels and, when given, a dashed target line.

    `points` are (week label, value) oldest first; `value_label` formats a Decimal for the y axis.
    """
    left, right, top, bottom = 70, 16, 14, 42
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
    to_y = _scale(values, top, top + plot_h, extra)
    step = plot_w / max(len(points) - 1, 1)

    def to_x(position: int) -> float:
        return left + (position * step if len(points) > 1 else plot_w / 2)

    low, high = min([*values, *extra]), max([*values, *extra])
    ticks = [low, high] if low == high else [low, low + (high - low) / 2, high]
    parts = [head]
    for tick in ticks:
        y = _fmt(to_y(tick))
        parts.append(f'<line x1="{left}" y1="{y}" x2="{width - right}" y2="{y}" stroke="{GRID}"/>')
        parts.append(
            f'<text x="{left - 6}" y="{y}" dy="0.32em" text-anchor="end" font-size="11" fill="{MUTED}">'
            f"{escape(value_label(tick))}</text>"
        )
    if target is not None:
        y = _fmt(to_y(target))
        target_word = _("target")
        parts.append(
            f'<line class="target" x1="{left}" y1="{y}" x2="{width - right}" y2="{y}" '
            f'stroke="#b25e09" stroke-dasharray="6 4" stroke-width="1.2"/>'
            f'<text x="{width - right}" y="{y}" dy="-0.4em" text-anchor="end" font-size="11" fill="#b25e09">'
            f"{escape(target_word)} {escape(value_label(target))}</text>"
        )
    # Label at most ~10 weeks on the x axis so long histories stay readable.
    every = max(1, -(-len(points) // 10))
    for position, (label, _value) in enumerate(points):
        if position % every == 0 or position == len(points) - 1:
            parts.append(
                f'<text x="{_fmt(to_x(position))}" y="{height - bottom + 18}" text-anchor="middle" '
                f'font-size="11" fill="{MUTED}">{escape(label)}</text>'
            )
    coordinates = " ".join(f"{_fmt(to_x(p))},{_fmt(to_y(v))}" for p, (_l, v) in enumerate(points))
    parts.append(
        f'<polyline points="{coordinates}" fill="none" stroke="{LINE}" stroke-width="2" '
        f'stroke-linejoin="round"/>'
    )
    for position, (label, value) in enumerate(points):
        parts.append(
            f'<circle cx="{_fmt(to_x(position))}" cy="{_fmt(to_y(value))}" r="3" fill="{LINE}">'
            f"<title>{escape(label)}: {escape(value_label(value))}</title></circle>"
        )
    parts.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="{MUTED}"/>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def progress_bar(
    current: Decimal | None, previous: Decimal | None = None, width: int = 140, height: int = 12
) -> SafeString:
    """A bar filled to this week's progress with a tick where last week's progress stood."""

    def clamp(value: Decimal) -> float:
        return max(0.0, min(100.0, float(value)))

    label = _("progress %(current)s%%") % {"current": "–" if current is None else f"{current.normalize():f}"}
    parts = [
        f'<svg class="progress" width="{width}" height="{height + 4}" viewBox="0 0 {width} {height + 4}" '
        f'role="img" aria-label="{escape(label)}"><title>{escape(label)}</title>',
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


def tally_bars(rows: Sequence[tuple[str, Decimal, Decimal]], width: int = 220) -> SafeString:
    """Grade tally: per grade a bar for this week above a lighter bar for last week, with figures."""
    label_w, figure_w, row_h = 22, 36, 22
    bar_w = width - label_w - figure_w
    most = max([Decimal(1), *(max(this, last) for _g, this, last in rows)])
    height = row_h * len(rows) + 4
    aria_label = _("Incidents by grade, this week against last week")
    parts = [
        f'<svg class="tally" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(aria_label)}">'
    ]
    for index, (grade, this, last) in enumerate(rows):
        y = index * row_h + 2
        this_w = _fmt(bar_w * float(this / most))
        last_w = _fmt(bar_w * float(last / most))
        this_colour = "#c62828" if this > last else ("#18794e" if this < last else "#616e7c")
        parts.append(
            f'<text x="0" y="{y + 9}" font-size="12" font-weight="600" fill="#1f2933">{escape(grade)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{this_w}" height="9" fill="{this_colour}"/>'
            f'<rect x="{label_w}" y="{y + 11}" width="{last_w}" height="6" fill="#bcccdc"/>'
            f'<text x="{width}" y="{y + 9}" text-anchor="end" font-size="11" fill="#1f2933">'
            f"{escape(_figure(this))}</text>"
            f'<text x="{width}" y="{y + 18}" text-anchor="end" font-size="10" fill="{MUTED}">'
            f"{escape(_figure(last))}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _figure(value: Decimal) -> str:
    """0.5 stays 0.5, 1.00 reads 1."""
    return f"{value.normalize():f}"
