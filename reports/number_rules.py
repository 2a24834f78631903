"""What a KPI's value may be, for its unit and precision: one rule for the weekly form and the admin.

No model import here, so reports.models can call it from KPIValue.clean() without a cycle.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def decimal_places(value: Decimal) -> int:
    """Significant places after the point: 81.720 has 2, 313.0 has 0."""
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def check_places(value: Decimal, places: int) -> None:
    if decimal_places(value) > places:
        if places == 0:
            raise ValidationError(_("Enter a whole number."), code="places")
        raise ValidationError(
            _("Enter at most %(places)s decimal places.") % {"places": places}, code="places"
        )


def check_percent(value: Decimal) -> None:
    if not Decimal(0) <= value <= Decimal(100):
        raise ValidationError(_("A percentage runs from 0 to 100."), code="percent_range")


def check_kpi_value(kpi, number: Decimal) -> None:
    """Raise ValidationError when `number` is not a value `kpi` can take."""
    units = kpi.Unit
    if kpi.unit in (units.COUNT, units.PERCENT, units.DURATION) and number < 0:
        raise ValidationError(_("This value cannot be negative."), code="negative")
    if kpi.unit == units.PERCENT:
        check_percent(number)
    if kpi.unit == units.COUNT:
        check_places(number, 0)
    check_places(number, kpi.decimals)
