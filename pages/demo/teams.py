"""The demo's teams, people and the small neighbour teams that only have generated history."""

from __future__ import annotations

from decimal import Decimal as D
from typing import NamedTuple

from pages.demo.seed import COUNT, DOWN, NEUTRAL, NUMBER, PERCENT, UP, KeyResultSeed, KpiSeed, ObjectiveSeed
from reports.access import LEADS_GROUP, MANAGERS_GROUP


class TeamSeed(NamedTuple):
    slug: str
    name: str
    position: int
    # Whether the team has a (generated) report and values for the seed week; one team is left
    # without, so the department overview has a "missing" team to show.
    reports_seed_week: bool


PAYMENTS = TeamSeed("payments", "支付 Payments", 1, True)
RISK = TeamSeed("risk", "风控 Risk", 2, True)
PLATFORM = TeamSeed("platform", "平台 Platform", 3, False)
TEAMS = [PAYMENTS, RISK, PLATFORM]


class UserSeed(NamedTuple):
    username: str
    password: str
    first_name: str
    groups: tuple[str, ...] = ()
    leads: tuple[str, ...] = ()  # team slugs
    member_of: tuple[str, ...] = ()
    is_superuser: bool = False


USERS = [
    UserSeed("admin", "admin", "Admin", is_superuser=True),
    UserSeed("lead", "lead", "支付负责人", groups=(LEADS_GROUP,), leads=("payments",)),
    UserSeed("manager", "manager", "部门经理", groups=(MANAGERS_GROUP,)),
    UserSeed("member", "member", "支付成员", member_of=("payments",)),
    UserSeed("risklead", "risklead", "风控负责人", groups=(LEADS_GROUP,), leads=("risk",)),
]


# The neighbour teams' KPIs: `value` is the anchor their generated history is built around.
NEIGHBOUR_KPIS: dict[str, list[KpiSeed]] = {
    RISK.slug: [
        KpiSeed("风险交易拦截数", "风控运营", COUNT, 0, NEUTRAL, D("236"), unit_label="笔"),
        KpiSeed("误拦率", "风控运营", PERCENT, 2, DOWN, D("0.42"), target=D("0.5")),
        KpiSeed("模型召回率", "风控运营", PERCENT, 2, UP, D("91.30")),
        KpiSeed("线上bug", "效能度量", COUNT, 0, DOWN, D("3"), unit_label="个", aliases="线上BUG"),
    ],
    PLATFORM.slug: [
        KpiSeed("网关可用性", "系统运行数据", PERCENT, 3, UP, D("99.995"), target=D("99.99")),
        KpiSeed("网关P99响应时间", "系统运行数据", "duration", 0, DOWN, D("180"), unit_label="ms"),
        KpiSeed("生产变更次数", "效能度量", COUNT, 0, NEUTRAL, D("42"), unit_label="次"),
        KpiSeed("线上bug", "效能度量", COUNT, 0, DOWN, D("4"), unit_label="个", aliases="线上BUG"),
        KpiSeed("代码当量", "效能度量", NUMBER, 1, UP, D("2210.5")),
    ],
}

NEIGHBOUR_OBJECTIVES: dict[str, list[ObjectiveSeed]] = {
    RISK.slug: [
        ObjectiveSeed("O1", "风控能力提升", [
            KeyResultSeed(
                "实时风控规则引擎升级", "实时风控规则引擎升级：规则热加载与灰度发布", progress=D("60")
            ),
            KeyResultSeed("商户风险画像", "商户风险画像：接入交易、投诉、工商三类数据", progress=D("45")),
        ]),
    ],
}  # fmt: skip
