"""In a real browser: a lead uploads the seed, sees the preview, confirms, and prints the week."""

import pytest

from reports.models import KPIValue
from tests.browser import login, screenshot
from tests.documents.helpers import FIXTURES, SEED

pytestmark = pytest.mark.browser


def test_lead_imports_the_seed_and_prints_it(browser_page, live_server, lead, team):
    page = browser_page
    login(page, live_server.url, "lead", "pw-lead")
    page.goto(f"{live_server.url}/teams/payments/import/")
    seed = SEED if SEED.exists() else FIXTURES / "2024-W33.md"
    page.set_input_files("#id_document", str(seed))
    with page.expect_navigation():
        page.click("form.doc-import-form button[type=submit]")
    assert "需求交付数" in page.content()
    screenshot(page, "documents-import-preview")
    # The team has no KPIs yet: the lead creates one for every figure on purpose.
    page.eval_on_selector_all("select[name^=unplaced_]", "els => els.forEach(e => { e.value = 'create'; })")
    with page.expect_navigation():
        page.click("button[name=confirm]")
    assert KPIValue.objects.filter(kpi__team=team, kpi__name="需求交付数").count() == 2
    page.goto(f"{live_server.url}/teams/payments/weeks/2024-W33/print/")
    # Stated once, in the kept prose, from the data; the bold next to full-width punctuation renders.
    assert "<strong>：↓14.92%(96.05%→81.72%)" in page.content()
    screenshot(page, "documents-print")
