"""Setext headings: a line of text underlined by `===` (a level-1 heading) or `---` (level 2).

The rest of the importer knows headings by their `#` marks, so an underlined title is rewritten as one
(`Next week` over `---` is `## Next week`) before anything else reads the lines, and opens its section
the same way. Only a paragraph's line can be underlined, as in CommonMark: under a list item, a table
row, a quote or a heading, and after a blank line, `---` stays a rule, which is layout.

One departure from CommonMark, on purpose: only a paragraph of one line is a heading. Reports put a
divider straight under prose more often than they underline a title of several lines, and a title made
of a whole paragraph would swallow the text; as a rule, the prose stays as written.
"""

from __future__ import annotations

import re

from documents.importer.figures import normalize
from documents.importer.kpi_tables import is_table_row
from documents.importer.list_items import BULLET, ITEM
from documents.importer.text import MARKDOWN_HEADING, is_rule

# No spaces between the marks (`- - -` is only a rule), and three of them: `--` alone opens a signature.
UNDERLINE = re.compile(r"^ {0,3}(?P<mark>={3,}|-{3,})\s*$")
FENCE = re.compile(r"^ {0,3}(?:`{3,}|~{3,})")
NOT_PARAGRAPH = re.compile(r"^\s*(?:>|<)")
LEVELS = {"=": "#", "-": "##"}


def _is_paragraph(line: str) -> bool:
    text = normalize(line)
    stripped = text.strip()
    return bool(
        stripped
        and len(text) - len(text.lstrip(" ")) <= 3
        and not MARKDOWN_HEADING.match(stripped)
        and not is_rule(text)
        and not is_table_row(text)
        and not BULLET.match(stripped)
        and not ITEM.match(stripped)
        and not NOT_PARAGRAPH.match(text)
    )


def _ends_a_block(line: str) -> bool:
    """Whether a paragraph can start on the line after this one (else that line continues it)."""
    return (
        not line.strip() or bool(MARKDOWN_HEADING.match(line.strip()) or FENCE.match(line)) or is_rule(line)
    )


def atx_headings(lines: list[str]) -> list[str]:
    """The lines with each setext heading written as `#`/`##`; its underline becomes a blank line, so
    every other line keeps its position."""
    result = list(lines)
    fenced = False
    for index, line in enumerate(lines):
        if FENCE.match(line):
            fenced = not fenced
            continue
        underline = UNDERLINE.match(line)
        if fenced or not underline or index == 0:
            continue
        text = lines[index - 1]
        if _is_paragraph(text) and (index == 1 or _ends_a_block(result[index - 2])):
            result[index - 1] = f"{LEVELS[underline['mark'][0]]} {text.strip()}"
            result[index] = ""
    return result
