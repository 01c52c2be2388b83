"""Fixtures for the browser tests: one headless Debian Chromium per session, a page per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Time for one action or page load; generous because CI machines are slow, not pages.
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (see .ci/run)")
    # Playwright's sync API keeps an event loop running in the main thread, and Django refuses
    # synchronous database access from such a thread; the tests' own ORM calls (fixtures,
    # services) are still plain synchronous code, so this is the documented workaround.
    # Set here, not at import, so it only applies when the browser tests actually run.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


DEMO_PASSWORD = "staffdesk-demo"


@pytest.fixture
def demo(transactional_db: None) -> None:
    """The demo organization, as `staffdesk demo` builds it."""
    call_command("demo", stdout=open(os.devnull, "w"))  # noqa: SIM115 - closed with the process


def sign_in(page: Page, live_server, username: str, password: str) -> None:
    """Sign in through the form at /signin/ as a person would, by its labels."""
    page.goto(f"{live_server.url}/signin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_label("Username")).to_be_visible()


AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 800}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"


def check_accessibility(page: Page, name: str) -> None:
    """Run axe-core on the page; fail on serious or critical violations; save a screenshot.

    The screenshot lands in test-results/screenshots/<name>.png as a test artifact.
    """
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    bad = [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in violation["nodes"][:3])
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    assert not bad, f"axe on {name}:\n" + "\n".join(bad)


def check_at_both_widths(page: Page, name: str) -> None:
    """axe at 1280 px and at 375 px, where the page may not scroll sideways either."""
    page.set_viewport_size(DESKTOP)
    check_accessibility(page, f"{name}-desktop")
    page.set_viewport_size(PHONE)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name} scrolls sideways at 375 px: {width} px wide"
    check_accessibility(page, f"{name}-phone")
    page.set_viewport_size(DESKTOP)
