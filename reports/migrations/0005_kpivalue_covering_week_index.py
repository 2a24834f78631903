"""The week index of KPI values carries the value, so a page's weeks of history are read from the index
alone (bench/FINDINGS.md §15a). The new index is built before the old one goes."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0004_kpi_kind"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="kpivalue",
            index=models.Index(fields=["week", "kpi", "value"], name="reports_kpivalue_week_value"),
        ),
        migrations.RemoveIndex(
            model_name="kpivalue",
            name="reports_kpivalue_week_kpi",
        ),
    ]
