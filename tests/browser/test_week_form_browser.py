"""A lead fills 2024-W34 in Chromium after the demo's seed week; a manager then sees the new figure."""

import pytest
from django.core.management import call_command

from reports.models import KPIValue, WeeklyReport
from tests.browser import ARTIFACTS, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FORM = "/teams/payments/weeks/2024-W34/edit/"
DASHBOARD = "/teams/payments/weeks/2024-W34/"


def kpi_row(page, name):
    return page.locator(f'table.kpi-inputs tr:has(th label:text-is("{name}"))')


def test_lead_fills_the_week_and_manager_sees_the_change(browser_page, live_server):
    call_command("load_demo", force=True, verbosity=0)
    page = browser_page
    login(page, live_server.url, "lead", "lead")
    page.goto(live_server.url + FORM)

    delivered, throughput = kpi_row(page, "需求交付数"), kpi_row(page, "需求吞吐率")
    assert "313" in delivered.locator("td.last-week").inner_text()
    assert throughput.locator("td.last-week").inner_text().strip() == "81.72%"

    delivered.locator("input").fill("330")
    throughput.locator("input").fill("abc")
    page.fill("#id_reflections", "需求积压在缓解")
    with page.expect_navigation():
        page.click('button[value="save"]')

    assert "Enter a number" in throughput.inner_text()
    assert delivered.locator("input").input_value() == "330"
    assert throughput.locator("input").input_value() == "abc"
    assert page.input_value("#id_reflections") == "需求积压在缓解"
    assert not WeeklyReport.objects.filter(team__slug="payments", week__number=34).exists()
    print("form with error:", screenshot(page, "week-form-error"))
    page.locator("table.kpi-inputs").nth(1).screenshot(path=str(ARTIFACTS / "week-form-error-kpis.png"))

    throughput.locator("input").fill("83.5%")
    with page.expect_navigation():
        page.click('button[value="submit"]')
    assert "The week is submitted." in page.locator(".messages").inner_text()
    assert "+17" in kpi_row(page, "需求交付数").locator("td.tone-better").inner_text()
    print("form after submit:", screenshot(page, "week-form-submitted"))
    page.screenshot(path=str(ARTIFACTS / "week-form-submitted-top.png"))
    value = KPIValue.objects.get(kpi__team__slug="payments", kpi__name="需求交付数", week__number=34)
    assert value.value == 330

    page.context.clear_cookies()
    login(page, live_server.url, "manager", "manager")
    page.goto(live_server.url + DASHBOARD)
    row = page.locator('tr.kpi-row[data-kpi="需求交付数"]')
    assert "330" in row.inner_text()
    assert "+17" in row.locator("td.change-abs").inner_text()
    page.click("#recent-changes > summary")  # the change log sits folded at the foot of the week
    assert "需求交付数: 330" in page.locator(".recent-changes").inner_text()
    print("dashboard:", screenshot(page, "team-week-2024-W34-after-form"))
    with page.expect_navigation():
        page.click("text=Publish and lock")
    assert WeeklyReport.objects.get(team__slug="payments", week__number=34).status == "published"
