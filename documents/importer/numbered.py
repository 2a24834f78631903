"""A numbered section name alone on its line: `3. Lessons learned`, `2) Production incidents`, `(4) 复盘`.

The same line is as often an item of a list (`1. 压测` / `2. 复盘` under the plans), so the number alone says
nothing: the numbering around it must say it is a heading's (text.line_titles). It is one when the headings
next to it count on in the same style (`2. 生产事件` before `3. 复盘`, `4. Next week` after it), or when no
list holds it: no item numbered one less before it in its section, none numbered one more after it, and the
section it stands in is one whose numbered lines are not items of their own (a plan's or a TODO's are).
"""

from __future__ import annotations

import re

from documents.importer.figures import normalize
from documents.importer.kinds import is_section_name, section_kind

# `3.`, `3、`, `3)`, `(3)`, bold or not; `1.5 hours` is a number, no numbering.
NUMBERING = re.compile(
    r"^(?:\*\*)?\s*(?:(?P<number>\d{1,3})\s*(?P<mark>[.、)])|\((?P<paren>\d{1,3})\))(?!\d)\s*"
)
# A name is a few words (text.MAX_BARE_NAME) after a number of a few characters.
MAX_LINE = 48
TODO_NAME = re.compile(r"^TODO\b", re.IGNORECASE)
# The kinds whose numbered lines are no items of their own, so a section's name among them heads its own
# section: a plan's, a TODO's, a reflection's, an event's or an objective's numbered lines are its parts.
SPLIT_KINDS = {"narrative", "risks"}


def numbering(line: str) -> tuple[str, int] | None:
    """The style (`.`, `、`, `)`, `()`) and number of an unindented numbered line, else None."""
    if not line or line[0] == " ":
        return None
    match = NUMBERING.match(normalize(line))
    if not match:
        return None
    if match["paren"]:
        return "()", int(match["paren"])
    return match["mark"], int(match["number"])


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
