"""What each KPI value keeps for the pages: last week's value and ranking figures (reports/migrations/0006).

Two invariants, after every way values are written (the ORM's save, bulk statements, raw deletes,
moves between weeks and KPIs, a stale instance saved over a newer row):
- every row's `previous_value` is its KPI's value in the calendar week before, or None when that week
  has no row (or a row with only a note);
- a row's kept ranking figures count (their stamp is current) only while they equal what the history
  gives, and `moves_of_teams` ranks every week as `ranking.moves` does from the history itself.
"""

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common.weeks import IsoWeek
from reports import ranking
from reports.models import KPI, KPIValue, KpiValueFigures, Week
from reports.week_figures import moves_of_teams
from tests.factories import make_kpi, make_value, make_week

MIGRATION = importlib.import_module("reports.migrations.0006_kpivalue_last_week_and_figures")
# 2024-W34 is missing: a gap, after which 2024-W35 has no last week.
WEEKS = [IsoWeek.parse(f"2024-W{number}") for number in (30, 31, 32, 33, 35, 36)]
TRIGGERS = {
    "sqlite": {
        "reports_kpivalue_week_insert",
        "reports_kpivalue_week_update",
        "reports_kpivalue_week_delete",
        "reports_week_moved",
    },
    "postgresql": {"reports_kpivalue_previous", "reports_kpivalue_later", "reports_week_moved"},
}


def expected_previous() -> dict[int, Decimal | None]:
    """Each row's last-week value, worked out in Python from the rows as they are."""
    rows = list(KPIValue.objects.values_list("pk", "kpi_id", "week__starts_on", "value"))
    by_kpi_monday = {(kpi, monday): value for _pk, kpi, monday, value in rows}
    return {pk: by_kpi_monday.get((kpi, monday - dt.timedelta(days=7))) for pk, kpi, monday, _value in rows}


def stored_previous() -> dict[int, Decimal | None]:
    return dict(KPIValue.objects.values_list("pk", "previous_value"))


def assert_kept():
    assert stored_previous() == expected_previous()


def figures_from_history() -> dict[int, tuple]:
    """Each row's usual move and count of earlier changes, as reports/ranking.py works them out."""
    rows = list(KPIValue.objects.values_list("pk", "kpi_id", "week__starts_on", "value"))
    by_kpi_monday = {(kpi, monday): value for _pk, kpi, monday, value in rows}
    figures = {}
    for pk, kpi, monday, _value in rows:
        weeks = [monday - dt.timedelta(weeks=back) for back in range(ranking.HISTORY_WEEKS - 1, -1, -1)]
        changes = ranking.earlier_changes([by_kpi_monday.get((kpi, week)) for week in weeks])
        figures[pk] = (ranking.usual_move(changes), len(changes))
    return figures


def assert_no_stale_figure_counts():
    expected = figures_from_history()
    current = KpiValueFigures.objects.filter(worked_out_at=F("stamp"))
    for pk, usual, changes_before in current.values_list("value_id", "usual_move", "changes_before"):
        assert (usual, changes_before) == expected[pk], pk
    # A deleted value takes its figures with it, whatever deleted it.
    assert set(KpiValueFigures.objects.values_list("value_id", flat=True)) <= set(expected)


def week_moves(kpis, week):
    """The moves the overview ranks these KPIs' week by, from their kept figures."""
    return moves_of_teams(sorted({kpi.team_id for kpi in kpis}), week)[1]


def assert_week_moves_rank_as_the_history_does(kpis):
    for week in WEEKS:
        from_history = ranking.moves(kpis, ranking.weekly_history(kpis, week))
        kept = week_moves(kpis, week)
        with_a_row = set(
            KPIValue.objects.filter(week__starts_on=week.monday).values_list("kpi_id", flat=True)
        )
        for kpi in kpis:
            expected, move = from_history[kpi.pk], kept[kpi.pk]
            if kpi.pk not in with_a_row:
                # Nothing this week: nothing to rank, and nothing read for it.
                assert (move.change.current, move.usual, move.changes_before) == (None, None, 0)
                continue
            assert (move.change.current, move.change.previous) == (
                expected.change.current,
                expected.change.previous,
            )
            assert (move.usual, move.changes_before) == (expected.usual, expected.changes_before)
            assert move.rank_key == expected.rank_key
            assert ranking.attention_key(move) == ranking.attention_key(expected)


def trigger_names() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        return {name for (name,) in cursor.fetchall()}


@pytest.mark.django_db
def test_the_triggers_exist_after_every_migration():
    """A later migration that rebuilds the table on SQLite would drop them silently; this says so."""
    assert TRIGGERS[connection.vendor] <= trigger_names()


@pytest.mark.django_db
def test_a_value_and_the_week_after_know_each_other_whatever_order_they_are_written_in(team):
    kpi = make_kpi(team)
    later = make_value(kpi, "2024-W33", "313")
    earlier = make_value(kpi, "2024-W32", "292.5")
    gap = make_value(kpi, "2024-W35", "7")
    later.refresh_from_db()
    earlier.refresh_from_db()
    gap.refresh_from_db()
    stored = (earlier.previous_value, later.previous_value, gap.previous_value)
    assert stored == (None, Decimal("292.5"), None)


@pytest.mark.django_db
def test_the_stored_value_is_last_weeks_to_the_last_decimal(team):
    """Equal to last week's value as the database holds it (SQLite keeps 15 digits of a 20-digit one)."""
    kpi = make_kpi(team)
    for figure in ("0.000001", "-12345678901234.123456", "81.72", "-0.5"):
        last_week = make_value(kpi, "2024-W32", figure)
        make_value(kpi, "2024-W33", "1")
        last_week.refresh_from_db()
        assert KPIValue.objects.get(kpi=kpi, week__number=33).previous_value == last_week.value
        if abs(Decimal(figure)) < 10**9:
            assert last_week.value == Decimal(figure)
        KPIValue.objects.filter(kpi=kpi).delete()


@pytest.mark.django_db
def test_a_stale_instance_saved_over_a_newer_row_does_not_bring_back_an_old_previous_value(team):
    kpi = make_kpi(team)
    make_value(kpi, "2024-W32", "10")
    this_week = make_value(kpi, "2024-W33", "20")
    stale = KPIValue.objects.get(pk=this_week.pk)
    KPIValue.objects.filter(kpi=kpi, week__number=32).update(value=Decimal("11"))
    stale.note = "edited in another tab"
    stale.save()
    assert KPIValue.objects.get(pk=this_week.pk).previous_value == Decimal("11")


@pytest.mark.django_db
def test_a_value_written_weeks_back_makes_the_later_figures_stale_until_worked_out_again(team):
    kpi = make_kpi(team)
    for number, figure in zip(range(24, 34), (10, 12, 11, 13, 12, 14, 13, 15, 14, 30), strict=True):
        make_value(kpi, f"2024-W{number}", figure)
    this_week = IsoWeek.parse("2024-W33")
    assert week_moves([kpi], this_week)[kpi.pk].usual == Decimal("1.5")
    kept = KpiValueFigures.objects.get(value__kpi=kpi, value__week__number=33)
    assert kept.worked_out_at == kept.stamp

    KPIValue.objects.filter(kpi=kpi, week__number=27).update(value=Decimal(40))
    kept.refresh_from_db()
    assert kept.worked_out_at != kept.stamp
    # 11 → 40 → 12: two moves of 29 and 28 among the nine, so the median move is 2.
    assert week_moves([kpi], this_week)[kpi.pk].usual == Decimal(2)
    kept.refresh_from_db()
    assert (kept.worked_out_at, kept.usual_move) == (kept.stamp, Decimal(2))
    # Beyond the thirteen weeks it reads, a write changes nothing of it.
    stamp = kept.stamp
    make_value(kpi, "2024-W19", 1)
    kept.refresh_from_db()
    assert kept.stamp == stamp


@pytest.mark.django_db
def test_a_week_moved_to_another_monday_takes_its_neighbours_along(team):
    kpi = make_kpi(team)
    make_value(kpi, "2024-W31", "1")
    make_value(kpi, "2024-W32", "2")
    make_value(kpi, "2024-W33", "3")
    moved = Week.objects.get(starts_on=IsoWeek.parse("2024-W31").monday)
    moved.starts_on = IsoWeek.parse("2024-W30").monday
    moved.year, moved.number = 2024, 30
    moved.save()
    assert_kept()
    assert KPIValue.objects.get(kpi=kpi, week__number=32).previous_value is None


class StatementsOnly:
    """What the migration's steps use of a schema editor: SQLite's own won't open in a test's transaction."""

    connection = connection

    def execute(self, sql, params=None):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


@pytest.mark.django_db
def test_the_migration_fills_the_column_for_rows_written_before_it(team):
    """Its backward step drops the triggers; its forward step fills every row, then adds them again."""
    kpis = [make_kpi(team) for _ in range(2)]
    for index, week in enumerate(WEEKS):
        for kpi in kpis:
            make_value(kpi, week, index * 10 + kpi.pk)
    MIGRATION.drop_triggers(None, StatementsOnly())
    KPIValue.objects.update(previous_value=Decimal("-1"))
    assert set(stored_previous().values()) == {Decimal("-1")}
    MIGRATION.create_triggers(None, StatementsOnly())
    assert_kept()
    assert TRIGGERS[connection.vendor] <= trigger_names()


# ---------------------------------------------------------------- every way of writing, in any order

KPI_COUNT = 2
WAYS_OF_WRITING = [
    "save",
    "bulk_create",
    "bulk_update",
    "update",
    "delete",
    "raw_delete",
    "move_week",
    "move_kpi",
    "note",
]
WRITES = st.lists(
    st.tuples(
        st.sampled_from(WAYS_OF_WRITING),
        st.integers(0, KPI_COUNT - 1),
        st.integers(0, len(WEEKS) - 1),
        st.integers(0, len(WEEKS) - 1),
        st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False, allow_infinity=False),
    ),
    min_size=1,
    max_size=12,
)


def _write(kind, kpi, week, other_week, figure, weeks):
    rows = KPIValue.objects.filter(kpi=kpi, week=weeks[week])
    existing = rows.first()
    free = not KPIValue.objects.filter(kpi=kpi, week=weeks[other_week]).exists()
    if kind == "save":
        row = existing or KPIValue(kpi=kpi, week=weeks[week])
        row.value = figure
        row.save()
    elif kind == "bulk_create" and existing is None:
        KPIValue.objects.bulk_create([KPIValue(kpi=kpi, week=weeks[week], value=figure)])
    elif kind == "bulk_update" and existing is not None:
        existing.value = figure
        neighbours = list(KPIValue.objects.filter(kpi=kpi).exclude(pk=existing.pk)[:2])
        for neighbour in neighbours:
            neighbour.value = (neighbour.value or 0) + 1
        KPIValue.objects.bulk_update([existing, *neighbours], ["value"])
    elif kind == "update":
        rows.update(value=figure)
    elif kind == "delete" and existing is not None:
        existing.delete()
    elif kind == "raw_delete":
        rows._raw_delete(rows.db)
    elif kind == "move_week" and existing is not None and free:
        existing.week = weeks[other_week]
        existing.save()
    elif kind == "move_kpi" and existing is not None:
        other_kpi = KPI.objects.exclude(pk=kpi.pk).first()
        if not KPIValue.objects.filter(kpi=other_kpi, week=weeks[week]).exists():
            rows.update(kpi=other_kpi)
    elif kind == "note" and existing is not None:
        existing.value, existing.note = None, "not measured"
        existing.save(update_fields=["value", "note"])


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(writes=WRITES)
def test_every_way_of_writing_keeps_every_rows_previous_value(team, writes):
    KPIValue.objects.all().delete()
    kpis = list(team.kpis.order_by("pk")) or [make_kpi(team) for _ in range(KPI_COUNT)]
    weeks = [make_week(week) for week in WEEKS]
    for kpi in kpis:
        for week in weeks[:3]:
            KPIValue.objects.create(kpi=kpi, week=week, value=Decimal(week.number))
    for kind, kpi_index, week, other_week, figure in writes:
        _write(kind, kpis[kpi_index], week, other_week, figure, weeks)
        assert_kept()
        assert_no_stale_figure_counts()
        # Reading works out what is stale; the figures then count, and rank as the history does.
        assert_week_moves_rank_as_the_history_does(kpis)
        assert_no_stale_figure_counts()
