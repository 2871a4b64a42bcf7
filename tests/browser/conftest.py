"""Browser tests: Playwright (Python) driving Debian's Chromium against pytest-django's live server.

Every test here is marked `@pytest.mark.browser`, so `make test-sqlite` / `make test-postgres`
leave them out and `make test-browser` runs only them. Playwright's own browser downloads are
never used (they cannot be fetched here): we launch the Chromium that Debian installs, or the one
named by the CHROMIUM environment variable.

`assert_accessible(page)` runs axe-core (from node_modules, installed by `make setup`) with the
WCAG 2.x A and AA rules and fails listing every violation.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API keeps an asyncio event loop on the main thread; Django would then refuse
# ORM calls made by the test itself (SynchronousOnlyOperation). The calls really are synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from playwright.sync_api import Browser, Page, Playwright, sync_playwright  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "var" / "test-results" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
# axe-core's tags for WCAG 2.0, 2.1 and 2.2 at levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"No Chromium at {CHROMIUM}: install Debian's chromium (apt-get install chromium) or set "
            "CHROMIUM=/path/to/chromium. `make test` skips this half outside CI.",
            pytrace=False,
        )
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def page(
    request: pytest.FixtureRequest, browser: Browser, live_server, transactional_db
) -> Iterator[Page]:
    """A fresh browser context (no cookies) pointed at the live server."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    # Keep the call's report on the test item, so `page` can screenshot a failure.
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def axe_violations(page: Page) -> list[str]:
    """Run axe-core on the page as it is now; one line per WCAG A/AA violation (empty if none)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, not a <script> tag: the page's
        # Content-Security-Policy rightly refuses inline script.
        page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;window.axe = axe;")
    result = page.evaluate(
        """async (tags) => await axe.run(document, {
            runOnly: {type: "tag", values: tags},
            resultTypes: ["violations"],
        })""",
        WCAG_TAGS,
    )
    lines = []
    for v in result["violations"]:
        targets = ", ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        more = f" (+{len(v['nodes']) - 5} more)" if len(v["nodes"]) > 5 else ""
        lines.append(f"- {v['id']} [{v['impact']}] {v['help']}: {targets}{more}")
    return lines


def assert_accessible(page: Page) -> None:
    """Fail listing each WCAG A/AA violation axe-core finds on the page as it is now."""
    violations = axe_violations(page)
    if violations:
        heading = f"{len(violations)} accessibility violation(s) on {page.url}:"
        pytest.fail("\n".join([heading, *violations]), pytrace=False)


def totp_code(key: bytes, *, not_before_step: int = -1) -> str:
    """The current code for `key`, or the next one if the current step was already used."""
    import time

    from django_otp.oath import totp

    now_step = int(time.time()) // 30
    step = max(now_step, not_before_step + 1)
    return f"{totp(key, drift=step - now_step):06d}"


def sign_in(page: Page, username: str, password: str) -> None:
    """Password, then the second factor, as a worker would: on first sign-in the secret is
    read from the set-up page (as an authenticator app would scan it); afterwards from the
    worker's device, standing in for their phone."""
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    complete_second_factor(page, username)


def complete_second_factor(page: Page, username: str) -> None:
    """On the set-up or code page after the password step, enter a valid code."""
    import base64

    from django_otp.plugins.otp_totp.models import TOTPDevice

    page.wait_for_load_state()
    if "/sign-in/set-up/" in page.url:
        secret = (page.locator("details code").text_content() or "").replace(" ", "")
        code = totp_code(base64.b32decode(secret))
    elif "/sign-in/code/" in page.url:
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        code = totp_code(device.bin_key, not_before_step=device.last_t)
    else:
        return  # the password step refused them; the caller checks why
    page.get_by_label("Code from your authenticator app").fill(code)
    page.get_by_role("button", name="Continue").click()
