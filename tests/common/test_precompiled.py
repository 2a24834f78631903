"""A precompiled queryset reads what the queryset reads, and refuses one whose shape its values change."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import DecimalField, ExpressionWrapper, F, Q
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common.precompiled import LONGEST_PADDED, IdList, Precompiled, id_list_stand_ins
from common.weeks import IsoWeek
from reports.models import KPI, KPIValue
from tests.factories import make_kpi, make_team, make_value, make_week

pytestmark = pytest.mark.django_db

FIRST, SECOND = (-987654321, dt.date(1901, 1, 7)), (-123456789, dt.date(1902, 1, 6))


def _values(team_pk: int, monday: dt.date):
    return (
        KPIValue.objects.filter(kpi__team_id=team_pk, week__starts_on=monday)
        .select_related("kpi", "week")
        .order_by("kpi__name")
    )


def test_it_reads_what_the_queryset_reads_for_any_team_and_week(team, django_assert_num_queries):
    other = make_team("Risk", slug="risk")
    for owner in (team, other):
        for name in ("b", "a"):
            kpi = make_kpi(owner, f"{owner.slug}-{name}")
            make_value(kpi, "2024-W33", "1.5")
            make_value(kpi, "2024-W32", "2")
    precompiled = Precompiled(_values, FIRST, SECOND)
    for owner in (team, other):
        for week in ("2024-W33", "2024-W32", "2024-W30"):
            monday = IsoWeek.parse(week).monday
            expected = list(_values(owner.pk, monday))
            with django_assert_num_queries(1):
                rows = precompiled(owner.pk, monday)
            assert [(row.pk, row.value, row.kpi.name, row.week.starts_on) for row in rows] == [
                (row.pk, row.value, row.kpi.name, row.week.starts_on) for row in expected
            ]
    assert len(precompiled(team.pk, IsoWeek.parse("2024-W33").monday)) == 2
    values = Precompiled(
        lambda pk: KPI.objects.filter(team_id=pk).values_list("name", flat=True), (-1,), (-2,)
    )
    assert sorted(values(team.pk)) == ["payments-a", "payments-b"]


def test_a_value_that_lands_in_a_derived_parameter_is_refused(team):
    def derived(team_pk: int, monday: dt.date):
        return KPIValue.objects.filter(kpi__team_id=team_pk, week__starts_on=monday - dt.timedelta(days=7))

    with pytest.raises(RuntimeError, match="not one of its arguments"):
        Precompiled(derived, FIRST, SECOND)(team.pk, dt.date(2024, 8, 12))


def test_a_list_whose_length_changes_the_statement_is_refused(team):
    def listed(first: int, count: int):
        return KPI.objects.filter(pk__in=range(first, first + count))

    with pytest.raises(RuntimeError, match="one statement"):
        Precompiled(listed, (-10, 1), (-20, 2))(1, 1)


def test_stand_ins_must_differ_in_every_argument():
    with pytest.raises(ValueError, match="differ"):
        Precompiled(_values, FIRST, (FIRST[0], SECOND[1]))


# ---------------------------------------------------------------- lists of ids

IDS = id_list_stand_ins()


def _named(pks, name: str):
    return KPI.objects.filter(Q(pk__in=pks) | Q(name=name)).order_by("pk").values_list("pk", flat=True)


def test_a_list_of_ids_reads_what_the_queryset_reads_whatever_its_length(team, django_assert_num_queries):
    kpis = [make_kpi(team, f"k{index}") for index in range(9)]
    pks = [kpi.pk for kpi in kpis]
    compiles = []

    def counted(ids, name):
        compiles.append(len(ids))
        return _named(ids, name)

    precompiled = Precompiled(counted, (IDS[0], "\x00first"), (IDS[1], "\x00second"))
    for _pass in range(2):
        for count in range(len(pks) + 1):
            for chosen in (pks[:count], pks[-count:] if count else [], [*pks[:count], *pks[:count], None]):
                expected = list(_named(chosen, "k8"))
                with django_assert_num_queries(1):
                    assert precompiled(chosen, "k8") == expected
        if _pass == 0:
            built = len(compiles)
    # Up to nine ids, padded to a power of two: lists of 0, 1, 2, 4, 8 and 16 ids, each compiled with the
    # two sets of stand-ins once, and never again.
    assert sorted(set(compiles)) == [0, 1, 2, 4, 8, 16]
    assert len(compiles) == built


def test_an_empty_list_that_empties_the_statement_reads_nothing(team, django_assert_num_queries):
    make_kpi(team, "k")
    precompiled = Precompiled(lambda ids: KPI.objects.filter(pk__in=ids), IDS[:1], IDS[1:])
    with django_assert_num_queries(0):
        assert precompiled([]) == []
    assert [kpi.name for kpi in precompiled(KPI.objects.values_list("pk", flat=True))] == ["k"]


def test_id_list_stand_ins_are_checked():
    with pytest.raises(ValueError, match="both be id lists"):
        Precompiled(_named, (IDS[0], "a"), (-5, "b"))
    with pytest.raises(ValueError, match="apart"):
        Precompiled(_named, (IdList(-10), "a"), (IdList(-20), "b"))


def test_a_list_too_long_to_pad_runs_as_its_queryset(team, django_assert_num_queries):
    kpis = [make_kpi(team, f"k{index}") for index in range(3)]
    compiles = []

    def counted(ids, name):
        compiles.append(len(ids))
        return _named(ids, name)

    precompiled = Precompiled(counted, (IDS[0], "\x00first"), (IDS[1], "\x00second"))
    # Ids no row has, then the real ones: past LONGEST_PADDED, none is padded or compiled for keeps.
    long = [*range(10**9, 10**9 + LONGEST_PADDED), *(kpi.pk for kpi in kpis)]
    with django_assert_num_queries(1):
        assert precompiled(long, "none") == [kpi.pk for kpi in kpis]
    assert compiles[-1] == len(long)
    assert all(length <= 1 for length in compiles[:-1])


def _columns(team_pk: int, monday: dt.date):
    # Decimals (fields' and an expression's), a date through a join, a datetime, a boolean, text and None:
    # each converter the ORM has for them runs on the columns.
    return (
        KPIValue.objects.filter(kpi__team_id=team_pk, week__starts_on__lte=monday)
        .order_by("kpi__name", "week__starts_on")
        .annotate(as_stored=ExpressionWrapper(F("value"), output_field=DecimalField()))
        .values_list(
            "pk",
            "value",
            "previous_value",
            "week__starts_on",
            "updated_at",
            "is_generated",
            "note",
            "kpi__target",
            "as_stored",
        )
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    values=st.lists(
        st.one_of(
            st.none(),
            st.decimals(
                min_value=-(10**13), max_value=10**13, places=6, allow_nan=False, allow_infinity=False
            ),
        ),
        min_size=0,
        max_size=6,
    )
)
def test_a_values_list_reads_the_tuples_the_queryset_reads(team, values):
    """Its columns are converted one by one, not row by row: the same values, types and places."""
    KPIValue.objects.all().delete()
    KPI.objects.all().delete()
    kpi = make_kpi(team, "volume", target=Decimal("99.5"))
    for offset, value in enumerate(values):
        week = IsoWeek.parse("2024-W33").shifted(-offset)
        KPIValue.objects.create(
            kpi=kpi,
            week=make_week(week),
            value=value,
            note="" if value is not None else "n/a",
            is_generated=offset % 2 == 0,
        )
    precompiled = Precompiled(_columns, FIRST, SECOND)
    monday = IsoWeek.parse("2024-W33").monday
    expected = list(_columns(team.pk, monday))
    rows = precompiled(team.pk, monday)
    assert rows == expected
    assert [tuple(map(type, row)) for row in rows] == [tuple(map(type, row)) for row in expected]
    assert [(str(row[1]), str(row[-1])) for row in rows] == [(str(row[1]), str(row[-1])) for row in expected]


def test_sqlites_decimals_are_converted_inline(team):
    """Each decimal column (the fields' and the expression's) takes the inline path on SQLite: a Django
    whose converters changed would fall back to the generic one, correct and slower, and this says so."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's decimal converters only")
    precompiled = Precompiled(_columns, FIRST, SECOND)
    precompiled(team.pk, IsoWeek.parse("2024-W33").monday)
    (compiled,) = (
        statement for by_length in precompiled._compiled.values() for statement in by_length.values()
    )
    inline = {
        position for position, convert in compiled.columns if "_sqlite_decimals" in convert.__qualname__
    }
    assert inline == {1, 2, 7, 8}
