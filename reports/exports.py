"""The KPI values CSV from plain rows: the table's export cells without a model instance per row.

The generic path (`common.lists.exports.table_rows`) builds a KPIValue, its KPI, team and week for
every row and reads each cell through the table: ~2,000 rows/s, so the full export of 600k values
took five minutes. Here the rows come from `values_list` over the same filtered, sorted queryset, the
KPI fields they need come in the same query, and the cells follow the table's `value_*` rules with
the per-KPI work done once per KPI. The bytes are the same (tests/reports/test_exports_fast.py
compares both paths).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

from django.utils.encoding import force_str

from common.formatting import quantize
from common.lists.exports import csv_cell, guard_text
from common.weeks import IsoWeek
from reports.comparison import RELATIVE_PLACES
from reports.models import KPI
from reports.tables import TARGET_LABELS

# The table's exportable columns this module knows how to compute; any other set of columns (a column
# added to KPIValueTable) takes the generic path, so a new column can never go missing from the file.
COLUMNS = (
    "team",
    "group",
    "kpi",
    "week",
    "value",
    "previous_value",
    "change",
    "relative_change",
    "unit",
    "direction",
    "target",
    "target_status",
    "note",
)
CHUNK = 2000
RELATIVE = Decimal(1).scaleb(-RELATIVE_PLACES)


def exportable_columns(table) -> list:
    return [column for column in table.columns.iterall() if not column.column.exclude_from_export]


def handles(table) -> bool:
    return tuple(column.name for column in exportable_columns(table)) == COLUMNS


class _KpiCells:
    """What the cells need of one KPI, with its text cells already in their CSV form, made once per KPI.

    The arithmetic is `Change`'s and `export_number`'s, on precomputed exponents: building a Change and
    quantizing through `common.formatting` per cell was most of the export's time.
    """

    __slots__ = ("texts", "exponent", "whole", "running_total", "target", "direction")

    def __init__(self, kpi_id: int, fields: list):
        team_name, group, name, unit, unit_label, decimals, direction, target, kind = fields
        kpi = KPI(
            id=kpi_id,
            group=group,
            name=name,
            unit=unit,
            unit_label=unit_label,
            decimals=decimals,
            direction=direction,
            target=target,
            kind=kind,
        )
        # The table reads choices through get_<field>_display, in the language of the response.
        shown_direction = kpi.get_direction_display() if direction else None
        shown_target = None if target is None else quantize(target, decimals)
        self.texts = [
            csv_cell(cell or None)
            for cell in (team_name, group, name, "%" if kpi.is_percent else unit_label, shown_direction)
        ] + [csv_cell(shown_target)]
        self.exponent = Decimal(1).scaleb(-decimals)
        # places_for: a whole count prints without decimals.
        self.whole = Decimal(1) if unit == KPI.Unit.COUNT else None
        self.running_total = kpi.is_running_total
        self.target = None if direction == KPI.Direction.NEUTRAL else target
        self.direction = direction

    def number(self, value: Decimal) -> str:
        exponent = self.whole if self.whole and value == value.to_integral_value() else self.exponent
        return f"{value.quantize(exponent, rounding=ROUND_HALF_UP):f}"

    def target_met(self, value: Decimal | None) -> bool | None:
        if self.target is None or value is None:
            return None
        if self.direction == KPI.Direction.HIGHER_IS_BETTER:
            return value >= self.target
        return value <= self.target


# What the cells need of each KPI, read in the same query as the values (one join; the queryset
# already joins the KPI and its team to sort), so the export costs the same queries as the list.
KPI_FIELDS = ("team__name", "group", "name", "unit", "unit_label", "decimals", "direction", "target", "kind")


def csv_rows(table, queryset) -> Iterator[list]:
    """The header, then for each value of `queryset` the cells `table_rows` would read through `table`,
    already as `common.lists.exports.csv_cell` makes them."""
    yield [csv_cell(force_str(column.header)) for column in exportable_columns(table)]
    fields = ("week__year", "week__number", "value", "previous_value", "note", "kpi_id")
    values = queryset.values_list(*fields, *(f"kpi__{field}" for field in KPI_FIELDS))
    # Translated once per response, inside the language the CSV is streamed in.
    status = {None: "", True: force_str(TARGET_LABELS[True]), False: force_str(TARGET_LABELS[False])}
    kpis: dict[int, _KpiCells] = {}
    weeks: dict = {}
    hundred = Decimal(100)
    for year, number, value, previous, note, kpi_id, *kpi_fields in values.iterator(chunk_size=CHUNK):
        kpi = kpis.get(kpi_id)
        if kpi is None:
            kpi = kpis[kpi_id] = _KpiCells(kpi_id, kpi_fields)
        week = weeks.get((year, number))
        if week is None:
            week = weeks[year, number] = str(IsoWeek(year, number))
        team, group, name, unit, direction, target = kpi.texts
        absolute = relative = ""
        if value is not None and previous is not None:
            delta = value - previous
            absolute = f"{delta.quantize(kpi.exponent, rounding=ROUND_HALF_UP):f}"
            if previous and not kpi.running_total:
                relative = f"{(delta * hundred / abs(previous)).quantize(RELATIVE, rounding=ROUND_HALF_UP):f}"
        yield [
            team,
            group,
            name,
            week,
            "" if value is None else kpi.number(value),
            "" if previous is None else kpi.number(previous),
            absolute,
            relative,
            unit,
            direction,
            target,
            status[kpi.target_met(value)],
            guard_text(note) if note else "",
        ]
