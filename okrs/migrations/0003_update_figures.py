"""Each update of a week keeps its look-back's figures (okrs.KeyResultUpdateFigures), and the database's
triggers renew their stamps whenever what they were worked out from is written.

A row's figures (the previous update, both percents, stalled) depend on the item's updates of the
look-back window before it (okrs/progress.py: the twelve weeks before, and its own week) and on the
item's measure, start and target. A trigger is kept by every path that writes (forms, the API, the
importer, the admin, raw statements, a shell); a column kept by the application would have to be kept
by each of them. What a write renews (inserting the figures row if need be, so a page working out
figures at the same moment keeps them stale, never current):
- an update written, moved or deleted: the stamps of its item's updates of its week and the twelve
  after, before and after a move; a deleted update's figures go with it;
- an item's measure, start or target changed: the stamps of all its updates;
- a week's Monday changed (weeks are read-only in the admin, but a shell can): the updates of the weeks
  whose windows held it, before and after.

Figures start empty: a page works out those it needs.
"""

import django.db.models.deletion
from django.db import migrations, models

# A week's figures read the twelve weeks before it: a write reaches the figures of its week and the
# twelve after (okrs.progress.LOOKBACK_WEEKS, fixed here as a migration's text must be).
FIGURES_REACH_DAYS = 84
FIGURES_TABLE = "okrs_keyresultupdatefigures"
# The item's measure, start and target: a value item's percent is worked out from them.
ITEM_FIGURES = ("measure", "start_value", "target_value")
# What an update's own figures and its later weeks' read of it.
UPDATE_FIGURES = ("key_result_id", "week_id", "progress", "current_value", "status")

# ---------------------------------------------------------------- SQLite
# The week ids as a subquery, so each update is found on the (item, week) index, never a scan of the
# item's years. The WHERE clause also keeps SQLite from reading the upsert's ON as a join's.
SQLITE_RENEW_REACH = f"""
    INSERT INTO {FIGURES_TABLE} (update_id, stamp, is_stalled)
    SELECT u.id, 1, 0 FROM okrs_keyresultupdate u
    WHERE u.key_result_id = {{row}}.key_result_id AND u.week_id IN (
        SELECT nw.id FROM reports_week nw, reports_week w
        WHERE w.id = {{row}}.week_id AND nw.starts_on >= w.starts_on
          AND nw.starts_on <= date(w.starts_on, '+{FIGURES_REACH_DAYS} days')
    ) AND ({{condition}})
    ON CONFLICT (update_id) DO UPDATE SET stamp = stamp + 1
"""
SQLITE_MOVED = "OLD.key_result_id IS NOT NEW.key_result_id OR OLD.week_id IS NOT NEW.week_id"
SQLITE_UPDATE_CHANGED = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in UPDATE_FIGURES)
SQLITE_ITEM_CHANGED = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in ITEM_FIGURES)

SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER okrs_update_figures_insert AFTER INSERT ON okrs_keyresultupdate
    BEGIN
        {SQLITE_RENEW_REACH.format(row="NEW", condition="1")};
    END
    """,
    f"""
    CREATE TRIGGER okrs_update_figures_update AFTER UPDATE ON okrs_keyresultupdate
    WHEN {SQLITE_UPDATE_CHANGED}
    BEGIN
        {SQLITE_RENEW_REACH.format(row="OLD", condition=SQLITE_MOVED)};
        {SQLITE_RENEW_REACH.format(row="NEW", condition="1")};
    END
    """,
    f"""
    CREATE TRIGGER okrs_update_figures_delete AFTER DELETE ON okrs_keyresultupdate
    BEGIN
        {SQLITE_RENEW_REACH.format(row="OLD", condition="1")};
        DELETE FROM {FIGURES_TABLE} WHERE update_id = OLD.id;
    END
    """,
    f"""
    CREATE TRIGGER okrs_item_figures AFTER UPDATE ON okrs_keyresult
    WHEN {SQLITE_ITEM_CHANGED}
    BEGIN
        INSERT INTO {FIGURES_TABLE} (update_id, stamp, is_stalled)
        SELECT u.id, 1, 0 FROM okrs_keyresultupdate u WHERE u.key_result_id = NEW.id
        ON CONFLICT (update_id) DO UPDATE SET stamp = stamp + 1;
    END
    """,
    f"""
    CREATE TRIGGER okrs_week_moved AFTER UPDATE OF starts_on ON reports_week
    WHEN OLD.starts_on IS NOT NEW.starts_on
    BEGIN
        INSERT INTO {FIGURES_TABLE} (update_id, stamp, is_stalled)
        SELECT u.id, 1, 0 FROM okrs_keyresultupdate u JOIN reports_week w ON w.id = u.week_id
        WHERE (w.starts_on >= OLD.starts_on AND w.starts_on <= date(OLD.starts_on, '+{FIGURES_REACH_DAYS} days'))
           OR (w.starts_on >= NEW.starts_on AND w.starts_on <= date(NEW.starts_on, '+{FIGURES_REACH_DAYS} days'))
        ON CONFLICT (update_id) DO UPDATE SET stamp = stamp + 1;
    END
    """,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS okrs_update_figures_insert",
    "DROP TRIGGER IF EXISTS okrs_update_figures_update",
    "DROP TRIGGER IF EXISTS okrs_update_figures_delete",
    "DROP TRIGGER IF EXISTS okrs_item_figures",
    "DROP TRIGGER IF EXISTS okrs_week_moved",
]

# ---------------------------------------------------------------- PostgreSQL
# AFTER row triggers run once their statement is done, so a statement that writes several updates of an
# item (the API's bulk writes) renews what each of them reaches.
POSTGRES_RENEW_REACH = f"""
    INSERT INTO {FIGURES_TABLE} (update_id, stamp, is_stalled)
    SELECT u.id, 1, false FROM okrs_keyresultupdate u
    WHERE u.key_result_id = {{row}}.key_result_id AND u.week_id IN (
        SELECT nw.id FROM reports_week nw, reports_week w
        WHERE w.id = {{row}}.week_id AND nw.starts_on >= w.starts_on
          AND nw.starts_on <= w.starts_on + {FIGURES_REACH_DAYS}
    )
    ON CONFLICT (update_id) DO UPDATE SET stamp = {FIGURES_TABLE}.stamp + 1;
"""
POSTGRES_RENEW_ALL = f"""
    ON CONFLICT (update_id) DO UPDATE SET stamp = {FIGURES_TABLE}.stamp + 1;
"""


def _row(prefix: str, columns: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"{prefix}.{column}" for column in columns) + ")"


POSTGRES_FORWARD = [
    f"""
    CREATE OR REPLACE FUNCTION okrs_update_renew_figures() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE'
                AND (OLD.key_result_id, OLD.week_id) IS DISTINCT FROM (NEW.key_result_id, NEW.week_id)) THEN
            {POSTGRES_RENEW_REACH.format(row="OLD")}
        END IF;
        IF TG_OP = 'DELETE' THEN
            DELETE FROM {FIGURES_TABLE} WHERE update_id = OLD.id;
        END IF;
        IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE'
                AND {_row("OLD", UPDATE_FIGURES)} IS DISTINCT FROM {_row("NEW", UPDATE_FIGURES)}) THEN
            {POSTGRES_RENEW_REACH.format(row="NEW")}
        END IF;
        RETURN NULL;
    END
    $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION okrs_item_renew_figures() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF {_row("OLD", ITEM_FIGURES)} IS DISTINCT FROM {_row("NEW", ITEM_FIGURES)} THEN
            INSERT INTO {FIGURES_TABLE} (update_id, stamp, is_stalled)
            SELECT u.id, 1, false FROM okrs_keyresultupdate u WHERE u.key_result_id = NEW.id
            {POSTGRES_RENEW_ALL}
        END IF;
        RETURN NULL;
    END
    $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION okrs_week_renew_figures() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF OLD.starts_on IS DISTINCT FROM NEW.starts_on THEN
            INSERT INTO {FIGURES_TABLE} (update_id, stamp, is_stalled)
            SELECT u.id, 1, false FROM okrs_keyresultupdate u JOIN reports_week w ON w.id = u.week_id
            WHERE w.starts_on BETWEEN OLD.starts_on AND OLD.starts_on + {FIGURES_REACH_DAYS}
               OR w.starts_on BETWEEN NEW.starts_on AND NEW.starts_on + {FIGURES_REACH_DAYS}
            {POSTGRES_RENEW_ALL}
        END IF;
        RETURN NULL;
    END
    $$
    """,
    f"""
    CREATE TRIGGER okrs_update_figures AFTER INSERT OR DELETE OR UPDATE OF {", ".join(UPDATE_FIGURES)}
    ON okrs_keyresultupdate FOR EACH ROW EXECUTE FUNCTION okrs_update_renew_figures()
    """,
    f"""
    CREATE TRIGGER okrs_item_figures AFTER UPDATE OF {", ".join(ITEM_FIGURES)}
    ON okrs_keyresult FOR EACH ROW EXECUTE FUNCTION okrs_item_renew_figures()
    """,
    """
    CREATE TRIGGER okrs_week_moved AFTER UPDATE OF starts_on
    ON reports_week FOR EACH ROW EXECUTE FUNCTION okrs_week_renew_figures()
    """,
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS okrs_week_moved ON reports_week",
    "DROP TRIGGER IF EXISTS okrs_item_figures ON okrs_keyresult",
    "DROP TRIGGER IF EXISTS okrs_update_figures ON okrs_keyresultupdate",
    "DROP FUNCTION IF EXISTS okrs_week_renew_figures()",
    "DROP FUNCTION IF EXISTS okrs_item_renew_figures()",
    "DROP FUNCTION IF EXISTS okrs_update_renew_figures()",
]

STATEMENTS = {
    "sqlite": (SQLITE_FORWARD, SQLITE_BACKWARD),
    "postgresql": (POSTGRES_FORWARD, POSTGRES_BACKWARD),
}


def _run(schema_editor, forward: bool):
    vendor = schema_editor.connection.vendor
    if vendor not in STATEMENTS:
        raise NotImplementedError(
            f"reportsite renews the look-back's figures with triggers on SQLite and PostgreSQL, not {vendor}"
        )
    for statement in STATEMENTS[vendor][0 if forward else 1]:
        schema_editor.execute(statement, params=None)


def create_triggers(apps, schema_editor):
    _run(schema_editor, forward=True)


def drop_triggers(apps, schema_editor):
    _run(schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [
        ("okrs", "0002_update_figures_index"),
        ("reports", "0008_week_index_holds_the_id"),
    ]

    operations = [
        migrations.CreateModel(
            name="KeyResultUpdateFigures",
            fields=[
                (
                    "update",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="figures",
                        serialize=False,
                        to="okrs.keyresultupdate",
                    ),
                ),
                ("stamp", models.PositiveIntegerField(default=0)),
                ("worked_out_at", models.PositiveIntegerField(null=True)),
                ("previous_id", models.BigIntegerField(null=True)),
                ("percent", models.DecimalField(decimal_places=2, max_digits=5, null=True)),
                ("previous_percent", models.DecimalField(decimal_places=2, max_digits=5, null=True)),
                ("is_stalled", models.BooleanField(default=False)),
            ],
            options={
                "verbose_name": "key result update figures",
                "verbose_name_plural": "key result update figures",
                "indexes": [
                    models.Index(
                        fields=[
                            "update",
                            "stamp",
                            "worked_out_at",
                            "previous_id",
                            "percent",
                            "previous_percent",
                            "is_stalled",
                        ],
                        name="okrs_figures_covering",
                    )
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
