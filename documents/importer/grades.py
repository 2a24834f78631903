"""An event's grade as people write it: the department's letters A–D, and the marks that are no grade.

A grade is read from a grade field (`级别：C`, `Severity: Sev-C`), a keyword in the text (`定级C`,
`grade C`), a tag (`【C级】`, `C级事故`, `，C级（0.5），`) or the word for severity before a letter
(`Sev-C`, `SEV C`, `sev.B`). A mark that names two letters (`Sev B/C`) or a number (`SEV1`, `P0`, `S2`)
is no grade: which of A–D it means is the department's call, so the event is imported without one and
the reader says so.
"""

from __future__ import annotations

import re
from decimal import Decimal

from documents.importer.figures import normalize

SEV = r"(?<![A-Za-z])(?i:sev(?:erity)?)"
# `Sev B/C`, `定级 B~C`, `sev B or C`: two letters, no one grade.
SECOND_LETTER = r"\s*(?:[/~、]|-|or|或|to|至|到)\s*[A-Da-d](?![A-Za-z])"
SHARE = r"(?:\s*\(\s*(?P<share>0?\.\d+|1(?:\.0+)?)\s*\))?"
GRADE = re.compile(
    rf"(?:定级|级别|等级|定为|(?<![A-Za-z])[Gg]rade)\s*:?\s*(?:{SEV}\s*[-._:]?\s*)?"
    rf"(?P<grade>[A-Da-d])(?![A-Za-z])(?!{SECOND_LETTER})\s*级?{SHARE}"
)
# A lower-case letter counts only after a mark (`sev.b`): after a space, `sev a` may be a word.
SEV_GRADE = re.compile(
    rf"{SEV}(?:\s*[-._:]\s*(?P<marked>[A-Da-d])|\s*(?P<bare>[A-D]))(?![A-Za-z0-9])(?!{SECOND_LETTER})"
    rf"\s*级?{SHARE}"
)
SEV_TWO_LETTERS = re.compile(rf"(?P<level>{SEV}\s*[-._:]?\s*[A-Da-d]{SECOND_LETTER})")
STATED_TWO_LETTERS = re.compile(rf"^\s*(?P<level>(?:{SEV}\s*[-._:]?\s*)?[A-Da-d]\s*级?{SECOND_LETTER}\s*级?)")
# Severity scales other than the department's A–D, in a grade field or as a tag (`【P1】`, `P1故障`).
LEVEL = r"(?<![A-Za-z0-9])(?:[Pp][0-4]|[Ss][1-4]|(?i:sev(?:erity)?)\s*[-._:]?\s*[0-5])(?![A-Za-z0-9])"
OTHER_SCALE = re.compile(rf"(?P<level>{LEVEL})")
OTHER_SCALE_TAG = re.compile(
    rf"[\[(【]\s*(?P<level>{LEVEL})\s*级?[^\])】]{{0,4}}[\])】]|(?P<named>{LEVEL})\s*(?:级|故障|事故|事件|incident)",
    re.IGNORECASE,
)
# `SEV1` says a severity wherever it stands; `P2` only after a word for the grade or as a clause of its
# own (`，P2，`): `切到 P2 机房` names a machine room.
NUMBERED_SEV = re.compile(rf"(?P<level>{SEV}\s*[-._:]?\s*[0-5])(?![A-Za-z0-9])")
KEYED_LEVEL = re.compile(
    rf"(?:定级|级别|等级|优先级|(?i:grade|level|priority))\s*:?\s*"
    rf"(?P<level>{LEVEL}|(?:{SEV}\s*[-._:]?\s*)?[A-Da-d]\s*级?{SECOND_LETTER})",
    re.IGNORECASE,
)
ALONE_LEVEL = re.compile(r"(?:^|[,;。|·•:])\s*(?P<level>[Pp][0-4]|[Ss][1-4])\s*(?=[,;。|·•]|$)")
# `[C级]`, `[Change]`, `【风险】` before the text: a tag that grades the event or says its kind.
GRADE_TAG = re.compile(
    # `(C级, 0.5)`: the share may follow the grade inside its bracket.
    r"[\[(【]\s*(?P<grade>[A-Da-d])\s*级\s*(?:[,;]\s*(?:责任|share)?\s*:?\s*(?P<share>0?\.\d+|1(?:\.0+)?)\s*)?"
    r"[^\])】]{0,4}[\])】]"
    r"|(?<![A-Za-z])(?P<bare>[A-D])\s*级(?:事故|事件|故障)"
    # `，C级，`, `，C级（0.5），`, `C级（半责）`: a grade standing as a clause of its own, a note after it.
    r"|(?<![A-Za-z\w])(?P<alone>[A-D])\s*级(?:\s*\((?P<alone_note>[^()]{0,12})\))?(?=[^\S\n]*(?:[,;。|·•]|$))",
    re.MULTILINE,  # a grade ending the first of an event's lines stands alone as one ending its text
)
HALF_SHARE = re.compile(r"半责|一半|各半|50\s*%")
SHARE_NUMBER = re.compile(r"^\s*(?:责任|share)?\s*:?\s*(?P<share>0?\.\d+|1(?:\.0+)?)\s*$")
GRADED = re.compile(rf"^\s*[A-Da-d]\s*$|(?<![A-Za-z])[A-Da-d]\s*级|{SEV_GRADE.pattern}")
# `出金延迟 SEV C`: the severity ending a title is not part of the event's name.
TRAILING_SEVERITY = re.compile(
    rf"(?:\s*[(（]\s*{SEV}\s*[-._:]?\s*[A-Da-d0-5]\s*[)）]|\s+{SEV}\s*[-._:]?\s*[A-Da-d0-5])\s*$"
)


def _stated(fields: dict[str, str]) -> str | None:
    return fields.get("级别") or fields.get("等级") or fields.get("定级")


def _graded(grade: str, share: Decimal) -> dict:
    return {"grade": grade.upper(), "share": share if 0 < share <= 1 else Decimal("1")}


def read_grade(fields: dict[str, str], text: str) -> dict:
    """The grade and share an event's fields or (normalised) text state; no grade when none is clear."""
    stated = _stated(fields)
    match = GRADE.search(f"定级{normalize(stated)}" if stated else text)
    if match:
        return _graded(match["grade"], Decimal(match["share"]) if match["share"] else Decimal("1"))
    if not stated and (tag := GRADE_TAG.search(normalize(text))):
        share = Decimal(tag["share"]) if tag["share"] else _share_in(tag["alone_note"] or "")
        return _graded(tag["grade"] or tag["bare"] or tag["alone"], share)
    if not stated and (sev := SEV_GRADE.search(normalize(text))):
        return _graded(sev["marked"] or sev["bare"], Decimal(sev["share"]) if sev["share"] else Decimal("1"))
    return {"grade": "", "share": Decimal("1")}


def _share_in(note: str) -> Decimal:
    """The share a note after a grade states: `0.5`, `责任0.5`, `半责`; a whole share when it says none."""
    if HALF_SHARE.search(note):
        return Decimal("0.5")
    match = SHARE_NUMBER.search(note)
    return Decimal(match["share"]) if match else Decimal("1")


def unread_grade(fields: dict[str, str], text: str) -> str:
    """A severity stated as the event's grade but not one of A–D (`P1`, `S2`, `SEV1`, `Sev B/C`), as
    written; "" when there is none.

    Never mapped to a grade: which P-level is which grade is the department's call, not the importer's.
    """
    stated = _stated(fields)
    if stated:
        stated = normalize(stated)
        match = OTHER_SCALE.search(stated) or STATED_TWO_LETTERS.search(stated)
        return match["level"] if match else ""
    if match := OTHER_SCALE_TAG.search(text):
        return match["level"] or match["named"]
    flat = normalize(text)
    for pattern in (SEV_TWO_LETTERS, NUMBERED_SEV, KEYED_LEVEL):
        if match := pattern.search(flat):
            return match["level"]
    for line in flat.splitlines():
        if match := ALONE_LEVEL.search(line.strip().lstrip("-*+ ")):
            return match["level"]
    return ""
