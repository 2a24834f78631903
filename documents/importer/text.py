"""From uploaded bytes to lines, and from lines to titled blocks.

A block starts at a heading: a Markdown heading (`## 【O1 业务服务】`, `# 下周工作及目标`), a
top-level bullet that is only a bracketed title (`- 【贝易转】`, the seed's style), a bracketed
title alone on a line, or one of the well-known section names alone on a line. The name of a section read
apart (`Issues`, `Plans for next week`, `问题与风险：`) alone on its line is one too, where it stands as a
heading: nothing marks it as a title, so the lines around it must (line_titles).
"""

from __future__ import annotations

import codecs
import html
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from common.weeks import IsoWeek
from documents.importer.figures import normalize
from documents.importer.kinds import RISK_TITLE, is_section_name
from documents.importer.numbered import numbered_name, numbered_titles, numbering, settle_numbered
from incidents.forms import MOMENT_YEARS

MAX_BYTES = 1024 * 1024
# The incident form's range: beyond it the week arithmetic and the conversion to UTC overflow.
YEARS = MOMENT_YEARS

WEEK_TITLE = re.compile(r"^#*\s*(?P<year>\d{4})\s*-?\s*W(?P<number>\d{1,2})\s*$", re.IGNORECASE)
WEEK_TITLE_ZH = re.compile(r"^#*\s*(?P<year>\d{4})\s*年\s*第\s*(?P<number>\d{1,2})\s*周\s*$")
MARKDOWN_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<title>.+?)\s*#*\s*$")
BRACKET_HEADING = re.compile(
    r"^(?:[-*+]\s+)?(?:\*\*)?\s*【(?P<title>[^】]+)】\s*(?:\*\*)?\s*[:：]?\s*(?:\*\*)?$"
)
# `一、效能`, `四、生产事件` alone on a line (the numbered sections of many hand-written reports).
NUMERAL_HEADING = re.compile(
    r"^(?:\*\*)?(?P<title>(?:[一二三四五六七八九十]{1,3}\s*[、.．]|\([一二三四五六七八九十]{1,3}\))\s*[^，。；,;:：]{1,24}?)(?:\*\*)?$"
)
# `O1 业务服务`, `**O2 能力升级**` alone on a line: an objective inside an OKR section.
OBJECTIVE_HEADING = re.compile(
    r"^(?:\*\*)?(?:\([一二三四五六七八九十]{1,3}\)\s*)?(?P<title>[Oo]\d{1,2}(?:\s+|\s*[:：、.]\s*)[^，。；,;]{1,30}?)(?:\*\*)?\s*$"
)
NAMED_HEADING = re.compile(
    r"^(?:\*\*)?(?P<title>收获与反思|收获和反思|下周工作及目标|下周工作与目标|下周工作|下周计划|生产事件|其他|其它|待办事项|待跟进)"
    r"(?:\*\*)?\s*[:：]?\s*(?:\*\*)?$"
)

# `2、生产事件`, `3. 下周计划`, `**Metrics**` alone on a line open a section only when their words name
# one: `1. 压测` and `**重点**` are an item and emphasis. A numbered line must name a section read
# apart (events, plans, reflections, …): `1. 省心租北京运行数据` is an item of its section. `**TODO：**` stays
# in its section, whose TODOs it opens.
APART_NAME = (
    r"(?:事件|事故|故障|线上问题|生产问题|风险|计划|安排|下周工作|下周重点|总结|小结|反思|收获|体会|其他|其它|待办|"
    r"待办事项|OKR|incidents|outages|risks|next\s*week|plans|retro|notes|action\s*items|OKRs)"
)
SECTION_NAME = rf"(?:指标|数据|度量|效能|概览|metrics|KPIs?|highlights|{APART_NAME})"
ARABIC_HEADING = re.compile(
    rf"^(?:\*\*)?(?P<title>\d{{1,2}}\s*[、.．]\s*[^，。；,;:：\d]{{0,20}}?{APART_NAME})(?:\*\*)?\s*[:：]?\s*(?:\*\*)?$",
    re.IGNORECASE,
)
BOLD_HEADING = re.compile(
    rf"^\*\*(?P<title>[^*，。；,;:：]{{0,20}}?{SECTION_NAME})\s*[:：]?\s*\*\*\s*[:：]?$", re.IGNORECASE
)
# `3. Issues`, `**Lowlights：**`: a numbered or bold line whose whole name kinds.RISK_TITLE knows.
NUMBERED_NAME = re.compile(
    r"^(?:\*\*)?(?P<title>\d{1,2}\s*[、.．]\s*(?P<name>[^*:：]{1,30}?))\s*[:：]?\s*(?:\*\*)?\s*[:：]?$"
)
BOLD_NAME = re.compile(r"^\*\*(?P<title>(?P<name>[^*:：]{1,30}?))\s*[:：]?\s*\*\*\s*[:：]?$")
# A name is a few words: a longer line is never tried as one.
MAX_BARE_NAME = 40
# `TODO:` alone opens the TODOs of the section it stands in (the parser's TODO_START), not a section.
TODO_LINE = re.compile(r"^TODO\b", re.IGNORECASE)
# A line before a bare name that leaves it standing apart: a list item, a table row, the end of a sentence.
LIST_OR_TABLE = re.compile(r"^(?:[-*+•]\s|\d{1,3}\s*[.、)](?!\d)|\|)")
SENTENCE_END = re.compile(r"[。.!！?？]$")
# What a wiki or rich-text editor leaves in pasted text: a line break written as `<br>` and characters
# written as entities (`&nbsp;`). Only entities closed by `;` are read, so `R&D` or `&notes` stay as typed.
HTML_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
HTML_ENTITY = re.compile(r"&(?:[a-z]{2,8}|#\d{1,7}|#x[0-9a-f]{1,6});", re.IGNORECASE)


# Three or more of one mark, spaces between allowed, as Markdown has it; a line of dashes or box-drawing
# lines is the same divider typed in an editor that is not Markdown.
RULE = re.compile(r"^\s*(?:(?:-\s*){3,}|(?:_\s*){3,}|(?:\*\s*){3,}|(?:[—–─━=]\s*){3,})$")


class ReportFormatError(ValueError):
    """The input is not a weekly document we can read; the message says why, for the user."""


# UTF-32 first: its little-endian mark begins with UTF-16's.
UNICODE_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]


def decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise ReportFormatError(
            _("The file is larger than %(limit)d KB; a weekly report is far smaller.")
            % {"limit": MAX_BYTES // 1024}
        )
    # Notepad's "Unicode" is UTF-16 with a byte order mark: text, though full of NUL bytes.
    for bom, encoding in UNICODE_BOMS:
        if data.startswith(bom):
            try:
                return check_text(data[len(bom) :].decode(encoding))
            except UnicodeDecodeError:
                break  # a mark on bytes that are not such text: judged as any other bytes below
    if b"\x00" in data:
        raise ReportFormatError(_("The file is binary, not a text document."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ReportFormatError(_("The file is not UTF-8 text.")) from error
    return check_text(text)


def check_text(text: str) -> str:
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise ReportFormatError(
            _("The text is larger than %(limit)d KB; a weekly report is far smaller.")
            % {"limit": MAX_BYTES // 1024}
        )
    if "\x00" in text:
        raise ReportFormatError(_("The text contains NUL characters; it is not a text document."))
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise ReportFormatError(_("The document is empty."))
    return text


def in_years(year: int) -> bool:
    return YEARS[0] <= year <= YEARS[1]


def check_week(week: IsoWeek) -> IsoWeek:
    if not in_years(week.year):
        raise ReportFormatError(week_range_message(week))
    return week


def week_range_message(week) -> str:
    return _("%(week)s is outside the weeks this site keeps, %(first)s to %(last)s.") % {
        "week": week,
        "first": YEARS[0],
        "last": YEARS[1],
    }


def split_lines(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = []
    for line in text.split("\n"):
        lines.extend(_html_leftovers(line.expandtabs(4)).split("\n"))
    return [line.rstrip() for line in lines]


def _html_leftovers(line: str) -> str:
    """A pasted line as its writer saw it: `<br>` is a new line (within a table cell it is only a
    space, so the row stays one row), `&nbsp;` a space."""
    if "&" in line:
        line = HTML_ENTITY.sub(lambda match: html.unescape(match.group()).replace("\xa0", " "), line)
    if "<" in line:
        line = HTML_BREAK.sub(" " if line.lstrip().startswith("|") else "\n", line)
    return line


def indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def read_week(line: str) -> IsoWeek | None:
    text = normalize(line).strip()
    match = WEEK_TITLE.match(text) or WEEK_TITLE_ZH.match(text)
    if not match:
        return None
    try:
        return IsoWeek(int(match.group("year")), int(match.group("number")))
    except ValueError:
        return None


def heading_title(line: str) -> str | None:
    """The title if the line opens a section, else None. Only unindented lines can."""
    if not line or line[0] == " ":
        return None
    stripped = line.strip()
    if match := MARKDOWN_HEADING.match(stripped):
        title = match.group("title").strip()
        inner = BRACKET_HEADING.match(title)
        return (inner.group("title") if inner else title.strip("*").strip()).strip()
    if match := BRACKET_HEADING.match(stripped):
        return match.group("title").strip()
    if match := NAMED_HEADING.match(stripped):
        return match.group("title")
    if match := NUMERAL_HEADING.match(normalize(stripped)):
        return stripped.strip("*").strip()
    if match := OBJECTIVE_HEADING.match(normalize(stripped)):
        return stripped.strip("*").strip()
    if match := ARABIC_HEADING.match(normalize(stripped)) or BOLD_HEADING.match(normalize(stripped)):
        return match.group("title").strip()
    match = NUMBERED_NAME.match(normalize(stripped)) or BOLD_NAME.match(normalize(stripped))
    if match and RISK_TITLE.match(match.group("name").strip()):
        return match.group("title").strip()
    return None


def line_titles(lines: list[str]) -> list[str | None]:
    """The title each line opens, or None: heading_title's, the bare name of a section (`Issues`,
    `问题与风险：`) on a line that stands as a heading, and a numbered name (`3. Lessons learned`) where the
    numbering around it is a heading's (documents.importer.numbered). A numbered line heading_title reads
    (`一、压测`, `2. 处理线上事件`) is a heading only where the structure says so too: under a plans heading
    the same line is a plan."""
    read = [heading_title(line) for line in lines]
    heads = [
        title if title is not None and numbering(line) else None
        for line, title in zip(lines, read, strict=True)
    ]
    titles = [None if head else title for title, head in zip(read, heads, strict=True)]
    names = [_bare_name(line) if title is None else None for line, title in zip(lines, read, strict=True)]
    for index, name in enumerate(names):
        if name and _stands_apart(lines, read, names, index):
            read[index] = titles[index] = name
    # A rule parts what is before it from what is after, as a blank line does.
    plain = ["" if is_rule(line) else line for line in lines]
    if any(heads):
        # A name followed by a numbered heading heads nothing, unless that line is an item of its section.
        waiting = {
            index: name
            for index, name in enumerate(names)
            if name and titles[index] is None and _stands_apart(lines, titles, names, index)
        }
        titles, items = settle_numbered(plain, titles, heads, waiting)
    else:
        items = [False] * len(lines)
    numbered = [
        numbered_name(line) if title is None and not item else None
        for line, title, item in zip(lines, titles, items, strict=True)
    ]
    if not any(numbered):
        return titles
    either = [name or other for name, other in zip(names, numbered, strict=True)]
    apart = [
        bool(name) and _stands_apart(plain, titles, either, index) for index, name in enumerate(numbered)
    ]
    return numbered_titles(plain, titles, numbered, apart)


def _bare_name(line: str) -> str | None:
    """The line without its colon when it is only a section's name (kinds.is_section_name), else None.
    Bold (`**Lessons learned**`) is read as a bare name too: emphasis inside a section looks the same."""
    if not line or line[0] == " " or len(line) > MAX_BARE_NAME:
        return None
    bold = BOLD_NAME.match(normalize(line.strip()))
    name = bold.group("name").strip() if bold else line.strip().rstrip(":：").rstrip()
    if TODO_LINE.match(normalize(name)) or not is_section_name(name):
        return None
    return name


def _stands_apart(lines: list[str], titles: list[str | None], names: list[str | None], index: int) -> bool:
    """Whether a bare name heads what follows it rather than belonging to the text around it.

    The section's content must follow: a line that is no title (a name followed by another title heads
    nothing). A line of prose just before it, unfinished, goes on into it (`We reviewed the` / `Risks`),
    and a name the next line continues in lower case is a sentence's start (`Issues` / `were few`), unless a
    colon or bold closes it."""
    after = next((position for position in range(index + 1, len(lines)) if lines[position].strip()), None)
    if after is None or titles[after] is not None or names[after]:
        return False
    line, following = lines[index].strip(), lines[after].lstrip()
    if after == index + 1 and line[-1] not in ":：*" and following[:1].islower():
        return False
    if index == 0:
        return True
    before = lines[index - 1]
    return (
        not before.strip()
        or titles[index - 1] is not None
        or is_rule(before)
        or indent_of(before) > 0
        or bool(LIST_OR_TABLE.match(before) or SENTENCE_END.search(normalize(before).strip()))
    )


def heading_level(line: str) -> int:
    """A Markdown heading's depth; 0 for the other kinds of heading."""
    match = MARKDOWN_HEADING.match(line.strip())
    return len(match.group("hashes")) if match else 0


@dataclass
class Block:
    title: str | None  # None: the lines before the first heading
    lines: list[str] = field(default_factory=list)
    level: int = 0


def split_blocks(
    lines: list[str], keeps_subheadings=lambda title: False, opens_entry=lambda section, title: False
) -> list[Block]:
    """Blocks at headings; a section that `keeps_subheadings` (production events) holds its deeper
    Markdown headings (`### 1. 代付通道回调延迟`) as lines of its own, and any Markdown heading that
    `opens_entry` of the section it is in (`### 10月17日 21:00 清算延迟` under `- 【生产事件】`, whose depth
    says nothing). Under such a kept heading a bare name (`总结`, `问题`) is a part of what it heads."""
    blocks = [Block(None)]
    nested = False  # the current block holds a heading of its own
    for line, title in zip(lines, line_titles(lines), strict=True):
        level = heading_level(line) if title is not None else 0
        current = blocks[-1]
        if (
            title is not None
            and current.title is not None
            and (
                (keeps_subheadings(current.title) and current.level and level > current.level)
                or (level and opens_entry(current.title, title))
            )
        ):
            title, nested = None, True
        elif title is not None and nested and heading_title(line) is None:
            title = None
        if title is not None:
            blocks.append(Block(title, level=level))
            nested = False
        else:
            current.lines.append(line)
    return [block for block in blocks if block.title is not None or any(line.strip() for line in block.lines)]


def is_rule(line: str) -> bool:
    """A horizontal rule: `---`, `***`, `___`, `- - -`, or a divider typed as `————` or `====`."""
    return bool(RULE.match(normalize(line)))


def unruled(lines: list[str]) -> list[str]:
    """The lines with each rule made blank: a rule is layout, and in a list or among events it parts what
    is before it from what is after, as a blank line does; no item, event or figure is made of it."""
    return ["" if is_rule(line) else line for line in lines]


def dedent(lines: list[str]) -> list[str]:
    """Remove the common indentation and the blank lines around; keep one blank line inside."""
    widths = [indent_of(line) for line in lines if line.strip()]
    cut = min(widths) if widths else 0
    result: list[str] = []
    for line in lines:
        if not line.strip():
            if result and result[-1] != "":
                result.append("")
            continue
        result.append(line[cut:] if indent_of(line) >= cut else line.lstrip(" "))
    while result and result[-1] == "":
        result.pop()
    return result


def join(lines: list[str]) -> str:
    return "\n".join(dedent(lines))
