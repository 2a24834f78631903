"""On PostgreSQL the kept fragments are stored uncompressed, and their key has no LIKE index.

A cold overview writes ~140 fragments (283 KB at scale 100) in one upsert. PostgreSQL compressed each
value over 2 KB on the way in, and kept a second index on the key for LIKE queries, which nothing
runs (the store looks keys up by equality only): the upsert took 3.8 ms, and 2.2 ms without both
(bench/FINDINGS.md §23). The values are rebuilt at any time; their size on disk does not matter.
"""

from django.db import migrations

TABLE = "ops_keptfragment"


def _like_indexes(schema_editor) -> list[str]:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexdef LIKE %s",
            [TABLE, "%pattern_ops%"],
        )
        return [name for (name,) in cursor.fetchall()]


def plain(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    schema_editor.execute(f"ALTER TABLE {quote(TABLE)} ALTER COLUMN {quote('value')} SET STORAGE EXTERNAL")
    for name in _like_indexes(schema_editor):
        schema_editor.execute(f"DROP INDEX {quote(name)}")


def compressed(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    schema_editor.execute(f"ALTER TABLE {quote(TABLE)} ALTER COLUMN {quote('value')} SET STORAGE EXTENDED")
    if not _like_indexes(schema_editor):
        schema_editor.execute(
            f"CREATE INDEX {quote(TABLE + '_key_like')} ON {quote(TABLE)} ({quote('key')} varchar_pattern_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [("ops", "0006_people_scope")]

    operations = [migrations.RunPython(plain, compressed, elidable=True)]
