"""Plausible made-up history before the seed week, repeatable from a fixed random seed.

Everything here is plain data (dicts of Decimals keyed by team, name and ISO week) so the loader
can compare it with what the database already holds and write only what is missing.
Values are built from integer random steps in the KPI's own quantum, so they are exact Decimals
with the KPI's decimals and never leave its range.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP
from decimal import Decimal as D
from typing import NamedTuple

from common.weeks import IsoWeek
from pages.demo.seed import (
    KPIS,
    OBJECTIVES,
    PREVIOUS_WEEK,
    SEED_WEEK,
    SHANGHAI,
    KeyResultSeed,
    KpiSeed,
)
from pages.demo.teams import NEIGHBOUR_KPIS, NEIGHBOUR_OBJECTIVES, PAYMENTS, PLATFORM, RISK

RANDOM_SEED = 20240817
FIRST_WEEK = IsoWeek(2024, 1)
# 2024-W01 … 2024-W32: the weeks before the seed week that get a generated report.
GENERATED_WEEKS = [FIRST_WEEK.shifted(n) for n in range(SEED_WEEK.number - FIRST_WEEK.number)]

# Forward-in-time improvement per week, so recognition rates climb towards the seed's figures.
TRENDS = {
    "身份证识别率": D("0.15"),
    "港澳通行证识别率": D("0.4"),
    "台湾通行证识别率": D("0.5"),
    "房产证识别率": D("0.5"),
    "房产证OCR1.0成功率": D("0.6"),
    "房产证OCR2.0成功率": D("0.4"),
    "房产证灵犀成功率": D("0.6"),
    "AI自动初审占比": D("0.8"),
    "模型召回率": D("0.2"),
}
# Generated, but pinned to what the seed implies for the week before: 选择率 "增长100%" from
# 1.92%, 转化率 "从45%降至30%", and 延期需求数 = 3.08% of 292 deliveries.
PINNED_PREVIOUS = {"贝易转选择率": D("1.92"), "贝易转转化率": D("45"), "延期需求数": D("9")}
# The cumulative KPIs grew by a tenth more each week, so the generated weeks use up ~90% of the
# seed's total; the month-to-date figures are that inflow scaled to the seed's August figures.
CUMULATIVE_GROWTH = D("0.9")
CUMULATIVE_SHARE = D("0.093")
MONTH_TO_DATE = {"当月交易笔数": "累计交易笔数", "当月交易金额": "累计交易金额"}
TALLY_GRADES = {"AB级事故数": ("A", "B"), "C级事故数": ("C",), "D级事故数": ("D",)}
# Key results whose progress did not move over the last weeks: the dashboards flag them stalled.
STALLED_WEEKS = {"新银收入": 3, "存管账户能力": 4, "商户风险画像": 2}

RELATIVE_SPREAD = {"percent": D("0.012"), "count": D("0.12"), "currency": D("0.08"), "number": D("0.04")}


class GeneratedIncident(NamedTuple):
    team: str
    title: str
    kind: str
    grade: str
    responsibility_share: D
    affected_system: str
    started_at: dt.datetime
    resolved_at: dt.datetime
    detection: str
    cause: str
    resolution: str


class GeneratedReport(NamedTuple):
    team: str
    week: IsoWeek
    status: str
    sections: list[tuple[str, str]]
    plans: list[str]
    todo: str  # "" when none; a TODO raised here is closed by the team's next report


class History(NamedTuple):
    kpi_values: dict[tuple[str, str, IsoWeek], D]
    kr_updates: dict[tuple[str, str, str, IsoWeek], tuple[D | None, str, str]]
    incidents: list[GeneratedIncident]
    reports: list[GeneratedReport]


def quantum(decimals: int) -> D:
    return D(1).scaleb(-decimals)


def _bounds(kpi: KpiSeed) -> tuple[D, D | None]:
    if kpi.unit == "percent":
        # Success rates near 100% stay near it; a 99.5% week would be a major incident.
        # Success rates near 100% stay near it, and a perfect 100.000% is rarer than a lucky week.
        if kpi.decimals >= 3:
            return D("99.95"), D("99.999")
        return D(0), D(100)
    return D(0), None


def _clamp(value: D, low: D, high: D | None) -> D:
    value = max(value, low)
    return min(value, high) if high is not None else value


def walk_back(rng: random.Random, kpi: KpiSeed, anchor: D, count: int) -> list[D]:
    """`count` values for the weeks before the anchor's week, newest first."""
    q = quantum(kpi.decimals)
    low, high = _bounds(kpi)
    if kpi.unit == "percent" and kpi.decimals >= 3:
        spread = 3
    else:
        relative = RELATIVE_SPREAD.get(kpi.unit, D("0.1"))
        spread = max(1, int((abs(anchor) * relative / q).to_integral_value()))
    trend = TRENDS.get(kpi.name, D(0))
    wobble, values = D(0), []
    for step in range(1, count + 1):
        # Autocorrelated noise around a trend line: weeks resemble their neighbours.
        wobble = (wobble * D("0.6")).quantize(q, ROUND_HALF_UP) + D(rng.randint(-spread, spread)) * q
        values.append(_clamp((anchor - trend * step + wobble).quantize(q, ROUND_HALF_UP), low, high))
    return values


def _cumulative_back(rng: random.Random, kpi: KpiSeed, anchor: D, count: int) -> tuple[list[D], list[D]]:
    """Cumulative totals for earlier weeks and each week's inflow (the seed week's first)."""
    flow, total, totals, flows = anchor * CUMULATIVE_SHARE, anchor, [], []
    for _ in range(count + 1):
        week_flow = (flow * D(rng.randint(85, 115)) / 100).quantize(quantum(kpi.decimals), ROUND_HALF_UP)
        flows.append(min(week_flow, total))
        total -= flows[-1]
        totals.append(total)
        flow = flow * CUMULATIVE_GROWTH
    return totals[:-1], flows


def _friday(week: IsoWeek) -> dt.date:
    return week.monday + dt.timedelta(days=4)


def _payments_values(rng: random.Random, incidents: list[GeneratedIncident]) -> dict:
    values: dict[tuple[str, str, IsoWeek], D] = {}
    by_name = {kpi.name: kpi for kpi in KPIS}
    flows: dict[str, dict[IsoWeek, D]] = {}
    for kpi in KPIS:
        weeks = GENERATED_WEEKS if kpi.previous is None else GENERATED_WEEKS[:-1]
        newest_first = list(reversed(weeks))
        if kpi.name in MONTH_TO_DATE.values():
            totals, week_flows = _cumulative_back(rng, kpi, kpi.value, len(weeks))
            # A week's inflow is the difference to the week before: W33's flow leads back to W32.
            flows[kpi.name] = dict(zip([SEED_WEEK, *newest_first], week_flows, strict=True))
            series = totals
        elif kpi.name in PINNED_PREVIOUS:
            pinned = PINNED_PREVIOUS[kpi.name]
            series = [pinned, *walk_back(rng, kpi, pinned, len(weeks) - 1)]
        else:
            series = walk_back(rng, kpi, kpi.previous or kpi.value, len(weeks))
        for week, value in zip(newest_first, series, strict=True):
            values[(PAYMENTS.slug, kpi.name, week)] = value

    def put(name: str, week: IsoWeek, value: D) -> None:
        q = quantum(by_name[name].decimals)
        values[(PAYMENTS.slug, name, week)] = value.quantize(q, ROUND_HALF_UP)

    for week in GENERATED_WEEKS:
        # Month-to-date figures follow from the cumulative inflow, so the numbers agree.
        for name, cumulative in MONTH_TO_DATE.items():
            seed_daily = flows[cumulative][SEED_WEEK] / 7
            scale = by_name[name].value / (seed_daily * _friday(SEED_WEEK).day)
            put(name, week, flows[cumulative][week] / 7 * _friday(week).day * scale)
        count = values[(PAYMENTS.slug, "当月交易笔数", week)]
        amount = values[(PAYMENTS.slug, "当月交易金额", week)]
        put("平均单笔金额", week, amount / count if count else D(0))
        delivered = values.get((PAYMENTS.slug, "需求交付数", week))
        delayed = values[(PAYMENTS.slug, "延期需求数", week)]
        if delivered is not None and (PAYMENTS.slug, "延期率", week) in values:
            put("延期率", week, min(D(100), delayed * 100 / delivered) if delivered else D(0))
        for name, grades in TALLY_GRADES.items():
            shares = (
                i.responsibility_share
                for i in incidents
                if i.team == PAYMENTS.slug and i.grade in grades and _week_of(i) == week
            )
            put(name, week, sum(shares, D(0)))
    return values


def _week_of(incident: GeneratedIncident) -> IsoWeek:
    return IsoWeek.from_date(incident.started_at.date())


def _neighbour_values(rng: random.Random) -> dict:
    values = {}
    for team in (RISK, PLATFORM):
        weeks = [*GENERATED_WEEKS, SEED_WEEK] if team.reports_seed_week else GENERATED_WEEKS
        for kpi in NEIGHBOUR_KPIS[team.slug]:
            series = [kpi.value, *walk_back(rng, kpi, kpi.value, len(weeks) - 1)]
            for week, value in zip(reversed(weeks), series, strict=True):
                values[(team.slug, kpi.name, week)] = value
    return values


KR_NOTES = ["按计划推进", "持续跟进中", "方案评审完成", "联调进行中", "等待外部反馈", "测试验证中"]


def _kr_series(rng: random.Random, team: str, code: str, kr: KeyResultSeed, weeks: list[IsoWeek]) -> dict:
    updates, progress = {}, kr.progress
    stalled = STALLED_WEEKS.get(kr.title, 0)
    for age, week in enumerate(reversed(weeks)):
        if progress is not None and age >= stalled:
            progress = max(D(0), progress - rng.choice([0, 2, 3, 5, 5, 8]))
        status = "at_risk" if age < stalled else "on_track"
        updates[(team, code, kr.title, week)] = (progress, status, rng.choice(KR_NOTES))
    return updates


def _kr_updates(rng: random.Random) -> dict:
    updates = {}
    for objective in OBJECTIVES:
        for kr in objective.key_results:
            updates.update(_kr_series(rng, PAYMENTS.slug, objective.code, kr, GENERATED_WEEKS))
    for team, objectives in NEIGHBOUR_OBJECTIVES.items():
        for objective in objectives:
            for kr in objective.key_results:
                updates.update(_kr_series(rng, team, objective.code, kr, GENERATED_WEEKS))
    return updates


INCIDENT_POOL = {
    PAYMENTS.slug: [
        ("代付通道超时率升高", "出金 · 代付通道", "银行通道响应变慢", "切换备用通道"),
        ("对账文件延迟到达，自动结算推迟", "清结算", "银行侧文件生成延迟", "文件到达后手动触发结算"),
        ("收银台页面加载缓慢", "收银台", "静态资源CDN节点异常", "切换CDN节点"),
        ("配置变更后部分订单支付失败，回滚", "支付网关", "配置项遗漏灰度校验", "回滚配置并补充校验"),
    ],
    RISK.slug: [
        ("规则引擎误拦率突增", "实时风控引擎", "新规则阈值过低", "下线该规则并复核阈值"),
    ],
    PLATFORM.slug: [
        ("网关节点CPU打满", "API网关", "突发流量未及时扩容", "扩容并调整限流"),
        ("日志集群磁盘告警", "日志平台", "日志保留策略未生效", "清理并修复保留策略"),
    ],
}
INCIDENT_RATE = {PAYMENTS.slug: 30, RISK.slug: 8, PLATFORM.slug: 15}  # percent of weeks


def _incidents(rng: random.Random) -> list[GeneratedIncident]:
    incidents = []
    for team, pool in INCIDENT_POOL.items():
        for week in GENERATED_WEEKS:
            if rng.randint(1, 100) > INCIDENT_RATE[team]:
                continue
            title, system, cause, resolution = rng.choice(pool)
            # Weekdays in office hours only, so the ISO week is the same in any time zone near ours.
            day = week.monday + dt.timedelta(days=rng.randint(0, 4))
            start = dt.datetime(day.year, day.month, day.day, rng.randint(9, 17), rng.randint(0, 59))
            start = start.replace(tzinfo=SHANGHAI)
            grade = rng.choice(["", "", "D", "D", "C"])
            kind = "change" if "回滚" in title else ("risk" if "告警" in title else "incident")
            incidents.append(
                GeneratedIncident(
                    team=team,
                    title=title,
                    kind=kind,
                    grade=grade,
                    responsibility_share=D("0.5") if grade == "C" and rng.randint(0, 1) else D("1"),
                    affected_system=system,
                    started_at=start,
                    resolved_at=start + dt.timedelta(minutes=rng.randint(15, 240)),
                    detection=rng.choice(["proactive", "proactive", "reported"]),
                    cause=cause,
                    resolution=resolution,
                )
            )
    return incidents


PLAN_POOL = [
    "推进对公收佣联调",
    "完成存管账户迁移方案评审",
    "线上bug复盘与定级",
    "DocAI识别率专项优化",
    "支付安全系统盘点",
    "季度OKR进度评审",
    "稳定性专项周会",
]
TODO_POOL = ["补充变更checklist", "完善告警阈值", "整理线上bug复盘结论", "更新应急预案"]


def _payments_sections(values: dict, week: IsoWeek) -> list[tuple[str, str]]:
    stated = {kpi.name: kpi.previous for kpi in KPIS if kpi.previous is not None and week == PREVIOUS_WEEK}

    def v(name: str) -> D:
        return stated.get(name) or values[(PAYMENTS.slug, name, week)]

    return [
        ("贝易转", f"- 累计交易{v('累计交易笔数')}笔，总金额{v('累计交易金额')}万元\n- 业务推进按计划进行"),
        (
            "效能度量",
            f"1. 需求交付数{v('需求交付数')}，需求吞吐率{v('需求吞吐率')}%\n"
            f"2. 延期率{v('延期率')}%，延期需求{v('延期需求数')}个\n"
            f"3. 代码当量：{v('代码当量')}，饱和度：{v('饱和度')}%",
        ),
        ("支付安全", "- 系统盘点与旁路验证按计划推进"),
    ]


def _reports(rng: random.Random, values: dict) -> list[GeneratedReport]:
    reports = []
    for team in (PAYMENTS, RISK, PLATFORM):
        weeks = GENERATED_WEEKS + ([SEED_WEEK] if team is RISK else [])
        for week in weeks:
            if team is PAYMENTS:
                sections = _payments_sections(values, week)
            else:
                sections = [("本周进展", f"- {rng.choice(KR_NOTES)}\n- 各项指标平稳")]
            is_last = week == weeks[-1]
            # Only a generated report raises a TODO, and the team's next generated report closes
            # it, so made-up TODOs never reach the real seed week.
            raises_todo = rng.randint(1, 4) == 1 and not is_last
            reports.append(
                GeneratedReport(
                    team=team.slug,
                    week=week,
                    status="submitted" if week == SEED_WEEK else "published",
                    sections=sections,
                    plans=rng.sample(PLAN_POOL, 2),
                    todo=rng.choice(TODO_POOL) if raises_todo else "",
                )
            )
    return reports


def generate() -> History:
    """The whole generated history; the same every time."""
    rng = random.Random(RANDOM_SEED)
    incidents = _incidents(rng)
    values = _payments_values(rng, incidents)
    values.update(_neighbour_values(rng))
    return History(
        kpi_values=values,
        kr_updates=_kr_updates(rng),
        incidents=incidents,
        reports=_reports(rng, values),
    )
