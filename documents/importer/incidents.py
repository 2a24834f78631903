"""Production events in a report's 生产事件 section, in the forms people write them.

An event starts at a line that begins with its date and time (`2024年8月20日 11:05`, `- 2024-08-27
14:05~14:40 …`, `9月10日 14:05-14:40 …`, a year taken from the week when missing) or at a sub-heading
(`### 1. 代付通道回调延迟`) whose `- 时间：` field gives it. The end time is the range's end, or a time
said later in the text to end it (`11:40完成`, `于10:25恢复`, `次日02:10恢复`, `11月9日 00:35恢复`), or else
the start and how long it lasted (`持续35分钟`, `lasted 40 min`: documents.importer.durations).
Kind, grade and share, how it was found, impact and cause come from fields where the text has them,
else from its words; how it was found stays unknown unless the text says.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from common.weeks import IsoWeek
from documents.importer.clocks import carried_period, with_clocks
from documents.importer.durations import duration_end
from documents.importer.figures import normalize
from documents.importer.grades import GRADED, TRAILING_SEVERITY, read_grade, unread_grade
from documents.importer.incident_tables import table_events, table_runs
from documents.importer.recognise import clean_view
from documents.importer.structure import IncidentEntry
from documents.importer.text import dedent, in_years, indent_of, join, unruled
from incidents.models import Incident

DAY = r"(?:(?P<y>\d{4})\s*(?:年|[-/.])\s*)?(?P<m>\d{1,2})\s*(?:月|[-/.])\s*(?P<d>\d{1,2})\s*日?"
CLOCK = r"(?P<H>\d{1,2})\s*:\s*(?P<M>\d{2})(?!\d)"
# `周二 14:05`: a day of the report's own week.
WEEKDAY = r"(?:周|星期|礼拜)(?P<weekday>[一二三四五六日天1-7])"
WEEKDAYS = "一二三四五六"
# `Feb 4, 14:05`, `Aug 13 14:05-14:37`: an English date, the year nearest the week.
MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
MONTH_DAY = rf"(?P<month>{'|'.join(MONTH_NAMES)})[a-z]*\.?\s*(?P<mday>\d{{1,2}})(?:st|nd|rd|th)?(?!\d)"
# The end may repeat the day (`2024-08-13 14:05 至 2024-08-13 14:37`, `8月13日 14:05 - 8月14日 02:10`).
END_DAY = (
    r"(?:(?:(?P<ey>\d{4})\s*(?:年|[-/.])\s*)?(?P<em>\d{1,2})\s*(?:月|[-/.])\s*(?P<ed>\d{1,2})\s*日?\s*)?"
)
RANGE_END = rf"(?:\s*(?:-|~|～|—|–|至|到)+\s*{END_DAY}(?P<EH>\d{{1,2}})\s*:\s*(?P<EM>\d{{2}})(?!\d))?"
# A list marker may open the line (`1）10月15日 14:05，…`), or a label naming the event (`**事件1**：`,
# `Incident 2:`) or a tag (`【C级】`, kept with the text it grades); the text starts after any comma or
# colon. The line is read with its bold marks dropped, so a `* ` bullet may have left only its space.
EVENT_LABEL = r"(?:事件|事故|故障|问题|incident|event)\s*#?(?:\d{1,2}|[一二三四五六七八九十]{1,3})?\s*:\s*"
# `### 事件一：出金延迟`: the label names the event's place in the list, not the event.
TITLE_LABEL = re.compile(
    r"^(?:事件|事故|故障|问题|incident|event)\s*#?(?:\d{1,2}|[一二三四五六七八九十]{1,3})?\s*[:：]\s*(?=\S)",
    re.IGNORECASE,
)
# `🔴 5/21 10:12 …`: a status mark before the date, as a Feishu or wiki list puts it.
STATUS_EMOJI = r"(?:[\u2600-\u27bf\u2b00-\u2bff\U0001f300-\U0001faff\ufe0f]\s*)+"
# `5月21日（周三）10:12`, `Aug 20 (Wed), 09:41`: the day of the week named after the date.
WEEKDAY_NAME = r"(?:周|星期|礼拜)[一二三四五六日天1-7]|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]{0,6}\.?"
# `5/21(三) 10:12`: a bare numeral names the weekday only inside brackets.
DAY_NOTE = rf"(?:\s*\(?\s*(?:{WEEKDAY_NAME})\s*\)?|\s*\(\s*[一二三四五六日天]\s*\))?"
START = re.compile(
    rf"^\s*(?:[-*+]\s+|\d{{1,2}}\s*[.、)]\s*)?(?:{STATUS_EMOJI})?(?:{EVENT_LABEL})?"
    rf"(?P<tag>[\[【][^\]】]{{1,8}}[\]】]\s*)?"
    rf"(?:{DAY}{DAY_NOTE}|{WEEKDAY}|{MONTH_DAY}{DAY_NOTE})\s*,?\s*{CLOCK}{RANGE_END}"
    # A dash after the time parts it from the text as a colon does: `Oct 15, 11:00 - webhook timeouts`.
    rf"[\s,:·•|]*(?:[-—–]{{1,2}}\s+)?(?P<rest>.*)$",
    re.IGNORECASE,
)
SUBHEADING = re.compile(r"^#{2,6}\s*(?:\d{1,2}\s*[.、)]\s*)?(?P<title>.*?)\s*#*$")
FIELD = re.compile(
    r"^(?:[-*+]\s+)?(?P<key>恢复时间|恢复|结束时间|时间|类型|性质|级别|等级|定级|描述|经过|说明|现象|影响|原因|根因|发现方式|发现|处置|处理|解决"
    r"|resolved(?:\s+at)?|end(?:ed)?|time|when|start(?:ed)?|type|kind|severity|grade|level|description|summary"
    r"|impact|root\s*cause|cause|detected\s+by|detection|found\s+by|resolution|fix)"
    r"\s*:\s*(?P<value>.*)$",
    re.IGNORECASE,
)
# English field names read as the Chinese ones; `恢复：21:40` is the end as `恢复时间` is.
FIELD_NAMES = {
    "恢复": "恢复时间",
    "resolved": "恢复时间", "resolvedat": "恢复时间", "end": "恢复时间", "ended": "恢复时间",
    "time": "时间", "when": "时间", "start": "时间", "started": "时间",
    "type": "类型", "kind": "类型", "severity": "级别", "grade": "级别", "level": "级别",
    "description": "描述", "summary": "描述", "impact": "影响", "rootcause": "原因", "cause": "原因",
    "detectedby": "发现方式", "detection": "发现方式", "foundby": "发现方式",
    "resolution": "处置", "fix": "处置",
}  # fmt: skip
RESOLVED = re.compile(
    r"(?:(?P<next>次日|第二天|翌日)|(?:(?P<y>\d{4})\s*[年\-/.]\s*)?(?P<m>\d{1,2})\s*[月\-/.]\s*(?P<d>\d{1,2})\s*日?)?"
    r"\s*(?<![\d:])(?P<H>\d{1,2}):(?P<M>\d{2})(?!\d)[^,;。:]{0,10}?(?:完成|成功|恢复|解决|修复|结束)"
)
TAG = re.compile(r"^\s*[\[【]\s*(?P<tag>[^\]】]{1,16}?)\s*[\]】]\s*")
KIND_PREFIX = re.compile(r"^(?P<word>风险预警|容量预警|风险提示|隐患|风险|预警|变更|发布)\s*[:：]\s*")
RISK_KIND = re.compile(r"风险|预警|容量|隐患|risk|warning", re.IGNORECASE)
CHANGE_KIND = re.compile(r"变更|发布|回滚|change|release|deploy|rollback", re.IGNORECASE)
INCIDENT_KIND = re.compile(r"事故|事件|故障|incident|outage", re.IGNORECASE)
RISK_WORDS = re.compile(r"预警|风险|隐患|到期|使用率|水位|容量|峰值达")
# `resolved 10:49`, `recovered at 10:49`: the end said in English, before its time.
RESOLVED_EN = re.compile(
    r"\b(?:resolved|recovered|restored|mitigated|fixed)\s+(?:at\s+|by\s+)?(?P<H>\d{1,2}):(?P<M>\d{2})(?!\d)",
    re.IGNORECASE,
)
END_VALUE = re.compile(rf"^(?:{DAY}\s*)?(?P<H>\d{{1,2}}):(?P<M>\d{{2}})(?!\d)")
CHANGE_WORDS = re.compile(r"发布|上线|版本|变更")
PROACTIVE = re.compile(
    r"主动发现|监控告警|告警发现|巡检|自查发现|监控发现"
    r"|(?:found|detected|caught) by:?\s*(?:our )?(?:monitoring|alert)|alert(?:ing)? fired",
    re.IGNORECASE,
)
# `银行通知发现`: told by someone outside, however it is worded.
REPORTED = re.compile(r"反馈|投诉|报障|上报|外部通知|通知发现|客诉|reported by|complain", re.IGNORECASE)
# `影响出金32笔`, `无资金影响`, and the same after a few words of when or where: `切换期间无业务影响`.
IMPACT_CLAUSE = re.compile(
    r"^(?:影响\s*\S.*|.{1,24}受\S{0,2}影响|impact\s*:\s*\S.*|[^,;。\s]{0,8}?(?:无|暂无|未造成|未产生|没有|未对\S{0,6}造成)\S{0,6}影响\S{0,2}|no\s+\S{0,20}\s*impact)$",
    re.IGNORECASE,
)
# A line ends a cause as a full stop does: the lines of an event written over several are its clauses.
CAUSE = re.compile(r"原因\s*[:：]\s*(?P<cause>.+?)(?:。|\.\s|\.$|$)", re.MULTILINE)
# A count starts where its digits start: tried inside a run of digits, a search takes the square of its
# length.
COUNT = re.compile(r"(?<![\d,])(?P<count>\d{1,3}(?:,\d{3})+|\d+)\s*(?:笔|次|单|个)")
# `Impact: 1,200 failed logins`, `45 merchants saw retries`: in English a count is a number before the noun
# it counts, not before a unit of time, money, size or share.
COUNT_EN = re.compile(
    r"(?<![\w.,:/-])(?P<count>\d{1,3}(?:,\d{3})+|\d+)\s+"
    r"(?!(?:ms|s|secs?|seconds?|mins?|minutes?|h|hrs?|hours?|days?|weeks?|months?|years?|percent|pct|pp|bps|x"
    r"|usd|cny|rmb|yuan|dollars?|eur|k|m|bn|kb|mb|gb|tb|am|pm|qps|tps|rps)\b)[a-z]",
    re.IGNORECASE,
)
BOLD = re.compile(r"\*\*|__")
FAILURES = re.compile(r"(?<!\d)(?P<count>\d+)\s*次(?:报错|失败|错误|异常)")
# `代付回调延迟 | C级 | 影响1,024笔`: a bar separates clauses as a comma does.
CLAUSE_SPLIT = re.compile(r"[，。；;|｜]|\s[·•]\s|,(?!\d{3})|\.(?=\s|$)")
LIST_MARK = re.compile(r"^\s*(?:>\s*|[-*+•]\s+|\d{1,2}\s*[.、)](?!\d)\s*)")
# Incident.impact_count is a PositiveIntegerField: a 32-bit signed integer on PostgreSQL.
MAX_COUNT = 2**31 - 1
OPEN_BRACKET = re.compile(r"\s*[(（][^()（）]*$")
LEADING_BRACKET = re.compile(r"^[(（][^()（）]{0,20}[)）]\s*")
# What a `Detected by:` field says in a word; in free text these words may describe anything.
STATED_PROACTIVE = re.compile(r"monitoring|alert|inspection|self[- ]?check|on-?call", re.IGNORECASE)
STATED_REPORTED = re.compile(r"customer|user|merchant|bank|partner|business|ticket", re.IGNORECASE)
# An English sentence ends at `. ` as a Chinese one at `。` (`v3.2` goes on).
FIRST_CLAUSE = re.compile(r"^(?:[^:,;。，；：.|｜·•]|\.(?!\s|$))+")


@dataclass
class _Entry:
    heading: str
    title: str = ""
    start: re.Match | None = None
    lines: list[str] = field(default_factory=list)


def _day(match, week: IsoWeek, prefix: str = "") -> dt.date | None:
    if not prefix and "month" in match.re.groupindex and match["month"]:
        return _nearest(MONTH_NAMES.index(match["month"].lower()) + 1, int(match["mday"]), week)
    if not prefix and "weekday" in match.re.groupindex and match["weekday"]:
        name = match["weekday"]
        index = WEEKDAYS.index(name) if name in WEEKDAYS else 6 if name in "日天" else int(name) - 1
        return week.monday + dt.timedelta(days=index)
    year = match.group(f"{prefix}y") if f"{prefix}y" in match.re.groupindex else None
    month, day = int(match.group(f"{prefix}m")), int(match.group(f"{prefix}d"))
    if year:
        try:
            return dt.date(int(year), month, day)
        except ValueError:
            return None
    return _nearest(month, day, week)


def _nearest(month: int, day: int, week: IsoWeek) -> dt.date | None:
    # Without a year, the date nearest the week: 12月31日 in 2025-W01 is 2024-12-31.
    candidates = []
    for year in (week.monday.year - 1, week.monday.year, week.monday.year + 1):
        try:
            candidates.append(dt.date(year, month, day))
        except ValueError:
            continue
    return min(candidates, key=lambda day: abs(day - week.monday), default=None)


def read_incidents(lines: list[str], week: IsoWeek, warnings: list[str]) -> tuple[list[IncidentEntry], str]:
    """The events of a 生产事件 section and the text around them that is no event."""
    intro: list[str] = []
    entries: list[_Entry] = []
    lines = dedent(unruled(lines))
    tables = dict(table_runs(lines))
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if index - 1 in tables:
            rows = lines[index - 1 : tables[index - 1]]
            events = table_events(rows)
            if events is not None:
                index = tables[index - 1]
                # The header goes with its rows: each row is now an event of the week, shown as such.
                entries.extend(_Entry(heading=row, lines=fields) for row, fields in events)
                continue
        # Matched on a normalised copy (full-width digits and colons, 下午2点 as 14:00), cut from the
        # line as written.
        written = line.strip()
        text, where = with_clocks(*clean_view(written))
        top = indent_of(line) == 0
        heading = SUBHEADING.match(text) if top and text.startswith("#") else None
        start = START.match(text) if top and not heading else None
        if heading:
            title = written[where[heading.start("title")] : where[heading.end("title")]].strip()
            entry = _Entry(heading=written, title=title)
            # `### 10月17日晚上9点 清算延迟`: the heading's time is read as a dated line's is.
            title_text, title_where = with_clocks(*clean_view(title))
            if timed := START.match(title_text):
                entry.start, entry.title = timed, title[title_where[timed.start("rest")] :]
            entries.append(entry)
        elif start:
            rest = written[where[start.start("rest")] :]
            if start["tag"]:
                rest = f"{start['tag'].strip()}{rest}"
            entries.append(_Entry(heading=written, start=start, lines=[rest]))
        elif entries:
            entries[-1].lines.append(line)
        else:
            intro.append(line)
    found = []
    for entry in entries:
        incident = _incident(entry, week, warnings)
        if incident is None:
            # A dated line's first text is in its heading, a table row's fields are made from it; the lines
            # under a sub-heading are only here.
            if entry.heading.startswith("#"):
                rest = entry.lines
            else:
                rest = entry.lines[1:] if not entry.heading.startswith("|") else []
            intro.extend(["", entry.heading, *rest])
            continue
        found.append(incident)
    return found, join(intro)


def starts_event(title: str) -> bool:
    """Whether a heading's title opens an event (`10月17日晚上9点 清算延迟`), as a dated line does."""
    return bool(START.match(with_clocks(*clean_view(title.strip()))[0]))


def _fields(lines: list[str]) -> dict[str, str]:
    fields = {}
    for line in lines:
        line = BOLD.sub("", line)  # `- **影响**：…`, `**Impact:** …`: a label in bold is the same label
        if match := FIELD.match(normalize(line).strip()):
            text = re.sub(r"^[-*+]\s+", "", line.strip())
            value = re.split(r"[:：]", text, maxsplit=1)[-1].strip()
            if value.strip("-—–/ "):  # `-` in a table cell or field says nothing
                key = match.group("key")
                fields.setdefault(FIELD_NAMES.get(re.sub(r"\s+", "", key).lower(), key), value)
    return fields


def _incident(entry: _Entry, week: IsoWeek, warnings: list[str]) -> IncidentEntry | None:
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    fields = _fields(entry.lines)
    start, said_at = entry.start, entry.heading
    if start is None and "时间" in fields:
        said_at = fields["时间"]
        start = START.match(with_clocks(normalize(said_at).strip())[0])
    if start is None:
        return None
    # `晚上10点12分…11点恢复`: the evening of the start carries to an end written without a period.
    carried = carried_period(normalize(said_at))
    day = _day(start, week)
    try:
        started = dt.datetime.combine(day, dt.time(int(start["H"]), int(start["M"])), tzinfo=zone)
    except (TypeError, ValueError):
        started = None
    if started is None or not in_years(started.year) or IsoWeek.from_date(started.date()) != week:
        warnings.append(
            _("The event of %(time)s is outside %(week)s; it is kept as text.")
            % {"time": entry.heading, "week": week}
        )
        return None
    lines = [line for line in entry.lines if line.strip()]
    text = join(entry.lines)
    flat = with_clocks(normalize(text), carried=carried)[0]
    resolved = (
        _range_end(start, started, week)
        or _field_end(fields, started, week, carried)
        or _said_end(flat, started, week)
        or duration_end(flat, started)
    )
    title, grade = _title(entry, fields, lines), read_grade(fields, flat)
    if not grade["grade"] and (level := unread_grade(fields, flat)):
        warnings.append(
            _(
                "The event “%(title)s” is graded %(level)s, which is not one of the grades A–D; "
                "it is imported without a grade, for you to set."
            )
            % {"title": title, "level": level}
        )
    return IncidentEntry(
        started_at=started,
        text=text,
        title=title,
        kind=_kind(fields, flat),
        resolved_at=resolved,
        impact_count=_count(fields, flat, started, warnings),
        **grade,
        detection=_detection(fields, flat),
        impact=_impact(fields, text),
        cause=_cause(fields, flat),
    )


def _range_end(start: re.Match, started: dt.datetime, week: IsoWeek) -> dt.datetime | None:
    if not start["EH"]:
        return None
    day = _day(start, week, "e") if start["em"] else started.date()
    try:
        end = dt.datetime.combine(day, dt.time(int(start["EH"]), int(start["EM"])), tzinfo=started.tzinfo)
    except (TypeError, ValueError):
        return None
    if start["em"]:
        return end if end >= started else None
    return end if end >= started else end + dt.timedelta(days=1)


def _field_end(
    fields: dict[str, str], started: dt.datetime, week: IsoWeek, carried: tuple[str, int] | None
) -> dt.datetime | None:
    stated = fields.get("恢复时间") or fields.get("结束时间")
    match = END_VALUE.match(with_clocks(normalize(stated), carried=carried)[0].strip()) if stated else None
    if not match:
        return None
    day = _day(match, week) if match["m"] else started.date()
    try:
        end = dt.datetime.combine(day, dt.time(int(match["H"]), int(match["M"])), tzinfo=started.tzinfo)
    except (TypeError, ValueError):
        return None
    if end < started and not match["m"]:
        end += dt.timedelta(days=1)  # 23:50 started, 00:35 recovered
    return end if started <= end <= started + dt.timedelta(days=7) else None


def _said_end(text: str, started: dt.datetime, week: IsoWeek) -> dt.datetime | None:
    resolved = None
    for match in RESOLVED.finditer(text):
        if match["next"]:
            day = started.date() + dt.timedelta(days=1)
        elif match["m"]:
            day = _day(match, week)
        else:
            day = started.date()
        try:
            moment = dt.datetime.combine(
                day, dt.time(int(match["H"]), int(match["M"])), tzinfo=started.tzinfo
            )
        except (TypeError, ValueError):
            continue
        if moment < started and not (match["next"] or match["m"]):
            moment += dt.timedelta(days=1)  # 23:50 … 00:35恢复: after midnight
        if started <= moment <= started + dt.timedelta(days=7):
            resolved = moment
    if resolved is None and (match := RESOLVED_EN.search(text)):
        moment = dt.datetime.combine(started.date(), dt.time(0), tzinfo=started.tzinfo)
        if int(match["H"]) <= 23 and int(match["M"]) <= 59:
            moment = moment.replace(hour=int(match["H"]), minute=int(match["M"]))
            resolved = moment if moment >= started else moment + dt.timedelta(days=1)
    return resolved


def _title(entry: _Entry, fields: dict[str, str], lines: list[str]) -> str:
    if entry.title and entry.heading.startswith("#"):
        text = TITLE_LABEL.sub("", entry.title)
    else:
        text = fields.get("描述") or fields.get("经过") or fields.get("说明") or (lines[0] if lines else "")
    text = KIND_PREFIX.sub("", _untagged(text.strip().lstrip("·• "))[0])
    text = LEADING_BRACKET.sub("", text.lstrip("—–-:~ "))  # `（32分钟） 出金通道超时`, `— payout …`
    match = FIRST_CLAUSE.match(text)
    # `payout callback delayed (C级, 0.5)` is cut at its comma: the bracket left open is not in the title.
    title = OPEN_BRACKET.sub("", (match.group(0) if match else text).strip())
    title = TRAILING_SEVERITY.sub("", title)
    return (title.strip() or text.strip())[:300]


def _untagged(text: str) -> tuple[str, list[str]]:
    """The text without its leading `[tag]`s, and the tags."""
    tags = []
    while match := TAG.match(text):
        tags.append(match["tag"])
        text = text[match.end() :]
    return text, tags


def _kind(fields: dict[str, str], text: str) -> str:
    body, tags = _untagged(text.lstrip("-*·• "))
    prefix = KIND_PREFIX.match(body)
    # A grade column may say the kind instead (`| Risk |`, `| 变更 |`); a grade (`C级事故`) says none.
    level = fields.get("级别") or ""
    if GRADED.search(normalize(level)):
        level = ""
    said = fields.get("类型") or fields.get("性质") or level
    for stated in [said, *tags, prefix["word"] if prefix else ""]:
        stated = normalize(stated)
        if RISK_KIND.search(stated):
            return Incident.Kind.RISK
        if CHANGE_KIND.search(stated):
            return Incident.Kind.CHANGE
        if INCIDENT_KIND.search(stated):
            return Incident.Kind.INCIDENT
    if RISK_WORDS.search(text) and not read_grade(fields, text)["grade"]:
        return Incident.Kind.RISK
    if "回滚" in text and CHANGE_WORDS.search(text):
        return Incident.Kind.CHANGE  # a release rolled back stays a change, graded or not
    return Incident.Kind.INCIDENT


def _detection(fields: dict[str, str], text: str) -> str:
    stated = fields.get("发现方式") or fields.get("发现")
    source = normalize(stated) if stated else text
    if PROACTIVE.search(source) or (stated and STATED_PROACTIVE.search(source)):
        return Incident.Detection.PROACTIVE
    if REPORTED.search(source) or (stated and STATED_REPORTED.search(source)):
        return Incident.Detection.REPORTED
    return Incident.Detection.UNKNOWN


def _impact(fields: dict[str, str], text: str) -> str:
    if "影响" in fields:
        return fields["影响"].rstrip("。.；;")
    # An event over several lines (`… 影响32笔` then `  根因：…`) is read as the one line it could be:
    # each line ends a clause, and a line's list mark is not part of it.
    for line in text.splitlines():
        for clause in CLAUSE_SPLIT.split(LIST_MARK.sub("", line)):
            clause = clause.strip()
            if IMPACT_CLAUSE.match(normalize(clause)):
                return clause
    return ""


def _cause(fields: dict[str, str], text: str) -> str:
    if "原因" in fields or "根因" in fields:
        return (fields.get("原因") or fields["根因"]).rstrip("。.")
    match = CAUSE.search(text)
    return match.group("cause").strip() if match else ""


def _count(fields: dict[str, str], text: str, started: dt.datetime, warnings: list[str]) -> int | None:
    impact = normalize(_impact(fields, text))
    match = COUNT.search(impact) or COUNT_EN.search(impact) or FAILURES.search(text)
    if not match:
        return None
    count = int(match.group("count").replace(",", ""))
    if count > MAX_COUNT:
        warnings.append(
            _("The event of %(time)s states %(count)s failures, more than can be stored; kept as text.")
            % {"time": f"{started:%Y-%m-%d %H:%M}", "count": match.group("count")}
        )
        return None
    return count
