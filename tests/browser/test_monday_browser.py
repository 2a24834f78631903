"""The manager's Monday in a real Chromium, in English and Chinese: what to look at first, and charts whose
text never lands on other text (checked on the laid-out boxes, getBoundingClientRect)."""

import pytest
from django.conf import settings
from django.core.management import call_command

from reports.models import KPI
from tests.browser import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every <svg> on the page: the boxes of its text elements that intersect another text's box, and the
# boxes of the target labels that intersect a data point.
OVERLAPS = """
() => {
  const hit = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5
    && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
  const found = [];
  let texts = 0;
  for (const svg of document.querySelectorAll('svg')) {
    const boxes = [...svg.querySelectorAll('text')]
      .map(node => ({text: node.textContent, box: node.getBoundingClientRect()}))
      .filter(item => item.box.width > 0);
    texts += boxes.length;
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        if (hit(boxes[i].box, boxes[j].box)) found.push([boxes[i].text, boxes[j].text]);
      }
    }
    for (const label of svg.querySelectorAll('text.target-label')) {
      for (const dot of svg.querySelectorAll('circle')) {
        const box = label.getBoundingClientRect();
        if (hit(box, dot.getBoundingClientRect())) found.push([label.textContent, 'point']);
      }
    }
  }
  return {texts, found};
}
"""


def no_overlaps(page) -> int:
    result = page.evaluate(OVERLAPS)
    assert result["found"] == [], result["found"]
    return result["texts"]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_overview_team_week_and_kpi_chart_read_top_down_without_overlapping_text(
    browser_page, live_server, language
):
    call_command("load_demo", force=True, verbosity=0)  # tests run with DEBUG off
    page = browser_page
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    login(page, live_server.url, "admin", "admin")

    page.goto(f"{live_server.url}/weeks/2024-W33/")
    improved = page.locator("#improved tr[data-kpi]")
    attention = page.locator("#attention tr[data-kpi]")
    assert improved.first.get_attribute("data-kpi") == "贝易转选择率"
    assert attention.first.get_attribute("data-kpi") == "需求吞吐率"  # crossed its target: first
    assert page.locator("#improved .reason").first.inner_text().strip() != ""
    running = set(KPI.objects.exclude(kind=KPI.Kind.LEVEL).values_list("name", flat=True))
    listed = {improved.nth(i).get_attribute("data-kpi") for i in range(improved.count())}
    listed |= {attention.nth(i).get_attribute("data-kpi") for i in range(attention.count())}
    assert listed and not listed & running
    assert no_overlaps(page) > 0
    screenshot(page, f"monday-overview-2024-W33-{language}")

    page.goto(f"{live_server.url}/teams/payments/weeks/2024-W33/")
    order = page.evaluate(
        "() => [...document.querySelectorAll('main section, main details')]"
        ".map(node => node.id).filter(Boolean)"
    )
    # Summary first, the change log last; the actions are in the head, not in the log.
    assert order[0] == "summary" and order[-1] == "recent-changes", order
    assert order.index("kpis") < order.index("okrs") < order.index("incidents")
    assert page.locator("details#recent-changes").get_attribute("open") is None
    assert page.locator(".dash-actions form[action$='/publish/']").count() == 1  # a submitted week
    assert page.locator("#recent-changes form").count() == 0
    assert no_overlaps(page) > 0
    screenshot(page, f"monday-team-week-payments-2024-W33-{language}")

    throughput = KPI.objects.get(team__slug="payments", name="需求吞吐率")
    page.goto(f"{live_server.url}/kpis/{throughput.pk}/")
    markers = page.locator("svg.chart g.incident-marker")
    assert markers.count() >= 1
    assert page.locator("ul.chart-incidents li").count() >= markers.count()
    assert page.locator("svg.chart line.target").count() == 1
    ticks = page.evaluate(
        "() => [...document.querySelectorAll('svg.chart text.tick')].map(node => node.textContent)"
    )
    assert ticks and all(tick.rstrip("%").replace(".", "").isdigit() for tick in ticks)
    assert no_overlaps(page) > 0
    screenshot(page, f"monday-kpi-chart-throughput-{language}")

    page.goto(f"{live_server.url}/okrs/quarters/2024-Q3/")
    assert page.locator("svg.progress-line").count() > 0
    screenshot(page, f"monday-okr-quarter-2024-Q3-{language}")
