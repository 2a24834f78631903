"""On PostgreSQL the kept fragments live in an UNLOGGED table.

They are rebuilt from the report data at any time, so they need no write-ahead log: a cold overview's
upsert then commits without waiting for the log to reach the disk, and a crash empties the table
instead of replaying it. Unlogged tables are not copied to streaming replicas (README.md).
"""

from django.db import migrations

TABLE = "ops_keptfragment"


def unlogged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {schema_editor.quote_name(TABLE)} SET UNLOGGED")


def logged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {schema_editor.quote_name(TABLE)} SET LOGGED")


class Migration(migrations.Migration):
    dependencies = [("ops", "0004_keptfragment")]

    operations = [migrations.RunPython(unlogged, logged, elidable=True)]
