"""Which KPI moves matter this week: ranked by how unusual each move is for its own KPI.

A change of 0.5 → 0 incidents or +47 on a running total is large in percent and means little; a
throughput drop three times the size of its usual weekly wobble means a lot. So a move is measured
against the KPI's own history:

- the *usual move* is the median of the absolute week-to-week changes over the USUAL_WEEKS weeks
  before this one (median, so one wild week does not make every later move look ordinary); when the
  KPI mostly stands still (median 0), the median of the weeks it did move stands in;
- the *score* is this week's absolute change over the usual move ("2.7× its usual move");
- a target crossing (met last week, missed now, or the reverse) ranks before every score;
- with fewer than MIN_HISTORY earlier changes the score would be noise, so such a KPI falls back to
  the plain comparison (relative change) after the scored ones, and its row says so;
- cumulative and month-to-date KPIs rise by construction: they are never ranked as moved.

Every row carries the reasons it is listed, which the pages print. The history of every KPI on a
page comes from one query (`weekly_history`), whatever the number of KPIs or weeks stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from statistics import median
from typing import NamedTuple

from django.utils.translation import gettext as _

from common.formatting import plain_decimal, quantize
from common.weeks import IsoWeek
from reports.comparison import Change, Tone, format_value, series
from reports.models import KPI

USUAL_WEEKS = 12
MIN_HISTORY = 4
# This week, last week, and the USUAL_WEEKS changes before last week's need USUAL_WEEKS + 2 values.
HISTORY_WEEKS = USUAL_WEEKS + 2
SCORE_PLACES = 1
_INFINITY, _ZERO = Decimal("Infinity"), Decimal(0)


def weekly_history(kpis: Iterable[KPI], last: IsoWeek, weeks: int = HISTORY_WEEKS) -> dict[int, list]:
    """Each KPI's values over the `weeks` weeks ending with `last`, oldest first, None for gaps; one query."""
    return series(kpis, last, weeks)


def earlier_changes(values: list[Decimal | None]) -> list[Decimal]:
    """The week-to-week changes before this week's, newest last; a gap breaks the pair around it."""
    before = values[:-1]
    return [
        later - earlier
        for earlier, later in zip(before, before[1:], strict=False)
        if earlier is not None and later is not None
    ][-USUAL_WEEKS:]


def usual_move(changes: list[Decimal]) -> Decimal | None:
    """The median absolute change; None if the KPI never moved.

    A KPI that mostly stands still (an incident count: 0, 0, 0.5, 0 …) has a median of 0, and any
    mean of such a series makes its ordinary step look like a tenfold surprise. Its usual move is the
    median of the weeks it did move: 0.5 → 0 is then "1× its usual move", as a reader sees it.
    """
    sizes = [abs(change) for change in changes]
    middle = Decimal(median(sizes)) if sizes else Decimal(0)
    if middle:
        return middle
    moved = [size for size in sizes if size]
    return Decimal(median(moved)) if moved else None


class Crossing:
    NONE = ""
    MISSED = "missed"  # met last week, missed now
    MET = "met"  # missed last week, met now


class Move:
    """One KPI's week: its change, how that compares with its usual move, and why it is listed.

    Its figures are worked out when it is made, as its change's are (reports/comparison.py `Change`): a
    department's week sorts ~1,200 moves into four lists, which read them again and again. Read-only by
    convention; two moves are equal when their change, history figures and increment are.
    """

    __slots__ = (
        "change",
        "changes_before",
        "usual",
        "previous_increment",
        "kpi",
        "is_rankable",
        "has_history",
        "score",
        "first_move",
        "crossing",
        "rank_key",
    )

    def __init__(
        self,
        change: Change,
        changes_before: int,
        usual: Decimal | None,
        previous_increment: Decimal | None = None,
    ):
        self.change, self.changes_before, self.usual = change, changes_before, usual
        self.previous_increment = previous_increment
        kpi, absolute, now = change.kpi, change.absolute, change.target_met
        self.kpi = kpi
        # A level KPI that changed: running totals and unchanged, new or missing values are not moves.
        self.is_rankable = not kpi.is_running_total and bool(absolute)
        self.has_history = has_history = changes_before >= MIN_HISTORY
        # This week's change over the usual move; None without enough history or when it never moved.
        score = None
        if has_history and absolute is not None and usual is not None:
            score = abs(change.current - change.previous) / usual
        self.score = score
        # Enough history, all of it flat, and now a move: as unusual as a move gets.
        self.first_move = first_move = has_history and usual is None and bool(absolute)
        before = kpi.target_met(change.previous)
        if now is None or before is None or now == before:
            crossing = Crossing.NONE
        else:
            crossing = Crossing.MET if now else Crossing.MISSED
        self.crossing = crossing
        if crossing:
            tier = 0
        elif first_move or score is not None:
            tier = 1
        else:
            tier = 2
        sort_score = _INFINITY if first_move else (score or _ZERO)
        # Sorts ascending: crossings, then scored moves by score, first moves, then plain fallbacks.
        self.rank_key = (tier, -sort_score, -change.magnitude, kpi.team_id, kpi.position, kpi.pk)

    def _fields(self) -> tuple:
        return (self.change, self.changes_before, self.usual, self.previous_increment)

    def __eq__(self, other):
        return self._fields() == other._fields() if isinstance(other, Move) else NotImplemented

    def __hash__(self):
        return hash(self._fields())

    def __repr__(self):
        return (
            f"Move(change={self.change!r}, changes_before={self.changes_before!r}, usual={self.usual!r}, "
            f"previous_increment={self.previous_increment!r})"
        )

    def score_text(self) -> str:
        """2.7, or <0.1 for a move too small to round to a tenth."""
        rounded = plain_decimal(quantize(self.score, SCORE_PLACES))
        return f"{rounded:f}" if rounded else "<0.1"

    @property
    def target_gap_key(self) -> tuple:
        """Off-target rows that did not get worse: the furthest from target (relative) first."""
        kpi, current = self.kpi, self.change.current
        gap = abs(current - kpi.target) / abs(kpi.target) if kpi.target else Decimal(0)
        return (-gap, kpi.team_id, kpi.position, kpi.pk)

    def reasons(self, target_first: bool = False, texts: ReasonTexts | None = None) -> list[str]:
        """Why the row is listed, in the reader's language, most important first.

        `target_first` puts a missed target before the size of the move, for lists about targets.
        `texts`: `reason_texts()` of the reader's language, when rows are listed by the dozen.
        """
        texts = texts or reason_texts()
        kpi, change = self.kpi, self.change
        target = format_value(kpi, kpi.target) if kpi.target is not None else ""
        crossing, move, off_target = [], [], []
        if self.crossing == Crossing.MISSED:
            crossing.append(texts.missed % {"target": target})
        elif self.crossing == Crossing.MET:
            crossing.append(texts.met % {"target": target})
        if kpi.is_running_total:
            return crossing
        if not change.absolute:
            pass
        elif self.first_move:
            move.append(texts.first_move % {"weeks": self.changes_before})
        elif self.score is not None:
            move.append(texts.usual % {"times": self.score_text()})
        else:
            move.append(texts.plain)
        if change.target_met is False and not self.crossing:
            if kpi.direction == KPI.Direction.LOWER_IS_BETTER:
                off_target.append(texts.above % {"target": target})
            else:
                off_target.append(texts.below % {"target": target})
        return crossing + (off_target + move if target_first else move + off_target)


class ReasonTexts(NamedTuple):
    """The texts of a move's reasons in one language."""

    missed: str
    met: str
    first_move: str
    usual: str
    plain: str
    above: str
    below: str


def reason_texts() -> ReasonTexts:
    """The reasons' texts in the active language, looked up once for the ~140 rows a page lists."""
    return ReasonTexts(
        missed=_("missed target %(target)s, met last week"),
        met=_("met target %(target)s, missed last week"),
        first_move=_("first move in %(weeks)s weeks"),
        usual=_("%(times)s× its usual move"),
        plain=_("too little history: plain change"),
        above=_("above target %(target)s"),
        below=_("below target %(target)s"),
    )


def moves(kpis: Iterable[KPI], history: dict[int, list]) -> dict[int, Move]:
    """Each KPI's Move from its weekly history (as `weekly_history` returns it, this week last)."""
    result = {}
    for kpi in kpis:
        values = history[kpi.pk]
        current = values[-1] if values else None
        previous = values[-2] if len(values) > 1 else None
        changes = earlier_changes(values)
        increment = None
        if kpi.is_running_total and len(values) > 2 and None not in values[-3:-1]:
            increment = values[-2] - values[-3]
        result[kpi.pk] = Move(Change(kpi, current, previous), len(changes), usual_move(changes), increment)
    return result


def improved_most(all_moves: Iterable[Move]) -> list[Move]:
    """Level KPIs that got better, ranked: targets newly met first, then the most unusual moves."""
    ranked = [move for move in all_moves if move.is_rankable and move.change.tone == Tone.BETTER]
    return sorted(ranked, key=lambda move: move.rank_key)


def worse_or_off_target(all_moves: Iterable[Move]) -> list[Move]:
    """Level KPIs that got worse or miss their target: newly missed targets, unusual moves, then the rest.

    A KPI that held or improved but still misses its target comes after every worse move, the
    furthest from its target first.
    """
    listed = [
        move
        for move in all_moves
        if not move.kpi.is_running_total
        and move.change.current is not None
        and (_got_worse(move) or move.change.target_met is False)
    ]
    return sorted(listed, key=attention_key)


def _got_worse(move: Move) -> bool:
    return move.is_rankable and move.change.tone == Tone.WORSE


def attention_key(move: Move) -> tuple:
    """A listed move's place in `worse_or_off_target`, as a value: lists of several teams merge on it."""
    if move.crossing == Crossing.MISSED:
        return (0, move.rank_key)
    if _got_worse(move):
        return (1, move.rank_key)
    return (2, move.target_gap_key)


def headline(team_moves: list[Move], limit: int) -> list[Move]:
    """A team card's rows: its most notable moves either way, then its other KPIs in board order."""
    ranked = sorted(
        (move for move in team_moves if move.is_rankable or move.crossing), key=lambda move: move.rank_key
    )[:limit]
    chosen = {move.kpi.pk for move in ranked}
    # Quiet weeks still show the team's first KPIs, a week without values shows them with a dash.
    rest = [move for move in team_moves if move.kpi.pk not in chosen]
    return ranked + rest[: limit - len(ranked)]
