import datetime as dt

import pytest

from common.weeks import IsoWeek, weeks_in_year


def test_seed_week_runs_monday_to_sunday():
    week = IsoWeek.parse("2024-W33")
    assert week.monday == dt.date(2024, 8, 12)
    assert week.sunday == dt.date(2024, 8, 18)


def test_2020_w53_is_followed_by_2021_w01():
    assert IsoWeek.parse("2020-W53").next() == IsoWeek(2021, 1)
    assert IsoWeek(2021, 1).previous() == IsoWeek(2020, 53)


def test_2025_w01_starts_on_monday_2024_12_30():
    assert IsoWeek(2025, 1).monday == dt.date(2024, 12, 30)
    assert IsoWeek.from_date(dt.date(2024, 12, 30)) == IsoWeek(2025, 1)
    assert IsoWeek(2025, 1).previous() == IsoWeek(2024, 52)


def test_2026_has_53_weeks_and_2024_has_52():
    assert weeks_in_year(2026) == 53
    assert weeks_in_year(2024) == 52
    assert IsoWeek(2026, 53).next() == IsoWeek(2027, 1)


@pytest.mark.parametrize(
    "text", ["2024-W99", "2024-W00", "2024-W53", "abc", "2024-W3", "2024 W33", "", "0000-W01", "24-W33"]
)
def test_impossible_or_malformed_weeks_are_refused(text):
    with pytest.raises(ValueError):
        IsoWeek.parse(text)


@pytest.mark.parametrize(
    "text", ["2024-W33", "2024-w33", "2024W33", " 2024-W33 ", "２０２４－Ｗ３３", "２０２４-w33"]
)
def test_a_week_is_read_as_people_type_it(text):
    assert IsoWeek.parse(text) == IsoWeek(2024, 33)


def test_weeks_order_by_time_and_print_as_iso():
    assert IsoWeek(2020, 53) < IsoWeek(2021, 1)
    assert str(IsoWeek(2024, 3)) == "2024-W03"
    assert IsoWeek(2024, 33).shifted(-52) == IsoWeek(2023, 33)
