"""What a report's title says beyond its week: `# 清算组周报 2025-W42` names 清算组.

The title line gives the week and is not imported as text, so whatever else it says would vanish. Those
words usually name the team, which the user chose by importing on a team's page: the preview names them,
and says plainly when they do not name that team, so a report imported on the wrong page is caught.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from documents.importer.figures import name_key, normalize
from documents.importer.weeks import (
    COMPACT_RANGE,
    ENGLISH_RANGE,
    ENGLISH_WEEK,
    ISO_WEEK,
    LONE_YEAR,
    MONTH_WEEK,
    RANGE,
    SHORT_RANGE,
    WEEK_OF,
    ZH_WEEK,
)

# Most specific first: a range's dates, then a week number, then a year left alone.
WEEK_WORDS = [ISO_WEEK, ZH_WEEK, RANGE, COMPACT_RANGE, WEEK_OF, ENGLISH_RANGE, MONTH_WEEK, SHORT_RANGE]
WEEK_WORDS += [ENGLISH_WEEK, LONE_YEAR]
# Words that only say it is a weekly report: no team, nothing to keep.
FILLER = re.compile(
    r"(?:工作)?周(?:报告?|汇报|总结|小结)|weekly\s+(?:report|update|status|summary)|weekly|"
    r"\b(?:status\s+)?report\b|\bupdate\b|\bweek\b",
    re.IGNORECASE,
)
# What is left of a date once its numbers are gone (`10月13日-10月19日`).
DATE_LEFTOVER = {"年", "月", "日", "号"}
# Team nouns beside the team's name: `清算组` on the page of 清算, `Payments team` on that of Payments.
TEAM_NOUN = re.compile(r"小组|组|团队|部门|部|\b(?:team|squad|group)\b", re.IGNORECASE)
SEPARATORS = re.compile(r"[\s#*_【】\[\]()（）<>《》「」·•|｜,，.。:：;；\-—–~/、!！?？]+")


def title_words(line: str) -> str:
    """The title's words beyond its week, its dates and the words saying it is a weekly report."""
    text = normalize(line)
    for pattern in WEEK_WORDS:
        text = pattern.sub(" ", text)
    text = FILLER.sub(" ", text)
    return " ".join(word for word in SEPARATORS.split(text) if word and word not in DATE_LEFTOVER)


def title_note(line: str, words: str) -> str:
    return _(
        "The title “%(title)s” gives the week; the rest of it, “%(words)s”, is not imported: the report "
        "goes to the team whose page you import it on."
    ) % {"title": line.strip(), "words": words}


def _names_only(words: str, team) -> bool | None:
    """True when the words are the team's name (with a noun such as 组 or team), False when they name it
    and say more, None when they do not name it."""
    rest = words
    for name in filter(None, (team.name, team.slug)):
        rest = re.sub(re.escape(name), " ", rest, flags=re.IGNORECASE)
    if name_key(rest) == name_key(words):
        return None
    return not SEPARATORS.sub("", TEAM_NOUN.sub("", rest))


def judge_title(parsed, team) -> None:
    """Put the team into the note on the title's words: no note when they only name this team, a warning
    when they do not name it (the note the parser made stands for the words that name it and say more)."""
    note = title_note(parsed.title_line, parsed.title_words) if parsed.title_words else None
    if note not in parsed.warnings:
        return
    position = parsed.warnings.index(note)
    named = _names_only(parsed.title_words, team)
    if named:
        del parsed.warnings[position]
    elif named is None:
        parsed.warnings[position] = _(
            "The title “%(title)s” names “%(words)s”, not %(team)s, the team you import into: check that "
            "this is %(team)s's report. The title's words are not imported."
        ) % {"title": parsed.title_line.strip(), "words": parsed.title_words, "team": team.name}
