"""A sign-off at the end of a list: `谢谢！`, `以上。`, `Thanks!`, `Best regards, Alice`, `-- 张三`.

It closes the message, so it is no item of the list it ends (a plan, a TODO). Nothing is dropped
either: the parser keeps it as text and says so. Only short, unindented lines at the very end count,
and only whole closings: `谢谢张三帮忙联调` and `以上线为准` are items.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from documents.importer.figures import normalize
from documents.importer.text import dedent, indent_of

MAX_LENGTH = 40  # a closing is a phrase, not a sentence
WORDS = (
    r"谢谢(?:大家|各位)?|多谢|感谢(?:大家|各位)?|以上(?:就是|即|为|是)?(?:本周|这周)?(?:的)?(?:周报|汇报)?(?:内容)?"
    r"|(?:汇报)?完毕|祝好|此致(?:敬礼)?|敬礼|(?:大家)?辛苦了"
    r"|(?i:thanks(?:\s+(?:all|everyone|again|team))?|thank\s+you(?:\s+all)?|many\s+thanks|cheers"
    r"|best(?:\s+(?:regards|wishes))?|(?:kind|warm)\s+regards|regards|sincerely"
    r"|that'?s\s+all(?:\s+for\s+(?:this|the)\s+week)?|end\s+of\s+(?:the\s+)?report)"
)
# A name signs: `Alice`, `Alice Wang`, `张三`.
NAME = r"[A-Z][A-Za-z.'-]*(?:\s+[A-Z][A-Za-z.'-]*){0,2}|[\u4e00-\u9fff]{2,4}"
PAUSE = r"[\s,;.!~…。，；！、]"
CLOSING = re.compile(
    rf"^(?:{WORDS})(?:{PAUSE}+(?:{WORDS}))*{PAUSE}*(?:(?:[,，]\s*|\s*[-—–]+\s*)(?:{NAME}))?[\s.!。！]*$"
)
# `-- 张三`, `— Alice`: a dash before a name (one `-` and a space is a list item); alone on its line, the
# dash opens a signature whose name is on the next (`—` then `Priya`), as in an e-mail.
SIGNATURE = re.compile(rf"^(?:--|[—–]{{1,2}})\s*(?:{NAME})?\s*$")
SIGNED_NAME = re.compile(rf"^(?:{NAME})$")
EMPHASIS = re.compile(r"^[*_~]+|[*_~]+$")


def _plain(line: str) -> str:
    return EMPHASIS.sub("", normalize(line).strip()).strip()


def split_sign_off(lines: list[str]) -> tuple[list[str], list[str]]:
    """The lines without the sign-off that ends them, and the sign-off (none: an empty list).

    A name on its own line (`Alice` under `Best regards,`) signs only after a closing."""
    lines = dedent(lines)
    start = None
    names = 0
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index]
        if not line.strip():
            continue
        text = _plain(line)
        if indent_of(line) or len(text) > MAX_LENGTH:
            break
        if CLOSING.match(text) or SIGNATURE.match(text):
            start = index
        elif start is None and names < 2 and SIGNED_NAME.match(text):
            names += 1
        else:
            break
    if start is None:
        return lines, []
    return dedent(lines[:start]), lines[start:]


def sign_off(
    title: str, lines: list[str], warnings: list[str], events: bool = False
) -> tuple[list[str], list[str]]:
    """As split_sign_off, and the user told of the sign-off found at the end of section `title`."""
    lines, closing = split_sign_off(lines)
    if closing:
        if events:
            message = _(
                "“%(text)s” at the end of “%(section)s” is a sign-off, not part of an event; "
                "it is kept as text."
            )
        else:
            message = _(
                "“%(text)s” at the end of “%(section)s” is a sign-off, not an item; it is kept as text."
            )
        stated = {"text": " ".join(line.strip() for line in closing if line.strip()), "section": title}
        warnings.append(message % stated)
    return lines, closing
