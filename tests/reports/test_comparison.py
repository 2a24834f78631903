"""The week-over-week arithmetic, with the seed's own figures."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from common.formatting import plain_decimal
from common.weeks import IsoWeek
from reports import ranking
from reports.comparison import (
    Change,
    Tone,
    compare_week,
    format_absolute,
    format_relative,
    format_value,
    series,
)
from reports.models import KPI
from tests.factories import make_kpi, make_value

W33 = IsoWeek(2024, 33)


def kpi(unit=KPI.Unit.COUNT, direction=KPI.Direction.HIGHER_IS_BETTER, decimals=0, **fields):
    return KPI(name="k", unit=unit, direction=direction, decimals=decimals, **fields)


def change(current, previous, **fields):
    to_decimal = lambda v: None if v is None else Decimal(v)  # noqa: E731
    return Change(kpi(**fields), to_decimal(current), to_decimal(previous))


def test_deliveries_313_vs_292_is_plus_21_and_plus_7_19_percent_green():
    c = change("313", "292")
    assert c.absolute == Decimal("21")
    assert c.relative == Decimal("7.19")
    assert c.tone == Tone.BETTER
    assert format_absolute(c) == "+21"
    assert format_relative(c) == "+7.19%"


def test_throughput_81_72_vs_96_05_is_minus_14_33_pp_and_minus_14_92_percent_red():
    c = change("81.72", "96.05", unit=KPI.Unit.PERCENT, decimals=2)
    assert c.absolute == Decimal("-14.33")
    assert c.relative == Decimal("-14.92")
    assert c.tone == Tone.WORSE
    assert format_absolute(c) == "\u221214.33 pp"
    assert format_relative(c) == "\u221214.92%"


def test_delay_rate_rising_is_red_when_lower_is_better():
    c = change("4.79", "3.08", unit=KPI.Unit.PERCENT, decimals=2, direction=KPI.Direction.LOWER_IS_BETTER)
    assert c.absolute == Decimal("1.71")
    assert format_absolute(c) == "+1.71 pp"
    assert c.tone == Tone.WORSE


def test_code_equivalent_keeps_its_decimal():
    c = change("5033.8", "4990.8", unit=KPI.Unit.NUMBER, decimals=1)
    assert format_absolute(c) == "+43.0"
    assert format_relative(c) == "+0.86%"


def test_no_value_last_week_is_new_without_change():
    c = change("12", None)
    assert c.is_new and c.tone == Tone.NEW
    assert c.absolute is None and c.relative is None
    assert format_absolute(c) == format_relative(c) == ""


def test_last_week_zero_gives_absolute_change_only():
    c = change("0.5", "0", unit=KPI.Unit.NUMBER, decimals=1, direction=KPI.Direction.LOWER_IS_BETTER)
    assert c.absolute == Decimal("0.5")
    assert c.relative is None
    assert c.tone == Tone.WORSE


def test_neutral_direction_stays_neutral_and_no_change_is_unchanged():
    assert change("5", "3", direction=KPI.Direction.NEUTRAL).tone == Tone.NEUTRAL
    assert change("5", "5").tone == Tone.UNCHANGED
    assert change(None, "5").tone == Tone.MISSING


def test_relative_change_against_a_negative_base_keeps_the_direction_of_the_move():
    assert change("-5", "-10", unit=KPI.Unit.NUMBER).relative == Decimal("50.00")


def test_target_met_follows_direction():
    higher = kpi(target=Decimal("99.99"))
    assert higher.target_met(Decimal("99.998")) is True
    assert higher.target_met(Decimal("99.98")) is False
    lower = kpi(direction=KPI.Direction.LOWER_IS_BETTER, target=Decimal("5"))
    assert lower.target_met(Decimal("4.79")) is True
    assert kpi(direction=KPI.Direction.NEUTRAL, target=Decimal("1")).target_met(Decimal("2")) is None


def test_values_print_as_people_write_them():
    assert format_value(kpi(unit=KPI.Unit.PERCENT, decimals=3), Decimal("99.998000")) == "99.998%"
    assert format_value(kpi(unit=KPI.Unit.CURRENCY, unit_label="万元"), Decimal("1829")) == "1829万元"
    assert format_value(kpi(unit=KPI.Unit.NUMBER, decimals=1), Decimal("5033.8")) == "5033.8"


@given(
    current=st.decimals(min_value=-(10**6), max_value=10**6, places=2, allow_nan=False),
    previous=st.decimals(min_value=-(10**6), max_value=10**6, places=2, allow_nan=False),
)
def test_change_never_fails_and_sign_matches_the_move(current, previous):
    c = Change(kpi(unit=KPI.Unit.NUMBER, decimals=2), current, previous)
    assert c.absolute == current - previous
    if previous == 0:
        assert c.relative is None
    elif current != previous:
        assert (c.relative > 0) == (current > previous) or c.relative == 0


@pytest.mark.django_db
def test_compare_week_is_one_query_whatever_the_number_of_kpis(team, django_assert_num_queries):
    kpis = [make_kpi(team, f"k{i}") for i in range(3)]
    for k in kpis:
        make_value(k, "2024-W32", 10)
        make_value(k, "2024-W33", 11)
    with django_assert_num_queries(1):
        changes = compare_week(kpis, W33)
    more = kpis + [make_kpi(team, f"m{i}") for i in range(30)]
    with django_assert_num_queries(1):
        compare_week(more, W33)
    assert changes[kpis[0].pk].absolute == 1


@pytest.mark.django_db
def test_series_fills_gaps_with_none_oldest_first(team):
    k = make_kpi(team)
    make_value(k, "2024-W31", 1)
    make_value(k, "2024-W33", 3)
    make_value(k, "2024-W20", 99)  # outside the window
    assert series([k], W33, weeks=4)[k.pk] == [None, Decimal(1), None, Decimal(3)]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("80.00", "80"),
        ("85.50", "85.5"),
        ("100", "100"),
        ("100.000000", "100"),
        ("1E+2", "100"),
        ("0.00", "0"),
        ("-0.00", "0"),
        ("-2.50", "-2.5"),
        ("99.998000", "99.998"),
        ("0.000000100", "0.0000001"),
        ("12345678901234.123400", "12345678901234.1234"),
    ],
)
def test_plain_decimal_drops_trailing_zeros_and_never_writes_an_exponent(value, text):
    plain = plain_decimal(Decimal(value))
    assert f"{plain:f}" == text
    assert plain == Decimal(value)


def test_plain_decimal_of_nothing_is_nothing():
    assert plain_decimal(None) is None


@pytest.mark.django_db
def test_comparison_queries_neither_sort_nor_join_the_team(team):
    kpi = make_kpi(team, "sorted?")
    make_value(kpi, "2024-W33", 1)
    week = IsoWeek.parse("2024-W33")
    with CaptureQueriesContext(connection) as queries:
        assert compare_week([kpi], week)[kpi.pk].current == 1
        assert series([kpi], week)[kpi.pk][-1] == 1
        assert ranking.weekly_history([kpi], week)[kpi.pk][-1] == 1
    assert len(queries) == 3
    for query in queries.captured_queries:
        assert "ORDER BY" not in query["sql"]
        assert "reports_team" not in query["sql"]
