"""CSV and XLSX exports of list pages: the whole filtered, sorted result, numbers kept as numbers.

Every list view runs FilterSet → Table → pagination; `?_export=csv|xlsx` takes the same filtered
queryset, the same sort, and the table's exportable columns (HTML-only columns are
`exclude_from_export`, export-only numeric columns are `visible=False`). CSV is streamed from a
database iterator so a full export of every KPI value never sits in memory; XLSX uses openpyxl's
write-only workbook, which keeps only the compressed sheet, with typed cells: real dates and times in
the site's time zone, a bold frozen header with a filter, and columns as wide as their content.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.contrib import messages
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig
from django_tables2.columns import Column
from django_tables2.rows import BoundRow
from django_tables2.utils import signature
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from common.lists.cells import EMPTY, CellResolver

CSV = "csv"
XLSX = "xlsx"
FORMATS = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXPORT_PARAM = "_export"
# A spreadsheet evaluates a text cell starting with one of these as a formula (CSV injection), also
# after leading spaces (some applications trim them on import) and in the full-width forms an IME types.
FORMULA_TRIGGERS = frozenset("=+-@\t\r\n＝＋－＠")
DATETIME_FORMAT = "%Y-%m-%d %H:%M"
ITERATOR_CHUNK = 2000
CSV_BLOCK_ROWS = 200
# Above this many rows the XLSX export is refused with a pointer to the CSV: the workbook is finished
# (zipped) before the first byte goes out, so its time and the file held in memory grow with the rows,
# while the CSV streams any size.
XLSX_MAX_ROWS = 50_000
# Spreadsheet number formats of the same ISO shapes the CSV writes as text.
XLSX_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
XLSX_DATE_FORMAT = "yyyy-mm-dd"
# Column widths come from the header and the first rows: the write-only sheet sets them before any row.
WIDTH_SAMPLE_ROWS = 200
MAX_COLUMN_WIDTH = 60


def reads_as_formula(text: str) -> bool:
    """Whether a spreadsheet could take this text for a formula. Runs for every text cell of an export."""
    if not text:
        return False
    first = text[0]
    if first in FORMULA_TRIGGERS:
        return True
    if first.isspace():
        rest = text.lstrip()
        return bool(rest) and rest[0] in FORMULA_TRIGGERS
    return False


def guard_text(text: str) -> str:
    """Neutralise a text cell a spreadsheet would run as a formula; numbers never come here."""
    return "'" + text if reads_as_formula(text) else text


def export_value(value):
    """One cell as it goes into a file: numbers stay numbers, moments are local ISO, text is guarded."""
    # The exact types most cells have first: this runs for every cell of a 600k-row export.
    kind = type(value)
    if kind is str:
        return guard_text(value)
    if kind is Decimal or kind is int:
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime(DATETIME_FORMAT)
    if isinstance(value, dt.date):
        return value.isoformat()
    return guard_text(force_str(value))


class _CellReader(CellResolver):
    """One export column's `BoundRow.get_cell_value`, with the per-column decisions made once.

    django-tables2 inspects the value method's signature and the accessor's model field on every
    cell (~40 µs each): the export of 600k KPI values spent minutes there. The same steps in the
    same order (choices display, accessor, empty values, value_<name> / render_<name> / value())
    with the signatures and field lookups cached per column.
    """

    def __init__(self, table, bound_column):
        super().__init__(table, bound_column)
        self.function, self.wanted = self._resolve_function(bound_column.value)

    def _resolve_function(self, function):
        # The default Column.value(**kwargs) only forwards to render(); call render directly.
        if getattr(function, "__func__", None) is Column.value:
            function = self.column.render
        arguments, catch_all = signature(function)
        return function, None if catch_all else frozenset(arguments)

    def _call(self, record, value):
        arguments = {
            "value": value,
            "record": record,
            "column": self.column,
            "bound_column": self.bound_column,
            "table": self.table,
        }
        if self.wanted is None or "bound_row" in self.wanted:
            arguments["bound_row"] = BoundRow(record, table=self.table)
        if self.wanted is not None:
            if not self.wanted <= arguments.keys():
                return None
            arguments = {name: arguments[name] for name in self.wanted}
        return self.function(**arguments)

    def __call__(self, record):
        value = self.value_of(record)
        return None if value is EMPTY else self._call(record, value)


def table_rows(table, records: Iterable) -> Iterator[list]:
    """The header row, then one row per record of the table's exportable columns, values as read.

    Each format converts them: CSV to text (`export_value`), XLSX to typed cells (`sheet_value`).
    """
    columns = [column for column in table.columns.iterall() if not column.column.exclude_from_export]
    yield [force_str(column.header) for column in columns]
    readers = [_CellReader(table, column) for column in columns]
    for record in records:
        yield [read(record) for read in readers]


class _Echo:
    """A file-like object whose write hands the line back, so csv.writer can feed a generator."""

    def write(self, value):
        return value


def csv_cell(value):
    """A cell as the CSV writes it: `export_value`, then Decimals in positional notation."""
    value = export_value(value)
    if isinstance(value, Decimal):
        # Never scientific notation: 0E-6 would read back as text in some spreadsheets.
        return f"{value:f}"
    return value


def stream_csv(rows: Iterable[list], language: str | None, prepared: bool = False) -> Iterator[str]:
    """The CSV text in blocks of lines; `prepared` rows hold cells already made by `csv_cell`."""
    writer = csv.writer(_Echo())
    # The BOM lets Excel open the UTF-8 file with Chinese text intact.
    yield "\ufeff"
    with translation.override(language):
        rows = iter(rows)
        # Lines go out in blocks: one chunk per line cost the server a write and the handler a loop
        # turn for each of 600k lines. The bytes are the same.
        while block := list(itertools.islice(rows, CSV_BLOCK_ROWS)):
            if prepared:
                yield "".join([writer.writerow(row) for row in block])
            else:
                yield "".join([writer.writerow([csv_cell(value) for value in row]) for row in block])


def sheet_value(value):
    """One XLSX cell value: numbers, booleans, dates and local wall-clock times keep their types."""
    if value is None or value == "":
        return None
    if isinstance(value, bool | int | float | Decimal | dt.date):
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            # A spreadsheet has no time zones: the site's wall-clock time, as the pages show it.
            return timezone.make_naive(value)
        return value
    # openpyxl refuses control characters; a pasted note must not turn the export into a 500.
    return ILLEGAL_CHARACTERS_RE.sub("", force_str(value))


def _sheet_cell(sheet, value, bold=None):
    if value is None:
        return None  # an empty cell costs nothing in the sheet
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        # A typed text cell is never evaluated, whatever it starts with; quotePrefix (Excel's hidden
        # apostrophe) keeps it text when someone edits it, and nothing visible is added to the text.
        cell.data_type = "s"
        if reads_as_formula(value):
            cell.quotePrefix = True
    elif isinstance(value, dt.datetime):
        cell.number_format = XLSX_DATETIME_FORMAT
    elif isinstance(value, dt.date):
        cell.number_format = XLSX_DATE_FORMAT
    if bold is not None:
        cell.font = bold
    return cell


def _display_width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return len(XLSX_DATETIME_FORMAT)
    if isinstance(value, dt.date):
        return len(XLSX_DATE_FORMAT)
    text = value if isinstance(value, str) else str(value)
    # Chinese characters take two columns; only the first line of a multi-line note counts.
    line = text.split("\n", 1)[0]
    return sum(2 if ord(char) > 0x2E80 else 1 for char in line)


def build_xlsx(rows: Iterable[list], title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Export")
    rows = iter(rows)
    header = [sheet_value(value) for value in next(rows, [])]
    sample = [[sheet_value(value) for value in row] for row in itertools.islice(rows, WIDTH_SAMPLE_ROWS)]
    for index in range(len(header)):
        widest = max(_display_width(row[index]) for row in [header, *sample])
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(widest + 2, MAX_COLUMN_WIDTH)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_sheet_cell(sheet, value, bold) for value in header])
    count = 0
    for row in itertools.chain(sample, ([sheet_value(value) for value in row] for row in rows)):
        sheet.append([_sheet_cell(sheet, value) for value in row])
        count += 1
    if header:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{count + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_response(
    table,
    queryset,
    export_format: str,
    filename: str,
    title: str = "Export",
    csv_rows: Iterable[list] | None = None,
):
    """Export every record of `queryset` (already filtered and sorted) through the table's columns.

    `csv_rows`, when a list has them, are the same CSV cells (header first) made without the table.
    """
    disposition = f'attachment; filename="{filename}"'
    language = translation.get_language()
    if export_format == CSV and csv_rows is not None:
        stream = stream_csv(csv_rows, language, prepared=True)
        response = StreamingHttpResponse(stream, content_type=FORMATS[CSV])
    elif export_format == CSV:
        rows = table_rows(table, queryset.iterator(chunk_size=ITERATOR_CHUNK))
        response = StreamingHttpResponse(stream_csv(rows, language), content_type=FORMATS[CSV])
    else:
        rows = table_rows(table, queryset.iterator(chunk_size=ITERATOR_CHUNK))
        response = HttpResponse(build_xlsx(rows, title), content_type=FORMATS[XLSX])
    response["Content-Disposition"] = disposition
    return response


class ListExportMixin:
    """For a FilterView + SingleTableMixin: `?_export=csv|xlsx` exports the whole filtered result.

    An unknown format is ignored (the page renders). Invalid filters never export: the page
    renders with the errors on the form instead.
    """

    export_formats = (CSV, XLSX)
    export_name = "export"

    def get_export_name(self) -> str:
        return self.export_name

    def get_export_title(self) -> str:
        return self.get_export_name()

    def export_csv_rows(self, table, queryset) -> Iterable[list] | None:
        """The CSV cells of every record (header first), when a list reads them faster than the table."""
        return None

    def xlsx_refused(self, queryset) -> bool:
        return queryset[: XLSX_MAX_ROWS + 1].count() > XLSX_MAX_ROWS

    def requested_export_format(self) -> str | None:
        export_format = self.request.GET.get(EXPORT_PARAM)
        return export_format if export_format in self.export_formats else None

    def get(self, request, *args, **kwargs):
        export_format = self.requested_export_format()
        if export_format is None:
            return super().get(request, *args, **kwargs)
        self.filterset = self.get_filterset(self.get_filterset_class())
        if self.filterset.is_bound and not self.filterset.is_valid():
            return super().get(request, *args, **kwargs)
        self.object_list = self.filterset.qs
        if export_format == XLSX and self.xlsx_refused(self.object_list):
            messages.error(
                request,
                _(
                    "The spreadsheet export is limited to %(limit)s rows and this list has more. Narrow the "
                    "filters, or download the CSV, which has every row."
                )
                % {"limit": XLSX_MAX_ROWS},
            )
            return super().get(request, *args, **kwargs)
        table = self.get_table_class()(data=self.object_list, **self.get_table_kwargs())
        RequestConfig(request, paginate=False).configure(table)
        queryset = table.data.data
        return export_response(
            table,
            queryset,
            export_format,
            f"{self.get_export_name()}.{export_format}",
            self.get_export_title(),
            csv_rows=self.export_csv_rows(table, queryset) if export_format == CSV else None,
        )

    def export_links(self) -> list[tuple[str, str]]:
        params = self.request.GET.copy()
        params.pop("page", None)
        links = []
        for export_format in self.export_formats:
            params[EXPORT_PARAM] = export_format
            links.append((export_format.upper(), f"?{params.urlencode()}"))
        return links

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["export_links"] = self.export_links()
        return context
