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
    with page.expect_navigation():
        page.click("button[name=confirm]")
    assert KPIValue.objects.filter(kpi__team=team, kpi__name="需求交付数").count() == 2
    page.goto(f"{live_server.url}/teams/payments/weeks/2024-W33/print/")
    assert "↓14.33pp" in page.content()
    screenshot(page, "documents-print")
