"""Real Chromium (Debian's /usr/bin/chromium) through Playwright, against the real `broadsheet run`.

One server, one fixture server, one story site and one browser per module; each test gets a
fresh browser context (own cookies, viewport, colour scheme) and signs up its own user, so tests
do not depend on one another. Console errors and CSP violations on the app's pages fail the test.
"""

from __future__ import annotations

import functools
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from itertools import count
from pathlib import Path
from typing import Any

import pytest

from tests.support.fixture_server import FixtureServer, serve_fixtures
from tests.support.live import LiveServer, live_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGES = Path(__file__).resolve().parent / "pages"
PASSWORD = "a-long-test-password-81"
SHOTS_ENV = "BROADSHEET_SHOTS_DIR"  # optional: also copy screenshots there (for a human to look)


@dataclass
class StorySite:
    """A tiny static site (tests/browser/pages) standing in for a news site with photos."""

    base_url: str

    def url(self, name: str) -> str:
        return f"{self.base_url}/{name}"


class _QuietHandler(SimpleHTTPRequestHandler):
    extensions_map = {".html": "text/html; charset=utf-8", ".png": "image/png"}

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def story_site() -> Iterator[StorySite]:
    handler = functools.partial(_QuietHandler, directory=str(PAGES))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield StorySite(f"http://127.0.0.1:{httpd.server_address[1]}")
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def fixtures() -> Iterator[FixtureServer]:
    with serve_fixtures() as server:
        yield server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("live")) as live:
        yield live


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests drive Debian's Chromium. "
            "Install it with `apt-get install chromium` (never `playwright install`).",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class Problems:
    """Console errors and CSP violations seen on the app's own pages."""

    origin: str
    seen: list[str] = field(default_factory=list)
    # Pages a test opens knowing they answer an error status (Chromium logs those as errors).
    expected_status: dict[str, int] = field(default_factory=dict)

    def on_console(self, msg: Any) -> None:
        if msg.type not in ("error", "warning"):
            return
        text: str = msg.text
        where = (msg.location or {}).get("url", "") or ""
        csp = "Content Security Policy" in text or "Content-Security-Policy" in text
        status = self.expected_status.get(where)
        if status and not csp and f"status of {status} " in text:
            return
        if csp or (msg.type == "error" and (where.startswith(self.origin) or not where)):
            self.seen.append(f"{msg.type} at {where}: {text}")

    def on_page_error(self, exc: Any) -> None:
        self.seen.append(f"page error: {exc}")


_names = count(1)


@dataclass
class Session:
    """One browser context with one page, on the live server."""

    server: LiveServer
    page: Any
    problems: Problems
    shots: Path
    username: str = ""

    def go(self, path: str, *, status: int = 200) -> Any:
        """Open `path`; a status other than 200 must be asked for (and is then not an error)."""
        url = self.server.url(path)
        if status != 200:
            self.problems.expected_status[url] = status
        response = self.page.goto(url)
        assert response is not None and response.status == status, (
            f"{path}: {response.status if response else None}, wanted {status}"
        )
        return response

    def sign_up(self, prefix: str = "reader") -> str:
        name = f"{prefix}{next(_names)}"
        self.go("/accounts/signup/")
        self.page.fill("#id_username", name)
        self.page.fill("#id_password", PASSWORD)
        self.page.fill("#id_password2", PASSWORD)
        self.page.click("button[type=submit]:has-text('Create account')")
        self.page.wait_for_url(self.server.url("/"))
        self.username = name
        return name

    def save(self, url: str, *, outcome: str = "saved") -> Any:
        """Use the `Save for later` form at the top of the page. The browser comes back to the
        page it was on (a 303), with the outcome (`saved`, `already`, `quota`) as a message
        there; returns the response of that page."""
        if self.page.locator("#save-url").count() == 0:
            self.go("/")
        before = self.page.url
        self.page.fill("#save-url", url)
        with self.page.expect_navigation() as nav:
            self.page.click("form.save-form button[type=submit]")
        response = nav.value
        assert response.status == 200, f"saving {url}: {response.status}"
        posted = response.request.redirected_from
        assert posted is not None and posted.method == "POST", f"saving {url}: no redirect"
        assert self.page.url == before, f"saving {url}: landed on {self.page.url}, not {before}"
        found = self.page.locator(f".messages .save-result.{outcome}")
        assert found.count() == 1, f"saving {url}: no {outcome!r} message: {self.lines()}"
        return response

    def counter(self) -> str:
        return str(self.page.locator("#saved-counter").inner_text()).strip()

    def lines(self, selector: str = "main") -> list[str]:
        """The visible text of `selector`, one entry per non-empty line."""
        text = str(self.page.locator(selector).inner_text())
        return [line.strip() for line in text.splitlines() if line.strip()]

    def wait_for_item(
        self, item_id: str, status: str, *, path: str = "/", timeout: float = 30.0
    ) -> Any:
        """Reload `path` until the list shows the item in `status` (ready, failed), or fail."""
        deadline = time.monotonic() + timeout
        selector = f"li[data-item-id='{item_id}']"
        while True:
            self.go(path)
            row = self.page.locator(selector)
            if row.count() and f"status-{status}" in (row.get_attribute("class") or ""):
                return row
            if time.monotonic() > deadline:
                state = row.get_attribute("class") if row.count() else "absent"
                raise AssertionError(
                    f"item {item_id} is not {status} after {timeout}s (class: {state})\n"
                    + self.server.log()[-3000:]
                )
            time.sleep(0.25)

    def no_horizontal_scroll(self) -> None:
        widths = self.page.evaluate(
            "() => [document.scrollingElement.scrollWidth, window.innerWidth]"
        )
        assert widths[0] <= widths[1], f"{self.page.url} scrolls sideways: {widths}"

    def shot(self, name: str) -> Path:
        path = self.shots / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        copy_to = os.environ.get(SHOTS_ENV)
        if copy_to:
            Path(copy_to).mkdir(parents=True, exist_ok=True)
            (Path(copy_to) / path.name).write_bytes(path.read_bytes())
        return path


@pytest.fixture
def new_session(
    browser: Any, server: LiveServer, tmp_path: Path
) -> Iterator[Callable[..., Session]]:
    """A factory of sessions; console errors and CSP violations fail the test at teardown."""
    contexts: list[Any] = []
    all_problems: list[Problems] = []

    def make(*, width: int = 1280, height: int = 800, dark: bool = False) -> Session:
        context = browser.new_context(
            viewport={"width": width, "height": height},
            color_scheme="dark" if dark else "light",
            is_mobile=width < 600,
            has_touch=width < 600,
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        problems = Problems(origin=server.base_url)
        page.on("console", problems.on_console)
        page.on("pageerror", problems.on_page_error)
        all_problems.append(problems)
        return Session(server=server, page=page, problems=problems, shots=tmp_path)

    yield make
    for context in contexts:
        context.close()
    seen = [p for problems in all_problems for p in problems.seen]
    assert seen == [], "console errors or CSP violations:\n" + "\n".join(seen)


def item_id_from(href: str) -> str:
    match = re.search(r"/items/(\d+)/", href)
    assert match, f"not an item link: {href}"
    return match.group(1)
