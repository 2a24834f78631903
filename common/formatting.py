"""How numbers and durations are written on pages, in documents and in exports.

Decimal throughout: a stored 99.998 prints as 99.998, never through a float.
"""

from __future__ import annotations

import datetime as dt
import html
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

MINUS = "\u2212"


# The exponents of 0–12 places, built once: quantize runs for every figure a page or an export writes.
EXPONENTS = {places: Decimal(1).scaleb(-places) for places in range(13)}


def quantize(value: Decimal, places: int) -> Decimal:
    exponent = EXPONENTS.get(places) or Decimal(1).scaleb(-places)
    return value.quantize(exponent, rounding=ROUND_HALF_UP)


def plain_decimal(value: Decimal | None) -> Decimal | None:
    """The value as people write it: 80.00 → 80, 85.50 → 85.5, 1E+2 → 100, -0 → 0.

    Stored figures carry their column's places; pages and exports drop the trailing zeros.
    Format the result with `:f` so tiny values never print in exponent form.
    """
    if value is None:
        return None
    plain = value.normalize()
    if plain.as_tuple().exponent > 0:
        plain = plain.quantize(Decimal(1))
    return plain if plain else Decimal(0)


def format_number(value: Decimal, places: int) -> str:
    return f"{quantize(value, places):f}"


def format_signed(value: Decimal, places: int) -> str:
    """+21, −14.33 (a true minus sign), 0."""
    text = format_number(abs(value), places)
    if value > 0:
        return f"+{text}"
    if value < 0:
        return f"{MINUS}{text}"
    return text


def duration_minutes(duration: dt.timedelta | None) -> int | None:
    """Whole minutes, for exports where a duration must stay a number."""
    if duration is None:
        return None
    return int(duration.total_seconds() // 60)


def format_duration(duration: dt.timedelta | None) -> str:
    """1 h 29 min, 2 d 3 h, 45 min; rounded down to the minute."""
    if duration is None:
        return ""
    minutes = duration_minutes(duration)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)d min") % {"minutes": minutes}


def escape_text(text) -> str:
    """HTML-escape plain text: what django.utils.html.escape prints, without its check of every argument
    for a lazy string (a fifth of the time of the row loops written in Python, which escape thousands
    of values per page). Returns a plain str: the callers build markup and mark the whole of it safe."""
    return html.escape(str(text))


def escape_html(value) -> str:
    """What django.utils.html.conditional_escape prints (markup kept, anything else escaped as text),
    without its check of every argument for a lazy string: cell writers call it once per cell."""
    as_html = getattr(value, "__html__", None)
    return as_html() if as_html is not None else html.escape(str(value))
