"""What the preview shows for one report: each figure with the KPI it lands in, against the database."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from documents.importer.structure import Figure, ParsedReport
from reports.models import KPI, KPIValue, WeeklyReport

STATUS_LABELS = {
    "new": _("new"),
    "changed": _("changed"),
    "unchanged": _("unchanged"),
    # An incident count: the import checks the figure against the records and never types it.
    "counted": _("counted from the incidents, not typed"),
}
SOURCE_LABELS = {
    "stated": _("as stated"),
    "change": _("from the stated change"),
    "unchanged": _("unchanged, as stated"),
}
WEEK_SOURCES = {
    "given": _("as you gave it"),
    "title": _("from the title"),
    "range": _("from the date range in the title"),
    "month": _("from the week of the month in the title, counting the weeks whose Thursday is in that month"),
    "created": _("from the Created: line"),
    "assumed": _("from the week number in the title; the report gives no year, so it is taken from today"),
}


@dataclass
class FigureRow:
    figure: Figure
    kpi: KPI
    stored: object  # Decimal | None: this week's value in the database
    previous_stored: object
    previous_fill: bool  # last week's value will be filled in from this report

    @property
    def status(self) -> str:
        if self.kpi.is_computed:
            return "counted"
        if self.stored is None:
            return "new"
        return "unchanged" if self.stored == self.figure.value else "changed"

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def previous_label(self):
        return SOURCE_LABELS.get(self.figure.previous_source, "")


@dataclass
class Preview:
    name: str
    parsed: ParsedReport
    rows: list[FigureRow] = field(default_factory=list)
    unplaced: list[tuple[int, Figure]] = field(default_factory=list)
    published: bool = False  # set by the view, which asks once for every week of a batch

    @property
    def week_source(self):
        return WEEK_SOURCES.get(self.parsed.week_source, "")


def preview(team, source, parsed: ParsedReport) -> Preview:
    """Three queries whatever the number of figures: the KPIs, their values, last week's report."""
    result = Preview(name=source.name, parsed=parsed)
    ids = [figure.kpi_id for figure in parsed.placed_figures]
    kpis = {kpi.pk: kpi for kpi in KPI.objects.filter(team=team, pk__in=ids)}
    weeks = [parsed.week.monday, parsed.week.previous().monday]
    values = {
        (value.kpi_id, value.week.starts_on): value.value
        for value in KPIValue.objects.filter(kpi__in=ids, week__starts_on__in=weeks).select_related("week")
    }
    previous_report = WeeklyReport.objects.filter(team=team, week__starts_on=weeks[1]).first()
    previous_open = previous_report is None or not previous_report.is_done
    for figure in parsed.placed_figures:
        kpi = kpis.get(figure.kpi_id)
        if kpi is None:
            continue
        previous_stored = values.get((kpi.pk, weeks[1]))
        result.rows.append(
            FigureRow(
                figure=figure,
                kpi=kpi,
                stored=values.get((kpi.pk, weeks[0])),
                previous_stored=previous_stored,
                previous_fill=figure.previous is not None
                and previous_stored is None
                and previous_open
                and not kpi.is_computed,
            )
        )
    result.unplaced = list(enumerate(parsed.unplaced_figures))
    return result
