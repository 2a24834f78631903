"""A scope for the people beside the department's and the teams' (ScopedDataVersion.PEOPLE is -1)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ops", "0005_keptfragment_unlogged"),
    ]

    operations = [
        migrations.AlterField(
            model_name="scopeddataversion",
            name="scope",
            field=models.IntegerField(unique=True),
        ),
    ]
