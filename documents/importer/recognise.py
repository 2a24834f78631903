"""Figures in a line of a weekly report, as people write them, placed by the team's KPI catalogue.

A line is read clause by clause (at ，；。 outside brackets; a comma between digits is a thousands
separator). A clause gives a figure ("label value unit" with any verb, colon or bold around it, the
previous value in brackets, after 较上周 or as `a→b`), or adds to the figure before it (`较上周280个`,
`上升3.36pp`, `持平`), or names the KPI the next clause gives the value of (`延期率下降，3.21%…`).

Every position is kept in the line as written (full-width digits, bold marks and all), so the writer
can put the KPI's value from the data where the text stated it: each figure then appears once.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from documents.importer.catalogue import Catalogue, KpiRef, label_key
from documents.importer.figures import UNITS, _clean_name, places, to_decimal, unit_pattern
from documents.importer.structure import Figure
from reports.models import KPI

NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d|,\d)|\d+(?:\.\d+)?"
UNIT = unit_pattern(UNITS)
POINTS = r"个百分点|百分点|pp|PP"
# English verbs as whole words only: `up 12 from last week`, `down 0.004pp WoW`.
UP = r"上涨|上升|提升|回升|增长|增加|提高|升高|上浮|(?<![A-Za-z])(?:[Uu]p|[Ii]ncreased|[Rr]ose)(?![A-Za-z])"
DOWN = (
    r"下降|回落|降低|减少|下滑|下跌|略降|(?<![A-Za-z])(?:[Dd]own|[Dd]ecreased|[Ff]ell|[Dd]ropped)(?![A-Za-z])"
)
VERB = rf"{UP}|{DOWN}"
SINCE = (
    r"(?:相比上周|相比上期|较上周|较上期|比上周|比上期|环比上周|同比上周|环比|对比上周|(?:与|和|跟)上周(?:相比)?"
    r"|WoW|wow|w/w|vs\.?\s*+last\s*+week)"
)
# A change as people write it: a verb (`下降0.76个百分点`), an arrow (`↓0.76pp`) or a sign (`-0.76pp`).
CHANGE = (
    rf"(?:(?P<verb>{VERB}|少|多)(?:了|约)*|(?P<arrow>[↑↓])|(?P<sign>[+\-]))"
    rf"\s*+(?P<num>{NUM})\s*+(?P<unit>{POINTS}|{UNIT})?"
)
# Last week's value named in English or Chinese: `（上周4.2%）`, `(prev 5402.7)`, `(was 40%)`, `vs 50%`.
LAST = r"(?:上周|上期|prev(?:ious|\.)?|last\s*+week|was|LW)"

# `较上周（99.993%）提升…`, `与上周（50%）相比…`: last week's value may stand in brackets.
PREVIOUS_CLAUSE = re.compile(
    rf"^(?:(?:较|比|相比|与|和|跟)?{LAST}|vs\.?)\s*+(?:为|是|:)?\s*+\(?\s*+(?P<num>{NUM})\s*+(?P<unit>{UNIT})?"
)
# A sign alone opens a clause only after a "since last week" word: a bare `-1` may be anything.
CHANGE_CLAUSE = re.compile(
    rf"^(?:{SINCE}\s*+:?\s*+{CHANGE}|{SINCE}?\s*+(?:(?P<verb2>{VERB})(?:了|约)*|(?P<arrow2>[↑↓]))\s*+"
    rf"(?P<num2>{NUM})\s*+(?P<unit2>{POINTS}|{UNIT})?)(?P<rest>.*)$"
)
# `持平`, `同上周`, `与上周相同`, `no change`: last week's value is this week's.
SAME = r"持平|同上周|与上周相同|与上周一致|flat|unchanged|same as last week"
UNCHANGED_CLAUSE = re.compile(rf"^(?:{SINCE}?\s*+持平|(?:{SAME})(?![A-Za-z]))", re.IGNORECASE)
PENDING_CHANGE = re.compile(rf"^(?P<label>.+?)(?P<verb>{VERB})\s*(?P<num>{NUM})\s*(?P<unit>{POINTS})$")
CHANGE_TO = re.compile(
    rf"^(?P<label>.*?)(?P<verb>{VERB})(?:了)?\s*(?P<amount>{NUM})\s*(?P<amount_unit>{POINTS}|{UNIT})?\s*"
    rf"(?:至|到)\s*(?P<value>{NUM})"
)
FROM_TO = re.compile(
    rf"^(?P<label>.+?)(?:从|由)\s*(?:上周|上期)?的?\s*(?P<a>{NUM})\s*(?P<unit_a>{UNIT})?\s*"
    rf"(?:(?:{VERB}|降|升|增|涨|跌|减)?(?:至|到))"
    rf"\s*(?P<b>{NUM})"
)
# `需求吞吐率回升：**↑3.28个百分点**（81.72%）`: a change in points and last week's value, no value written.
CHANGE_FROM_PREVIOUS = re.compile(
    rf"^(?P<label>.*?)(?:(?P<arrow>[↑↓])|(?P<verb>{VERB}))?\s*(?P<amount>{NUM})\s*(?:{POINTS})\s*"
    rf"\(\s*(?:上周|上期)?\s*:?\s*(?P<previous>{NUM})\s*%?\s*\)"
)
PAIR = re.compile(rf"(?P<a>{NUM})\s*(?P<unit_a>{UNIT})?\s*(?:→|->)\s*(?P<b>{NUM})")
ARROW_CHANGE = re.compile(rf"[↑↓]\s*(?:{NUM})\s*(?:%|{POINTS})?\s*[,(]?\s*$")
NUMBER = re.compile(NUM)
# How far a project is, or the goal a figure is held to: never a KPI's value of the week.
PROGRESS_LABEL = re.compile(r"(?:进度|完成度|完成率|progress|目标|target)[≤≥<>=\s]*$", re.IGNORECASE)
AFTER_VALUE = re.compile(rf"^\s*(?P<unit>{UNIT})?")
# A week named instead of "last week": `（W16：99.990%）`, `(2024-W16 99.990%)`, `（第16周：…）`. The parser
# keeps the value only when that week is the one before the report's.
WEEK_LABEL = r"(?:(?P<week_year>\d{4})\s*+-?\s*+)?[Ww](?P<week>\d{1,2})|第\s*+(?P<week_cn>\d{1,2})\s*+周"
# `（上周 5 个，↓40%）`: what follows last week's value in its bracket (a relative change) adds nothing.
BRACKET_PREVIOUS = re.compile(
    rf"^\s*+\(\s*+(?:{LAST}|vs\.?|{WEEK_LABEL})?\s*+(?:为|是)?\s*+:?\s*+(?P<num>{NUM})\s*+(?P<unit>{UNIT})?"
    rf"\s*+(?:[,;](?!\d)[^()]*)?\)"
)
# A value that is one end of a range (`99.99%~99.995%`, `120～150ms`, `2至3天`) is no week's value.
# A hyphen is left out: after a value it as often starts a change (`99.99% -0.01pp`).
RANGE_AFTER = re.compile(rf"^\s*+(?:~|〜|–|—|至|到)\s*+(?:{NUM})\s*+(?:{UNIT})?")
SINCE_PREVIOUS = re.compile(
    rf"^\s*+/?\s*+(?:(?:较|比){LAST}|vs\.?|{LAST}\s*+:?)\s*+(?P<num>{NUM})\s*+(?P<unit>{UNIT})?",
    re.IGNORECASE,
)
# Right after the value, in brackets or not: `较上周下降2个`, `(WoW -0.002pp)`, `（↑0.05pp）`, `↓1`.
SINCE_CHANGE = re.compile(rf"^\s*+\(?\s*+(?:(?:较|比){LAST}?|{SINCE})?\s*+:?\s*+{CHANGE}")
TAIL_UNCHANGED = re.compile(rf"^\s*+\(?\s*+(?:{SINCE}\s*+)?(?:{SAME})", re.IGNORECASE)
# `（目标≤5%，上周4.60%）`: last week's value named after something else in the value's bracket.
BRACKET_LAST = re.compile(
    rf"^\s*+\([^()]*?[,;]\s*+{LAST}\s*+(?:为|是)?\s*+:?\s*+(?P<num>{NUM})\s*+(?P<unit>{UNIT})?\s*+(?:[,;][^()]*)?\)",
    re.IGNORECASE,
)
ENDS_WITH_CHANGE = re.compile(rf"(?:{VERB})(?:了|约)*$")
NAMES_NOTHING = re.compile(rf"^(?:{SINCE}|相比|较|比|约|:|\s)*$")
# A number glued to what follows it as a name, date, time or version is not a value: 1.0成功率, 8月, 9/10.
# Matched at a position (pattern.match(text, pos)), never on a slice: a long line stays linear.
NOT_A_VALUE_AFTER = re.compile(r"(?:[:/\-.]\d|[A-Za-z]|[\u4e00-\u9fff])")
ALLOWED_AFTER = re.compile(rf"(?:{UNIT}|较|比|上周|持平|环比|相比|{VERB})")
POINTS_AFTER = re.compile(rf"\s*+(?:{POINTS})")
# A number right after "12:", "3/", "10.", "2-" or "v" is part of a time, date, range or version.
PART_OF_SOMETHING = re.compile(r"(?:\d[:/\-.~]|[vV])$")
# An outline number (`1.1 `, `2.3.1、`, as Feishu and Word number a document) is a marker too, when words
# follow it: `1.2 万笔` is a value with its unit.
LIST_MARKER = re.compile(
    r"^\s*(?:[-*+•]\s+(?:\[[ xX]\]\s*)?|\d{1,2}[.、)](?!\d)\s*|>\s*"
    rf"|\d{{1,2}}(?:\.\d{{1,2}}){{1,3}}(?:\s+|、)(?!\s|{UNIT})(?=[^\d\s]))"
)


# `🔻0.005pp`, `⬆️ 2`: a change marked with an emoji arrow is marked with an arrow.
EMOJI_ARROWS = {"🔺": "↑", "⬆": "↑", "🔼": "↑", "🔻": "↓", "⬇": "↓", "🔽": "↓"}


def clean_view(line: str) -> tuple[str, list[int]]:
    """The line with each character normalised (full-width → ASCII) and bold marks dropped, and where
    each character of it stands in the line as written."""
    chars: list[str] = []
    where: list[int] = []
    for position, char in enumerate(line):
        if char in "*`\ufe0f":
            continue
        normal = EMOJI_ARROWS.get(char) or unicodedata.normalize("NFKC", char)
        chars.append(normal if len(normal) == 1 else char)
        where.append(position)
    where.append(len(line))
    return "".join(chars).replace("−", "-"), where


THOUSANDS = re.compile(r"\d{3}(?!\d)")
ABBREVIATION = re.compile(r"(?<![A-Za-z])(?:vs|prev)$", re.IGNORECASE)
NUMBER_NEXT = re.compile(r"\s*+[\d+\-.]")
# A figure's clause is a phrase. A clause of hundreds of characters without a comma or full stop is prose or
# noise: it stays text, unread, since reading it costs time that grows with the square of its length.
MAX_CLAUSE = 300


def clauses(text: str) -> list[tuple[int, int]]:
    """Clause boundaries at ，；。 (and `. `) outside brackets; a comma between digits separates thousands."""
    result, start, depth = [], 0, 0
    for index, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        if depth:
            continue
        boundary = char in ";。!?|"
        if char == "/":
            # `99.997%/出金有效成功率 99.990%` lists two figures; `8/12` and `元/笔` stay one.
            after = text[index + 1 : index + 2]
            boundary = index > 0 and text[index - 1] in "%个笔次张件" and not after.isdigit()
        if char == ",":
            boundary = not (index and text[index - 1].isdigit() and THOUSANDS.match(text, index + 1))
        elif char == ".":
            boundary = index + 1 == len(text) or text[index + 1] == " "
            boundary = boundary and not (index and text[index - 1].isdigit())
            # `318 vs. 301`, `(prev. 99.994%)`: an abbreviation ends no sentence.
            boundary = boundary and not ABBREVIATION.search(text, max(0, index - 5), index)
        elif char == "、":
            # `入金 99.995%（上周 99.993%）、出金 99.981%`: after a figure it lists the next one.
            boundary = index > 0 and (text[index - 1] in ")%" or text[index - 1].isdigit())
        elif char == "→":
            # `4 found by ourselves → 主动发现率 80%` goes on to another figure; `96.05%→81.72%` is one.
            boundary = not NUMBER_NEXT.match(text, index + 1)
        if boundary:
            result.append((start, index))
            start = index + 1
    result.append((start, len(text)))
    return [(a, b) for a, b in result if text[a:b].strip()]


@dataclass
class _Pending:
    label: str
    kpi: KpiRef | None
    change: tuple[str, str, str | None] | None = None  # verb, amount, unit


class LineReader:
    """Reads one line; `figures` are what it states, in order."""

    def __init__(self, line: str, group: str, catalogue: Catalogue):
        self.line = line
        self.group = group
        self.catalogue = catalogue
        self.text, self.where = clean_view(line)
        self.figures: list[Figure] = []

    def span(self, start: int, end: int, role: str) -> tuple[int, int, str]:
        return (self.where[start], self.where[end - 1] + 1, role)

    def read(self) -> list[Figure]:
        pending: _Pending | None = None
        for start, end in clauses(self.text):
            offset = start + len(self.text[start:end]) - len(self.text[start:end].lstrip())
            clause = self.text[offset:end].rstrip()
            if len(clause) > MAX_CLAUSE:
                pending = None
                continue
            marker = LIST_MARKER.match(clause)
            if marker:
                offset += marker.end()
                clause = clause[marker.end() :]
            pending = self.clause(clause, offset, pending)
        return self.figures

    # -- one clause -----------------------------------------------------------------------------

    def clause(self, clause: str, offset: int, pending: _Pending | None) -> _Pending | None:
        last = self.figures[-1] if self.figures else None
        if last is not None and (match := PREVIOUS_CLAUSE.match(clause)):
            self.stated_previous(last, match, offset)
            return None
        if (
            last is not None
            and (match := CHANGE_CLAUSE.match(clause))
            and not re.match(r"^\s*(至|到)", match["rest"])
        ):
            if match["num"]:
                self.apply_change(last, direction(match), match["num"], match["unit"])
            else:
                self.apply_change(last, match["verb2"] or match["arrow2"], match["num2"], match["unit2"])
            return None
        if last is not None and UNCHANGED_CLAUSE.match(clause):
            self.unchanged(last)
            return None
        if (match := PENDING_CHANGE.match(clause)) and (kpi := self.catalogue.match(match["label"])):
            return _Pending(match["label"], kpi, (match["verb"], match["num"], match["unit"]))
        if match := CHANGE_TO.match(clause):
            label = match["label"] or (pending.label if pending else "")
            figure = self.figure(label, match, "value", offset, clause, certain=True)
            if figure:
                self.apply_change(figure, match["verb"], match["amount"], match["amount_unit"])
            return None
        if match := FROM_TO.match(clause):
            figure = self.figure(match["label"], match, "b", offset, clause, certain=True)
            if figure:
                self.set_previous(figure, match, "a", offset, "stated")
            return None
        if (match := CHANGE_FROM_PREVIOUS.match(clause)) and (
            match["arrow"] or match["verb"] or match["label"]
        ):
            self.change_from_previous(match, offset, pending)
            return None
        if match := PAIR.search(clause):
            label = ARROW_CHANGE.sub("", clause[: match.start()]).rstrip(" :(")
            label = label or (pending.label if pending else "")
            figure = self.figure(label, match, "b", offset, clause, certain=True)
            if figure:
                self.set_previous(figure, match, "a", offset, "stated")
            return None
        return self.value_clause(clause, offset, pending)

    def value_clause(self, clause: str, offset: int, pending: _Pending | None) -> _Pending | None:
        number = self.first_value(clause)
        if number is None:
            label = clause.strip()
            kpi = self.catalogue.match(label) if label else None
            if kpi or (ENDS_WITH_CHANGE.search(label) and _clean_name(label)):
                return _Pending(label, kpi)  # "延期率上升，4.79%（3.08%）": the value follows
            return None
        label = clause[: number.start()]
        if ENDS_WITH_CHANGE.search(label.strip()):
            return None  # "整体转化率上升约40%": a change of something, not this week's value
        unchanged = label.rstrip(" :").endswith("持平")
        if not label.strip(" :") and pending:
            label, change = pending.label, pending.change
        else:
            change = None
        figure = self.figure(label, number, 0, offset, clause)
        if figure is None:
            return None
        if change:
            self.apply_change(figure, *change)
        if unchanged:
            self.unchanged(figure)
        tail = clause[number.end() :]
        tail = tail[AFTER_VALUE.match(tail).end() :]
        tail_offset = offset + len(clause) - len(tail)
        if match := RANGE_AFTER.match(tail):
            figure.range_text = clause[number.start() : len(clause) - len(tail) + match.end()]
        elif match := BRACKET_PREVIOUS.match(tail) or SINCE_PREVIOUS.match(tail):
            self.stated_previous(figure, match, tail_offset)
        elif match := SINCE_CHANGE.match(tail):
            self.apply_change(figure, direction(match), match["num"], match["unit"])
        elif TAIL_UNCHANGED.match(tail):
            self.unchanged(figure)
        elif match := BRACKET_LAST.match(tail):
            self.stated_previous(figure, match, tail_offset)
        return None

    def change_from_previous(self, match: re.Match, offset: int, pending: _Pending | None) -> None:
        label = ARROW_CHANGE.sub("", match["label"]).rstrip(" :") or (pending.label if pending else "")
        kpi = self.catalogue.match(label) if label else None
        if kpi is None or kpi.unit != KPI.Unit.PERCENT:
            return  # points only make sense for a percentage the catalogue knows
        down = match["arrow"] == "↓" or bool(match["verb"] and re.fullmatch(DOWN, match["verb"]))
        amount, previous = to_decimal(match["amount"]), to_decimal(match["previous"])
        figure = Figure(
            name=kpi.name,
            value=previous - amount if down else previous + amount,
            unit=kpi.unit,
            unit_label=kpi.unit_label,
            decimals=max(places(match["amount"]), places(match["previous"])),
            group=self.group,
            line=self.line.strip(),
            kpi_id=kpi.id,
            label=label,
            previous=previous,
            previous_source="stated",
        )
        start = offset + match.start("previous")
        figure.spans.append(self.span(start, start + len(match["previous"]), "previous"))
        self.figures.append(figure)

    def first_value(self, clause: str) -> re.Match | None:
        for match in NUMBER.finditer(clause):
            start, end = match.span()
            if POINTS_AFTER.match(clause, end):
                continue  # a change in percentage points is never this week's value
            if PART_OF_SOMETHING.search(clause[max(0, start - 2) : start]):
                continue
            if (
                NOT_A_VALUE_AFTER.match(clause, end)
                and not ALLOWED_AFTER.match(clause, end)
                and not RANGE_AFTER.match(clause[end:])
            ):
                continue
            return match
        return None

    # -- building figures ------------------------------------------------------------------------

    def figure(
        self, label: str, match: re.Match, group: str | int, offset: int, clause: str, certain: bool = False
    ) -> Figure | None:
        """A figure of `label` with the value in `group` of `match`; `certain` when the wording (a→b, 从…至…)
        marks it as a figure even without a unit."""
        value_text = match.group(group)
        after = clause[match.end(group) :]
        unit_match = AFTER_VALUE.match(after)
        unit_text = unit_match["unit"] if unit_match else None
        label = label.strip()
        # `延期率降至`, `线上bug共`, `出金有效成功率环比`: the name without the words that end the label.
        kpi = named = (
            (self.catalogue.match(label) or self.catalogue.match(_clean_name(label) or "")) if label else None
        )
        if kpi is not None and not fits(kpi, unit_text):
            kpi = None
        if named is None and unit_text in ("k", "K"):
            return None  # `Peak throughput hit 1.2k TPS`: shown apart only when a KPI is named, to say why
        name = kpi.name if kpi else _clean_name(label)
        if kpi is None and (not name or not (certain or unit_text or label.rstrip().endswith(":"))):
            return None  # a bare number in prose is not a figure unless the catalogue names it
        if kpi is None and PROGRESS_LABEL.search(name):
            return None  # `实时数仓：完成度 70%`, `目标≤5%`: never a KPI to create
        unit, unit_label = UNITS.get(unit_text, ("", "")) if unit_text else ("", "")
        if not unit:
            unit = KPI.Unit.NUMBER if "." in value_text else KPI.Unit.COUNT
        figure = Figure(
            name=name,
            value=to_decimal(value_text.replace(",", "")),
            unit=kpi.unit if kpi else unit,
            unit_label=kpi.unit_label if kpi else unit_label,
            decimals=places(value_text),
            group=self.group,
            line=self.line.strip(),
            kpi_id=kpi.id if kpi else None,
            label=label,
        )
        start = offset + match.start(group)
        figure.spans.append(self.span(start, start + len(value_text), "value"))
        self.figures.append(figure)
        return figure

    def set_previous(self, figure: Figure, match: re.Match, group: str, offset: int, source: str) -> None:
        text = match.group(group)
        figure.previous = to_decimal(text.replace(",", ""))
        figure.previous_source = source
        figure.decimals = max(figure.decimals, places(text))
        start = offset + match.start(group)
        figure.spans.append(self.span(start, start + len(text), "previous"))

    def stated_previous(self, figure: Figure, match: re.Match, offset: int) -> None:
        if figure.previous is None or figure.previous_source != "stated":
            self.set_previous(figure, match, "num", offset, "stated")
            named = match.groupdict()
            number = named.get("week") or named.get("week_cn")
            if number:
                year = named.get("week_year")
                figure.previous_week = (int(year) if year else None, int(number))

    def apply_change(self, figure: Figure, verb: str, amount: str, unit: str | None) -> None:
        """Last week = value − change; for a percent KPI the change is in percentage points."""
        if figure.previous is not None:
            return
        points = unit in ("个百分点", "百分点", "pp", "PP")
        if figure.unit == KPI.Unit.PERCENT:
            if unit not in (None, "%") and not points:
                return
            if unit == "%" and verb in ("↑", "↓", "+", "-"):
                return  # `↑4.01%` is the seed's relative change; only a verb's `%` reads as points
        elif points or unit == "%":
            return  # a relative change of a count cannot give last week's value exactly
        sign = -1 if verb in ("↓", "-", "少") or re.fullmatch(DOWN, verb) else 1
        number = to_decimal(amount.replace(",", ""))
        figure.previous = figure.value - sign * number
        figure.previous_source = "change"
        figure.decimals = max(figure.decimals, places(amount))

    def unchanged(self, figure: Figure) -> None:
        if figure.previous is None:
            figure.previous = figure.value
            figure.previous_source = "unchanged"


def direction(match: re.Match) -> str:
    """The verb, arrow or sign of a CHANGE match: what apply_change reads the direction from."""
    return match["verb"] or match["arrow"] or match["sign"]


# Powers of ten of the amounts people write: `2.65亿元` is not 2.65 of a KPI kept in 万元.
SCALE = {"元": 0, "k": 3, "K": 3, "万": 4, "万元": 4, "亿元": 8}


def fits(kpi: KpiRef, unit_text: str | None) -> bool:
    """A percentage for a percent KPI, a count or amount for the others, an amount in the KPI's own
    scale; a bare number fits any."""
    if not unit_text:
        return True
    # `1.3万笔` for a KPI kept in 笔 is 13,000, not 1.3: an amount in another scale is never the value.
    if unit_text in SCALE and SCALE[unit_text] != SCALE.get(kpi.unit_label, 0):
        return False
    # `平均 43ms` is a time, `485笔` a count: neither is an amount of money, and an amount is no time.
    written = UNITS[unit_text][0] if unit_text in UNITS else ""
    for kind in (KPI.Unit.DURATION, KPI.Unit.CURRENCY):
        if (written == kind) != (kpi.unit == kind) and unit_text not in SCALE:
            return False
    return (unit_text == "%") == (kpi.unit == KPI.Unit.PERCENT)


def fits_figure(kpi: KpiRef, figure: Figure) -> bool:
    """`fits` for a figure already read: its unit as written decides, a bare number fits any KPI."""
    if figure.unit == KPI.Unit.PERCENT:
        return kpi.unit == KPI.Unit.PERCENT
    return fits(kpi, figure.unit_label or None)


def figures_in_line(line: str, group: str, catalogue: Catalogue | None = None) -> list[Figure]:
    return LineReader(line, group, catalogue or Catalogue()).read()


__all__ = ["figures_in_line", "fits_figure", "label_key"]
