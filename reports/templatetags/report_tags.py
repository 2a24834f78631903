"""Template filters and tags for week-over-week figures, tones and the inline SVG pictures.

Other pages may `{% load report_tags %}`: every filter takes what reports/comparison.py produces.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import template

from common import charts
from common.formatting import format_duration, format_signed, plain_decimal
from common.lists.rows import tbody_html, thead_html
from common.markdown import render_markdown
from common.rendered_rows import RenderedRows
from reports.comparison import Change, format_absolute, format_relative, format_value

register = template.Library()


@register.filter
def kpi_value(value: Decimal | None, kpi) -> str:
    """`{{ change.current|kpi_value:kpi }}` → 81.72%, 1829万元, or a dash when there is no value."""
    if value is None:
        return "–"
    return format_value(kpi, value)


@register.filter
def change_abs(change: Change) -> str:
    """+21, −14.33 pp; empty when there is nothing to compare."""
    return format_absolute(change) if isinstance(change, Change) else ""


@register.filter
def change_rel(change: Change) -> str:
    """+7.19%; empty when last week was 0 or missing (never a division by zero)."""
    return format_relative(change) if isinstance(change, Change) else ""


@register.filter
def signed_kpi(value: Decimal | None, kpi) -> str:
    """A difference in the KPI's unit: +47笔, −1.42 pp; empty without a value."""
    if value is None:
        return ""
    text = format_signed(value, kpi.decimals)
    return f"{text} pp" if kpi.is_percent else f"{text}{kpi.unit_label}"


@register.filter
def tone_class(change: Change) -> str:
    return f"tone-{change.tone}" if isinstance(change, Change) else "tone-neutral"


@register.filter
def tone_arrow(change: Change) -> str:
    if not isinstance(change, Change) or change.absolute is None:
        return ""
    if change.absolute > 0:
        return "▲"
    if change.absolute < 0:
        return "▼"
    return "="


@register.filter
def signed_pp(value: Decimal | None) -> str:
    """A progress change in percentage points: +5 pp, −2.5 pp."""
    if value is None:
        return ""
    plain = plain_decimal(value)
    return f"{format_signed(plain, max(0, -plain.as_tuple().exponent))} pp"


@register.filter
def percent(value: Decimal | None) -> str:
    """85 → 85%, 62.50 → 62.5%."""
    if value is None:
        return "–"
    return f"{plain_decimal(value):f}%"


@register.filter
def share(value: Decimal | None) -> str:
    """The grade tally's responsibility sums: 0.50 → 0.5, 1.00 → 1."""
    if value is None:
        return "–"
    return f"{plain_decimal(value):f}"


@register.filter
def duration(value: dt.timedelta | None) -> str:
    """1 h 29 min, 2 d 3 h, 12 min, as on the incident pages."""
    if value is None:
        return "–"
    return format_duration(value)


@register.simple_tag
def sparkline(values, tone: str = "neutral", label: str = ""):
    return charts.sparkline(values or [], tone=tone, label=label)


@register.simple_tag
def progress_bar(current, previous=None):
    return charts.progress_bar(current, previous)


@register.simple_tag
def tally_bars(rows):
    return charts.tally_bars(rows)


@register.filter
def markdown(text: str):
    """Safe Markdown → HTML (raw HTML off, then sanitised) for narrative fields."""
    return render_markdown(text)


@register.simple_tag
def kpi_table_rows(rows):
    """The rows of a week's KPI table, written by reports/kpi_table_html.py."""
    from reports.kpi_table_html import kpi_rows  # noqa: PLC0415 - it imports this module's filters

    return kpi_rows(rows)


@register.simple_tag
def okr_table_rows(rows, show_team, week):
    """The rows of a week's OKR table, written by reports/okr_table_html.py (or kept so by the overview)."""
    from reports.okr_table_html import okr_rows  # noqa: PLC0415 - it imports this module's filters

    if isinstance(rows, RenderedRows):
        return rows.html
    return okr_rows(rows, show_team, week)


@register.simple_tag(takes_context=True)
def list_table_thead(context, table):
    """A list table's header, written by common/lists/rows.py."""
    return thead_html(table, context["request"])


@register.simple_tag
def list_table_tbody(table):
    """A list table's body, written by common/lists/rows.py."""
    return tbody_html(table)
