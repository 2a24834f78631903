"""The importer: the seed and two other weeks read into an empty database, losslessly and idempotently."""

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest

from common.weeks import IsoWeek
from documents.export import team_week_markdown
from documents.importer import ImportRefused, ReportFormatError, decode, import_report, parse_document
from documents.importer.text import MAX_BYTES
from incidents.models import Incident
from okrs.models import KeyResultUpdate, Objective
from reports.models import KPI, KPIValue, WeeklyReport
from tests.documents.helpers import census, fixture, missing_lines, seed_text, week_haystack
from tests.factories import make_kpi, make_report, make_value

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
W33 = IsoWeek(2024, 33)


def value_of(team, name, week):
    return KPIValue.objects.get(kpi__team=team, kpi__name=name, week__starts_on=week.monday).value


def at(*parts):
    return dt.datetime(*parts, tzinfo=SHANGHAI)


@pytest.fixture
def seeded(team):
    return import_report(parse_document(seed_text()), team, create_kpis=True)


def test_seed_key_figures_land_in_an_empty_database(team, seeded):
    w32 = W33.previous()
    assert value_of(team, "需求交付数", W33) == Decimal("313")
    assert value_of(team, "需求交付数", w32) == Decimal("292")
    assert value_of(team, "需求吞吐率", W33) == Decimal("81.72")
    assert value_of(team, "需求吞吐率", w32) == Decimal("96.05")
    assert value_of(team, "身份证", W33) == Decimal("95.66")
    assert value_of(team, "身份证", w32) == Decimal("95.44")
    assert value_of(team, "入金有效成功率", W33) == Decimal("99.998")
    assert value_of(team, "延期率", w32) == Decimal("3.08")
    assert value_of(team, "代码当量", w32) == Decimal("4990.8")
    kpi = KPI.objects.get(team=team, name="入金有效成功率")
    assert (kpi.unit, kpi.decimals, kpi.group) == (KPI.Unit.PERCENT, 3, "系统运行数据")
    assert KPI.objects.get(team=team, name="总金额").unit_label == "万元"
    assert not KPI.objects.filter(team=team, name="金额占比").exists()  # stated twice with two values


def test_seed_incidents_have_their_times(team, seeded):
    incidents = list(Incident.objects.filter(team=team).order_by("started_at"))
    assert [incident.started_at for incident in incidents] == [
        at(2024, 8, 12, 9, 27), at(2024, 8, 13, 16, 57), at(2024, 8, 13, 17, 7), at(2024, 8, 15, 14, 36)
    ]  # fmt: skip
    assert incidents[0].resolved_at == at(2024, 8, 12, 10, 56)
    assert incidents[1].resolved_at == at(2024, 8, 13, 18, 20)
    assert incidents[1].kind == Incident.Kind.CHANGE
    assert incidents[2].kind == Incident.Kind.RISK
    assert incidents[3].impact_count == 201
    assert all(incident.week.iso == W33 for incident in incidents)


def test_seed_objectives_items_progress_and_eta(team, seeded):
    assert list(Objective.objects.filter(team=team).values_list("code", "title")) == [
        ("O1", "业务服务"), ("O2", "能力升级"), ("O3", "平台治理"), ("O4", "支付 × AI")
    ]  # fmt: skip
    updates = KeyResultUpdate.objects.filter(key_result__objective__code="O1").order_by(
        "key_result__position"
    )
    assert [u.key_result.title for u in updates][:3] == ["对公收佣", "新银收入", "芝麻免押"]
    assert [u.progress for u in updates][:4] == [Decimal("80"), Decimal("85"), Decimal("70"), None]
    assert updates[2].key_result.eta == dt.date(2024, 9, 10)
    assert KeyResultUpdate.objects.filter(key_result__objective__code="O2").count() == 8


def test_seed_narrative_todos_plans_other_and_reflections(team, seeded):
    report = WeeklyReport.objects.get(team=team)
    titles = [section.title for section in report.sections.all()]
    assert titles[:4] == ["", "贝易转", "效能度量", "支付安全"]
    assert [todo.section_title for todo in report.todos.all()] == ["效能度量"] * 3
    assert "NPE的日志监控" in report.todos.all()[1].text
    assert [plan.text for plan in report.plans.all()][0] == "贝易转业务拓展方案"
    assert report.other.startswith("1. 7月生产事件复盘")
    assert report.reflections.startswith("上半年稳定性总结会的思考")


@pytest.mark.parametrize("name", ["seed", "2024-W34.md", "2025-W01.md"])
def test_every_nonblank_line_is_found_again_in_the_week(team, name):
    text = seed_text() if name == "seed" else fixture(name)
    parsed = parse_document(text)
    import_report(parsed, team, create_kpis=True)
    haystack = week_haystack(team, parsed.week, team_week_markdown(team, parsed.week))
    assert missing_lines(text, haystack) == []


def test_missing_lines_notices_a_dropped_line():
    assert missing_lines("- 【贝易转】\n身份证：95.66%\n", "贝易转") == ["身份证：95.66%"]


def test_importing_the_same_file_twice_writes_nothing(team, seeded):
    before = census()
    result = import_report(parse_document(seed_text()), team, create_kpis=True)
    assert not result.changed
    assert census() == before


def test_a_corrected_file_updates_in_place(team, seeded):
    before = census()
    corrected = seed_text().replace("入金有效成功率：99.998%", "入金有效成功率：99.997%")
    corrected = corrected.replace("2. 新银收入：农行通道能力接入85%", "2. 新银收入：农行通道能力接入88%")
    import_report(parse_document(corrected), team, create_kpis=True)
    assert value_of(team, "入金有效成功率", W33) == Decimal("99.997")
    update = KeyResultUpdate.objects.get(key_result__title="新银收入")
    assert update.progress == Decimal("88")
    after = census()
    for model in ["KPI", "KPIValue", "KeyResult", "KeyResultUpdate", "Incident", "ReportSection"]:
        assert after[model] == before[model], model


def test_round_trip_export_import_export_gives_the_same_document(team, other_team, seeded):
    first = team_week_markdown(team, W33)
    import_report(parse_document(first), other_team, create_kpis=True)
    assert team_week_markdown(other_team, W33) == first


def test_round_trip_of_the_other_weeks(team, other_team):
    for name in ["2024-W34.md", "2025-W01.md"]:
        parsed = parse_document(fixture(name))
        import_report(parsed, team, create_kpis=True)
        first = team_week_markdown(team, parsed.week)
        import_report(parse_document(first), other_team, create_kpis=True)
        assert team_week_markdown(other_team, parsed.week) == first, name


def test_week_w34_with_half_width_punctuation_and_reordered_sections(team):
    parsed = parse_document(fixture("2024-W34.md"))
    import_report(parsed, team, create_kpis=True)
    w34 = IsoWeek(2024, 34)
    assert parsed.week == w34
    assert value_of(team, "需求交付数", w34) == Decimal("280")
    assert value_of(team, "需求交付数", W33) == Decimal("313")
    assert value_of(team, "需求吞吐率", w34) == Decimal("85.00")
    assert value_of(team, "延期率", W33) == Decimal("4.79")
    assert value_of(team, "身份证", w34) == Decimal("95.10")
    assert value_of(team, "身份证", W33) == Decimal("95.66")  # 下降0.56 adds back
    assert value_of(team, "入金有效成功率", w34) == Decimal("99.995")
    assert value_of(team, "主动发现", w34) == Decimal("62.5")
    incident = Incident.objects.get(team=team)
    assert (incident.started_at, incident.resolved_at) == (at(2024, 8, 20, 11, 5), at(2024, 8, 20, 11, 40))
    report = WeeklyReport.objects.get(team=team, week__starts_on=w34.monday)
    assert report.reflections == ""
    assert "与QA对齐定级口径" in report.todos.get().text
    assert [section.title for section in report.sections.all()][0] == "系统运行数据"
    assert KeyResultUpdate.objects.get(key_result__title="对公收佣").key_result.eta == dt.date(2024, 9, 10)


def test_week_2025_w01_across_the_year_with_full_width_percent(team):
    parsed = parse_document(fixture("2025-W01.md"))
    import_report(parsed, team, create_kpis=True)
    w01 = IsoWeek(2025, 1)
    assert value_of(team, "需求吞吐率", w01) == Decimal("87.14")
    assert value_of(team, "需求吞吐率", w01.previous()) == Decimal("88.20")
    assert value_of(team, "延期率", w01.previous()) == Decimal("2.40")
    assert value_of(team, "累计交易", w01) == Decimal("1402")
    update = KeyResultUpdate.objects.get(key_result__title="存管账户能力")
    assert update.progress == Decimal("60")
    assert update.key_result.eta == dt.date(2025, 1, 10)
    assert "依赖法务审核" in KeyResultUpdate.objects.get(key_result__title="协议平台").note
    assert KeyResultUpdate.objects.get(key_result__title="统一鉴权迁移").status == KeyResultUpdate.Status.DONE
    incident = Incident.objects.get(team=team)
    assert incident.started_at == at(2024, 12, 31, 22, 15)
    assert incident.resolved_at == at(2024, 12, 31, 23, 5)
    assert incident.week.iso == w01
    report = WeeklyReport.objects.get(team=team)
    assert report.other == "1. 年会准备"
    assert [plan.text for plan in report.plans.all()] == ["年度OKR复盘", "Q1规划评审"]
    assert report.sections.get(title="生产事件").body == "本周一条生产事件，无资损。"


def test_existing_kpi_is_matched_by_alias(team):
    kpi = make_kpi(team, "Delivered requirements", aliases="需求数, 需求交付数", unit=KPI.Unit.COUNT)
    import_report(parse_document(seed_text()), team, create_kpis=True)
    assert KPIValue.objects.get(kpi=kpi, week__starts_on=W33.monday).value == Decimal("313")
    assert not KPI.objects.filter(team=team, name="需求交付数").exists()


def test_last_week_already_stored_is_kept_with_a_warning(team):
    kpi = make_kpi(team, "需求交付数")
    make_value(kpi, W33.previous(), 290)
    result = import_report(parse_document(seed_text()), team, create_kpis=True)
    assert KPIValue.objects.get(kpi=kpi, week__starts_on=W33.previous().monday).value == Decimal("290")
    assert any("需求交付数" in warning for warning in result.warnings)


def test_published_week_is_refused_unless_admin(team):
    make_report(team, W33, status=WeeklyReport.Status.PUBLISHED)
    before = census()
    with pytest.raises(ImportRefused):
        import_report(parse_document(seed_text()), team, create_kpis=True)
    assert census() == before
    import_report(parse_document(seed_text()), team, allow_locked=True, create_kpis=True)
    assert KPIValue.objects.filter(kpi__team=team).exists()


def test_a_given_week_overrides_the_title_and_says_so():
    # The preview shows the week read from the title and lets the user change it.
    parsed = parse_document(seed_text(), IsoWeek(2024, 34))
    assert parsed.week == IsoWeek(2024, 34)
    assert any("2024-W33" in warning for warning in parsed.warnings)


def test_given_week_is_used_without_a_title():
    text = seed_text().replace("# 2024-W33\n", "", 1)
    assert parse_document(text, IsoWeek(2024, 33)).week == W33
    assert parse_document(text).week_source == "created"  # the last resort: the Created: line
    with pytest.raises(ReportFormatError, match="week"):
        parse_document(text.replace("Created: 2024年8月17日 09:33", ""))


@pytest.mark.parametrize(
    "data",
    [b"", b"   \n\n", b"\x00\x01binary", "中文".encode("gbk"), b"x" * (MAX_BYTES + 1)],
    ids=["empty", "blank", "binary", "not-utf8", "huge"],
)
def test_unreadable_input_is_a_clear_error(data):
    with pytest.raises(ReportFormatError):
        parse_document(decode(data))


def test_text_without_structure_is_not_a_weekly_report():
    with pytest.raises(ReportFormatError, match="section"):
        parse_document(fixture("not-a-report.md"), W33)
