"""End-to-end harness: Debian's chromium driven by Playwright's sync API against
pytest-django's `live_server`.

Tests here use a transactional database (the live server runs in another thread and
must see committed rows) and the `e2e` marker. Helpers check what every page must have
(one h1, a main landmark, a label for every input) and fail the test on any browser-side
error or any 5xx answer.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
TIMEOUT_MS = 10_000
SCREENSHOTS = Path(django_settings.VAR_DIR) / "screenshots"


# "package" scope: the browser closes when the last test here is done, not at the end of
# the whole run (see below for why that matters).
@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        message = (
            f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) "
            "to run the end-to-end tests"
        )
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # While Playwright's sync API is started, its asyncio loop counts as running in this
    # (the test) thread, and Django refuses ORM calls from such a thread. The tests touch
    # the ORM only between browser steps, never concurrently with them: the case Django
    # documents DJANGO_ALLOW_ASYNC_UNSAFE for. It is set only for as long as the loop
    # lives, so it neither hides real mistakes in other tests nor leaks into the
    # subprocesses they start (`check --deploy` rightly warns about it).
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                browser.close()


@pytest.fixture(autouse=True)
def _clear_rate_limits() -> Iterator[None]:
    # The live server shares this process's cache; every browser sign-in comes from
    # 127.0.0.1, so allauth's per-address limits would otherwise add up across tests.
    cache.clear()
    yield
    cache.clear()


class BrowserProblems:
    """What went wrong in the browser: script errors, any 5xx, and failed subresources
    (a stylesheet, script or htmx request). A page itself may answer 4xx on purpose."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def _console(self, message: Any) -> None:
        # "Failed to load resource" repeats what _response already judged.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(f"console: {message.text}")

    def _response(self, response: Any) -> None:
        failed_part = response.status >= 400 and response.request.resource_type != "document"
        if response.status >= 500 or failed_part:
            self.errors.append(f"{response.status} from {response.url}")

    def watch(self, page: Any) -> None:
        page.on("pageerror", lambda exc: self.errors.append(f"script error: {exc}"))
        page.on("console", self._console)
        page.on("response", self._response)


@pytest.fixture
def new_page(browser: Any, live_server: Any) -> Iterator[Callable[..., Any]]:
    """Make a page in a fresh browser context (its own cookies): new_page(phone=False)."""
    contexts: list[Any] = []
    problems = BrowserProblems()

    def make(*, phone: bool = False) -> Any:
        options: dict[str, Any] = {"base_url": live_server.url, "viewport": DESKTOP}
        if phone:
            options.update(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        problems.watch(page)
        return page

    yield make
    for context in contexts:
        context.close()
    assert problems.errors == [], problems.errors


@pytest.fixture
def page(new_page: Callable[..., Any]) -> Any:
    return new_page()


@pytest.fixture
def phone_page(new_page: Callable[..., Any]) -> Any:
    return new_page(phone=True)


# Every input a person can reach must have a name a screen reader can announce.
_UNLABELLED = """
() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => !['hidden', 'submit', 'button', 'reset', 'image'].includes(el.type))
  .filter(el => !(el.labels && el.labels.length)
             && !el.getAttribute('aria-label')
             && !el.getAttribute('aria-labelledby'))
  .map(el => el.outerHTML)
"""
_NAMELESS_CONTROLS = """
() => [...document.querySelectorAll('a[href], button')]
  .filter(el => !(el.textContent || '').trim() && !el.getAttribute('aria-label')
             && !el.getAttribute('title'))
  .map(el => el.outerHTML)
"""


def assert_accessible(page: Any) -> None:
    """The smoke check every visited page must pass."""
    where = page.url
    assert page.locator("h1").count() == 1, f"{where}: expected exactly one h1"
    assert page.locator("main, [role=main]").count() == 1, f"{where}: expected one main"
    assert page.evaluate("() => document.documentElement.lang") == "en", where
    assert page.title().strip(), f"{where}: the page has no title"
    assert page.evaluate(_UNLABELLED) == [], f"{where}: inputs without a label"
    assert page.evaluate(_NAMELESS_CONTROLS) == [], f"{where}: links/buttons without a name"


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
