"""XLSX files read without openpyxl, which writes them: what a spreadsheet program will see.

Values (and their types: numbers, dates, text) come from python-calamine, Rust's calamine reader;
the layout a user meets first (bold header, frozen row, filter, column widths) and whether a cell is
a formula or typed text come from the sheet's XML itself, read with the standard library.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree

import pytest

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


@dataclass
class Cell:
    ref: str
    type: str  # the XML's t attribute: "n" (number, also dates), "s"/"inlineStr"/"str" (text), ...
    formula: str | None
    bold: bool
    number_format: str
    quote_prefix: bool


@dataclass
class Sheet:
    rows: list[list]  # calamine's values: int/float, datetime/date, str; "" for an empty cell
    cells: dict[str, Cell] = field(default_factory=dict)
    widths: dict[int, float] = field(default_factory=dict)  # 1-based column → width
    frozen_rows: int = 0
    filter_ref: str | None = None

    def records(self) -> list[dict]:
        header, *rows = self.rows
        return [dict(zip(header, row, strict=True)) for row in rows]


def _styles(archive) -> list[tuple[bool, str, bool]]:
    """(bold, number format, quotePrefix) for each cell style index."""
    root = ElementTree.fromstring(archive.read("xl/styles.xml"))
    formats = {
        int(fmt.get("numFmtId")): fmt.get("formatCode") for fmt in root.iterfind("m:numFmts/m:numFmt", NS)
    }
    bold_fonts = [font.find("m:b", NS) is not None for font in root.iterfind("m:fonts/m:font", NS)]
    styles = []
    for xf in root.iterfind("m:cellXfs/m:xf", NS):
        number_format = formats.get(int(xf.get("numFmtId", 0)), "General")
        styles.append(
            (bold_fonts[int(xf.get("fontId", 0))], number_format, xf.get("quotePrefix") in ("1", "true"))
        )
    return styles


def read_xlsx(content: bytes) -> Sheet:
    calamine = pytest.importorskip("python_calamine", reason="python-calamine reads the XLSX exports")
    workbook = calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
    sheet = Sheet(rows=workbook.get_sheet_by_index(0).to_python(skip_empty_area=False))
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        styles = _styles(archive)
        root = ElementTree.fromstring(archive.read("xl/worksheets/sheet1.xml"))
    for cell in root.iterfind("m:sheetData/m:row/m:c", NS):
        bold, number_format, quote_prefix = styles[int(cell.get("s", 0))]
        formula = cell.find("m:f", NS)
        sheet.cells[cell.get("r")] = Cell(
            cell.get("r"),
            cell.get("t", "n"),
            None if formula is None else formula.text,
            bold,
            number_format,
            quote_prefix,
        )
    for col in root.iterfind("m:cols/m:col", NS):
        for index in range(int(col.get("min")), int(col.get("max")) + 1):
            sheet.widths[index] = float(col.get("width"))
    pane = root.find("m:sheetViews/m:sheetView/m:pane", NS)
    if pane is not None and pane.get("state") == "frozen":
        sheet.frozen_rows = int(float(pane.get("ySplit", 0)))
    auto_filter = root.find("m:autoFilter", NS)
    sheet.filter_ref = None if auto_filter is None else auto_filter.get("ref")
    return sheet
