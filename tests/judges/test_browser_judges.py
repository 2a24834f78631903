"""Every page in Chromium, as lead, manager and admin, in English and Chinese.

At 1440 px and at 390 px (a phone): axe-core finds no serious or critical violation, and
nothing is wider than the window except inside a container that scrolls sideways on purpose (a wide
table in its card), so the page itself never scrolls sideways, and no link, button or field lies over
another. Throughout: the browser reports no
Content-Security-Policy violation and no script error.
"""

from __future__ import annotations

import pytest
from django.conf import settings

from tests.browser import login
from tests.judges.pages import (
    DESKTOP,
    LANGUAGES,
    ROLES,
    collect_errors,
    layout_problems,
    load_demo,
    pages,
    require_axe,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_is_accessible_and_fits_the_window(browser, live_server, role, language):
    axe_source = require_axe()
    load_demo()
    context = browser.new_context(viewport=DESKTOP, locale="en-US")
    context.set_default_timeout(15_000)
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
    page = context.new_page()
    console_errors = collect_errors(page)
    problems: list[str] = []
    try:
        login(page, live_server.url, role, ROLES[role])
        for sample in pages():
            page.set_viewport_size(DESKTOP)
            page.goto(live_server.url + sample.path)
            problems += layout_problems(
                page, str(sample), axe_source, f"overflow-{role}-{language}-{sample.name}"
            )
            problems.extend(
                f"{sample}: {text}"
                for text in console_errors
                if not text.startswith("Failed to load resource")
            )
            console_errors.clear()
    finally:
        context.close()
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


TEXTAREA_LINES_JS = """
() => [...document.querySelectorAll('textarea')].filter(t => t.offsetParent !== null).map(t => {
  const style = getComputedStyle(t);
  const inner = t.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
  return {name: t.name, rows: t.rows, lines: inner / parseFloat(style.lineHeight)};
})
"""

FOCUS_JS = """
() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {tag: el.tagName, outline: style.outlineStyle, width: parseFloat(style.outlineWidth)};
}
"""


def test_textareas_show_whole_lines_and_focus_is_always_visible(browser_page, live_server):
    load_demo()
    page = browser_page
    login(page, live_server.url, "lead", ROLES["lead"])
    for path in ("/teams/payments/weeks/2024-W33/edit/", "/teams/payments/weeks/2024-W33/incidents/new/"):
        page.goto(live_server.url + path)
        textareas = page.evaluate(TEXTAREA_LINES_JS)
        assert textareas
        for textarea in textareas:
            # A note of one row shows one whole line: no half line cut at the bottom.
            assert abs(textarea["lines"] - textarea["rows"]) < 0.05, textarea
        for _ in range(12):
            page.keyboard.press("Tab")
            focused = page.evaluate(FOCUS_JS)
            assert focused["outline"] != "none" and focused["width"] >= 2, focused


def test_print_buttons_and_the_500_page_work_under_the_content_security_policy(browser_page, live_server):
    load_demo()
    page = browser_page
    violations: list[str] = []
    page.on("console", lambda message: message.type == "error" and violations.append(message.text))
    # Stands in for the print dialog, which a headless browser cannot show; added over the DevTools
    # protocol, so the page's policy neither sees nor blocks it.
    page.add_init_script("window.print = () => { window.printed = (window.printed || 0) + 1; };")
    login(page, live_server.url, "manager", ROLES["manager"])
    for path in ("/teams/payments/weeks/2024-W33/print/", "/weeks/2024-W33/document/"):
        response = page.goto(live_server.url + path)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.get_by_role("button", name="Print").click()
        assert page.evaluate("window.printed") == 1

    # The 500 page as the server sends it, policy included, styled by its stylesheet alone.
    from django.template import loader
    from django.test import Client

    policy = Client().get("/accounts/login/").headers["Content-Security-Policy"]
    body = loader.get_template("500.html").render()
    page.route(
        live_server.url + "/boom",
        lambda route: route.fulfill(
            status=500,
            body=body,
            headers={
                "content-type": "text/html",
                "content-security-policy": policy,
            },
        ),
    )
    page.goto(live_server.url + "/boom")
    assert page.locator("h1").inner_text().startswith("Server error")
    assert page.evaluate("getComputedStyle(document.querySelector('main')).marginTop") != "0px"
    assert not [text for text in violations if "Content Security Policy" in text], violations
