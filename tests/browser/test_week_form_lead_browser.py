"""A lead types a whole week in one sitting, incidents included, and the team week shows all of it."""

import pytest
from django.core.management import call_command

from incidents.models import Incident
from reports.models import KPIValue, TodoItem, WeeklyReport
from tests.browser import ARTIFACTS, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FORM = "/teams/payments/weeks/2024-W34/edit/"
TEAM_WEEK = "/teams/payments/weeks/2024-W34/"


def kpi_inputs(page):
    """The visible KPI rows with an input: the ones the team fills most weeks (the rest are folded)."""
    return page.locator("tr.kpi-row:has(input.num-input)").filter(has=page.locator("input.num-input:visible"))


def fill_incident(row, **fields):
    for name, value in fields.items():
        control = row.locator(f'[name$="-{name}"]')
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)


def test_a_lead_fills_a_whole_week_in_one_sitting(browser_page, live_server):
    call_command("load_demo", force=True, verbosity=0)
    page = browser_page
    login(page, live_server.url, "lead", "lead")
    page.goto(live_server.url + FORM)
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))

    # Figures: last week's value again for most, a new one for deliveries, and a note without a value.
    typed = {}
    rows = kpi_inputs(page)
    assert 10 <= rows.count() < 33, "rarely filled KPIs are folded away"
    for index in range(rows.count()):
        row = rows.nth(index)
        name = row.get_attribute("data-kpi")
        previous = row.get_attribute("data-previous") or "1"
        typed[name] = previous
        row.locator("input.num-input").fill(previous)
    delivered = page.locator('tr.kpi-row[data-kpi="需求交付数"]')
    delivered.locator("input.num-input").fill("330")
    typed["需求交付数"] = "330"
    # The change updates as the lead types: 313 → 330 is +17, better for a higher-is-better KPI.
    assert "+17" in delivered.locator("td.change").inner_text()
    assert "tone-better" in delivered.locator("td.change").get_attribute("class")
    saturation = page.locator('tr.kpi-row[data-kpi="饱和度"]')
    saturation.locator("input.num-input").fill("")
    saturation.locator("textarea").fill("工时系统故障，本周无法统计")
    del typed["饱和度"]
    computed = page.locator('tr.kpi-row[data-kpi="C级事故数"]')
    assert "from incidents" in computed.inner_text() and computed.locator("input").count() == 0

    # Key results: one moves, the others stay as last week (pre-filled).
    kr = page.locator("tr.kr-row").first
    kr_title = kr.get_attribute("data-kr")
    assert kr.locator("input.num-input").input_value() != ""
    kr.locator("input.num-input").fill("95")

    # TODOs: reword a carried one, raise a new one.
    carried = page.locator("li.carried-todo textarea").first
    carried.fill("补充变更checklist（已覆盖支付链路）")
    page.fill("#id_todos-0-text", "梳理证书到期提醒")
    page.fill("#id_reflections", "稳定性专项初见成效")
    page.fill("#id_plans_text", "证书到期自动巡检\n对公收佣联调")

    # Two records of different kinds, typed in place.
    first = page.locator(".incident-row").last
    fill_incident(
        first,
        description="POS卡类型试算未执行，导致201次报错",
        kind="incident",
        grade="C",
        responsibility_share="0.5",
        detection="proactive",
        started_at="2024-08-19T09:27",
        resolved_at="2024-08-19T10:03",
        impact="201次报错",
        cause="定时任务漏配",
        actions="补充定时任务巡检",
    )
    page.click("button.add-incident")
    second = page.locator(".incident-row").last
    fill_incident(
        second,
        title="支付网关证书即将过期",
        kind="risk",
        started_at="2024-08-20T10:00",
        resolved_at="2024-08-23T10:00",
    )
    assert navigations == [], "typing the week never leaves the page"

    with page.expect_navigation():
        page.click('button[value="save"]')
    assert "Draft saved." in page.locator(".messages").inner_text()
    page.reload()
    assert page.locator('tr.kpi-row[data-kpi="需求交付数"] input.num-input').input_value() == "330"
    assert (
        page.locator('tr.kpi-row[data-kpi="饱和度"] textarea').input_value() == "工时系统故障，本周无法统计"
    )
    assert page.input_value("#id_incidents-1-title") == "支付网关证书即将过期"
    assert "0.5次" in page.locator('tr.kpi-row[data-kpi="C级事故数"]').inner_text()
    print("form after draft:", screenshot(page, "week-form-whole-week"))

    with page.expect_navigation():
        page.click('button[value="submit"]')
    assert "The week is submitted." in page.locator(".messages").inner_text()
    report = WeeklyReport.objects.get(team__slug="payments", week__number=34)
    assert report.status == "submitted"
    assert Incident.objects.filter(team__slug="payments", week__number=34).count() == 2
    assert TodoItem.objects.filter(text="补充变更checklist（已覆盖支付链路）").exists()
    note_only = KPIValue.objects.get(kpi__name="饱和度", week__number=34)
    assert note_only.value is None

    page.goto(live_server.url + TEAM_WEEK)
    for name, value in typed.items():
        row = page.locator(f'table.kpi-table tr.kpi-row[data-kpi="{name}"] td.current')
        assert value in row.inner_text().replace(",", ""), name
    assert "工时系统故障" in page.locator('tr.kpi-row[data-kpi="饱和度"]').inner_text()
    summary = page.locator("#incidents")
    assert summary.locator('td[data-grade="C"]').inner_text() == "0.5"
    assert summary.locator('td[data-grade="D"]').inner_text() == "0"
    # The risk warning (three days open) neither stretches the mean time nor counts in the share.
    assert summary.locator('[data-metric="mean-time-to-resolve"]').inner_text().startswith("36 min")
    assert summary.locator('[data-metric="found-by-team"]').inner_text().startswith("100%")
    assert "支付网关证书即将过期" in summary.inner_text()
    # The OKR card lists a key result in its group (advanced …) and again under "every key result".
    assert "95%" in page.locator(f'#okrs tr.okr-row:has-text("{kr_title}")').last.inner_text()
    assert "补充变更checklist（已覆盖支付链路）" in page.locator("#todos").inner_text()
    print("team week:", screenshot(page, "team-week-after-whole-week"))


def test_the_form_fits_390_px_and_the_save_bar_never_hides_the_focused_field(browser, live_server):
    call_command("load_demo", force=True, verbosity=0)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    page = context.new_page()
    try:
        login(page, live_server.url, "lead", "lead")
        page.goto(live_server.url + "/teams/payments/weeks/2024-W33/edit/")
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        overflowing = page.evaluate(
            """() => {
              const width = document.documentElement.clientWidth;
              const scrolls = e => { for (let p = e.parentElement; p; p = p.parentElement) {
                const style = getComputedStyle(p);
                const scrolling = ['auto', 'scroll'].includes(style.overflowX);
                if (scrolling && p.scrollWidth > p.clientWidth) return true;
              } return false; };
              return [...document.querySelectorAll('main *')]
                .filter(e => e.getBoundingClientRect().right > width + 1 && !scrolls(e))
                .map(e => `${e.tagName}.${e.className} ${(e.textContent || '').trim().slice(0, 30)}`)
                .slice(0, 10);
            }"""
        )
        assert overflowing == []
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        inputs = page.locator("#week-form input.num-input:visible, #week-form textarea:visible")
        assert inputs.count() > 20
        bar = page.locator(".form-actions")
        for index in range(0, inputs.count(), 7):
            field = inputs.nth(index)
            field.focus()
            box, bar_box = field.bounding_box(), bar.bounding_box()
            assert box["width"] >= 60, "inputs stay usable"
            assert box["y"] + box["height"] <= bar_box["y"] + 1, f"field {index} is under the save bar"
        print("form at 390 px:", screenshot(page, "week-form-390"))
        page.locator("tr.kpi-row").first.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "week-form-390-kpis.png"))
        page.locator(".incident-row").first.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "week-form-390-incident.png"))
    finally:
        context.close()
