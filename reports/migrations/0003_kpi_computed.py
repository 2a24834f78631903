"""KPIs computed from incident records; a note may stand without a value.

The typed incident counts by grade (AB级事故数, C级事故数, D级事故数 …) become computed: each week's value is
recounted from the incident records, and every week where the typed figure and the records disagreed is
printed and noted on the value, so nobody loses the figure that was typed.
"""

import re
import sys
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.db import migrations, models

# 事故数AB级, AB级事故数, C级事故, D级: the grade letters written before 级 next to 事故 (or alone).
GRADE_NAME = re.compile(r"^(?:事故数?)?\s*([ABCD]{1,2})\s*级\s*(?:事故数?|事故次数)?$", re.IGNORECASE)
COMPUTED = {
    "AB": "incidents_ab",
    "A": "incidents_a",
    "B": "incidents_b",
    "C": "incidents_c",
    "D": "incidents_d",
}


def incident_count_kind(kpi) -> str:
    for name in [kpi.name, *kpi.aliases.split(",")]:
        match = GRADE_NAME.match(name.strip())
        if match and match.group(1).upper() in COMPUTED:
            return COMPUTED[match.group(1).upper()]
    return ""


def counted(kind, records) -> Decimal:
    grades = {"incidents_ab": "AB"}.get(kind, kind[-1:].upper())
    return sum((r.responsibility_share for r in records if r.grade and r.grade in grades), Decimal(0))


def plain(value) -> str:
    return f"{Decimal(value).normalize():f}"


def convert(apps, schema_editor, out=None):
    """Make typed incident counts computed; returns the (team, KPI, week, typed, counted) disagreements."""
    out = out or sys.stdout
    KPI = apps.get_model("reports", "KPI")
    KPIValue = apps.get_model("reports", "KPIValue")
    WeeklyReport = apps.get_model("reports", "WeeklyReport")
    Incident = apps.get_model("incidents", "Incident")
    disagreements = []
    for kpi in KPI.objects.filter(computed_from="").select_related("team").order_by("team_id", "pk"):
        kind = incident_count_kind(kpi)
        if not kind:
            continue
        kpi.computed_from = kind
        if kpi.unit == "number":
            kpi.unit = "count"  # whole counts print as 0次, not 0.0次
        kpi.decimals = max(kpi.decimals, 1)  # a half share is 0.5
        kpi.save(update_fields=["computed_from", "unit", "decimals"])
        records = defaultdict(list)
        for record in Incident.objects.filter(team_id=kpi.team_id):
            records[record.week_id].append(record)
        weeks = set(records) | set(
            WeeklyReport.objects.filter(team_id=kpi.team_id).values_list("week_id", flat=True)
        )
        values = {value.week_id: value for value in KPIValue.objects.filter(kpi=kpi).select_related("week")}
        for week_id in sorted(weeks | set(values)):
            value = counted(kind, records[week_id])
            row = values.get(week_id)
            if row is None:
                KPIValue.objects.create(kpi=kpi, week_id=week_id, value=value)
                continue
            if row.value is not None and row.value != value:
                disagreements.append((kpi.team.name, kpi.name, row.week, row.value, value))
                line = f"Typed {plain(row.value)}, incident records {plain(value)}: now counted from them."
                row.note = f"{row.note}\n{line}".strip()
            row.value = value
            row.save(update_fields=["value", "note"])
    for team, name, week, typed, value in disagreements:
        out.write(
            f"  {team} · {name} · {week.year}-W{week.number:02d}: typed {plain(typed)}, "
            f"incident records {plain(value)}\n"
        )
    return disagreements


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_role_groups"),
        ("incidents", "0003_incident_kinds_and_unknown_detection"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalkpi",
            name="computed_from",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "Typed (form, import)"),
                    ("incidents_ab", "Incidents of grade A and B (responsibility shares)"),
                    ("incidents_a", "Incidents of grade A (responsibility shares)"),
                    ("incidents_b", "Incidents of grade B (responsibility shares)"),
                    ("incidents_c", "Incidents of grade C (responsibility shares)"),
                    ("incidents_d", "Incidents of grade D (responsibility shares)"),
                    ("incidents_proactive", "Share of incidents found by the team"),
                ],
                default="",
                help_text="A computed KPI is counted from the week's incident records and cannot be typed.",
                max_length=20,
                verbose_name="computed from",
            ),
        ),
        migrations.AddField(
            model_name="kpi",
            name="computed_from",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "Typed (form, import)"),
                    ("incidents_ab", "Incidents of grade A and B (responsibility shares)"),
                    ("incidents_a", "Incidents of grade A (responsibility shares)"),
                    ("incidents_b", "Incidents of grade B (responsibility shares)"),
                    ("incidents_c", "Incidents of grade C (responsibility shares)"),
                    ("incidents_d", "Incidents of grade D (responsibility shares)"),
                    ("incidents_proactive", "Share of incidents found by the team"),
                ],
                default="",
                help_text="A computed KPI is counted from the week's incident records and cannot be typed.",
                max_length=20,
                verbose_name="computed from",
            ),
        ),
        migrations.AlterField(
            model_name="historicalkpivalue",
            name="value",
            field=models.DecimalField(
                blank=True, decimal_places=6, max_digits=20, null=True, verbose_name="value"
            ),
        ),
        migrations.AlterField(
            model_name="kpivalue",
            name="value",
            field=models.DecimalField(
                blank=True, decimal_places=6, max_digits=20, null=True, verbose_name="value"
            ),
        ),
        migrations.AddConstraint(
            model_name="kpivalue",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("value__isnull", False), models.Q(("note", ""), _negated=True), _connector="OR"
                ),
                name="reports_kpivalue_value_or_note",
                violation_error_message="Enter a value, or a note saying why it is missing.",
            ),
        ),
        migrations.RunPython(convert, migrations.RunPython.noop),
    ]
