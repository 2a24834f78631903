"""The latest changes to one team's week, read from django-simple-history's tables.

One UNION ALL over the history tables of the report, its sections, TODOs and plans, KPI values,
key-result updates and incidents, newest first and cut to a few rows in the database: a single
query whatever the number of weeks, KPIs or changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import CharField, DecimalField, F, Q, Value
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from incidents.models import Incident
from okrs.models import KeyResultUpdate
from reports.models import KPIValue, PlanItem, ReportSection, Team, TodoItem, WeeklyReport
from reports.weeks import IsoWeek

ACTIONS = {
    "+": gettext_lazy("added"),
    "~": gettext_lazy("changed"),
    "-": gettext_lazy("deleted"),
}
# History rows store these stable codes as their change reason; pages show the translated label.
REASON_PUBLISHED = "published"
REASON_UNLOCKED = "unlocked"
REASONS = {
    REASON_PUBLISHED: gettext_lazy("published"),
    REASON_UNLOCKED: gettext_lazy("unlocked"),
}
MODELS = {
    model._meta.label_lower: model
    for model in (WeeklyReport, ReportSection, TodoItem, PlanItem, KPIValue, KeyResultUpdate, Incident)
}
COLUMNS = ("history_date", "history_type", "history_change_reason", "history_user__username")


@dataclass(frozen=True)
class ChangeEntry:
    when: dt.datetime
    who: str
    action: str
    kind: str
    what: str
    reason: str

    @property
    def reason_label(self) -> str:
        return str(REASONS.get(self.reason, self.reason))


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _rows(queryset, model, what, amount=None):
    return (
        queryset.annotate(
            change_model=Value(model._meta.label_lower, output_field=CharField()),
            change_what=F(what),
            # Typed NULL: PostgreSQL would otherwise read an untyped NULL column as text in the UNION.
            change_amount=amount
            if amount is not None
            else Cast(Value(None), output_field=DecimalField(max_digits=20, decimal_places=6)),
        )
        .values(*COLUMNS, "change_model", "change_what", "change_amount")
        .order_by()
    )


def _queries(team: Team, week: IsoWeek):
    monday = week.monday
    yield _rows(WeeklyReport.history.filter(team=team, week__starts_on=monday), WeeklyReport, "status")
    yield _rows(
        ReportSection.history.filter(report__team=team, report__week__starts_on=monday),
        ReportSection,
        "title",
    )
    # Raised this week, or an older TODO ticked off this week.
    yield _rows(
        TodoItem.history.filter(report__team=team).filter(
            Q(report__week__starts_on=monday) | Q(done_in__week__starts_on=monday)
        ),
        TodoItem,
        "text",
    )
    # This week's plans, and last week's plans ticked off since this week began.
    yield _rows(
        PlanItem.history.filter(report__team=team).filter(
            Q(report__week__starts_on=monday)
            | Q(
                report__week__starts_on=week.previous().monday,
                history_type="~",
                history_date__gte=_start_of(monday),
            )
        ),
        PlanItem,
        "text",
    )
    yield _rows(
        KPIValue.history.filter(kpi__team=team, week__starts_on=monday), KPIValue, "kpi__name", F("value")
    )
    yield _rows(
        KeyResultUpdate.history.filter(key_result__objective__team=team, week__starts_on=monday),
        KeyResultUpdate,
        "key_result__title",
        F("progress"),
    )
    yield _rows(Incident.history.filter(team=team, week__starts_on=monday), Incident, "title")


def _describe(row) -> str:
    what = (row["change_what"] or "").strip()
    kind, amount = row["change_model"], row["change_amount"]
    if kind == "reports.weeklyreport":
        return str(WeeklyReport.Status(what).label) if what in WeeklyReport.Status.values else what
    what = what.splitlines()[0] if what else ""
    if amount is not None:
        amount = Decimal(amount)
        text = f"{amount:f}".rstrip("0").rstrip(".") if "." in f"{amount:f}" else f"{amount:f}"
        suffix = "%" if kind == "okrs.keyresultupdate" else ""
        return f"{what}: {text}{suffix}"
    return what


def recent_changes(team: Team, week: IsoWeek, limit: int = 10) -> list[ChangeEntry]:
    first, *rest = _queries(team, week)
    rows = first.union(*rest, all=True).order_by("-history_date")[:limit]
    return [
        ChangeEntry(
            when=row["history_date"],
            who=row["history_user__username"] or _("system"),
            action=str(ACTIONS.get(row["history_type"], row["history_type"])),
            kind=str(MODELS[row["change_model"]]._meta.verbose_name),
            what=_describe(row),
            reason=row["history_change_reason"] or "",
        )
        for row in rows
    ]
