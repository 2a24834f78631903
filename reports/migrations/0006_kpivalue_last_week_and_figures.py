"""Each KPI value carries last week's value, and stamps that tell when its ranking figures went stale;
both kept by triggers in the database.

Last week's value: the KPI list sorted by change, the CSV export and the API looked it up per row (a
correlated subquery); sorting ten years of values by change took 1.7–3.6 s on PostgreSQL at the
benchmark's scale 100 (bench/FINDINGS.md §19). "Last week" is the calendar week before (the row's
Monday minus seven days), as the comparison rules say: a gap gives no previous value, never an older
week's.

The ranking figures (reports.KpiValueFigures, worked out by reports/week_figures.py) depend on the
thirteen weeks before their value. A value written, moved or deleted renews the stamp of the values of
the thirteen weeks after it (inserting their figures row if need be), and a moved value's own, so figures
worked out before the write no longer count.

A column kept by the application would have to be kept by every path that writes values (forms, the
API's bulk statements and raw deletes, the importer, the admin, loaddata, a shell); a trigger is kept
by all of them. What a write changes:
- a value written, moved or deleted: its own row's last week, the next week's row's, and the stamps of
  the thirteen weeks after it (before and after a move);
- a value deleted: its figures row goes with it;
- a week's Monday changed (weeks are read-only in the admin, but a shell can): the rows around it.

The column is filled before the triggers exist, so the backfill fires none of them. Figures start
empty: a page works out those it needs.
"""

from django.db import migrations, models

# Thirteen weeks: a value's figures read the changes among the thirteen values before it.
FIGURES_REACH_DAYS = 91

# ---------------------------------------------------------------- SQLite
# AFTER triggers that write with UPDATE (SQLite has no BEFORE trigger that sets NEW). With recursive
# triggers off (SQLite's default, and Django's), a trigger never fires itself, so the update of the next
# week's row stops there; the WHEN clause skips updates that change nothing these columns follow.
SQLITE_PREVIOUS_OF = """(
    SELECT p.value FROM reports_kpivalue p JOIN reports_week pw ON pw.id = p.week_id
    WHERE p.kpi_id = {row}.kpi_id
      AND pw.starts_on = (SELECT date(w.starts_on, '-7 days') FROM reports_week w WHERE w.id = {row}.week_id)
)"""
SQLITE_NEXT_WEEK_OF = (
    "(SELECT nw.id FROM reports_week nw WHERE nw.starts_on = "
    "(SELECT date(w.starts_on, '+7 days') FROM reports_week w WHERE w.id = {row}.week_id))"
)
# The week ids as a subquery, so each row is found on the (kpi, week) index: never a scan of the KPI's years.
SQLITE_RENEW_STAMPS_AFTER = f"""
    INSERT INTO reports_kpivaluefigures (value_id, stamp, changes_before)
    SELECT v.id, 1, 0 FROM reports_kpivalue v
    WHERE v.kpi_id = {{row}}.kpi_id AND v.week_id IN (
        SELECT nw.id FROM reports_week nw, reports_week w
        WHERE w.id = {{row}}.week_id AND nw.starts_on > w.starts_on
          AND nw.starts_on <= date(w.starts_on, '+{FIGURES_REACH_DAYS} days')
    ) AND ({{condition}})
    ON CONFLICT (value_id) DO UPDATE SET stamp = stamp + 1
"""
SQLITE_RENEW_OWN_STAMP = """
    INSERT INTO reports_kpivaluefigures (value_id, stamp, changes_before)
    SELECT NEW.id, 1, 0 WHERE {condition}
    ON CONFLICT (value_id) DO UPDATE SET stamp = stamp + 1
"""
SQLITE_MOVED = "OLD.kpi_id IS NOT NEW.kpi_id OR OLD.week_id IS NOT NEW.week_id"
SQLITE_FIGURES_CHANGED = f"OLD.value IS NOT NEW.value OR {SQLITE_MOVED}"

SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER reports_kpivalue_week_insert AFTER INSERT ON reports_kpivalue
    BEGIN
        UPDATE reports_kpivalue SET previous_value = {SQLITE_PREVIOUS_OF.format(row="NEW")} WHERE id = NEW.id;
        UPDATE reports_kpivalue SET previous_value = NEW.value
        WHERE kpi_id = NEW.kpi_id AND week_id = {SQLITE_NEXT_WEEK_OF.format(row="NEW")};
        {SQLITE_RENEW_STAMPS_AFTER.format(row="NEW", condition="1")};
    END
    """,
    f"""
    CREATE TRIGGER reports_kpivalue_week_update AFTER UPDATE ON reports_kpivalue
    WHEN OLD.value IS NOT NEW.value OR OLD.previous_value IS NOT NEW.previous_value OR {SQLITE_MOVED}
    BEGIN
        UPDATE reports_kpivalue SET previous_value = {SQLITE_PREVIOUS_OF.format(row="NEW")} WHERE id = NEW.id;
        UPDATE reports_kpivalue SET previous_value = {SQLITE_PREVIOUS_OF.format(row="reports_kpivalue")}
        WHERE kpi_id = OLD.kpi_id AND week_id = {SQLITE_NEXT_WEEK_OF.format(row="OLD")} AND ({SQLITE_MOVED});
        UPDATE reports_kpivalue SET previous_value = NEW.value
        WHERE kpi_id = NEW.kpi_id AND week_id = {SQLITE_NEXT_WEEK_OF.format(row="NEW")};
        {SQLITE_RENEW_STAMPS_AFTER.format(row="OLD", condition=SQLITE_MOVED)};
        {SQLITE_RENEW_STAMPS_AFTER.format(row="NEW", condition=SQLITE_FIGURES_CHANGED)};
        {SQLITE_RENEW_OWN_STAMP.format(condition=SQLITE_MOVED)};
    END
    """,
    f"""
    CREATE TRIGGER reports_kpivalue_week_delete AFTER DELETE ON reports_kpivalue
    BEGIN
        UPDATE reports_kpivalue SET previous_value = NULL
        WHERE kpi_id = OLD.kpi_id AND week_id = {SQLITE_NEXT_WEEK_OF.format(row="OLD")};
        {SQLITE_RENEW_STAMPS_AFTER.format(row="OLD", condition="1")};
        DELETE FROM reports_kpivaluefigures WHERE value_id = OLD.id;
    END
    """,
    f"""
    CREATE TRIGGER reports_week_moved AFTER UPDATE OF starts_on ON reports_week
    WHEN OLD.starts_on IS NOT NEW.starts_on
    BEGIN
        UPDATE reports_kpivalue SET previous_value = {SQLITE_PREVIOUS_OF.format(row="reports_kpivalue")}
        WHERE week_id IN (
            SELECT id FROM reports_week
            WHERE starts_on IN (date(OLD.starts_on, '+7 days'), NEW.starts_on, date(NEW.starts_on, '+7 days'))
        );
        INSERT INTO reports_kpivaluefigures (value_id, stamp, changes_before)
        SELECT v.id, 1, 0 FROM reports_kpivalue v JOIN reports_week w ON w.id = v.week_id
        WHERE (w.starts_on >= OLD.starts_on AND w.starts_on <= date(OLD.starts_on, '+{FIGURES_REACH_DAYS} days'))
           OR (w.starts_on >= NEW.starts_on AND w.starts_on <= date(NEW.starts_on, '+{FIGURES_REACH_DAYS} days'))
        ON CONFLICT (value_id) DO UPDATE SET stamp = stamp + 1;
    END
    """,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS reports_kpivalue_week_insert",
    "DROP TRIGGER IF EXISTS reports_kpivalue_week_update",
    "DROP TRIGGER IF EXISTS reports_kpivalue_week_delete",
    "DROP TRIGGER IF EXISTS reports_week_moved",
]
SQLITE_BACKFILL = (
    f"UPDATE reports_kpivalue SET previous_value = {SQLITE_PREVIOUS_OF.format(row='reports_kpivalue')}"
)

# ---------------------------------------------------------------- PostgreSQL
# A BEFORE trigger sets a row's own last week from the week before; an AFTER trigger has the next week's
# row set its own again (an UPDATE that names the column fires its BEFORE trigger) and renews the stamps.
# The AFTER trigger fires only on writes that name the value, the KPI or the week, so its own update of
# the column fires nothing further; AFTER row triggers run once the statement is done, so a statement
# that writes two consecutive weeks (the API's bulk update) leaves both right.
POSTGRES_RENEW_STAMPS_AFTER = f"""
    INSERT INTO reports_kpivaluefigures (value_id, stamp, changes_before)
    SELECT v.id, 1, 0 FROM reports_kpivalue v
    WHERE v.kpi_id = {{row}}.kpi_id AND v.week_id IN (
        SELECT nw.id FROM reports_week nw, reports_week w
        WHERE w.id = {{row}}.week_id AND nw.starts_on > w.starts_on
          AND nw.starts_on <= w.starts_on + {FIGURES_REACH_DAYS}
    )
    ON CONFLICT (value_id) DO UPDATE SET stamp = reports_kpivaluefigures.stamp + 1;
"""
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
    f"""
    CREATE OR REPLACE FUNCTION reports_kpivalue_renew_later() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE'
                AND (OLD.kpi_id, OLD.week_id) IS DISTINCT FROM (NEW.kpi_id, NEW.week_id)) THEN
            UPDATE reports_kpivalue v SET previous_value = NULL
            FROM reports_week w, reports_week nw
            WHERE w.id = OLD.week_id AND nw.starts_on = w.starts_on + 7
              AND v.week_id = nw.id AND v.kpi_id = OLD.kpi_id;
            {POSTGRES_RENEW_STAMPS_AFTER.format(row="OLD")}
        END IF;
        IF TG_OP = 'DELETE' THEN
            DELETE FROM reports_kpivaluefigures WHERE value_id = OLD.id;
        END IF;
        IF TG_OP = 'UPDATE' AND (OLD.kpi_id, OLD.week_id) IS DISTINCT FROM (NEW.kpi_id, NEW.week_id) THEN
            INSERT INTO reports_kpivaluefigures (value_id, stamp, changes_before) VALUES (NEW.id, 1, 0)
            ON CONFLICT (value_id) DO UPDATE SET stamp = reports_kpivaluefigures.stamp + 1;
        END IF;
        IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE'
                AND (OLD.value, OLD.kpi_id, OLD.week_id) IS DISTINCT FROM (NEW.value, NEW.kpi_id, NEW.week_id)) THEN
            UPDATE reports_kpivalue v SET previous_value = NULL
            FROM reports_week w, reports_week nw
            WHERE w.id = NEW.week_id AND nw.starts_on = w.starts_on + 7
              AND v.week_id = nw.id AND v.kpi_id = NEW.kpi_id;
            {POSTGRES_RENEW_STAMPS_AFTER.format(row="NEW")}
        END IF;
        RETURN NULL;
    END
    $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION reports_week_renew_values() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF OLD.starts_on IS DISTINCT FROM NEW.starts_on THEN
            UPDATE reports_kpivalue SET previous_value = NULL
            WHERE week_id IN (
                SELECT id FROM reports_week
                WHERE starts_on IN (OLD.starts_on + 7, NEW.starts_on, NEW.starts_on + 7)
            );
            INSERT INTO reports_kpivaluefigures (value_id, stamp, changes_before)
            SELECT v.id, 1, 0 FROM reports_kpivalue v JOIN reports_week w ON w.id = v.week_id
            WHERE w.starts_on BETWEEN OLD.starts_on AND OLD.starts_on + {FIGURES_REACH_DAYS}
               OR w.starts_on BETWEEN NEW.starts_on AND NEW.starts_on + {FIGURES_REACH_DAYS}
            ON CONFLICT (value_id) DO UPDATE SET stamp = reports_kpivaluefigures.stamp + 1;
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
    CREATE TRIGGER reports_kpivalue_later AFTER INSERT OR DELETE OR UPDATE OF value, kpi_id, week_id
    ON reports_kpivalue FOR EACH ROW EXECUTE FUNCTION reports_kpivalue_renew_later()
    """,
    """
    CREATE TRIGGER reports_week_moved AFTER UPDATE OF starts_on
    ON reports_week FOR EACH ROW EXECUTE FUNCTION reports_week_renew_values()
    """,
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS reports_week_moved ON reports_week",
    "DROP TRIGGER IF EXISTS reports_kpivalue_later ON reports_kpivalue",
    "DROP TRIGGER IF EXISTS reports_kpivalue_previous ON reports_kpivalue",
    "DROP FUNCTION IF EXISTS reports_week_renew_values()",
    "DROP FUNCTION IF EXISTS reports_kpivalue_renew_later()",
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
        raise NotImplementedError(f"reportsite keeps last week's value with triggers on SQLite and PostgreSQL, not {vendor}")
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
                blank=True, decimal_places=6, editable=False, max_digits=20, null=True, verbose_name="last week"
            ),
        ),
        migrations.CreateModel(
            name="KpiValueFigures",
            fields=[
                (
                    "value",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="figures",
                        serialize=False,
                        to="reports.kpivalue",
                    ),
                ),
                ("stamp", models.PositiveIntegerField(default=0)),
                ("worked_out_at", models.PositiveIntegerField(null=True)),
                ("usual_move", models.DecimalField(decimal_places=7, max_digits=21, null=True)),
                ("changes_before", models.PositiveSmallIntegerField(default=0)),
            ],
            options={
                "verbose_name": "KPI value figures",
                "verbose_name_plural": "KPI value figures",
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
