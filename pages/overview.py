"""The department overview, assembled from one part per team, each kept under its team's data version.

Everything on the overview but the list of teams is a sum of per-team facts: a team's card, each
team's candidates for the ranked lists with their sort keys and counts, its incident figures. So a
team's part is built from that team's rows alone and kept in the cache under the team's token and
the department's (ops/data_version.py): after a lead's save only that team's part is built again, and
the overview of thirty teams costs what one team's costs plus the merge.

A part holds figures and ids only, the same in every language; what a team prints in the reader's
language (its card and its rows' HTML) is kept beside it under the part's key, the language and the
people's token. The first view in a second language, or after a person's name changed, then writes
the cards from the few headline rows, without building any part again.

The merge takes the top rows of every list across the teams' candidates (a team's part keeps as many
candidates as any list shows, so the merged top rows are the department's top rows) and then loads
only those rows, whatever the number of KPIs, key results and weeks stored: what is shown, not what
exists. tests/pages/test_overview_parts.py compares the merged page with one built from every row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, partial
from heapq import nsmallest

from django.core.cache import caches
from django.db import transaction
from django.db.models import Q
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from common.precompiled import (
    STAND_IN_EARLIER_MONDAYS,
    STAND_IN_MONDAYS,
    Precompiled,
    id_list_stand_ins,
)
from common.rendered_rows import RenderedRows
from common.weeks import IsoWeek
from incidents.models import Incident
from incidents.summary import IncidentSummary, LightRecord, WeekFigures
from incidents.table_html import incident_row_list
from okrs.kept_look_back import okr_rows_of_teams
from okrs.ranked_items import make_whole
from okrs.rules import (
    ItemsOfTeams,
    OkrGroup,
    OkrGroups,
    OkrRow,
    active_key_results,
    okr_groups,
    okr_rows,
    read_updates,
)
from ops import data_version
from pages.dashboards import SPARK_WEEKS, KpiRow, kpi_row
from pages.mover_rows_html import mover_row_list
from pages.team_card_html import team_cards
from reports import okr_table_html, ranking, week_figures
from reports.comparison import Change, Tone
from reports.models import KPI, Team, WeeklyReport
from reports.ranking import Move

logger = logging.getLogger(__name__)

CACHE_ALIAS = "fragments"
HEADLINE_PER_TEAM = 4
MOVERS = 5
# The overview's lists show their most important rows only; the count links to the full list page.
# Uncapped, a 30-team department rendered ~1,200 rows here (bench/RESULTS.md, overview at scale 100).
OVERVIEW_LIST_LIMIT = 15
OKR_GROUPS = ("advanced", "went_back", "started", "stalled", "overdue")


# ---------------------------------------------------------------- sort keys shared by the parts


def _board_places(team: Team, rows: list[OkrRow]) -> dict[int, tuple]:
    """Each item's place on the department's board (KeyResultQuerySet.in_board_order) as a value rows of
    different teams sort by: its team's place, then its own among the team's items, which `rows` are in.

    A part is one team's, built at once from its items in board order, so an item's place among them
    stands for its objective's period, position and code and its own position: three values a candidate
    to build and keep, not seven read through three objects.
    """
    return {row.key_result.pk: (team.position, team.name, place) for place, row in enumerate(rows)}


# okr_groups sorts rows in board order by a stable sort on one figure: the figure, then the board.
OKR_KEYS = {
    "advanced": lambda row, board: (-row.delta, board),
    "went_back": lambda row, board: (row.delta, board),
    "started": lambda row, board: (-row.percent, board),
    "stalled": lambda row, board: (board,),
    "overdue": lambda row, board: (row.key_result.eta, board),
}


# ---------------------------------------------------------------- the page's statements

# Compiled once per connection and, for a list of ids, once per its padded length
# (common/precompiled.py): building and compiling the statements of the overview built from nothing
# was ~13 ms of Python at scale 100 on SQLite, more than the database took to answer them
# (bench/FINDINGS.md §24). Stand-ins: Mondays and ids no real row has.
_MONDAYS, _PREVIOUS_MONDAYS = STAND_IN_MONDAYS, STAND_IN_EARLIER_MONDAYS
_IDS = id_list_stand_ins()

_ACTIVE_TEAMS = Precompiled(
    lambda: data_version.with_team_tokens(Team.objects.filter(is_active=True)), (), ()
)


def _reports(monday: dt.date, team_ids: list[int]):
    # The status is all the overview reads of a report (the cards and the missing list).
    return WeeklyReport.objects.filter(week__starts_on=monday, team__in=team_ids).only(
        "team", "week", "status"
    )


def _records(team_ids: list[int], monday: dt.date, previous: dt.date):
    """Both weeks' records, as plain rows, of these teams and of every archived team."""
    return (
        Incident.objects.filter(week__starts_on__in=[monday, previous])
        .filter(Q(team__in=team_ids) | Q(team__is_active=False))
        .order_by()
        .values_list(*LightRecord.FIELDS)
    )


_REPORTS = Precompiled(_reports, (_MONDAYS[0], _IDS[0]), (_MONDAYS[1], _IDS[1]))
_RECORDS = Precompiled(
    _records, (_IDS[0], _MONDAYS[0], _PREVIOUS_MONDAYS[0]), (_IDS[1], _MONDAYS[1], _PREVIOUS_MONDAYS[1])
)
_SHOWN_KPIS = Precompiled(lambda pks: KPI.objects.filter(pk__in=pks), _IDS[:1], _IDS[1:])
_SHOWN_INCIDENTS = Precompiled(
    lambda pks: Incident.objects.filter(pk__in=pks).select_related("team", "week"), _IDS[:1], _IDS[1:]
)


# ---------------------------------------------------------------- one team's part


@dataclass
class TeamPart:
    """What the overview needs of one team's week, in every language: its candidates for every list.

    Candidates are (sort key, id) pairs; their rows are kept one cache entry each beside the team's
    card (`_shown_key`, `_row_key`), so the page reads back only the few rows it shows, never every
    team's candidates.
    """

    headline: list[int]
    better: int
    worse: int
    improved: list[tuple[tuple, int]]
    improved_total: int
    attention: list[tuple[tuple, int]]
    attention_total: int
    okrs: dict[str, list[tuple[tuple, int]]]
    okr_totals: dict[str, int]
    has_values: bool
    has_okr_updates: bool
    incidents: WeekFigures
    # The team's most severe records of the week, the candidates for the overview's incident list.
    listed_incidents: list[tuple[tuple, int]]


# The kinds of rows a part's candidates stand for; an attention row puts a missed target first.
IMPROVED, ATTENTION, OKR, INCIDENT = "improved", "attention", "okr", "incident"


def _row_key(kind: str, pk: int) -> str:
    return f"{kind}:{pk}"


@dataclass
class TeamOverview:
    """A team's card on the page: its counts and headline, not its part's candidates for the lists.

    The page's context holds it, and Django's test client keeps every context it renders, as the bench's
    requests do: holding each part's ~130 candidate keys there made the collector free them, a few
    milliseconds a view (bench/FINDINGS.md §25).
    """

    team: Team
    report: WeeklyReport | None
    week: IsoWeek
    # The part's headline KPIs (`TeamPart.headline`) and its counts of better and worse moves.
    headline_ids: list[int]
    better: int
    worse: int
    # The headline rows, when the card is being written from them; otherwise loaded when read.
    rows: list[KpiRow] | None = field(default=None, repr=False)
    # Written by pages/team_card_html.py, which escaped every value; "" while the card is being written.
    card_html: str = field(default="", repr=False)

    @classmethod
    def of(cls, team: Team, report: WeeklyReport | None, part: TeamPart, week: IsoWeek, **fields):
        return cls(team, report, week, part.headline, part.better, part.worse, **fields)

    @property
    def is_missing(self) -> bool:
        # Team.objects.missing_report's rule, on the report already loaded.
        return self.report is None or not self.report.is_done

    @property
    def card(self) -> SafeString:
        return mark_safe(self.card_html)  # noqa: S308

    @cached_property
    def headline(self) -> list[KpiRow]:
        """The card's rows. The page prints the kept card; other readers (tests) get rows, loaded."""
        if self.rows is not None:
            return self.rows
        return _headline_of(self.headline_ids, _load_kpi_rows({IMPROVED: self.headline_ids}, self.week))


@dataclass
class _Built:
    """The parts built in this request, the OKR rows their candidates stand for, and the KPIs' moves.

    A KPI candidate's row is loaded when shown, as a kept part's is: it prints the KPI's sparkline and
    its reasons in the reader's language, which the ranking did not read; its usual move it takes from
    `ranked` (`_kpi_rows`). An OKR candidate's row keeps what its look-back worked out: only its key
    result and its updates' notes are read when shown.
    """

    week: IsoWeek
    parts: dict[int, TeamPart] = field(default_factory=dict)
    okr_candidates: dict[str, OkrRow] = field(default_factory=dict)
    # The built teams' KPIs' moves of the week, by KPI, as the ranking made them.
    ranked: dict[int, Move] = field(default_factory=dict)

    def has(self, key: str) -> bool:
        return key in self.okr_candidates

    def rows(self, keys: Iterable[str]) -> dict[str, OkrRow]:
        """The rows of these candidates' keys, made whole: their key results in one query, their
        updates' notes in one more (the candidates were read without them)."""
        rows = {key: self.okr_candidates[key] for key in keys}
        gone = make_whole(rows.values())
        # An item deleted since it was ranked in this request is not printed (its count still is).
        rows = {key: row for key, row in rows.items() if row.key_result.pk not in gone}
        read_updates(rows.values())
        return rows


def _kpi_rows(
    wanted: dict[str, tuple[KPI, bool]], week: IsoWeek, ranked: dict[int, Move] | None = None
) -> dict[str, KpiRow]:
    """Rows of these KPIs (row key → KPI, target first), written from their history: one query for all.

    When every one was ranked in this request (`ranked`), its usual move and the count behind it come
    from the ranking, and only the weeks the sparkline draws are read; else the fourteen weeks the
    usual move is worked out from (`ranking.HISTORY_WEEKS`).
    """
    if not wanted:
        return {}
    kpis = list({kpi.pk: kpi for kpi, _target_first in wanted.values()}.values())
    # A KPI without a value this week was ranked with no figures: then every row works them out.
    if ranked and all(kpi.pk in ranked and ranked[kpi.pk].change.current is not None for kpi in kpis):
        history = ranking.weekly_history(kpis, week, SPARK_WEEKS)
        moves = {kpi.pk: _printed_move(kpi, history[kpi.pk], ranked[kpi.pk]) for kpi in kpis}
    else:
        history = ranking.weekly_history(kpis, week)
        moves = ranking.moves(kpis, history)
    texts = ranking.reason_texts()
    return {
        key: kpi_row(moves[kpi.pk], history, target_first=target_first, texts=texts)
        for key, (kpi, target_first) in wanted.items()
    }


def _printed_move(kpi: KPI, values: list, ranked: Move) -> Move:
    """`ranking.moves`' move of the KPI from its last weeks' values and the figures it was ranked with.

    The ranking read the KPI as a plain row and this week's values as stored; the row prints the KPI
    whole and its values as the field holds them, with the same usual move and count.
    """
    current, previous = values[-1], values[-2]
    increment = None
    if kpi.is_running_total and None not in values[-3:-1]:
        increment = values[-2] - values[-3]
    return Move(Change(kpi, current, previous), ranked.changes_before, ranked.usual, increment)


def _okr_rows_of(teams: dict[int, Team], week: IsoWeek) -> list[OkrRow]:
    """okr_rows of these teams' active items, ranked from plain rows (okrs/ranked_items.py).

    The rows shown get their key results whole in `_Built.rows`.
    """
    return okr_rows_of_teams(ItemsOfTeams(list(teams)), teams, week)


def _build_parts(teams: list[Team], records: dict[int, list[LightRecord]], week: IsoWeek) -> _Built:
    """The parts of these teams, in a fixed number of queries however many teams there are.

    Their cards are written by `_cards_of` from the headline rows, loaded with the rows the page shows.
    """
    # The ranking reads each KPI's plain row and each value's kept figures, not the KPIs' history.
    by_pk = {team.pk: team for team in teams}
    kpis, moves = week_figures.moves_of_teams(list(by_pk), week)
    moves_by_team: dict[int, list[Move]] = defaultdict(list)
    for kpi in kpis:
        moves_by_team[kpi.team_id].append(moves[kpi.pk])
    okrs_by_team: dict[int, list[OkrRow]] = defaultdict(list)
    for row in _okr_rows_of(by_pk, week):
        okrs_by_team[row.key_result.objective.team_id].append(row)

    built = _Built(week, ranked=moves)
    for team in teams:
        team_moves, team_okrs = moves_by_team[team.pk], okrs_by_team[team.pk]
        improved_all = ranking.improved_most(team_moves)
        improved = improved_all[:MOVERS]
        attention = ranking.worse_or_off_target(team_moves)
        groups = okr_groups(team_okrs)
        board = _board_places(team, team_okrs)
        part = TeamPart(
            headline=[move.kpi.pk for move in ranking.headline(team_moves, HEADLINE_PER_TEAM)],
            # Moves that show at the KPI's places, as the lists count them and the card's links list them.
            better=sum(1 for move in team_moves if move.is_rankable and move.change.tone == Tone.BETTER),
            worse=sum(1 for move in team_moves if move.is_rankable and move.change.tone == Tone.WORSE),
            improved=[(move.rank_key, move.kpi.pk) for move in improved],
            improved_total=len(improved_all),
            attention=[
                (ranking.attention_key(move), move.kpi.pk) for move in attention[:OVERVIEW_LIST_LIMIT]
            ],
            attention_total=len(attention),
            okrs={
                group.key: [
                    (OKR_KEYS[group.key](row, board[row.key_result.pk]), row.key_result.pk)
                    for row in group.rows[:OVERVIEW_LIST_LIMIT]
                ]
                for group in groups
            },
            okr_totals={group.key: group.total for group in groups},
            has_values=any(move.change.current is not None for move in team_moves),
            has_okr_updates=any(row.has_update for row in team_okrs),
            incidents=WeekFigures.of(records[team.pk], week),
            listed_incidents=_most_severe(records[team.pk], week),
        )
        listed = {pk for candidates in part.okrs.values() for _key, pk in candidates}
        for row in team_okrs:
            if row.key_result.pk in listed:
                built.okr_candidates[_row_key(OKR, row.key_result.pk)] = row
        built.parts[team.pk] = part
    return built


def _part_key(team: Team, week: IsoWeek) -> str:
    """Everything a part is built from: the team's rows and the department's, and the week.

    Hashed short: the cache checks every character of every key it is given, and a page reads ~90.
    """
    identity = f"figures:{week}:{team.department_token}:{team.pk}:{team.data_token}"
    return "overview:" + hashlib.blake2b(identity.encode(), digest_size=12).hexdigest()


def _shown_key(team: Team, part_key: str) -> str:
    """The key of what a part prints: its card, and beside it its rows, in the reader's language.

    Printed rows name people (an item's owner), whom no part's figures depend on: a write to a person
    renews the people's token, and the teams' cards and rows are written again from their kept parts.
    """
    identity = f"{part_key}:{get_language()}:{team.people_token}"
    return "overview:" + hashlib.blake2b(identity.encode(), digest_size=12).hexdigest()


def _cards_of(
    teams: list[Team],
    parts: dict[int, TeamPart],
    reports: dict[int, WeeklyReport],
    week: IsoWeek,
    loaded: dict[str, KpiRow | OkrRow],
) -> dict[int, str]:
    """The cards of teams without a kept card: parts built in this request, and parts kept but not their
    card (another language's first view, a person's new name).

    Their headline rows, four a team, come in `loaded`, read with the rows the lists show in one load.
    """
    items = [
        TeamOverview.of(
            team,
            reports.get(team.pk),
            parts[team.pk],
            week,
            rows=_headline_of(parts[team.pk].headline, loaded),
        )
        for team in teams
    ]
    return dict(zip((team.pk for team in teams), team_cards(items, week), strict=True))


def _headline_of(kpi_ids: list[int], loaded: dict[str, KpiRow | OkrRow]) -> list[KpiRow]:
    """A part's headline rows from rows loaded; a KPI deleted since the part was built is left out."""
    keys = (_row_key(IMPROVED, pk) for pk in kpi_ids)
    return [loaded[key] for key in keys if key in loaded]


# ---------------------------------------------------------------- loading the rows shown


_KPI_TEAM = KPI._meta.get_field("team")


def _load_kpi_rows(
    ids_by_kind: dict[str, Iterable[int]],
    week: IsoWeek,
    teams: dict[int, Team] | None = None,
    ranked: dict[int, Move] | None = None,
) -> dict[str, KpiRow]:
    """The rows of these KPIs, of the kind asked for each, built afresh: for rows no longer (or never) kept.

    One load of the KPIs and their history for every kind: a card's headline row and a list's row of
    the same KPI are read once. The KPIs' teams come from `teams` when the caller read them already
    (joined, the page's ~140 KPIs built a team each: 0.8 of 2.4 ms on SQLite, bench/FINDINGS.md §23).
    """
    ids_by_kind = {kind: set(ids) for kind, ids in ids_by_kind.items()}
    wanted = set().union(*ids_by_kind.values())
    if teams is None:
        kpis = list(KPI.objects.filter(pk__in=wanted).select_related("team"))
    else:
        kpis = _SHOWN_KPIS(wanted)
        # A KPI moved to a team not read since its part was kept: the few such teams in one query.
        unread = {kpi.team_id for kpi in kpis} - teams.keys()
        if unread:
            teams = {**teams, **Team.objects.in_bulk(unread)}
        for kpi in kpis:
            _KPI_TEAM.set_cached_value(kpi, teams[kpi.team_id])
    return _kpi_rows(
        {
            _row_key(kind, kpi.pk): (kpi, kind == ATTENTION)
            for kpi in kpis
            for kind, ids in ids_by_kind.items()
            if kpi.pk in ids
        },
        week,
        ranked,
    )


def _load_rows(
    row_keys: Iterable[str],
    week: IsoWeek,
    teams: dict[int, Team] | None = None,
    ranked: dict[int, Move] | None = None,
) -> dict[str, KpiRow | OkrRow]:
    """The rows of these keys, built afresh from the database (`teams`: those already read, by id;
    `ranked`: the moves of KPIs ranked in this request, `_Built.ranked`)."""
    row_keys = list(row_keys)
    rows: dict[str, KpiRow | OkrRow] = {}
    ids = defaultdict(list)
    for key in row_keys:
        kind, _colon, pk = key.partition(":")
        ids[kind].append(int(pk))
    if ids[IMPROVED] or ids[ATTENTION]:
        by_kind = {IMPROVED: ids[IMPROVED], ATTENTION: ids[ATTENTION]}
        rows.update(_load_kpi_rows(by_kind, week, teams, ranked))
    if ids[OKR]:
        loaded = okr_rows(active_key_results(pk__in=ids[OKR]), week)
        rows.update({_row_key(OKR, row.key_result.pk): row for row in loaded})
    if ids[INCIDENT]:
        incidents = _SHOWN_INCIDENTS(ids[INCIDENT])
        rows.update({_row_key(INCIDENT, incident.pk): incident for incident in incidents})
    return rows


def _write_rows(rows: dict[str, KpiRow | OkrRow | Incident], week: IsoWeek) -> dict[str, str]:
    """Each row's HTML, by row key: one writer call per kind, which reverses and translates once.

    The overview's OKR and incident tables name each row's team, so a row prints the same alone or
    in any list.
    """
    by_kind = defaultdict(list)
    for key in rows:
        by_kind[key.partition(":")[0]].append(key)
    writers = {
        IMPROVED: lambda listed: mover_row_list(listed, week),
        ATTENTION: lambda listed: mover_row_list(listed, week),
        OKR: lambda listed: okr_table_html.okr_row_list(listed, True, week),
        INCIDENT: lambda listed: incident_row_list(listed, True),
    }
    written = {}
    for kind, keys in by_kind.items():
        written.update(zip(keys, writers[kind]([rows[key] for key in keys]), strict=True))
    return written


def _kept_rows(
    wanted: dict[str, int], keys: dict[int, str], built: _Built | None
) -> tuple[dict[str, str], list[str]]:
    """The HTML of the shown rows (row key → owning team) kept by earlier views, and the keys to write.

    A row is kept under its team's shown key (`keys`, `_shown_key`), so it is written again only after
    a write to its team or to a person, in another language, or when the page shows a row no earlier
    view showed. A team built in this request has a new part key, under which no row can be kept yet:
    its rows are not looked for.
    """
    rebuilt = built.parts if built else {}
    kept_keys = {
        f"{keys[team]}|{key}": key
        for key, team in wanted.items()
        if team in keys and team not in rebuilt and not (built and built.has(key))
    }
    kept = caches[CACHE_ALIAS].get_many(list(kept_keys)) if kept_keys else {}
    html = {kept_keys[cache_key]: row for cache_key, row in kept.items()}
    return html, [key for key in wanted if key not in html]


def _row_objects(wanted: Iterable[str], built: _Built | None, week: IsoWeek):
    """A loader of the shown rows as objects, for readers other than the page (the digest, tests).

    It keeps of the parts built in this request only the OKR rows shown, not the ranking's ~500
    candidates: the page's context holds it, and Django's test client keeps every context it renders,
    as the bench's requests do (bench/FINDINGS.md §25).
    """
    wanted = list(wanted)
    shown_okrs = (
        _Built(
            built.week, okr_candidates={key: built.okr_candidates[key] for key in wanted if built.has(key)}
        )
        if built
        else None
    )
    loaded: dict[str, KpiRow | OkrRow] = {}

    def row(key: str) -> KpiRow | OkrRow:
        if not loaded:
            from_this_request = (
                shown_okrs.rows([key for key in wanted if shown_okrs.has(key)]) if shown_okrs else {}
            )
            loaded.update(from_this_request)
            loaded.update(_load_rows([key for key in wanted if key not in from_this_request], week))
        return loaded[key]

    return row


# ---------------------------------------------------------------- incidents

GRADE_ORDER = {"A": 0, "B": 1, "C": 2, "D": 3}


def _severity(record: LightRecord) -> tuple:
    """Graded before ungraded, A first; incidents before risk warnings and changes; then in time."""
    is_incident = record.kind == Incident.Kind.INCIDENT
    return (GRADE_ORDER.get(record.grade, len(GRADE_ORDER)), not is_incident, record.started_at, record.pk)


def _most_severe(records: list[LightRecord], week: IsoWeek) -> list[tuple[tuple, int]]:
    this_week = [record for record in records if record.week_monday == week.monday]
    return [
        (_severity(record), record.pk) for record in nsmallest(OVERVIEW_LIST_LIMIT, this_week, key=_severity)
    ]


def _incident_records(week: IsoWeek, teams: list[Team]) -> dict[int, list[LightRecord]]:
    """Both weeks' records, as plain rows, of these teams and of every archived team, by team.

    An archived team keeps its records on the overview of their week, though it has no part.
    """
    rows = [
        LightRecord(*row)
        for row in _RECORDS([team.pk for team in teams], week.monday, week.previous().monday)
    ]
    by_team: dict[int, list[LightRecord]] = defaultdict(list)
    for row in rows:
        by_team[row.team_id].append(row)
    return by_team


def _listed_incidents(ids: list[int], parts: list[TeamPart], archived: list[LightRecord], week: IsoWeek):
    """The (id, team) of the most severe records of every team taken together, in time order.

    An archived team's records have no team part to be kept under: their team is None.
    """
    candidates = [
        (key, pk, team) for team, part in zip(ids, parts, strict=True) for key, pk in part.listed_incidents
    ]
    candidates += [(key, pk, None) for key, pk in _most_severe(archived, week)]
    listed = nsmallest(OVERVIEW_LIST_LIMIT, candidates, key=lambda candidate: candidate[0])
    # A severity key ends with the record's start and id: the order the list is printed in.
    return [(pk, team) for key, pk, team in sorted(listed, key=lambda candidate: candidate[0][-2:])]


# ---------------------------------------------------------------- the department's week


@dataclass
class DepartmentWeek:
    week: IsoWeek
    teams: list[TeamOverview]
    # Ranked by reports/ranking.py: target crossings first, then by how unusual the move is.
    improved: RenderedRows
    attention: RenderedRows
    incidents: IncidentSummary
    okr_groups: OkrGroups
    has_data: bool
    improved_total: int = 0
    attention_total: int = 0

    @property
    def missing_teams(self) -> list[TeamOverview]:
        return [overview for overview in self.teams if overview.is_missing]


def _reports_of(teams: list[Team], week: IsoWeek) -> dict[int, WeeklyReport]:
    reports = _REPORTS(week.monday, [team.pk for team in teams])
    return {report.team_id: report for report in reports}


def _top(candidates: list[tuple[tuple, int, int]], limit: int) -> list[tuple[int, int]]:
    """The (id, team) of the `limit` first candidates of every team taken together."""
    return [(pk, team) for _key, pk, team in nsmallest(limit, candidates)]


def department_week(week: IsoWeek) -> DepartmentWeek:
    """Everything the department overview shows, in a fixed number of queries whatever the history.

    The count is pinned in tests/pages/test_dashboards.py (OVERVIEW_QUERIES).
    """
    teams = _ACTIVE_TEAMS()
    reports = _reports_of(teams, week)
    cache = caches[CACHE_ALIAS]
    # Nothing is kept without the department's token (a flushed database has none until its first write).
    keys = {team.pk: _part_key(team, week) for team in teams if team.department_token is not None}
    shown_keys = {team.pk: _shown_key(team, keys[team.pk]) for team in teams if team.pk in keys}
    kept = cache.get_many([*keys.values(), *shown_keys.values()]) if keys else {}
    parts = {team.pk: kept[keys[team.pk]] for team in teams if keys.get(team.pk) in kept}
    cards = {pk: kept[shown_keys[pk]] for pk in parts if shown_keys[pk] in kept}
    built = None
    missing = [team for team in teams if team.pk not in parts]
    records = _incident_records(week, missing)
    if missing:
        built = _build_parts(missing, records, week)
        parts.update(built.parts)
    ids = [team.pk for team in teams]
    in_order = [parts[pk] for pk in ids]

    def candidates(pick) -> list[tuple[tuple, int, int]]:
        return [(key, pk, team) for team, part in zip(ids, in_order, strict=True) for key, pk in pick(part)]

    improved = _top(candidates(lambda part: part.improved), MOVERS)
    attention = _top(candidates(lambda part: part.attention), OVERVIEW_LIST_LIMIT)
    okrs = {
        group: _top(candidates(lambda part, group=group: part.okrs[group]), OVERVIEW_LIST_LIMIT)
        for group in OKR_GROUPS
    }
    wanted = {_row_key(IMPROVED, pk): team for pk, team in improved}
    wanted.update({_row_key(ATTENTION, pk): team for pk, team in attention})
    wanted.update({_row_key(OKR, pk): team for chosen in okrs.values() for pk, team in chosen})
    active = set(ids)
    archived = [record for team, listed in records.items() if team not in active for record in listed]
    listed_incidents = _listed_incidents(ids, in_order, archived, week)
    wanted.update({_row_key(INCIDENT, pk): team for pk, team in listed_incidents})
    html, to_write = _kept_rows(wanted, shown_keys, built)
    # The rows not kept (but for OKR rows built in this request), and the headline rows of the cards to
    # write (a part's built in this request, or a kept part's in another language), are read in one load.
    unwritten = [team for team in teams if team.pk not in cards]
    to_load = [key for key in to_write if not (built and built.has(key))]
    to_load += [_row_key(IMPROVED, pk) for team in unwritten for pk in parts[team.pk].headline]
    by_pk = {team.pk: team for team in teams}
    loaded = _load_rows(to_load, week, by_pk, built.ranked if built else None) if to_load else {}
    new_cards = _cards_of(unwritten, parts, reports, week, loaded)
    cards.update(new_cards)
    from_this_request = built.rows([key for key in to_write if built.has(key)]) if built else {}
    # A row deleted since its part was built (or its item ranked) is neither loaded nor printed.
    available = {**loaded, **from_this_request}
    written = _write_rows({key: available[key] for key in to_write if key in available}, week)
    html.update(written)
    rows_to_keep = {
        f"{shown_keys[wanted[key]]}|{key}": text for key, text in written.items() if wanted[key] in shown_keys
    }
    # Parts, cards and rows written, kept in one write: the fragment store's is a database round trip.
    to_keep = {keys[pk]: part for pk, part in built.parts.items() if pk in keys} if built else {}
    to_keep.update({shown_keys[pk]: card for pk, card in new_cards.items() if pk in shown_keys})
    to_keep.update(rows_to_keep)
    if to_keep:
        cache.set_many(to_keep)
    row_object = _row_objects(wanted, built, week)

    def shown(keys_in_order: list[str]) -> RenderedRows:
        printed = [key for key in keys_in_order if key in html]
        return RenderedRows([html[key] for key in printed], lambda: [row_object(key) for key in printed])

    groups = OkrGroups(
        *(
            OkrGroup(
                group,
                shown([_row_key(OKR, pk) for pk, _team in okrs[group]]),
                sum(part.okr_totals[group] for part in in_order),
            )
            for group in OKR_GROUPS
        )
    )
    figures = sum((part.incidents for part in in_order), WeekFigures.of(archived, week))
    listed = shown([_row_key(INCIDENT, pk) for pk, _team in listed_incidents])
    incidents = figures.summary(listed, all_listed=len(listed) == figures.records)
    return DepartmentWeek(
        week=week,
        teams=[
            TeamOverview.of(team, reports.get(team.pk), parts[team.pk], week, card_html=cards[team.pk])
            for team in teams
        ],
        improved=shown([_row_key(IMPROVED, pk) for pk, _team in improved]),
        attention=shown([_row_key(ATTENTION, pk) for pk, _team in attention]),
        incidents=incidents,
        okr_groups=groups,
        has_data=bool(
            reports
            or incidents.incidents
            or any(part.has_values for part in in_order)
            or any(part.has_okr_updates for part in in_order)
        ),
        improved_total=sum(part.improved_total for part in in_order),
        attention_total=sum(part.attention_total for part in in_order),
    )


# ---------------------------------------------------------------- a team's part, kept by its write


def keep_part_after_write(team_id: int, week: IsoWeek) -> None:
    """After the write being committed, build and keep this team's part of this week, and its card.

    A view builds the parts it finds missing, and on a Monday that was every team's: each had saved
    its week since anyone last looked, and the manager's first view built thirty parts (~300 ms at
    scale 100, bench/FINDINGS.md §18). The write pays one team's part instead (~8 ms), so that view
    finds the parts kept and, in the writer's language, the cards. Later weeks, whose look-back the
    write also changed, are built when viewed. A failure here is logged, never the writer's error:
    their data is committed, and the overview builds a missing part itself.
    """
    transaction.on_commit(partial(_keep_part, team_id, week))


def keep_part_after_incident(sender, team_id: int, week: IsoWeek, **kwargs) -> None:
    """`incidents.signals.incident_recorded`: an incident recorded on its page keeps its team's part."""
    keep_part_after_write(team_id, week)


def _keep_part(team_id: int, week: IsoWeek) -> None:
    try:
        team = data_version.with_team_tokens(Team.objects.filter(pk=team_id, is_active=True)).first()
        if team is None or team.department_token is None:
            return
        built = _build_parts([team], _incident_records(week, [team]), week)
        part = built.parts[team.pk]
        headline = _load_kpi_rows({IMPROVED: part.headline}, week, {team.pk: team}, built.ranked)
        cards = _cards_of([team], built.parts, _reports_of([team], week), week, headline)
        key = _part_key(team, week)
        caches[CACHE_ALIAS].set_many({key: part, _shown_key(team, key): cards[team.pk]})
    except Exception:
        logger.exception("The overview part of team %s for %s was not kept after its write", team_id, week)
