"""A numbered section name alone on its line: `3. Lessons learned`, `2) Production incidents`, `(4) 复盘`.

The same line is as often an item of a list (`1. 压测` / `2. 复盘` under the plans), so the number alone says
nothing: the numbering around it must say it is a heading's (text.line_titles). It is one when the headings
next to it count on in the same style (`2. 生产事件` before `3. 复盘`, `4. Next week` after it), or when no
list holds it: no item numbered one less before it in its section, none numbered one more after it, and the
section it stands in is one whose numbered lines are not items of their own (a plan's or a TODO's are).

A line the older rules read as a heading wherever it stands (`一、压测`, `2. 处理线上事件`, `3. Issues`) is
judged by its numbering too (settle_numbered), the other way round: a heading, as before, unless a list
holds it. Under `## 下周计划`, `一、压测` / `二、复盘` are plans; `二、生产事件` after `一、效能` in an
outline counted so stays a section, and so does `四、其他` after `三、下周计划` and its own `一、` `二、`.
"""

from __future__ import annotations

import re

from documents.importer.durations import ZH_DIGITS
from documents.importer.figures import normalize
from documents.importer.kinds import is_section_name, section_kind

# `3.`, `3、`, `3)`, `(3)`, bold or not; `1.5 hours` is a number, no numbering.
NUMBERING = re.compile(
    r"^(?:\*\*)?\s*(?:(?P<number>\d{1,3})\s*(?P<mark>[.、)])|\((?P<paren>\d{1,3})\))(?!\d)\s*"
)
# `三、`, `三.`, `(三)`: counted apart from `3、`, as a reader counts them, so an outline in one style and its
# lists in the other never continue each other.
CHINESE_NUMBERING = re.compile(
    r"^(?:\*\*)?\s*(?:(?P<zh>[一二三四五六七八九十]{1,3})\s*(?P<mark>[、.])|\((?P<paren>[一二三四五六七八九十]{1,3})\))"
)
# A name is a few words (text.MAX_BARE_NAME) after a number of a few characters.
MAX_LINE = 48
TODO_NAME = re.compile(r"^TODO\b", re.IGNORECASE)
# The kinds whose numbered lines are no items of their own, so a section's name among them heads its own
# section: a plan's, a TODO's, a reflection's, an event's or an objective's numbered lines are its parts.
SPLIT_KINDS = {"narrative", "risks"}
# The kinds whose sections hold lists, where a run of numbered lines the older rules read as headings is a
# list's (a risk section's numbered names still head their sections, by SPLIT_KINDS).
ITEM_KINDS = {"plans", "todos", "reflections", "incidents", "okr", "risks"}
# Plans and TODOs are nothing but a list: a numbered line in them heads a section only as the outline's next.
LIST_KINDS = {"plans", "todos"}


def numbering(line: str) -> tuple[str, int] | None:
    """The style (`.`, `、`, `)`, `()`, and `一、`, `一.`, `(一)`) and number of an unindented numbered line,
    else None."""
    if not line or line[0] == " ":
        return None
    text = normalize(line)
    if match := CHINESE_NUMBERING.match(text):
        if match["paren"]:
            return "(一)", chinese_number(match["paren"])
        return "一" + match["mark"], chinese_number(match["zh"])
    match = NUMBERING.match(text)
    if not match:
        return None
    if match["paren"]:
        return "()", int(match["paren"])
    return match["mark"], int(match["number"])


def chinese_number(numeral: str) -> int:
    """`三` 3, `十二` 12, `二十` 20, `九十九` 99; a numeral written otherwise (`三三`) is 0, no number."""
    tens, _, units = numeral.rpartition("十")
    if "十" not in numeral:
        return ZH_DIGITS[numeral] if len(numeral) == 1 else 0
    if len(tens) > 1 or len(units) > 1 or "十" in tens:
        return 0
    return ZH_DIGITS.get(tens, 1) * 10 + ZH_DIGITS.get(units, 0)


def numbered_name(line: str) -> str | None:
    """The title (`3. Lessons learned`) when the line is a number and a section's name alone, else None."""
    if not line or line[0] == " " or len(line) > MAX_LINE:
        return None
    text = normalize(line.strip())
    match = NUMBERING.match(text)
    if not match:
        return None
    name = text[match.end() :].strip().rstrip(":：").strip().removesuffix("**").strip().rstrip(":：").strip()
    if not name or "*" in name or TODO_NAME.match(name) or not is_section_name(name):
        return None
    return line.strip().strip("*").strip().rstrip(":：").strip().removesuffix("**").strip()


def numbered_titles(
    lines: list[str], titles: list[str | None], candidates: list[str | None], apart: list[bool]
) -> list[str | None]:
    """The titles with each numbered name (`candidates`, those that stand apart with content after them in
    `apart`) that the numbering shows is a heading. `titles` are the lines' other titles; only those of
    plain lines (no `#`) number as a heading does. Each pass is linear: a long text costs its length."""
    marks = [numbering(line) for line in lines]
    preamble = next((index for index, title in enumerate(titles) if title is not None), len(lines))
    blocks = _holds_content(lines, titles, marks)
    # Before the first heading a numbered line that holds content is a block of the document's outline, as
    # the names among them are: `1) 效能` / `- 吞吐率` before `2) 生产事件` numbers no list.
    items = [
        marks[index] is not None
        and title is None
        and not apart[index]
        and not (index < preamble and blocks[index])
        for index, title in enumerate(titles)
    ]
    in_list = _in_list(marks, titles, items, apart)
    result = list(titles)

    def open_name(index: int) -> bool:
        return result[index] is None and apart[index] and not in_list[index]

    kind = None  # the preamble's: nothing to keep apart
    last: dict[str, int] = {}
    for index, mark in enumerate(marks):
        if open_name(index):
            style, number = mark
            if last.get(style) == number - 1 or kind is None or kind in SPLIT_KINDS:
                result[index] = candidates[index]
        if result[index] is not None:
            kind = section_kind(result[index])
            if mark is not None:
                last[mark[0]] = mark[1]
    # Backwards: a name before the heading it counts up to (`1) Highlights`, then `2) 生产事件`) is one too.
    following: dict[str, int] = {}
    for index in range(len(lines) - 1, -1, -1):
        mark = marks[index]
        if open_name(index) and following.get(mark[0]) == mark[1] + 1:
            result[index] = candidates[index]
        if result[index] is not None and mark is not None:
            following[mark[0]] = mark[1]
    return result


def _in_list(marks, titles, items, apart) -> list[bool]:
    """Whether each numbered name is an item of a list: its section numbers an item one less before it or
    one more after it in the same style."""
    in_list = [False] * len(marks)
    for order in (range(len(marks)), range(len(marks) - 1, -1, -1)):
        step = 1 if order.step == 1 else -1
        seen: dict[str, int] = {}
        for index in order:
            if titles[index] is not None:
                seen = {}
            elif apart[index] and seen.get(marks[index][0]) == marks[index][1] - step:
                in_list[index] = True
            if items[index]:
                seen[marks[index][0]] = marks[index][1]
    return in_list


def _holds_content(lines, titles, marks) -> list[bool]:
    """Whether each line is followed by a line of content: no title, no line numbered in its own style."""
    holds = [False] * len(lines)
    after = None  # the next line that is not blank
    for index in range(len(lines) - 1, -1, -1):
        if after is not None and marks[index] is not None and titles[after] is None:
            holds[index] = marks[after] is None or marks[after][0] != marks[index][0]
        if lines[index].strip():
            after = index
    return holds


def settle_numbered(
    lines: list[str], titles: list[str | None], heads: list[str | None], waiting: dict[int, str]
) -> tuple[list[str | None], list[bool]]:
    """The titles with each numbered heading (`heads`: `一、压测`, `2. 处理线上事件`, read by the older rules)
    kept where the document's structure makes it one, and which of them are items instead.

    `titles` are the lines' other titles; `waiting` the bare names (`Plans for next week:`) that head a
    section only if the numbered heading just after them is an item of it. A numbered heading is an item
    where its section's numbered lines count up to it, unless it names a section and the outline counts up
    to it too; in a plan's or a TODO's section unless the outline counts up to it; and in another list's
    section (reflections, events, OKRs, risks), or in any when it says more than a name, where it opens a
    run that is no outline."""
    marks = [numbering(line) for line in lines]
    names = [
        numbered_name(line) if title is None and head is None else None
        for line, title, head in zip(lines, titles, heads, strict=True)
    ]
    ahead, outline = _runs_ahead(lines, titles, heads, marks)
    result, items = list(titles), [False] * len(lines)
    kind: str | None = None  # the preamble's: an outline's first heading stands there
    seen: dict[str, int] = {}  # the section's last numbered line of each style that is no title
    heading: dict[str, int] = {}  # the outline's last number in each style

    def is_item(index: int, kind: str | None, seen: dict[str, int]) -> bool:
        style, number = marks[index]
        if kind is None:
            return False
        named = names_a_section(lines[index])
        # Where a run of numbered lines is a list: a list's section, or any section when the line says more
        # than a name (`2. 处理线上事件`); a name alone in a narrative's list heads its section, as before.
        listed = kind in ITEM_KINDS or not named
        if seen.get(style) == number - 1:
            return listed and not (heading.get(style) == number - 1 and named)
        if heading.get(style) == number - 1:
            return False
        if kind in LIST_KINDS:
            return True
        return listed and ahead[index] == number + 1 and not outline[index]

    name_at = None
    for index in range(len(lines)):
        if heads[index] is None or marks[index] is None:
            if index in waiting:
                name_at = index
            elif result[index] is not None:
                kind, seen = section_kind(result[index]), {}
            elif marks[index] is not None:
                style, number = marks[index]
                # A numbered name the outline counts up to will head its section (numbered_titles), unless the
                # list before it counts up to it too: the lines after it are judged as in its section.
                if names[index] and heading.get(style) == number - 1 and seen.get(style) != number - 1:
                    kind, seen = section_kind(names[index]), {}
                    heading[style] = number
                else:
                    seen[style] = number
            continue
        if name_at is not None and is_item(index, section_kind(waiting[name_at]), {}):
            result[name_at] = waiting[name_at]
            kind, seen = section_kind(waiting[name_at]), {}
        name_at = None
        style, number = marks[index]
        if is_item(index, kind, seen):
            items[index] = True
            seen[style] = number
        else:
            result[index] = heads[index]
            kind, seen = section_kind(heads[index]), {}
            heading[style] = number
    return result, items


def names_a_section(line: str) -> bool:
    """Whether a numbered line says only a section's name (`3. Issues`, `四、生产事件`), nothing more."""
    text = normalize(line.strip())
    match = CHINESE_NUMBERING.match(text) or NUMBERING.match(text)
    name = text[match.end() :] if match else text
    return is_section_name(name.strip().strip("*").strip().rstrip(":：").strip())


def _runs_ahead(lines, titles, heads, marks) -> tuple[list[int | None], list[bool]]:
    """For each numbered line, the number of the next line numbered in its style in its section, and whether
    it and the lines counting on from it are all numbered headings each followed by content of its own,
    unindented: an outline's, not a list's, whose items follow each other or hold only indented lines."""
    ahead: list[int | None] = [None] * len(lines)
    outline = [False] * len(lines)
    following: dict[str, int] = {}  # the index of the next line numbered in each style
    after = None  # the next line that is not blank
    for index in range(len(lines) - 1, -1, -1):
        if titles[index] is not None:
            following = {}
        elif marks[index] is not None:
            style, number = marks[index]
            later = following.get(style)
            ahead[index] = marks[later][1] if later is not None else None
            content = (
                after is not None
                and lines[after][0] != " "
                and titles[after] is None
                # A list restarting under it (`三、下周计划` / `一、压测`) is its content too.
                and (marks[after] is None or marks[after][0] != style or marks[after][1] == 1)
            )
            outline[index] = (
                heads[index] is not None and content and (ahead[index] != number + 1 or outline[later])
            )
            following[style] = index
        if lines[index].strip():
            after = index
    return ahead, outline
