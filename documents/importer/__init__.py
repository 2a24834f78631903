"""Importing a weekly document: decode → parse (ParsedReport) → preview or write.

The command and the upload page share these functions, so both recognise the same things.
"""

from documents.importer.parser import parse_document
from documents.importer.structure import ParsedReport
from documents.importer.text import ReportFormatError, decode
from documents.importer.writer import ImportRefused, ImportResult, import_report

__all__ = [
    "ImportRefused",
    "ImportResult",
    "ParsedReport",
    "ReportFormatError",
    "decode",
    "import_report",
    "parse_document",
]
