"""A section's kind, from its title: what the parser reads its lines as.

`【O1 业务服务】` holds an objective's key results, `生产事件` or `线上问题` production events, `下周计划`
plans, `待办` TODOs, `收获与反思` reflections, `其他` the rest; any other title is narrative, kept as written
with the KPI figures it states.
"""

from __future__ import annotations

import re

from documents.importer.figures import normalize

# What a risk or problem section is called besides 风险 and Risks: `Lowlights`, `Blockers`, `困难与阻碍`.
# `Highlights` is none: a lowlight is the risk, not its opposite.
RISK_ZH = r"风险|问题|困难|阻碍|阻塞|障碍|卡点|挑战"
RISK_EN = r"risks?|issues?|problems?|lowlights?|concerns?|blockers?|blocked|challenges?|impediments?"
# A line that is only such a name (`3. Issues`, `**Lowlights**`, `三、问题与风险`) titles a section, though
# a numbered line ending in 问题 (`2. 解决重复入账问题`) is an item: the whole line must be the name.
RISK_TITLE = re.compile(
    rf"^(?:本周|当前|主要|近期|存在的|遇到的)?(?:{RISK_ZH})(?:\s*[与和及、/&]\s*(?:{RISK_ZH}))*$"
    rf"|^(?:(?:key|open|known|top|main|current)\s+)?(?:{RISK_EN})(?:\s*(?:and|&|/|,)\s*(?:{RISK_EN}))*$",
    re.IGNORECASE,
)
OKR_TITLE = re.compile(r"^(?P<code>[Oo]\d{1,2})\s*[:：.、\s]?\s*(?P<title>.*)$")
# `5. Next week`, `4、线上问题`: a numbered heading says its kind after the number.
SECTION_NUMBER = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}\s*[、.．]|\([一二三四五六七八九十\d]{1,3}\)|\d{1,2}\s*[、.．)](?!\d))\s*"
)


def section_kind(title: str) -> str:
    text = SECTION_NUMBER.sub("", normalize(title).strip().strip("*【】[] "))
    if OKR_TITLE.match(text) and re.match(r"^[Oo]\d", text):
        return "okr"
    if re.search(
        r"事件|线上问题|生产问题|故障|事故(?![数率统])|\bincidents?\b|\boutages?\b", text, re.IGNORECASE
    ):
        return "incidents"
    if re.match(r"^(其他|其它|others?\b|misc)", text, re.IGNORECASE):
        return "other"
    if re.search(
        r"收获|反思|感想|随想|想法|小结|心得|体会|总结|retro|reflection|lessons|thoughts", text, re.IGNORECASE
    ):
        return "reflections"
    if re.match(r"^(下周|next\s*week|plans?\b|next\s*steps)", text, re.IGNORECASE):
        return "plans"
    if re.match(r"^(TODO\b|待办|待跟进|跟进事项|action\s*items?|follow[- ]?ups?)", text, re.IGNORECASE):
        return "todos"
    # A section that may state events among its figures and prose: its lines that read clearly as events
    # are taken as such, and the preview names them (documents.importer.stray_events).
    if re.search(rf"稳定|隐患|{RISK_ZH}|stability|reliability|\b(?:{RISK_EN})\b", text, re.IGNORECASE):
        return "risks"
    return "narrative"
