"""A section's kind, from its title: what the parser reads its lines as.

`【O1 业务服务】` holds an objective's key results, `生产事件`, `线上问题` or `Outages` production events,
`下周计划`, `下周安排` or `Upcoming` plans, `待办` TODOs, `收获与反思`, `经验教训` or `Lessons learned`
reflections, `其他` the rest; any other title (`Highlights`, `本周亮点`) is narrative, kept as written with
the KPI figures it states.
"""

from __future__ import annotations

import re

from documents.importer.figures import normalize

# What a risk or problem section is called besides 风险 and Risks: `Lowlights`, `Blockers`, `困难与阻碍`.
# `Highlights` is none: a lowlight is the risk, not its opposite.
RISK_ZH = r"风险|问题|困难|阻碍|阻塞|障碍|卡点|挑战"
RISK_EN = r"risks?|issues?|problems?|lowlights?|concerns?|blockers?|blocked|challenges?|impediments?"
# Words that say a risk is this week's or the main one: `本周问题`, `Key risks`.
QUALIFIER_ZH = r"本周|当前|主要|近期|存在的|遇到的"
QUALIFIER_EN = r"key|open|known|top|main|current"
# A line that is only such a name (`3. Issues`, `**Lowlights**`, `三、问题与风险`) titles a section, though
# a numbered line ending in 问题 (`2. 解决重复入账问题`) is an item: the whole line must be the name.
RISK_TITLE = re.compile(
    rf"^(?:{QUALIFIER_ZH})?(?:{RISK_ZH})(?:\s*[与和及、/&]\s*(?:{RISK_ZH}))*$"
    rf"|^(?:(?:{QUALIFIER_EN})\s+)?(?:{RISK_EN})(?:\s*(?:and|&|/|,)\s*(?:{RISK_EN}))*$",
    re.IGNORECASE,
)
OKR_TITLE = re.compile(r"^(?P<code>[Oo]\d{1,2})\s*[:：.、\s]?\s*(?P<title>.*)$")
# `5. Next week`, `4、线上问题`: a numbered heading says its kind after the number.
SECTION_NUMBER = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}\s*[、.．]|\([一二三四五六七八九十\d]{1,3}\)|\d{1,2}\s*[、.．)](?!\d))\s*"
)


# The words that give a section its kind, the first kind found winning: `线上问题` holds events, not risks.
INCIDENT_WORDS = r"事件|线上问题|生产问题|故障|事故(?![数率统])|\bincidents?\b|\boutages?\b"
OTHER_WORDS = r"其他|其它|others?\b|misc"
# `复盘` and `教训` name a retrospective only first or after `本周`: `清算延迟复盘` is one event's,
# narrative as before; `故障复盘` still holds events. `learnings` only whole and plural: `Machine learning`
# is none.
REFLECTION_WORDS = (
    r"收获|反思|感想|随想|想法|小结|心得|体会|总结|(?:^|(?<=本周)|(?<=[\s、与和及/&]))(?:经验教训|教训|复盘)|retro|reflection|lessons(?:\s+learn(?:ed|t))?"
    r"|\blearnings\b|thoughts|what\s+went\s+(?:well|wrong|badly)|what\s+(?:didn['’]?t|did\s+not)(?:\s+go(?:\s+well)?)?"
)
# `下周` opens `下周安排`, `下周重点`, `下周工作及目标`; `Next week's plan`, `Upcoming`.
PLAN_WORDS = r"下周|next\s*week(?:['’]s)?|plans?\b|next\s*steps|upcoming\b"
TODO_WORDS = r"TODO\b|待办|待跟进|跟进事项|action\s*items?|follow[- ]?ups?"
STABILITY_WORDS = r"稳定性?|隐患|stability|reliability"
# What went well this week, kept as narrative, yet a name as plain as the others: `Highlights`, `本周亮点`.
HIGHLIGHT_WORDS = r"亮点|highlights"
# What a plan's or a section's name says after its kind word: `下周安排`, `下周重点`, `Next week's plan`.
PLAN_NOUNS = r"计划|安排|重点|工作|目标|事项"
# A name made of those words alone, joined as titles join them: `Plans for next week`, `Risks and issues`,
# `本周总结`, `收获与反思`, `Key risks`. A sentence (`Issues were few this week`) has other words.
NAME_WORD = (
    rf"(?:{INCIDENT_WORDS}|{OTHER_WORDS}|(?:{REFLECTION_WORDS})s?|{PLAN_WORDS}|{TODO_WORDS}|{STABILITY_WORDS}"
    rf"|{HIGHLIGHT_WORDS}|{RISK_ZH}|{RISK_EN}|{PLAN_NOUNS})"
)
# Where the events happened (`Production incidents`, `线上故障`): a qualifier of names alone, so a numbered
# item (`2. 生产风险`) is not read as kinds.RISK_TITLE.
SCOPE_ZH = r"线上|生产"
SCOPE_EN = r"production|prod|major|notable|recent"
NAME_QUALIFIER = rf"(?:(?:{QUALIFIER_ZH}|{SCOPE_ZH})|(?:{QUALIFIER_EN}|{SCOPE_EN})\s+){{0,2}}"
NAME_JOIN = r"(?:\s*[与和及、/&+,]\s*|\s+(?:and|for|of)\s+|\s*)"
# `Incidents this week`, `Risks (this week)`: the week the report is about, said after the name.
THIS_WEEK = r"(?:\s+this\s+week|\s*\(\s*this\s+week\s*\))?"
WHOLE_NAME = re.compile(
    rf"^{NAME_QUALIFIER}{NAME_WORD}(?:{NAME_JOIN}{NAME_QUALIFIER}{NAME_WORD})*{THIS_WEEK}$",
    re.IGNORECASE,
)


def section_kind(title: str) -> str:
    text = SECTION_NUMBER.sub("", normalize(title).strip().strip("*【】[] "))
    if OKR_TITLE.match(text) and re.match(r"^[Oo]\d", text):
        return "okr"
    if re.search(INCIDENT_WORDS, text, re.IGNORECASE):
        return "incidents"
    if re.match(rf"^(?:{OTHER_WORDS})", text, re.IGNORECASE):
        return "other"
    if re.search(REFLECTION_WORDS, text, re.IGNORECASE):
        return "reflections"
    if re.match(rf"^(?:{PLAN_WORDS})", text, re.IGNORECASE):
        return "plans"
    if re.match(rf"^(?:{TODO_WORDS})", text, re.IGNORECASE):
        return "todos"
    # A section that may state events among its figures and prose: its lines that read clearly as events
    # are taken as such, and the preview names them (documents.importer.stray_events).
    if re.search(rf"{STABILITY_WORDS}|{RISK_ZH}|\b(?:{RISK_EN})\b", text, re.IGNORECASE):
        return "risks"
    return "narrative"


def is_section_name(text: str) -> bool:
    """Whether the text is only the name of a section of a kind read apart (`Issues`, `Plans for next
    week`, `问题与风险`) or of the highlights, with nothing else said: a title even when no number, bold or
    `#` marks it."""
    text = normalize(text).strip()
    if not (WHOLE_NAME.match(text) or RISK_TITLE.match(text)):
        return False
    return section_kind(text) != "narrative" or bool(re.search(HIGHLIGHT_WORDS, text, re.IGNORECASE))
