"""The payments team's 2024-W33 in a real Chromium: the seed's three rows and their computed colours."""

import pytest
from django.core.management import call_command

from tests.browser import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GREEN = "rgb(24, 121, 78)"  # --better in app.css
RED = "rgb(198, 40, 40)"  # --worse in app.css


def manager_on_a_phone(page, live_server):
    """The demo's manager signed in at a phone's width (390 px)."""
    call_command("load_demo", force=True, verbosity=0)
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server.url, "manager", "manager")
    return page


def cell_colour(page, kpi_name: str, cell: str) -> tuple[str, str]:
    locator = page.locator(f'tr.kpi-row[data-kpi="{kpi_name}"] td.{cell}')
    return locator.inner_text().strip(), locator.evaluate("node => getComputedStyle(node).color")


def test_payments_week_33_shows_the_seed_changes_in_their_colours(browser_page, live_server):
    call_command("load_demo", force=True, verbosity=0)  # tests run with DEBUG off
    page = browser_page
    login(page, live_server.url, "manager", "manager")
    page.goto(f"{live_server.url}/teams/payments/weeks/2024-W33/")

    assert cell_colour(page, "需求交付数", "change-abs") == ("▲ +21个", GREEN)
    assert cell_colour(page, "需求交付数", "change-rel") == ("+7.19%", GREEN)
    assert cell_colour(page, "需求吞吐率", "change-abs") == ("▼ \u221214.33 pp", RED)
    assert cell_colour(page, "需求吞吐率", "change-rel") == ("\u221214.92%", RED)
    assert cell_colour(page, "延期率", "change-abs") == ("▲ +1.71 pp", RED)
    assert page.locator('tr.kpi-row[data-kpi="延期率"] .kpi-note').inner_text().count("忘记拖动卡片") == 1

    print("team week screenshot:", screenshot(page, "team-week-payments-2024-W33"))
    kpi_page = page.locator('tr.kpi-row[data-kpi="需求吞吐率"] th a').get_attribute("href")
    page.goto(live_server.url + kpi_page)
    assert page.locator("svg.chart polyline").count() == 1
    print("KPI screenshot:", screenshot(page, "kpi-throughput"))
    page.goto(f"{live_server.url}/weeks/2024-W33/")
    assert page.locator("#missing").is_visible()
    print("department week screenshot:", screenshot(page, "department-week-2024-W33"))


def test_on_a_phone_the_change_shows_beside_the_value_without_scrolling(browser_page, live_server):
    page = manager_on_a_phone(browser_page, live_server)
    page.goto(f"{live_server.url}/teams/payments/weeks/2024-W33/")
    row = page.locator('tr.kpi-row[data-kpi="需求吞吐率"]')
    change = row.locator("td.change-abs").bounding_box()
    assert change["x"] + change["width"] <= 390
    assert row.locator("td.previous").is_hidden()
    assert row.locator(".previous-inline").inner_text() == "last week 96.05%"
    page.set_viewport_size({"width": 1440, "height": 900})
    assert row.locator("td.previous").inner_text() == "96.05%"
    assert row.locator(".previous-inline").is_hidden()
    print("team week on a phone:", screenshot(page, "team-week-phone"))


MOVER_FIGURES_JS = """
() => [...document.querySelectorAll('.movers-table tr[data-kpi]')].map(row => {
  const card = row.closest('.card').getBoundingClientRect();
  const name = row.querySelector('td.mover-name').getBoundingClientRect();
  const [figures, change] = [...row.querySelectorAll('td.num')].map(cell => cell.getBoundingClientRect());
  return {
    kpi: row.dataset.kpi,
    inside: [name, figures, change].every(box => box.left >= card.left && box.right <= card.right),
    figuresUnderName: figures.top >= name.bottom - 1,
    besideEachOther: Math.abs(figures.top - change.top) < 4 && figures.right <= change.left,
  };
})
"""


def test_on_a_phone_every_mover_shows_its_figures_and_change_without_scrolling(browser_page, live_server):
    """The overview's ranked lists: a mover's name on its own line, its figures and change under it, in
    the card. As three columns the change was pushed out of the card, to be scrolled to."""
    page = manager_on_a_phone(browser_page, live_server)
    page.goto(f"{live_server.url}/weeks/2024-W33/")
    movers = page.evaluate(MOVER_FIGURES_JS)
    assert len(movers) >= 10
    assert [mover for mover in movers if not all(mover.values())] == []
    assert page.locator("#attention tr.reason-row").first.is_visible()
    page.set_viewport_size({"width": 1440, "height": 900})
    # At a desktop's width the mover's three columns sit side by side again.
    assert not any(mover["figuresUnderName"] for mover in page.evaluate(MOVER_FIGURES_JS))
    print("overview on a phone:", screenshot(page, "overview-phone"))


def test_on_a_phone_the_weekly_documents_kpi_tables_fit_the_page(browser_page, live_server):
    page = manager_on_a_phone(browser_page, live_server)
    for path in ("/weeks/2024-W33/document/", "/teams/payments/weeks/2024-W33/print/"):
        page.goto(live_server.url + path)
        tables = page.locator(".doc-kpis")
        assert tables.count() >= 1
        overrun = tables.evaluate_all(
            "tables => tables.map(t => t.parentElement.scrollWidth - t.parentElement.clientWidth)"
        )
        assert max(overrun) <= 0, (path, overrun)
