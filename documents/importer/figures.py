"""Recognising KPI figures in a line of text, as people write them in the weekly document.

Lines are read after NFKC normalisation, so full-width （）：，％ and half-width ():,% are the
same. Every recogniser is conservative: a clause that is not clearly "name value" is left alone
(it stays in the narrative verbatim anyway), because a wrong KPI is worse than a missed one.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from django.utils.translation import gettext as _

from documents.importer.structure import Figure
from reports.models import KPI

# What KPI and KPIValue hold: a 100-character name, 20 digits of which 6 after the point.
MAX_NAME = 100
MAX_PLACES = 6
MAX_VALUE = Decimal(10) ** 13

NUMBER = r"[-−]?\d+(?:\.\d+)?"
UNITS = {
    "%": (KPI.Unit.PERCENT, ""),
    "万元": (KPI.Unit.CURRENCY, "万元"),
    "亿元": (KPI.Unit.CURRENCY, "亿元"),
    "元": (KPI.Unit.CURRENCY, "元"),
    "万": (KPI.Unit.NUMBER, "万"),
    "笔": (KPI.Unit.COUNT, "笔"),
    "个": (KPI.Unit.COUNT, "个"),
    "次": (KPI.Unit.COUNT, "次"),
    "张": (KPI.Unit.COUNT, "张"),
    "件": (KPI.Unit.COUNT, "件"),
    "单": (KPI.Unit.COUNT, "单"),
    "人": (KPI.Unit.COUNT, "人"),
    "家": (KPI.Unit.COUNT, "家"),
    "天": (KPI.Unit.DURATION, "天"),
    "小时": (KPI.Unit.DURATION, "小时"),
    "分钟": (KPI.Unit.DURATION, "分钟"),
    "ms": (KPI.Unit.DURATION, "ms"),
    # Per mille is its own unit: read as a percent, 0.3‰ would be stored ten times too large.
    "‰": (KPI.Unit.NUMBER, "‰"),
    # `1.2k` is twelve hundred: a scale like 万, never the value of a KPI kept in units.
    "k": (KPI.Unit.NUMBER, "k"),
    "K": (KPI.Unit.NUMBER, "k"),
}


def unit_pattern(units) -> str:
    """The units as one alternation, longest first; a unit of letters ends where the word does (`1.2kg`)."""
    ordered = sorted(units, key=len, reverse=True)
    return "|".join(re.escape(unit) + ("(?![A-Za-z])" if unit.isascii() else "") for unit in ordered)


UNIT_RE = unit_pattern(UNITS)
UP_WORDS = "上涨|上升|提升|增长|增加|提高"
DOWN_WORDS = "下降|降低|减少|下滑"
CHANGE_WORDS = f"{UP_WORDS}|{DOWN_WORDS}"
LEADING_WORDS = re.compile(r"^(?:但是?|而且?|且|其中|并且|同时|另外|以及|和|及|结果)+")
# What ends a label without being part of the name: `降至`, `达到`, `共`, and `环比` before a change.
TRAILING_VERB = re.compile(
    rf"(?:(?:{CHANGE_WORDS})(?:至|到)|降至|升至|增至|达到|达|为|是|约|共计|合计|总计|共|环比|较上周|相比上周)+$"
    rf"|(?:{CHANGE_WORDS})(?:了|约)*$"
)
CHANGE_CLAUSE = re.compile(
    rf"^(?:相比上周|较上周|比上周|环比上周|环比|对比上周)?(?P<word>{CHANGE_WORDS})(?:了|约)*$"
)

# `需求交付数 313（↑7.19%，292→313）`, `需求吞吐率 81.72%（↓14.33pp，96.05%→81.72%）`, `x 5（新）`.
CANONICAL = re.compile(
    rf"^(?P<name>\S.*?) (?P<value>{NUMBER})(?P<unit>%|[^\s\d()]{{0,8}})"
    rf"\((?:新|new|(?:[↑↓]\S*?|持平),(?P<prev>{NUMBER})(?:%|[^\s\d()→]{{0,8}})→(?P=value)\S{{0,8}})\)$"
)
VALUE_CLAUSE = re.compile(
    rf"^(?P<name>.*?)(?P<arrow>[↑↓])?(?<![\d.])(?P<num>{NUMBER})\s*(?P<unit>{UNIT_RE})?\s*"
    rf"(?P<tail>\(.*\))?$"
)
FROM_TO = re.compile(
    rf"^(?P<name>.+?)(?:从|由)(?P<a>{NUMBER})\s*(?P<unit_a>{UNIT_RE})?"
    rf"(?:(?:{CHANGE_WORDS})?(?:至|到)|降至|升至|增至)(?P<b>{NUMBER})\s*(?P<unit_b>{UNIT_RE})?$"
)
PAIR = re.compile(rf"^\((?P<a>{NUMBER})\s*(?P<unit_a>{UNIT_RE})?→(?P<b>{NUMBER})\s*(?P<unit_b>{UNIT_RE})?\)$")
PLAIN_PREVIOUS = re.compile(rf"^\((?:上周)?:?(?P<a>{NUMBER})\s*(?P<unit_a>{UNIT_RE})?\)$")
LIST_MARKER = re.compile(r"^\s*(?:[-*+•]\s+|\d{1,2}[.、)](?!\d)\s*)")
GRADE_SUFFIX = re.compile(r"^(?P<stem>.*?)(?P<grade>[A-Za-z]+级)$")
BAD_NAME = re.compile(r"[()\[\]【】→↑↓<>]|预计|计划")
MONTH_PREFIX = re.compile(r"^\d{1,2}月份?")


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace("−", "-")


def name_key(name: str) -> str:
    """How names are compared: width, case and spaces do not matter."""
    return re.sub(r"\s+", "", normalize(name)).lower()


def to_decimal(text: str) -> Decimal:
    return Decimal(normalize(text))


def places(text: str | None) -> int:
    if not text or "." not in text:
        return 0
    return len(text.split(".", 1)[1])


def unstorable(figure: Figure) -> str | None:
    """Why the figure cannot be stored as a KPI value (a message for the user), or None if it can."""
    if figure.range_text:
        return _("“%(name)s” is given as a range, %(range)s, not one value; kept as text.") % {
            "name": figure.name,
            "range": figure.range_text,
        }
    if len(figure.name) > MAX_NAME:
        return _(
            "“%(name)s…” is longer than %(limit)d characters, too long for a KPI name; kept as text."
        ) % {
            "name": figure.name[:20],
            "limit": MAX_NAME,
        }
    numbers = [figure.value] if figure.previous is None else [figure.value, figure.previous]
    if any(abs(number) >= MAX_VALUE for number in numbers):
        return _("“%(name)s” is too large to store; kept as text.") % {"name": figure.name}
    if figure.decimals > MAX_PLACES:
        return _("“%(name)s” has more than %(places)d decimal places; kept as text.") % {
            "name": figure.name,
            "places": MAX_PLACES,
        }
    return None


def unit_of(label: str | None) -> tuple[str, str]:
    if not label:
        return "", ""
    return UNITS[label]


def split_clauses(text: str) -> list[str]:
    """Split at ，；。 outside parentheses (a change in brackets may hold its own comma)."""
    clauses, current, depth = [], [], 0
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        if depth == 0 and char in ",;。":
            clauses.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    clauses.append("".join(current).strip())
    return [clause for clause in clauses if clause]


def clean_line(line: str) -> str:
    text = normalize(line)
    text = LIST_MARKER.sub("", text)
    return re.sub(r"\*\*|__|`", "", text).strip()


def parse_canonical(line: str, group: str) -> Figure | None:
    match = CANONICAL.match(normalize(line).strip())
    if not match:
        return None
    unit_text = match.group("unit")
    if unit_text == "%":
        unit, label = KPI.Unit.PERCENT, ""
    elif unit_text in UNITS:
        unit, label = UNITS[unit_text]
    else:
        unit, label = (KPI.Unit.NUMBER if "." in match.group("value") else KPI.Unit.COUNT), unit_text
    previous = match.group("prev")
    return Figure(
        name=match.group("name").strip(),
        value=to_decimal(match.group("value")),
        unit=unit,
        unit_label=label,
        decimals=max(places(match.group("value")), places(previous)),
        group=group,
        previous=to_decimal(previous) if previous is not None else None,
        line=line.strip(),
        canonical=True,
    )


def _clean_name(raw: str) -> str | None:
    name = raw.strip().rstrip(":").rsplit(":", 1)[-1].strip()
    name = LEADING_WORDS.sub("", name).strip()
    name = TRAILING_VERB.sub("", name).strip(" :-、")
    if not 2 <= len(name) <= 24 or BAD_NAME.search(name):
        return None
    if name[0].isdigit() and not MONTH_PREFIX.match(name):
        return None
    if not any(char.isalpha() for char in name):
        return None
    return name


def _figure(name, value_text, unit_label, group, line, previous_text=None) -> Figure:
    unit, label = unit_of(unit_label)
    if not unit:
        unit = KPI.Unit.NUMBER if "." in value_text else KPI.Unit.COUNT
    return Figure(
        name=name,
        value=to_decimal(value_text),
        unit=unit,
        unit_label=label,
        decimals=max(places(value_text), places(previous_text)),
        group=group,
        previous=to_decimal(previous_text) if previous_text is not None else None,
        line=line.strip(),
    )


def _apply_change(figure: Figure, word: str, amount_text: str, unit_label: str | None) -> None:
    """`相比上周上涨0.22%`: last week = value − change (percentage points for a percent figure)."""
    if figure.previous is not None:
        return
    amount = to_decimal(amount_text)
    if (unit_label == "%") != (figure.unit == KPI.Unit.PERCENT):
        return  # a relative change of a count cannot give last week's value exactly
    if unit_label not in ("%", None, figure.unit_label or None):
        return
    sign = -1 if re.fullmatch(DOWN_WORDS, word) else 1
    figure.previous = figure.value - sign * amount
    figure.decimals = max(figure.decimals, places(amount_text))


def figures_in_line(line: str, group: str) -> list[Figure]:
    """Every KPI figure stated in one line of narrative."""
    found: list[Figure] = []
    pending_name: str | None = None
    for clause in split_clauses(clean_line(line)):
        clause = clause.strip()
        change = None
        value_match = VALUE_CLAUSE.match(clause)
        if value_match:
            change = CHANGE_CLAUSE.match(value_match.group("name").strip())
        if change and found and not value_match.group("tail"):
            _apply_change(
                found[-1], change.group("word"), value_match.group("num"), value_match.group("unit")
            )
            pending_name = None
            continue
        from_to = FROM_TO.match(clause)
        if from_to:
            name = _clean_name(from_to.group("name"))
            unit_label = from_to.group("unit_b") or from_to.group("unit_a")
            if name:
                found.append(_figure(name, from_to.group("b"), unit_label, group, line, from_to.group("a")))
            pending_name = None
            continue
        if not value_match:
            pending_name = _clean_name(clause) if clause else None
            continue
        figure = _value_clause(value_match, pending_name, group, line)
        pending_name = None
        if figure is None:
            continue
        if found and len(figure.name) <= 3:
            stem = GRADE_SUFFIX.match(found[0].name)
            if stem and GRADE_SUFFIX.match(figure.name) and stem.group("stem"):
                figure.name = stem.group("stem") + figure.name
        found.append(figure)
    return found


def _value_clause(match: re.Match, pending_name: str | None, group: str, line: str) -> Figure | None:
    raw_name = match.group("name")
    tail = match.group("tail")
    has_colon = ":" in raw_name
    if raw_name.strip():
        is_change = re.search(rf"(?:{CHANGE_WORDS})(?:了|约)*$", raw_name.strip()) and not match.group(
            "arrow"
        )
        if is_change and not (tail and PAIR.match(tail)):
            return None  # "转化率上升约40%" is a change, not this week's value
        name = _clean_name(raw_name)
    else:
        name = pending_name
    if not name:
        return None
    if tail and (pair := PAIR.match(tail)):
        unit_label = pair.group("unit_b") or pair.group("unit_a")
        if unit_label is None and not match.group("arrow") and match.group("unit") != "%":
            unit_label = match.group("unit")
        return _figure(name, pair.group("b"), unit_label, group, line, pair.group("a"))
    if match.group("arrow"):
        return None
    unit_label = match.group("unit")
    if tail and (plain := PLAIN_PREVIOUS.match(tail)):
        return _figure(name, match.group("num"), unit_label, group, line, plain.group("a"))
    if unit_label is None and not has_colon and raw_name.strip() != "":
        return None  # a bare number in prose ("二期3") is not a figure without a unit or a colon
    return _figure(name, match.group("num"), unit_label, group, line)
