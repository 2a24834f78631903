import re

from django.db import migrations, models

KIND_CHOICES = [
    ("level", "Level (a rate, a count per week)"),
    ("cumulative", "Cumulative (a running total)"),
    ("month_to_date", "Month to date"),
]
KIND_HELP = (
    "A cumulative or month-to-date figure rises by construction: it is compared by its weekly "
    "increment and never ranked among the week's moves."
)
# A frozen copy of KPI.Kind.guess as it was when the field arrived, so this migration keeps meaning
# the same thing whatever the rule becomes later.
MONTH_TO_DATE_WORDS = ("当月", "本月", "月累计", "month to date", "month-to-date", "mtd")
CUMULATIVE_WORDS = ("累计", "累積", "总计", "cumulative", "running total", "year to date", "ytd")
MONTH_NAME = re.compile(r"(?<!\d)(?:[1-9]|1[0-2])月份?(?!\d)")


def guess(name):
    text = name.strip().lower()
    if any(word in text for word in MONTH_TO_DATE_WORDS) or MONTH_NAME.search(text):
        return "month_to_date"
    if any(word in text for word in CUMULATIVE_WORDS):
        return "cumulative"
    return "level"


def set_kinds(apps, schema_editor):
    """Existing KPIs named like running totals become one; every other stays a level."""
    KPI = apps.get_model("reports", "KPI")
    for kpi in KPI.objects.only("pk", "name"):
        kind = guess(kpi.name)
        if kind != "level":
            KPI.objects.filter(pk=kpi.pk).update(kind=kind)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_kpi_computed"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalkpi",
            name="kind",
            field=models.CharField(
                choices=KIND_CHOICES, default="level", help_text=KIND_HELP, max_length=13, verbose_name="kind"
            ),
        ),
        migrations.AddField(
            model_name="kpi",
            name="kind",
            field=models.CharField(
                choices=KIND_CHOICES, default="level", help_text=KIND_HELP, max_length=13, verbose_name="kind"
            ),
        ),
        migrations.RunPython(set_kinds, migrations.RunPython.noop),
    ]
