"""A KPI read as a plain row ranks exactly as the model instance does (reports/week_figures.py RankedKpi).

The overview ranks a department's KPIs from plain rows and loads the printed ones whole: if the two
disagreed on any figure a list sorts or filters on, a part built from plain rows would list other rows
than the page built from instances. Every rule the ranking reads is compared, for every direction,
kind and target, and values either side of the target.
"""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from common.weeks import IsoWeek
from reports import ranking
from reports.comparison import Change
from reports.models import KPI, KPIValue
from reports.ranking import Move
from reports.week_figures import RankedKpi, moves_of_teams
from tests.factories import make_kpi, make_team, make_value, make_week

W33 = IsoWeek(2024, 33)

figures = st.one_of(
    st.none(),
    st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False, allow_infinity=False),
)


def facts(move: Move) -> tuple:
    """Everything the overview's lists sort, filter and count a move on."""
    change = move.change
    return (
        move.is_rankable,
        move.crossing,
        move.rank_key,
        move.first_move,
        move.score,
        change.tone,
        change.target_met,
        change.absolute,
        change.relative,
        change.magnitude,
        ranking.attention_key(move) if change.current is not None else None,
        move.kpi.target_met(change.previous),
        move.kpi.is_running_total,
    )


@settings(max_examples=300, deadline=None)
@given(
    direction=st.sampled_from(KPI.Direction.values),
    kind=st.sampled_from(KPI.Kind.values),
    decimals=st.integers(0, 4),
    target=figures,
    current=figures,
    previous=figures,
    usual=st.one_of(st.none(), st.decimals(min_value=Decimal("0.01"), max_value=50, places=2)),
    changes_before=st.integers(0, 12),
)
def test_a_plain_row_ranks_as_the_model_does(
    direction, kind, decimals, target, current, previous, usual, changes_before
):
    fields = {"team_id": 7, "position": 3, "decimals": decimals, "direction": direction, "kind": kind}
    model = KPI(pk=41, target=target, **fields)
    plain = RankedKpi(pk=41, target=target, **fields)
    assert facts(Move(Change(plain, current, previous), changes_before, usual)) == facts(
        Move(Change(model, current, previous), changes_before, usual)
    )


def from_history(kpis: list[KPI], week: IsoWeek) -> dict[int, tuple]:
    """The facts of these KPIs' moves as model instances rank them from their history.

    A KPI without a row in the week has nothing to rank, and the overview reads nothing else of it.
    """
    with_a_row = set(
        KPIValue.objects.filter(kpi__in=kpis, week__starts_on=week.monday).values_list("kpi", flat=True)
    )
    moves = ranking.moves(kpis, ranking.weekly_history(kpis, week))
    return {
        pk: facts(move if pk in with_a_row else Move(Change(move.kpi, None, None), 0, None))
        for pk, move in moves.items()
    }


def as_plain_rows(queryset) -> list[RankedKpi]:
    return [RankedKpi._make(row) for row in queryset.values_list(*RankedKpi._fields)]


@pytest.mark.django_db
def test_the_plain_rows_come_in_the_kpis_order_and_rank_the_week_as_instances_do():
    team = make_team()
    kpis = [
        make_kpi(team, position=2, direction=KPI.Direction.LOWER_IS_BETTER, target=Decimal(5), decimals=1),
        make_kpi(team, position=1, kind=KPI.Kind.CUMULATIVE),
        make_kpi(team, position=0, direction=KPI.Direction.NEUTRAL),
    ]
    for offset in range(8):
        for index, kpi in enumerate(kpis):
            # Quantized to the field's places, as every writer of values does (forms, API, importer):
            # the ranking reads a value as SQLite stores it, not rounded to the field again.
            figure = (Decimal(offset * (index + 1)) / 3 + index).quantize(Decimal("0.000001"))
            make_value(kpi, W33.shifted(-offset), figure)
    queryset = KPI.objects.filter(team=team)

    plain, moves = moves_of_teams([team.pk], W33)

    assert [kpi.pk for kpi in plain] == [kpi.pk for kpi in queryset]
    assert {pk: facts(move) for pk, move in moves.items()} == from_history(list(queryset), W33)


@pytest.mark.django_db
def test_the_teams_week_read_in_one_statement_is_the_week_its_kpis_show_and_their_moves(
    django_assert_num_queries,
):
    """`moves_of_teams`: the KPIs a week shows (active, or inactive with a value in the week: a note only
    counts), in the queryset's order, and the moves their history gives them, from one statement once the
    figures are kept."""
    team, other, elsewhere = (
        make_team("Payments"),
        make_team("Risk", slug="risk"),
        make_team("Ops", slug="ops"),
    )
    active = make_kpi(team, "active", position=1, target=Decimal(5))
    quiet = make_kpi(other, "active, no value this week", position=0)
    retired = make_kpi(team, "retired, with a value this week", position=0, is_active=False)
    noted = make_kpi(other, "retired, with a note this week", position=1, is_active=False)
    make_kpi(team, "retired, silent", position=2, is_active=False)
    make_kpi(elsewhere, "another team's")
    for offset in range(4):
        make_value(active, W33.shifted(-offset), Decimal(offset) / 3)
        make_value(retired, W33.shifted(-offset), Decimal(2 * offset))
        make_value(quiet, W33.shifted(-offset - 1), Decimal(offset))
    KPIValue.objects.create(kpi=noted, week=make_week(W33), value=None, note="moved to the risk board")
    shown = KPI.objects.filter(team__in=[team, other]).exclude(is_active=False, values__isnull=True)
    expected = [kpi.pk for kpi in KPI.objects.filter(pk__in=[active.pk, quiet.pk, retired.pk, noted.pk])]

    kpis, moves = moves_of_teams([team.pk, other.pk], W33)
    assert [kpi.pk for kpi in kpis] == expected
    assert kpis == as_plain_rows(KPI.objects.filter(pk__in=expected))
    assert {pk: facts(move) for pk, move in moves.items()} == from_history(list(shown.distinct()), W33)
    with django_assert_num_queries(1):
        again = moves_of_teams([team.pk, other.pk], W33)
    assert again[0] == kpis and {pk: facts(move) for pk, move in again[1].items()} == {
        pk: facts(move) for pk, move in moves.items()
    }
