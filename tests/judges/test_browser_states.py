"""The states of tests/judges/states.py in Chromium, in English and Chinese, judged as the other pages are.

Each state is made with the test client and handed to the browser at its own address, headers
(Content-Security-Policy included) as the server sent them, so its stylesheets and scripts load from the
live server. At 1440 and 390 px: axe-core, nothing wider than the window and no control over another;
no script error. The admin's pages too, in both languages.
"""

from __future__ import annotations

import pytest

from tests.browser import ARTIFACTS
from tests.judges.pages import DESKTOP, LANGUAGES, collect_errors, layout_problems, load_demo, require_axe
from tests.judges.states import admin_states, client_for, empty_department_states, states

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KEPT_HEADERS = ("content-type", "content-security-policy", "x-frame-options")


def _judge(context, base_url: str, axe_source: str, label: str, client, response) -> list[str]:
    # The state's user, for what the page itself asks the server (a framed email preview).
    context.clear_cookies()
    context.add_cookies(
        [{"name": name, "value": morsel.value, "url": base_url} for name, morsel in client.cookies.items()]
    )
    page = context.new_page()
    errors = collect_errors(page)
    url = base_url + response.wsgi_request.get_full_path()
    headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    page.route(
        url,
        lambda route: route.fulfill(status=response.status_code, body=response.content, headers=headers),
    )
    problems: list[str] = []
    try:
        page.set_viewport_size(DESKTOP)
        page.goto(url)
        # What the page itself reports; axe, run next, adds style elements the policy refuses.
        loaded_errors = list(errors)
        problems += layout_problems(page, label, axe_source, f"overflow-{label.replace(' ', '-')}")
        problems += [
            f"{label}: {text}" for text in loaded_errors if not text.startswith("Failed to load resource")
        ]
    finally:
        page.close()
    return problems


def _judge_all(browser, live_server, language: str, chosen) -> None:
    axe_source = require_axe()
    context = browser.new_context(viewport=DESKTOP, locale="en-US")
    context.set_default_timeout(15_000)
    problems: list[str] = []

    def make(state):
        client = client_for(state.role, language)
        return state, client, state.make(client)

    try:
        made = [make(state) for state in chosen(before_demo=True)]
        load_demo()
        made += [make(state) for state in chosen(before_demo=False)]
        for state, client, response in made:
            label = f"{language} {state}"
            assert response.status_code == state.status, (label, response.status_code)
            problems += _judge(context, live_server.url, axe_source, label, client, response)
    finally:
        context.close()
    if problems:
        ARTIFACTS.mkdir(exist_ok=True)
        name = f"admin-{language}" if chosen is _admin else language
        (ARTIFACTS / f"judges-states-{name}.txt").write_text("\n".join(problems), encoding="utf-8")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def _pages(*, before_demo: bool):
    return empty_department_states() if before_demo else states()


def _admin(*, before_demo: bool):
    return [] if before_demo else admin_states()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_state_is_accessible_and_fits_the_window(browser, live_server, language):
    _judge_all(browser, live_server, language, _pages)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_admin_page_is_accessible_and_fits_the_window(browser, live_server, language):
    # Both languages: an English label is longer than its Chinese one and may push a control off a phone.
    _judge_all(browser, live_server, language, _admin)
