# ruff: noqa: E501 -- the seed's lines are kept verbatim, however long they are.
"""The payments team's real week 2024-W33 (kept as tests/documents/fixtures/2024-W33.md) as plain data.

Every figure, OKR item and incident of the seed has its place here, in the seed's own words.
Nothing in this module is generated: the loader stores it with `is_generated=False`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import NamedTuple
from zoneinfo import ZoneInfo

from common.weeks import IsoWeek

SEED_WEEK = IsoWeek(2024, 33)
PREVIOUS_WEEK = IsoWeek(2024, 32)
SHANGHAI = ZoneInfo("Asia/Shanghai")
OKR_PERIOD = "2024-Q3"


def shanghai(year, month, day, hour=0, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


# The report's "Created: 2024年8月17日 09:33".
SUBMITTED_AT = shanghai(2024, 8, 17, 9, 33)


class KpiSeed(NamedTuple):
    """A KPI with its W33 value, the W32 value when the seed states or implies one, and a note."""

    name: str
    group: str
    unit: str  # KPI.Unit value
    decimals: int
    direction: str  # KPI.Direction value
    value: D
    previous: D | None = None
    note: str = ""
    unit_label: str = ""
    aliases: str = ""
    target: D | None = None
    computed_from: str = ""  # KPI.Computed value: counted from the incident records, never typed
    kind: str = "level"  # KPI.Kind value: running totals rise by construction


UP, DOWN, NEUTRAL = "up", "down", "neutral"
CUMULATIVE, MONTH_TO_DATE = "cumulative", "month_to_date"
COUNT, PERCENT, CURRENCY, NUMBER = "count", "percent", "currency", "number"

G_BYZ = "贝易转"
G_EFFICIENCY = "效能度量"
G_DOCAI = "DocAI 识别率"
G_OPERATIONS = "系统运行数据"

DELAY_BREAKDOWN = (
    "延期需求15个，明细分析如下：\n"
    "11个属于忘记拖动卡片，实际无延期；\n"
    "3个属于用于记录工时，实际无延期；\n"
    "1个属于被高优先级需求占用资源导致延期【需求ID：50397761】；"
)

KPIS: list[KpiSeed] = [
    # 【贝易转】 1. 省心租北京运行数据 — figures as of the report, August month to date.
    KpiSeed(
        "累计交易笔数", G_BYZ, COUNT, 0, UP, D("1134"), unit_label="笔", aliases="累计交易",
        kind=CUMULATIVE,
    ),
    KpiSeed(
        "累计交易金额", G_BYZ, CURRENCY, 0, UP, D("1829"), unit_label="万元", aliases="总金额",
        kind=CUMULATIVE,
    ),
    KpiSeed(
        "当月交易笔数", G_BYZ, COUNT, 0, UP, D("485"), unit_label="笔",
        aliases="8月份交易,8月交易笔数,8月份交易笔数", note="8月份交易485笔", kind=MONTH_TO_DATE,
    ),
    KpiSeed(
        "当月交易金额", G_BYZ, CURRENCY, 0, UP, D("820"), unit_label="万元",
        aliases="交易金额,8月交易金额,8月份交易金额", kind=MONTH_TO_DATE,
    ),
    KpiSeed(
        "平均单笔金额", G_BYZ, CURRENCY, 2, NEUTRAL, D("1.69"), unit_label="万元",
        aliases="平均单笔,8月平均单笔",
    ),
    KpiSeed(
        "贝易转交易占比", G_BYZ, PERCENT, 2, UP, D("1.44"),
        aliases="交易占比,8月份贝易转交易占比",
    ),
    KpiSeed(
        "贝易转金额占比", G_BYZ, PERCENT, 2, UP, D("2.91"), aliases="金额占比,贝易转金额占比"
    ),
    KpiSeed(
        "贝易转线下交易占比", G_BYZ, PERCENT, 1, NEUTRAL, D("26.5"),
        aliases="线下交易占比,8月份贝易转线下交易占比",
    ),
    KpiSeed("贝易转线下金额占比", G_BYZ, PERCENT, 1, NEUTRAL, D("28.2"), aliases="线下金额占比"),
    # 【贝易转】 2. 收银台首页默认支付方式调整 (mid-week change, so not a week-over-week figure).
    KpiSeed(
        "贝易转选择率", G_BYZ, PERCENT, 2, UP, D("3.84"), aliases="选择率",
        note="本周三将收银台默认支付方式设为【贝易转】，选择率提升至3.84%（增长100%）",
    ),
    KpiSeed(
        "贝易转转化率", G_BYZ, PERCENT, 0, UP, D("30"), aliases="转化率,转化率率",
        note="默认方式调整后贝易转转化率从45%降至30%，但整体转化率上升约40%",
    ),
    # 【效能度量】
    KpiSeed(
        "需求交付数", G_EFFICIENCY, COUNT, 0, UP, D("313"), D("292"), unit_label="个",
        aliases="需求交付",
    ),
    KpiSeed(
        "需求吞吐率", G_EFFICIENCY, PERCENT, 2, UP, D("81.72"), D("96.05"),
        note="研发和QA都有需求积压的情况", target=D("90"),
    ),
    KpiSeed(
        "延期率", G_EFFICIENCY, PERCENT, 2, DOWN, D("4.79"), D("3.08"),
        note=DELAY_BREAKDOWN, aliases="需求延期率", target=D("5"),
    ),
    KpiSeed(
        "延期需求数", G_EFFICIENCY, COUNT, 0, DOWN, D("15"), unit_label="个", aliases="延期需求",
    ),
    KpiSeed("代码当量", G_EFFICIENCY, NUMBER, 1, UP, D("5033.8"), D("4990.8")),
    KpiSeed("饱和度", G_EFFICIENCY, PERCENT, 0, UP, D("90")),
    KpiSeed(
        "线上bug", G_EFFICIENCY, COUNT, 0, DOWN, D("12"), unit_label="个",
        aliases="线上BUG,线上Bug,线上bug数",
    ),
    KpiSeed(
        "主动发现率", G_EFFICIENCY, PERCENT, 2, UP, D("50"), aliases="主动发现",
        note="TODO：checklist和NPE", target=D("60"),
    ),
    # 【O4 支付 × AI】 DocAI 备件识别率: "相比上周上涨0.22%" read as percentage points.
    KpiSeed(
        "身份证识别率", G_DOCAI, PERCENT, 2, UP, D("95.66"), D("95.44"), aliases="身份证",
        note="相比上周上涨0.22%",
    ),
    KpiSeed(
        "港澳通行证识别率", G_DOCAI, PERCENT, 2, UP, D("84.16"), D("83.94"), aliases="港澳通行证",
        note="相比上周上涨0.22%",
    ),
    KpiSeed(
        "台湾通行证识别率", G_DOCAI, PERCENT, 2, UP, D("86.11"), D("78.23"), aliases="台湾通行证",
        note="相比上周上涨7.88%",
    ),
    KpiSeed(
        "房产证识别率", G_DOCAI, PERCENT, 2, UP, D("62.28"), D("61.26"), aliases="房产证",
        note="相比上周提升1.02%",
    ),
    KpiSeed(
        "房产证OCR1.0成功率", G_DOCAI, PERCENT, 2, UP, D("56.99"), D("51.97"),
        aliases="OCR1.0成功率,OCR1.0", note="提升5.02%",
    ),
    KpiSeed(
        "房产证OCR2.0成功率", G_DOCAI, PERCENT, 2, UP, D("65.77"), D("65.06"),
        aliases="OCR2.0成功率,OCR2.0", note="提升0.71%",
    ),
    KpiSeed(
        "房产证灵犀成功率", G_DOCAI, PERCENT, 2, UP, D("43.64"), D("40.12"),
        aliases="灵犀成功率,灵犀", note="提升3.52%",
    ),
    KpiSeed(
        "AI自动初审占比", G_DOCAI, PERCENT, 2, UP, D("56.32"), D("55.80"),
        note="相比上周提升0.52%，针对身份证有效期格式做了特殊处理，支持备件通道路由能力，支持备件限流能力",
    ),
    # 【系统运行数据】 three decimals, stored exactly.
    KpiSeed(
        "入金有效成功率", G_OPERATIONS, PERCENT, 3, UP, D("99.998"), aliases="入金成功率",
        target=D("99.99"),
    ),
    KpiSeed(
        "出金有效成功率", G_OPERATIONS, PERCENT, 3, UP, D("99.989"), aliases="出金成功率",
        target=D("99.99"),
    ),
    KpiSeed(
        "年度可用性", G_OPERATIONS, PERCENT, 3, UP, D("99.998"), aliases="系统可用性",
        target=D("99.99"),
    ),
    KpiSeed(
        "AB级事故数", G_OPERATIONS, COUNT, 1, DOWN, D("0"), unit_label="次",
        aliases="事故数AB级,AB级", computed_from="incidents_ab",
    ),
    KpiSeed(
        "C级事故数", G_OPERATIONS, COUNT, 1, DOWN, D("0.5"), unit_label="次",
        aliases="事故数C级,C级", note="C级0.5次：按一半责任计入", computed_from="incidents_c",
    ),
    KpiSeed(
        "D级事故数", G_OPERATIONS, COUNT, 1, DOWN, D("0"), unit_label="次",
        aliases="事故数D级,D级", computed_from="incidents_d",
    ),
]  # fmt: skip


class KeyResultSeed(NamedTuple):
    """A numbered item of an objective: title is the short name before the colon."""

    title: str
    text: str
    status: str = "on_track"  # KeyResultUpdate.Status value
    progress: D | None = None
    eta: dt.date | None = None


class ObjectiveSeed(NamedTuple):
    code: str
    title: str
    key_results: list[KeyResultSeed]


OBJECTIVES: list[ObjectiveSeed] = [
    ObjectiveSeed("O1", "业务服务", [
        # The ETA comes from 【贝易转】: "对公收佣&链家接入：理房通侧排期：9月10日".
        KeyResultSeed(
            "对公收佣",
            "对公收佣：研发排期协调一致，开发联调场景初步梳理完毕。解决方案侧新应用及资源申请进度80%。",
            progress=D("80"), eta=dt.date(2024, 9, 10),
        ),
        KeyResultSeed("新银收入", "新银收入：农行通道能力接入85%，待专线打通后联调", progress=D("85")),
        KeyResultSeed(
            "芝麻免押", "芝麻免押：二期开发联调进度70%，预计9/10上线",
            progress=D("70"), eta=dt.date(2024, 9, 10),
        ),
        KeyResultSeed("房屋交付", "房屋交付：物保拓城进行中，买方付物业中信通道备份待启动"),
        KeyResultSeed("资金安全", "资金安全：8月拓城武汉、青岛，推进卖方付物保场景，大连、深圳需求待启动"),
        KeyResultSeed("存管城市需求", "存管城市需求：上海平安存管开城，长春、杭州、桂林等城市需求支持"),
    ]),
    ObjectiveSeed("O2", "能力升级", [
        KeyResultSeed("存管衍生", "存管衍生：延迟出金能力全部上线，新策略上线后新办卡12张", "done"),
        KeyResultSeed(
            "存管账户能力", "存管账户能力：中信、光大、金融闭环迁移进度30%，通道隔离能力建设10%",
            progress=D("30"),
        ),
        KeyResultSeed(
            "银企通-余额增值",
            "银企通-余额增值： 虚户前置和icip涉及网商银行交接给商户服务组闭环，当前整体进度正常，预计下周转测试",
        ),
        KeyResultSeed("存管交易路由", "存管交易路由：整体能力建设和全国切量完成，后续小迭代", "done"),
        KeyResultSeed("协议平台", "协议平台：初期建设和主协议配置完成，拓城进行中，补充协议待启动"),
        KeyResultSeed("支付营销", "支付营销：贝易转1号营销上线完成", "done"),
        # No colon in the seed: the short name is the part before the first comma.
        KeyResultSeed(
            "POS投产",
            "POS投产，银联总公司银行卡收单合作协议待银联寄回；银行卡收单材料待银联北分反馈；",
            "blocked",
        ),
        KeyResultSeed(
            "实时数仓",
            "实时数仓，现存问题：数据验证中发现新房在收单时传递的合同号和在分账时传递的合同号不一致、"
            "分账1.0缺少业务码数据；计划8/19开城试点",
            "at_risk", eta=dt.date(2024, 8, 19),
        ),
    ]),
    ObjectiveSeed("O3", "平台治理", [
        KeyResultSeed("ARK国密过检", "ARK国密过检：对文档疑问部分进行补充，待反馈。"),
        KeyResultSeed(
            "WAF迁移", "WAF迁移：8月15日进行WAF迁移的技术沟通讨论及测试准备，为9月底完成测试进行迁移准备。",
            eta=dt.date(2024, 9, 30),
        ),
        KeyResultSeed(
            "金融反诈平台", "金融反诈平台，总体研发进度100%，目前推进业务验收中，预计8月底完成验收。",
            progress=D("100"), eta=dt.date(2024, 8, 31),
        ),
        KeyResultSeed(
            "反洗钱走访数据准备",
            "反洗钱走访数据准备,目前反洗钱修数据依旧存在一定的风险，其它代办事项需要业务验证后，"
            "进一步反馈是否需要修数据。",
            "at_risk",
        ),
        # "下周四" from the week of 2024-08-12 is Thursday 2024-08-22.
        KeyResultSeed(
            "统一鉴权迁移", "统一鉴权迁移，迁移方案影响点评估中，预计是下周四上线切量",
            eta=dt.date(2024, 8, 22),
        ),
        KeyResultSeed("短信降本切IM", "短信降本切IM：系统转单、绑卡操作，轻松付划转等节点提测"),
    ]),
    ObjectiveSeed("O4", "支付 × AI", [
        KeyResultSeed(
            "备件识别率",
            "AI影像数字化（DocAI）备件识别率：\n"
            "身份证：95.66%，相比上周上涨0.22%\n"
            "港澳通行证：84.16%，相比上周上涨0.22%\n"
            "台湾通行证：86.11%，相比上周上涨7.88%\n"
            "房产证：62.28%，相比上周提升1.02%，其中OCR1.0成功率56.99%，提升5.02%；"
            "OCR2.0成功率65.77%,提升0.71%；灵犀成功率43.64%，提升3.52%；",
        ),
        KeyResultSeed(
            "AI自动初审占比",
            "AI自动初审占比56.32%，相比上周提升0.52%，针对身份证有效期格式做了特殊处理，"
            "支持备件通道路由能力，支持备件限流能力",
        ),
        KeyResultSeed(
            "AI审核二期",
            "AI审核二期，完成8种备件，覆盖解冻审核场景，新增图片摆正、2个OCR通道（灵犀及OCR2.0），"
            "通道路由功能上线（已完成），备件支持限流能力（已完成），AI审核-通道分流策略（已完成），"
            "审核派单策略（正在开发中，预计周提测上线）",
        ),
        KeyResultSeed(
            "备件bad case分析平台",
            "备件bad case分析平台系统支持针对协议号，备件类型，OCR结果，审核时间筛选OCR比对结果（已完成）,"
            "bad case图片查看功能（已完成）；ocr识别数据 ark加密已完成，生产数据刷数，数据库打标（已完成）",
            "done",
        ),
    ]),
]  # fmt: skip


class IncidentSeed(NamedTuple):
    title: str
    kind: str  # Incident.Kind value
    affected_system: str
    started_at: dt.datetime
    description: str
    cause: str = ""
    resolution: str = ""
    resolved_at: dt.datetime | None = None
    detected_at: dt.datetime | None = None
    impact: str = ""
    impact_count: int | None = None
    grade: str = ""
    responsibility_share: D = D("1")
    detection: str = "proactive"
    actions: tuple[str, ...] = ()


INCIDENTS: list[IncidentSeed] = [
    IncidentSeed(
        title="POS卡类型试算准确率未达99.9%，POS自动结算未执行",
        kind="incident",
        affected_system="清结算 · POS自动结算",
        started_at=shanghai(2024, 8, 12, 9, 27),
        resolved_at=shanghai(2024, 8, 12, 10, 56),
        description=(
            "POS卡类型试算准确率未达到99.9%，清结算POS自动结算未执行，"
            "对账文件到达后手动执行结算成功，10:56研发完成手动执行"
        ),
        impact="当日POS自动结算未执行，改为手动结算",
        cause="POS卡类型试算准确率未达到99.9%，自动结算的前置校验未通过",
        resolution="对账文件到达后手动执行结算成功，10:56研发完成手动执行",
    ),
    # The seed tallies "C级0.5次" without naming the event; the rollback of a failed account
    # opening is the only one with customer impact from our own change, so it carries the half.
    IncidentSeed(
        title="账户多状态管理功能上线后开户失败，回滚",
        kind="change",
        affected_system="账户系统 · 开户",
        started_at=shanghai(2024, 8, 13, 16, 57),
        resolved_at=shanghai(2024, 8, 13, 18, 20),
        description="账户多状态管理功能上线后，发现有开户失败情况，进行回滚；排查问题修复后18:20上线成功。",
        impact="上线期间部分开户失败",
        cause="账户多状态管理功能上线引入的问题导致开户失败",
        resolution="回滚；排查问题修复后18:20重新上线成功",
        grade="C",
        responsibility_share=D("0.5"),
    ),
    IncidentSeed(
        title="理房通文件存储最新一组存储节点磁盘使用率达70%",
        kind="risk",
        affected_system="理房通文件存储系统",
        started_at=shanghai(2024, 8, 13, 17, 7),
        description=(
            "理房通文件存储系统中，最新一组存储节点的磁盘使用率已达70%。"
            "我们正在制定近期扩容计划，以确保系统持续稳定运行。"
        ),
        impact="暂无业务影响；容量风险",
        resolution="制定近期扩容计划",
        actions=("制定并执行存储节点近期扩容计划",),
    ),
    IncidentSeed(
        title="商户签约成功后通知金融cf-tenant服务返回403",
        kind="incident",
        affected_system="金融cf-tenant服务（商户签约通知）",
        started_at=shanghai(2024, 8, 15, 14, 36),
        detected_at=shanghai(2024, 8, 15, 14, 36),
        description=(
            "商户签约成功后通知金融cf-tenant服务返回403，08-14--08-15 出现201次报错。"
            "原因是金融关闭了网络权限。稍后看是否存在业务使用场景，没有的话做下线处理，研发排查日志发现。"
        ),
        impact="08-14--08-15 出现201次报错",
        impact_count=201,
        cause="金融关闭了网络权限",
        resolution="稍后看是否存在业务使用场景，没有的话做下线处理",
        detection="proactive",
        actions=("确认商户签约通知是否存在业务使用场景，没有的话做下线处理",),
    ),
]


BYZ_SECTION = """\
### 1. 省心租北京运行数据

- 累计交易1134笔，总金额1829万元
- 8月份交易485笔，交易金额820万元，平均单笔1.69万元
- 8月份贝易转交易占比1.44%，金额占比2.91%
- 8月份贝易转线下交易占比26.5%，金额占比28.2%

### 2. 省心租业务渗透

- 线上营销活动：理房通于8月13日完成上线，生产验证已完成
- 贝易转重复入账问题：自动入账和资管经理手工入账导致重复入账。方案评估已完成，待与省心租和汇金沟通对账排期
- 收银台首页默认支付方式调整：本周三将默认方式设为【贝易转】。结果：贝易转选择率提升至3.84%（增长100%）；转化率率从45%降至30%，但整体转化率上升约40%
- C端体验优化：收银台半层方案可行，下周将进一步沟通产品需求

### 3. 其他业务进展

- 对公收佣&链家接入：
    - 理房通侧排期：9月10日
    - 二手房需求沟通完毕，产品评审预计8月21日
    - 百信银行联调预计8月20日
- 整装接入：已与整装进行一轮需求沟通。装修存管和非装修存管可使用统一方案，下周将讨论详细方案

### 4. 产研进展

- 贝易转营销：8月13日已上线，业务方预计8月27日上线
- 对公收佣相关能力：已进入研发阶段，预计9月初上线
- 待排期需求：
    - 交易链路支持付款直联行——工行、交行
    - 收银台首页优化：在特定条件下折叠其他支付方式，仅展示贝易转
"""

# The seed's bold runs start right after a CJK letter and before "↑"/"："; CommonMark does not
# open emphasis there, so a space and the colon moved out of the bold keep them bold.
EFFICIENCY_SECTION = """\
1. 需求交付数增加 **↑7.19%（292→313）**，但需求吞吐率下降：**↓14.92%(96.05%→81.72%)，研发和QA都有需求积压的情况**
2. 延期率上升，4.79%（3.08%），延期需求15个，明细分析如下：
   11个属于忘记拖动卡片，实际无延期；
   3个属于用于记录工时，实际无延期；
   1个属于被高优先级需求占用资源导致延期【需求ID：50397761】；
3. 代码当量：5033.8（4990.8），饱和度：90%；
4. 线上bug 12个，主动发现50%
"""

SECURITY_SECTION = """\
1. 系统盘点：
    - 测试已经把出金4个系统测完，测试发现4个问题。
    - 沉淀测试方法论，计划本周五在测试组宣讲开展系统盘点。
    - 在对公收佣项目中，针对资产交换、空中付系统的系统盘点加进去。预计9月初完成。
2. 旁路验证：
    - 旁路验证抽数本周上线，整体盘点下周二或下周四上线。8月底核对数据完毕。
    - 分钟级别账证核对和小时级别银行交易核对（虚户百信、银行存管三个、贝易转招商、商户余额增值网商、对公收佣百信），9-10月中旬完成。
    - 架构性能支撑
"""

# (title, Markdown body) in the seed's order.
SECTIONS: list[tuple[str, str]] = [
    ("贝易转", BYZ_SECTION),
    (G_EFFICIENCY, EFFICIENCY_SECTION),
    ("支付安全", SECURITY_SECTION),
]

TODO_SECTION = G_EFFICIENCY
TODOS: list[str] = [
    "饱和度&代码量偏低的排查和宣导；",
    "线上bug和主动发现率50%：checklist和NPE\n"
    "    1. Checklist是否加军规\n"
    "    2. NPE的日志监控\n"
    "    3. 线上bug的通晒",
    "线上BUG定级和复盘规则",
]

OTHER = """\
1. 7月生产事件复盘
2. 2024H1稳定性总结会
3. 好店-现代金控&同福沟通、访谈
4. 完美团队授课准备
5. Luna离职工作交接
6. 金融中心Allhands
7. 理房通十周年活动准备
"""

REFLECTIONS = """\
上半年稳定性总结会的思考：

1. 上半年，在服务业务、支付增长方向上双向奔跑，需求吞吐持续高位，共交付需求1411个，人均27个增长30%+
2. 稳定性和支付安全持续承压，主要风险点：交付压力下的变更质量、新机构/产品带来的未知风险
3. 稳定性和安全的举措：
    - “人”：结合支付军规、质量规范、通关考试、故障学习活动，提升意识、掌握方法；
    - “机制”：持续做细支付端到端安全、”潜火铺“、月度复盘，将防控点串联成线，落实成体系；
    - “工具/系统”：联动工程化工具（RDBoss、Xmen、KeOnes、健康分、效能平台等），将机制、规范落地到工具/系统的功能和逻辑。
"""

PLANS: list[str] = [
    "贝易转业务拓展方案",
    "理房通十周年活动准备",
    "好店商户调研和成都验证",
    "金融支付重点项目立项和进度评审",
    "市场化双周会等",
]
