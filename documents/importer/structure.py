"""What the importer recognised in a weekly document, between parsing and writing.

The preview page, the import command and the writer all read these plain dataclasses, so what a
lead sees before confirming is exactly what gets written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from common.weeks import IsoWeek


@dataclass
class Figure:
    """A KPI figure found in the text: name, value, unit and, where stated, last week's value."""

    name: str
    value: Decimal
    unit: str  # a KPI.Unit value
    unit_label: str
    decimals: int
    group: str
    previous: Decimal | None = None
    note: str = ""
    line: str = ""
    # True for the exporter's own `name value（change，prev→value）` lines: data only, not narrative.
    canonical: bool = False
    # The catalogue KPI the label names (None: not placed; the user maps it, creates a KPI or leaves it).
    kpi_id: int | None = None
    label: str = ""  # the label as written, for the preview
    # How last week's value is given: "stated", "change" (value minus a stated change), "unchanged".
    previous_source: str = ""
    # Where the value (and the stated previous value) stand in `line`: (start, end, "value"|"previous").
    spans: list = field(default_factory=list)
    # The week a bracket named for the previous value (`（W16：…）`): (year or None, number).
    previous_week: tuple[int | None, int] | None = None
    # The range as written when the value is one end of it (`99.99%~99.995%`): no single value to store.
    range_text: str = ""

    @property
    def placed(self) -> bool:
        return self.kpi_id is not None


@dataclass
class OkrItem:
    """A numbered item of an objective section, with its progress and ETA when the text states them."""

    number: int
    title: str
    text: str
    progress: Decimal | None = None
    eta: dt.date | None = None


@dataclass
class OkrSection:
    code: str
    title: str
    items: list[OkrItem] = field(default_factory=list)


@dataclass
class IncidentEntry:
    """A production event: the time it started, the text, and what could be read from it."""

    started_at: dt.datetime
    text: str
    title: str
    kind: str
    resolved_at: dt.datetime | None = None
    impact_count: int | None = None
    grade: str = ""
    share: Decimal = Decimal("1")
    detection: str = "unknown"
    impact: str = ""
    cause: str = ""

    @property
    def kind_label(self) -> str:
        from incidents.models import Incident

        return Incident.Kind(self.kind).label


@dataclass
class Section:
    """A narrative section kept verbatim; an OKR section also carries its recognised items."""

    title: str
    body: str
    okr: OkrSection | None = None


@dataclass
class Todo:
    text: str
    section_title: str
    done: bool = False  # ticked in the document (`- [x] …`)


@dataclass
class ParsedReport:
    """Everything recognised in one document; nothing of the input is left out of it."""

    week: IsoWeek
    # Where the week came from: "given", "title", "assumed" (a week number, its year from today), "range",
    # "month", "created".
    week_source: str = "title"
    title: str = ""  # the document's first line, where a report names its team
    # The line that gave the week, and what else it says (`清算组`): not imported, so the preview names it.
    title_line: str = ""
    title_words: str = ""
    sections: list[Section] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    incidents: list[IncidentEntry] = field(default_factory=list)
    incidents_intro: str = ""
    todos: list[Todo] = field(default_factory=list)
    plans: list[str] = field(default_factory=list)
    # The positions in `plans` of the plans ticked in the document (`- [x] …`).
    plans_done: set[int] = field(default_factory=set)
    other: str = ""
    reflections: str = ""
    warnings: list[str] = field(default_factory=list)
    catalogue: object = None  # the Catalogue the figures were placed with

    @property
    def placed_figures(self) -> list[Figure]:
        return [figure for figure in self.figures if figure.placed]

    @property
    def unplaced_figures(self) -> list[Figure]:
        return [figure for figure in self.figures if not figure.placed]

    @property
    def okr_sections(self) -> list[OkrSection]:
        return [section.okr for section in self.sections if section.okr is not None]

    @property
    def verbatim_sections(self) -> list[Section]:
        """Sections whose text is kept as written (what the preview lists as 'kept verbatim')."""
        return [section for section in self.sections if section.body.strip()]
