"""The items of a plans or TODO list: numbered, bulleted or ticked, each with its indented sub-lines."""

from __future__ import annotations

import re
from typing import NamedTuple

from documents.importer.list_tables import rows_as_items
from documents.importer.text import dedent, indent_of

ITEM = re.compile(r"^(?P<number>\d{1,3})[.、．)）](?!\d)\s*(?P<text>.*)$")
BULLET = re.compile(r"^[-*+•]\s+(?P<text>.*)$")
CHECKBOX = re.compile(r"^\[(?P<mark>[ xX])\]\s*")
# The other ways a list is numbered: `(1)`, `（1）`, `一、`, `(一)`, `①`, `⑴`, `⒈`, `➀`. Only the mark goes; a
# line that is text (`一些细节`, `(可选) 压测`) or only a mark stays whole.
NUMERAL = "一二三四五六七八九十"
ENCLOSED = "\u2460-\u249b\u24f5-\u24fe\u2776-\u2793"
MARKER = re.compile(
    rf"^(?:[(（](?:\d{{1,3}}|[{NUMERAL}]{{1,3}})[)）]|[{NUMERAL}]{{1,3}}\s*[、.．]|[{ENCLOSED}])\s*(?P<text>\S.*)$"
)


class Item(NamedTuple):
    text: str
    # Ticked (`- [x] …`): a TODO done, a plan done; the box itself is the list's markup, not the text.
    done: bool


def split_items(lines: list[str]) -> list[Item]:
    """Numbered (or bulleted) items at the base indentation, each with its indented sub-lines."""
    items: list[tuple[list[str], bool]] = []
    for line in dedent(rows_as_items(lines)):
        if not line.strip():
            continue
        if indent_of(line) == 0 or not items:
            match = ITEM.match(line.strip()) or BULLET.match(line.strip()) or MARKER.match(line.strip())
            text = match.group("text") if match else line.strip()
            box = CHECKBOX.match(text)
            items.append(([text[box.end() :] if box else text], bool(box) and box["mark"] in "xX"))
        else:
            items[-1][0].append(line)
    return [Item("\n".join(text_lines), done) for text_lines, done in items]
