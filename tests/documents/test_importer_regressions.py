"""Importer regressions found by review: input the database cannot hold is kept as text with a warning.

Each case went through the upload page (lead, confirm) and answered 500; now the page imports what fits,
keeps the rest as text, says why, and never changes what it must not.
"""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from common.weeks import IsoWeek
from documents.importer import ReportFormatError, import_report, parse_document
from incidents.models import Incident
from okrs.models import KeyResultUpdate
from reports.models import KPI, KPIValue, ReportSection, WeeklyReport
from tests.documents.helpers import census, create_every_kpi, seed_text
from tests.factories import make_kpi, make_report

W33 = IsoWeek(2024, 33)
W32 = W33.previous()


def post_import(client, team, text, **extra):
    try:
        answers = create_every_kpi(team, text)
    except ReportFormatError:
        answers = {}  # the page answers with the reason
    return client.post(
        reverse("report-import", args=[team.slug]), {"content": text, "confirm": "1", **answers, **extra}
    )


def document(section: str, *lines: str, week: str = "2024-W33") -> str:
    return "\n".join([f"# {week}", "", f"## 【{section}】", "", *lines]) + "\n"


# -- 1. Input beyond what the database holds -------------------------------------------------------


@pytest.mark.parametrize("count", ["99999999999999999999", "3000000000", "2147483648"])
def test_failure_count_beyond_the_database_is_kept_as_text_with_a_warning(client_for, lead, team, count):
    text = document("生产事件", f"2024年8月12日 9:27 POS 接口 {count}次报错 10:56 恢复")
    parsed = parse_document(text)
    assert parsed.incidents[0].impact_count is None
    assert any(count in warning for warning in parsed.warnings)
    response = post_import(client_for(lead), team, text)
    assert response.status_code == 302
    incident = Incident.objects.get(team=team)
    assert incident.impact_count is None
    assert f"{count}次报错" in incident.description


def test_failure_count_at_the_database_limit_is_still_taken(team):
    text = document("生产事件", "2024年8月12日 9:27 POS 接口 2147483647次报错 10:56 恢复")
    parsed = parse_document(text)
    assert parsed.warnings == []
    import_report(parsed, team, create_kpis=True)
    assert Incident.objects.get(team=team).impact_count == 2147483647


@pytest.mark.parametrize(
    "item",
    [["1. 对公收佣：资源申请", "    进度150%"], ["1. 对公收佣：资源申请进度150%"]],
    ids=["status-line", "inline"],
)
def test_progress_above_100_is_kept_as_text_with_a_warning(client_for, lead, team, item):
    text = document("O1 业务服务", *item)
    parsed = parse_document(text)
    okr_item = parsed.okr_sections[0].items[0]
    assert okr_item.progress is None
    assert "进度150%" in okr_item.text
    assert any("150" in warning for warning in parsed.warnings)
    response = post_import(client_for(lead), team, text)
    assert response.status_code == 302
    update = KeyResultUpdate.objects.get(key_result__objective__team=team)
    assert update.progress is None
    assert "进度150%" in update.note


def test_progress_of_100_on_the_status_line_is_still_taken(team):
    parsed = parse_document(document("O1 业务服务", "1. 对公收佣：资源申请", "    进度100%"))
    assert parsed.okr_sections[0].items[0].progress == Decimal("100")
    assert parsed.warnings == []


def test_kpi_names_longer_than_the_database_holds_are_kept_as_text(client_for, lead, team):
    long_a, long_b = "甲" * 100 + "一", "甲" * 100 + "二"
    text = document("效能度量", f"{long_a} 5（新）", f"{long_b} 6（新）", "需求交付数 7（新）")
    parsed = parse_document(text)
    assert [figure.name for figure in parsed.figures] == ["需求交付数"]
    assert sum("100" in warning for warning in parsed.warnings) == 2
    response = post_import(client_for(lead), team, text)
    assert response.status_code == 302
    assert list(KPI.objects.filter(team=team).values_list("name", flat=True)) == ["需求交付数"]
    body = ReportSection.objects.get(report__team=team, title="效能度量").body
    assert f"{long_a} 5（新）" in body and f"{long_b} 6（新）" in body


@pytest.mark.parametrize("week", ["0001-W01", "1969-W52", "3000-W01", "9998-W52"])
def test_weeks_outside_1970_to_2999_are_refused_with_a_message(client_for, lead, team, week):
    text = document("效能度量", "需求交付数 5（新）", "2024年8月12日 9:27 事故", week=week)
    with pytest.raises(ReportFormatError, match="1970"):
        parse_document(text)
    before = census()
    response = post_import(client_for(lead), team, text)
    assert response.status_code == 200
    assert "1970" in response.content.decode() and "2999" in response.content.decode()
    assert census() == before


@pytest.mark.parametrize("week", ["0001-W01", "3000-W01"])
def test_week_field_outside_1970_to_2999_is_a_field_error(client_for, lead, team, week):
    text = seed_text().replace("# 2024-W33\n", "", 1)
    before = census()
    response = post_import(client_for(lead), team, text, week=week)
    assert response.status_code == 200
    assert response.context["form"].errors["week"]
    assert census() == before


def test_import_command_refuses_a_week_outside_1970_to_2999(team, tmp_path):
    path = tmp_path / "in.md"
    path.write_text(seed_text().replace("# 2024-W33\n", "", 1), encoding="utf-8")
    before = census()
    with pytest.raises(CommandError, match="1970"):
        call_command("import_report", str(path), team="payments", week="0001-W01", stdout=io.StringIO())
    assert census() == before


@pytest.mark.parametrize("week", ["1970-W01", "2999-W52"])
def test_weeks_at_the_ends_of_the_range_import(team, week):
    text = document("效能度量", "需求交付数 5（新）", week=week)
    import_report(parse_document(text), team, create_kpis=True)
    assert KPIValue.objects.get(kpi__team=team).week.iso == IsoWeek.parse(week)


def test_events_and_etas_outside_1970_to_2999_are_kept_as_text(team):
    text = "\n".join(
        [
            "# 1970-W01", "", "## 【O1 业务服务】", "", "1. 对公收佣：资源申请", "    预计0001-01-01", "",
            "## 【生产事件】", "", "1969-12-29 09:00 接口报错", "",
        ]
    )  # fmt: skip
    parsed = parse_document(text)
    assert parsed.okr_sections[0].items[0].eta is None
    assert parsed.incidents == []
    assert "1969-12-29 09:00" in parsed.incidents_intro
    import_report(parsed, team, create_kpis=True)
    assert not Incident.objects.exists()


# -- 2. Last week's stated value and last week's report ---------------------------------------------


def test_last_weeks_value_is_not_written_into_a_published_week(client_for, lead, team):
    previous = make_report(team, W32, status=WeeklyReport.Status.PUBLISHED)
    response = post_import(client_for(lead), team, seed_text())
    assert response.status_code == 302
    assert not KPIValue.objects.filter(week__starts_on=W32.monday).exists()
    assert KPIValue.objects.filter(week__starts_on=W33.monday, kpi__name="需求交付数").exists()
    previous.refresh_from_db()
    assert previous.revision == 1
    page = client_for(lead).get(response["Location"])
    assert "values stated here were not written" in page.content.decode()  # shown after the redirect


@pytest.mark.parametrize("status", [WeeklyReport.Status.SUBMITTED, WeeklyReport.Status.PUBLISHED])
def test_a_handed_in_last_week_is_never_written_even_by_an_admin(team, status):
    # Issue 13: a submitted or published week is the record its team handed in.
    previous = make_report(team, W32, status=status)
    result = import_report(parse_document(seed_text()), team, allow_locked=True, create_kpis=True)
    assert not KPIValue.objects.filter(week__starts_on=W32.monday).exists()
    assert any("were not written" in warning for warning in result.warnings)
    previous.refresh_from_db()
    assert previous.revision == 1


def test_writing_last_weeks_value_bumps_its_draft_revision_once(team):
    previous = make_report(team, W32)
    import_report(parse_document(seed_text()), team, create_kpis=True)
    previous.refresh_from_db()
    assert previous.revision == 2
    import_report(parse_document(seed_text()), team, create_kpis=True)
    previous.refresh_from_db()
    assert previous.revision == 2  # nothing written the second time


def test_import_command_leaves_a_published_last_week_alone_without_the_flag(team, tmp_path):
    make_report(team, W32, status=WeeklyReport.Status.PUBLISHED)
    path = tmp_path / "in.md"
    path.write_text(seed_text(), encoding="utf-8")
    err = io.StringIO()
    call_command(
        "import_report", str(path), team="payments", create_kpis=True, stdout=io.StringIO(), stderr=err
    )
    assert not KPIValue.objects.filter(week__starts_on=W32.monday).exists()
    assert "were not written" in err.getvalue()
    call_command("import_report", str(path), team="payments", allow_published=True, stdout=io.StringIO())
    assert not KPIValue.objects.filter(week__starts_on=W32.monday).exists()


# -- 3. An existing KPI's decimals are the KPI's, not the document's ---------------------------------


def kpi_section_body(team):
    return ReportSection.objects.get(report__team=team, title="效能度量").body


@pytest.mark.parametrize(
    "line", ["需求交付数 3.5个（新）", "需求交付数 3.1234567个（新）", "需求交付数：3.5个"]
)
def test_a_fraction_for_a_count_kpi_is_kept_as_text_and_decimals_stay(client_for, lead, team, line):
    kpi = make_kpi(team, "需求交付数", unit=KPI.Unit.COUNT, decimals=0)
    response = post_import(client_for(lead), team, document("效能度量", line))
    assert response.status_code == 302
    kpi.refresh_from_db()
    assert kpi.decimals == 0
    assert not KPIValue.objects.filter(kpi=kpi).exists()
    assert line in kpi_section_body(team)
    page = client_for(lead).get(response["Location"]).content.decode()
    assert "需求交付数" in page and "kept as text" in page


def test_more_places_than_the_kpi_keeps_is_kept_as_text(team):
    kpi = make_kpi(team, "入金有效成功率", unit=KPI.Unit.PERCENT, decimals=2)
    line = "入金有效成功率 99.998%（↓0.001pp，99.999%→99.998%）"
    result = import_report(parse_document(document("效能度量", line)), team, create_kpis=True)
    kpi.refresh_from_db()
    assert kpi.decimals == 2
    assert not KPIValue.objects.filter(kpi=kpi).exists()
    assert any("入金有效成功率" in warning for warning in result.warnings)
    assert line in kpi_section_body(team)
    again = import_report(parse_document(document("效能度量", line)), team, create_kpis=True)
    assert not again.changed  # the line kept as text is the same text the second time


def test_a_value_that_fits_the_kpi_is_taken_whatever_its_trailing_zeros(team):
    kpi = make_kpi(team, "身份证", unit=KPI.Unit.PERCENT, decimals=1)
    import_report(parse_document(document("效能度量", "身份证 95.10%（新）")), team, create_kpis=True)
    assert KPIValue.objects.get(kpi=kpi).value == Decimal("95.1")
    kpi.refresh_from_db()
    assert kpi.decimals == 1


def test_a_new_kpi_takes_its_decimals_from_the_text(team):
    import_report(parse_document(document("效能度量", "代码当量 4990.125（新）")), team, create_kpis=True)
    assert KPI.objects.get(team=team, name="代码当量").decimals == 3


@pytest.mark.parametrize(
    ("line", "existing"),
    [
        ("入金有效成功率 150%（新）", True),
        ("入金有效成功率 -5%（新）", False),
        ("需求交付数 -3个（新）", False),
    ],
)
def test_values_the_weekly_form_refuses_are_kept_as_text(team, line, existing):
    if existing:
        make_kpi(team, "入金有效成功率", unit=KPI.Unit.PERCENT, decimals=2)
    result = import_report(parse_document(document("效能度量", line)), team, create_kpis=True)
    assert not KPIValue.objects.exists()
    assert KPI.objects.filter(team=team).count() == int(existing)
    assert line in kpi_section_body(team)
    assert any("kept as text" in warning for warning in result.warnings)


# -- 4. Progress with more places than stored ---------------------------------------------------------


@pytest.mark.parametrize(
    "item",
    [["1. 对公收佣：资源申请", "    进度33.3333%"], ["1. 对公收佣：资源申请进度33.3333%"]],
    ids=["status", "inline"],
)
def test_reimporting_progress_with_many_places_changes_nothing(team, item):
    text = document("O1 业务服务", *item)
    import_report(parse_document(text), team, create_kpis=True)
    assert KeyResultUpdate.objects.get().progress == Decimal("33.33")
    before = census()
    assert not import_report(parse_document(text), team, create_kpis=True).changed
    assert census() == before


def test_progress_just_under_100_is_not_rounded_to_done(team):
    import_report(
        parse_document(document("O1 业务服务", "1. 对公收佣：资源申请", "    进度99.999%")),
        team,
        create_kpis=True,
    )
    update = KeyResultUpdate.objects.get()
    assert update.progress == Decimal("99.99")
    assert update.status != KeyResultUpdate.Status.DONE
