"""Shared Playwright fixtures for browser tests (registered as a pytest plugin in tests/conftest.py).

Usage in a test module:

    pytestmark = pytest.mark.browser

    def test_something(browser_page, live_server, lead):
        login(browser_page, live_server.url, "lead", PASSWORD)
        browser_page.goto(live_server.url + "/")
        screenshot(browser_page, "home")

Debian's Chromium is driven directly (never `playwright install`); when it or Playwright is missing the
tests skip with a reason instead of failing.
"""

import os
import shutil
from pathlib import Path

import pytest

# live_server runs Django in a thread while Playwright's sync API holds an event loop in this one;
# Django's async-safety guard would otherwise refuse every ORM call made by the test itself.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole session; each test gets its own context through `browser_page`."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("chromium is not installed (apt-get install chromium); browser tests skipped")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not importable (pip install -e '.[test]'); browser tests skipped")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_page(browser, settings):
    """A page in a fresh context: no cookies or storage leak from one test to the next.

    The live server keeps rendered pages as production does (the rest of the suite renders every
    time), so the journeys also prove that what one person saves is what the next one sees.
    """
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "browser-pages"},
    }
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def login(page, base_url: str, username: str, password: str) -> None:
    """Log in through the real login form and wait until the app has redirected away from it."""
    page.goto(base_url.rstrip("/") + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("form:has(#id_password) button[type=submit]")
    if "/accounts/login/" in page.url:
        raise AssertionError(f"login as {username!r} failed; still on {page.url}")


def screenshot(page, name: str) -> Path:
    """Save a full-page PNG under test-artifacts/ (git-ignored) and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
