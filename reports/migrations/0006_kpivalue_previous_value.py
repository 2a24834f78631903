"""Each KPI value carries last week's value of its KPI, kept by triggers in the database.

The KPI list sorted by change, the CSV export and the API looked last week's value up per row (a
correlated subquery): sorting ten years of values by change took 1.7–3.6 s on PostgreSQL at the
benchmark's scale 100 (bench/FINDINGS.md §19). A column kept by the application would have to be kept
by every path that writes values (forms, the API's bulk statements and raw deletes, the importer, the
admin, loaddata, a shell); a trigger is kept by all of them, so the column cannot drift.

"Last week" is the calendar week before (the row's Monday minus seven days), as the comparison rules
say: a gap gives no previous value, never an older week's. What changes a row's previous value:
- a value written, moved or deleted: its own row, and the row of the week after (before and after a move);
- a week's Monday changed (weeks are read-only in the admin, but a shell can): the rows around it.

The column is filled before the triggers exist, so the backfill fires none of them.
"""

from django.db import migrations, models

# SQLite: AFTER triggers that write the column with UPDATE (it has no BEFORE trigger that sets NEW).
# With recursive triggers off (SQLite's default, and Django's), a trigger never fires itself, so the
# update of the next week's row stops there; the WHEN clause skips updates that move nothing (a note,
# an author).
SQLITE_PREVIOUS_OF = """(
    SELECT p.value FROM reports_kpivalue p JOIN reports_week pw ON pw.id = p.week_id
    WHERE p.kpi_id = {row}.kpi_id
      AND pw.starts_on = (SELECT date(w.starts_on, '-7 days') FROM reports_week w WHERE w.id = {row}.week_id)
)"""
SQLITE_NEXT_WEEK_OF = (
    "(SELECT nw.id FROM reports_week nw WHERE nw.starts_on = "
    "(SELECT date(w.starts_on, '+7 days') FROM reports_week w WHERE w.id = {row}.week_id))"
)

SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER reports_kpivalue_previous_insert AFTER INSERT ON reports_kpivalue
    BEGIN
        UPDATE reports_kpivalue SET previous_value = {SQLITE_PREVIOUS_OF.format(row="NEW")} WHERE id = NEW.id;
        UPDATE reports_kpivalue SET previous_value = NEW.value
        WHERE kpi_id = NEW.kpi_id AND week_id = {SQLITE_NEXT_WEEK_OF.format(row="NEW")};
    END
    """,
    f"""
    CREATE TRIGGER reports_kpivalue_previous_update AFTER UPDATE ON reports_kpivalue
    WHEN OLD.value IS NOT NEW.value OR OLD.previous_value IS NOT NEW.previous_value
      OR OLD.kpi_id IS NOT NEW.kpi_id OR OLD.week_id IS NOT NEW.week_id
    BEGIN
        UPDATE reports_kpivalue SET previous_value = {SQLITE_PREVIOUS_OF.format(row="NEW")} WHERE id = NEW.id;
        UPDATE reports_kpivalue SET previous_value = {SQLITE_PREVIOUS_OF.format(row="reports_kpivalue")}
        WHERE kpi_id = OLD.kpi_id AND week_id = {SQLITE_NEXT_WEEK_OF.format(row="OLD")}
          AND (OLD.kpi_id IS NOT NEW.kpi_id OR OLD.week_id IS NOT NEW.week_id);
        UPDATE reports_kpivalue SET previous_value = NEW.value
        WHERE kpi_id = NEW.kpi_id AND week_id = {SQLITE_NEXT_WEEK_OF.format(row="NEW")};
    END
    """,
    f"""
    CREATE TRIGGER reports_kpivalue_previous_delete AFTER DELETE ON reports_kpivalue
    BEGIN
        UPDATE reports_kpivalue SET previous_value = NULL
        WHERE kpi_id = OLD.kpi_id AND week_id = {SQLITE_NEXT_WEEK_OF.format(row="OLD")};
    END
    """,
    f"""
    CREATE TRIGGER reports_week_previous_value AFTER UPDATE OF starts_on ON reports_week
    WHEN OLD.starts_on IS NOT NEW.starts_on
    BEGIN
        UPDATE reports_kpivalue SET previous_value = {SQLITE_PREVIOUS_OF.format(row="reports_kpivalue")}
        WHERE week_id IN (
            SELECT id FROM reports_week
            WHERE starts_on IN (date(OLD.starts_on, '+7 days'), NEW.starts_on, date(NEW.starts_on, '+7 days'))
        );
    END
    """,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS reports_kpivalue_previous_insert",
    "DROP TRIGGER IF EXISTS reports_kpivalue_previous_update",
    "DROP TRIGGER IF EXISTS reports_kpivalue_previous_delete",
    "DROP TRIGGER IF EXISTS reports_week_previous_value",
]
SQLITE_BACKFILL = (
    f"UPDATE reports_kpivalue SET previous_value = {SQLITE_PREVIOUS_OF.format(row='reports_kpivalue')}"
)

# PostgreSQL: a BEFORE trigger sets a row's own previous value from the week before; an AFTER trigger
# has the next week's row set its own again (an UPDATE that names the column fires its BEFORE trigger).
# The AFTER trigger fires only on writes that name the value, the KPI or the week, so its own update of
# the column fires nothing further; AFTER row triggers run once the statement is done, so a statement
# that writes two consecutive weeks (the API's bulk update) leaves both right.
POSTGRES_FORWARD = [
    """
    CREATE OR REPLACE FUNCTION reports_kpivalue_set_previous() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.previous_value := (
            SELECT p.value FROM reports_kpivalue p
            JOIN reports_week pw ON pw.id = p.week_id
            JOIN reports_week w ON pw.starts_on = w.starts_on - 7
            WHERE w.id = NEW.week_id AND p.kpi_id = NEW.kpi_id
        );
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION reports_kpivalue_renew_next() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND (OLD.kpi_id, OLD.week_id) IS DISTINCT FROM (NEW.kpi_id, NEW.week_id)) THEN
            UPDATE reports_kpivalue v SET previous_value = NULL
            FROM reports_week w, reports_week nw
            WHERE w.id = OLD.week_id AND nw.starts_on = w.starts_on + 7
              AND v.week_id = nw.id AND v.kpi_id = OLD.kpi_id;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            UPDATE reports_kpivalue v SET previous_value = NULL
            FROM reports_week w, reports_week nw
            WHERE w.id = NEW.week_id AND nw.starts_on = w.starts_on + 7
              AND v.week_id = nw.id AND v.kpi_id = NEW.kpi_id;
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION reports_week_renew_previous() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF OLD.starts_on IS DISTINCT FROM NEW.starts_on THEN
            UPDATE reports_kpivalue SET previous_value = NULL
            WHERE week_id IN (
                SELECT id FROM reports_week
                WHERE starts_on IN (OLD.starts_on + 7, NEW.starts_on, NEW.starts_on + 7)
            );
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER reports_kpivalue_previous BEFORE INSERT OR UPDATE OF kpi_id, week_id, previous_value
    ON reports_kpivalue FOR EACH ROW EXECUTE FUNCTION reports_kpivalue_set_previous()
    """,
    """
    CREATE TRIGGER reports_kpivalue_next AFTER INSERT OR DELETE OR UPDATE OF value, kpi_id, week_id
    ON reports_kpivalue FOR EACH ROW EXECUTE FUNCTION reports_kpivalue_renew_next()
    """,
    """
    CREATE TRIGGER reports_week_previous_value AFTER UPDATE OF starts_on
    ON reports_week FOR EACH ROW EXECUTE FUNCTION reports_week_renew_previous()
    """,
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS reports_week_previous_value ON reports_week",
    "DROP TRIGGER IF EXISTS reports_kpivalue_next ON reports_kpivalue",
    "DROP TRIGGER IF EXISTS reports_kpivalue_previous ON reports_kpivalue",
    "DROP FUNCTION IF EXISTS reports_week_renew_previous()",
    "DROP FUNCTION IF EXISTS reports_kpivalue_renew_next()",
    "DROP FUNCTION IF EXISTS reports_kpivalue_set_previous()",
]
# Every row, those without a last week included: the step is also how a test restores the column.
POSTGRES_BACKFILL = """
    UPDATE reports_kpivalue v SET previous_value = (
        SELECT p.value FROM reports_kpivalue p
        JOIN reports_week pw ON pw.id = p.week_id
        JOIN reports_week w ON pw.starts_on = w.starts_on - 7
        WHERE w.id = v.week_id AND p.kpi_id = v.kpi_id
    )
"""

STATEMENTS = {
    "sqlite": ([SQLITE_BACKFILL, *SQLITE_FORWARD], SQLITE_BACKWARD),
    "postgresql": ([POSTGRES_BACKFILL, *POSTGRES_FORWARD], POSTGRES_BACKWARD),
}


def _run(schema_editor, forward: bool):
    vendor = schema_editor.connection.vendor
    if vendor not in STATEMENTS:
        raise NotImplementedError(
            f"reportsite keeps last week's value with triggers on SQLite and PostgreSQL, not {vendor}"
        )
    for statement in STATEMENTS[vendor][0 if forward else 1]:
        schema_editor.execute(statement, params=None)


def create_triggers(apps, schema_editor):
    _run(schema_editor, forward=True)


def drop_triggers(apps, schema_editor):
    _run(schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0005_kpivalue_covering_week_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="kpivalue",
            name="previous_value",
            field=models.DecimalField(
                blank=True,
                decimal_places=6,
                editable=False,
                max_digits=20,
                null=True,
                verbose_name="last week",
            ),
        ),
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
