"""The team's KPI catalogue as the importer sees it: which KPI a label written in a report means.

A label matches a KPI by its name or one of its aliases (the longest such ending of the label wins:
"本周需求交付数" is 需求交付数), or, failing that, by a fragment that fits exactly one KPI of the team
("吞吐率" is 需求吞吐率 when no other KPI has 吞吐率 in its names). Month names count as "this month"
("11月份交易" is the alias "8月份交易"). Plain data, so the parser stays free of the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from documents.importer.figures import name_key

MONTH = re.compile(r"\d{1,2}月份?|本月|当月")
TRAILING = re.compile(
    r"(?:上涨|上升|提升|回升|增长|增加|提高|升高|下降|回落|降低|减少|下滑|下跌|略降|持平|"
    r"至|到|为|是|达到|达|约|大约|了|本周|本期|当周|thisweek|[:\s\-、~≈=])+$"
)
LEADING = re.compile(r"^(?:其中|但是?|而且?|且|并且|同时|另外|以及|和|及|结果|本周|本期|[:\s])+")


def label_key(text: str) -> str:
    """How labels and names are compared: width, case, spaces, month and trailing verbs do not matter."""
    key = name_key(text)
    key = TRAILING.sub("", key)
    return MONTH.sub("当月", key)


@dataclass(frozen=True)
class KpiRef:
    """What the importer needs of a KPI: enough to place a figure and check it fits."""

    id: int
    name: str
    unit: str
    unit_label: str = ""
    decimals: int = 0
    group: str = ""
    aliases: tuple[str, ...] = ()


@dataclass
class Catalogue:
    kpis: list[KpiRef] = field(default_factory=list)

    def __post_init__(self):
        self._keys: dict[str, set[int]] = {}
        self._by_id = {kpi.id: kpi for kpi in self.kpis}
        for kpi in self.kpis:
            for text in (kpi.name, *kpi.aliases):
                key = label_key(text)
                if len(key) >= 2:
                    self._keys.setdefault(key, set()).add(kpi.id)

    def __bool__(self) -> bool:
        return bool(self.kpis)

    def get(self, kpi_id: int) -> KpiRef | None:
        return self._by_id.get(kpi_id)

    def by_name(self, name: str) -> KpiRef | None:
        key = name_key(name)
        return next((kpi for kpi in self.kpis if name_key(kpi.name) == key), None)

    def match(self, label: str) -> KpiRef | None:
        key = label_key(LEADING.sub("", name_key(label)))
        if len(key) < 2:
            return None
        # Suffixes longer than the longest known name cannot hit, and such a label is no known name's
        # fragment either: a long line's label costs no more than a short one's.
        longest = max(map(len, self._keys), default=0)
        for start in range(max(0, len(key) - longest), len(key) - 1):
            hits = self._keys.get(key[start:])
            if hits:
                return self._by_id[next(iter(hits))] if len(hits) == 1 else None
        if len(key) > longest:
            return None
        # The whole label as a fragment: "吞吐率" is 需求吞吐率 when no other KPI's names hold 吞吐率.
        hits = {kpi_id for known, ids in self._keys.items() if key in known for kpi_id in ids}
        return self._by_id[hits.pop()] if len(hits) == 1 else None


def catalogue_of(team) -> Catalogue:
    """The team's KPIs, archived ones too: an old report may name a KPI no longer in the form."""
    return Catalogue(
        [
            KpiRef(
                id=kpi.pk,
                name=kpi.name,
                unit=kpi.unit,
                unit_label=kpi.unit_label,
                decimals=kpi.decimals,
                group=kpi.group,
                aliases=tuple(kpi.alias_list()),
            )
            for kpi in team.kpis.order_by("position", "name")
        ]
    )
