"""The browser extension (extension/) in real Chromium: a reader who is logged in to a news site
saves a story that the site refuses (403) to anyone without their cookie, and Broadsheet ends
with the whole story, from the page the browser sent, without fetching anything.

How the pieces are driven, since a test cannot click a browser's toolbar:

- Chromium runs the unpacked extension in a persistent profile (`--load-extension`; Playwright
  sees its service worker).
- The toolbar button is pressed through the DevTools protocol, `Extensions.triggerAction` on the
  story's tab (Chromium allows it with `--enable-unsafe-extension-debugging` over Playwright's
  pipe). That is the button's own path: it opens the popup, and it grants `activeTab`, without
  which the extension cannot read the page (the test checks that it cannot before the click).
- Chromium asks the reader, in a dialog of its own that no test can answer, to let the extension
  reach the server (the options page's `permissions.request`). The copy under test is given that
  one host, `http://localhost/*`, in its manifest, as the reader's "Allow" would; the options page
  then asks and is granted at once. The news site is 127.0.0.1, which the extension may not read
  but through the click.
"""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.support.live import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EXTENSION = Path(__file__).resolve().parents[2] / "extension"
COOKIE = ("reader_session", "s3cret-reader-session-7f2a")
TITLE = "Inside the harbour authority's missing millions"
OPEN_PART = "The harbour authority spent the ferry fund on consultants, the accounts show."
LOCKED_PART = (
    "Only subscribers read this: the authority's own minutes record that the board approved "
    "every payment without a vote, and two of the consultants were former board members."
)
SAVED = [
    "This item has been saved to read later from any device.",
    "Access saved items through your user name at the top of the page.",
]


def _story(*, whole: bool) -> bytes:
    words = " ".join(
        f"The inquiry heard from witness {i} about the ferry accounts and the harbour budget."
        for i in range(12)
    )
    rest = (
        f"<p>{LOCKED_PART}</p><h2>What the minutes show</h2><p>{words}</p>"
        if whole
        else '<div class="paywall"><p>Subscribe to read the rest of this story.</p></div>'
    )
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{TITLE} | The Harbour Herald</title>
<meta property="og:site_name" content="The Harbour Herald">
</head><body>
<nav><a href="/">Home</a> <a href="/subscribe">Subscribe</a></nav>
<main><article><h1>{TITLE}</h1><p class="byline">By Ana Reporter</p>
<p>{OPEN_PART}</p>{rest}</article></main>
<footer><p>The Harbour Herald</p></footer></body></html>""".encode()


@dataclass
class PaywalledSite:
    """A news site on 127.0.0.1 that serves its story only with the reader's cookie: 403 and a
    stub to anyone else (Broadsheet's fetcher included). Every request is recorded."""

    base_url: str = ""
    requests: list[tuple[str, bool]] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base_url + path


@pytest.fixture(scope="module")
def paywalled() -> Iterator[PaywalledSite]:
    site = PaywalledSite()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            cookie = self.headers.get("Cookie", "")
            reader = f"{COOKIE[0]}={COOKIE[1]}" in cookie
            site.requests.append((self.path, reader))
            if self.path != "/2026/12/harbour-millions":
                status, body = 404, b"<p>Not here.</p>"
            elif reader:
                status, body = 200, _story(whole=True)
            else:
                status, body = 403, _story(whole=False)
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    site.base_url = f"http://127.0.0.1:{httpd.server_address[1]}"
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield site
    finally:
        httpd.shutdown()
        httpd.server_close()


def _extension_copy(tmp_path: Path) -> Path:
    """extension/ as it ships, but for the one host permission the reader would allow."""
    copy = tmp_path / "extension"
    shutil.copytree(EXTENSION, copy, ignore=shutil.ignore_patterns("tools"))
    manifest = json.loads((copy / "manifest.json").read_text("utf-8"))
    assert "host_permissions" not in manifest  # as shipped: asked for on the options page
    manifest["host_permissions"] = ["http://localhost/*"]
    (copy / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    return copy


def _reader(server: LiveServer) -> tuple[str, str]:
    name = "paying-reader"
    server.cli("user", "create", name, "--password", "a-long-test-password-81", "--quota", "20")
    token = server.cli("token", "create", name, "--label", "browser").stdout.strip()
    assert token.startswith("bs_"), token
    return name, token


@pytest.fixture
def chromium(tmp_path: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    extension = _extension_copy(tmp_path)
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=CHROMIUM,
            headless=True,
            args=[
                *CHROMIUM_ARGS,
                "--headless=new",
                f"--disable-extensions-except={extension}",
                f"--load-extension={extension}",
                "--enable-unsafe-extension-debugging",
            ],
        )
        context.set_default_timeout(15_000)
        try:
            yield context
        finally:
            context.close()


def _service_worker(context: Any) -> Any:
    for worker in context.service_workers:
        if worker.url.endswith("/background.js"):
            return worker
    return context.wait_for_event(
        "serviceworker", predicate=lambda w: w.url.endswith("/background.js")
    )


def _click_toolbar_button(context: Any, extension_id: str, page: Any) -> None:
    """Press the extension's toolbar button on `page`'s tab (Extensions.triggerAction)."""
    cdp = context.browser.new_browser_cdp_session()
    try:
        tabs = cdp.send("Target.getTargets", {"filter": [{"type": "tab"}]})["targetInfos"]
        tab = next(t for t in tabs if t["url"] == page.url)
        cdp.send("Extensions.triggerAction", {"id": extension_id, "targetId": tab["targetId"]})
    finally:
        cdp.detach()


# The tab the reader is on, and what the background last did there.
LAST_RESULT = """async () => {
  const [tab] = await chrome.tabs.query({active: true, lastFocusedWindow: true});
  return {tab: tab.id, result: globalThis.broadsheetLastResult(tab.id),
          badge: await chrome.action.getBadgeText({tabId: tab.id})};
}"""

READ_WITHOUT_CLICK = """async () => {
  const [tab] = await chrome.tabs.query({active: true, lastFocusedWindow: true});
  try {
    await chrome.scripting.executeScript({target: {tabId: tab.id}, func: () => document.title});
    return "read";
  } catch (error) { return String(error); }
}"""


def _outcome(worker: Any, *, timeout: float = 20.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        state: dict[str, Any] = worker.evaluate(LAST_RESULT)
        result = state["result"]
        if result and result["outcome"] != "saving":
            return state
        assert time.monotonic() < deadline, f"no outcome of the save: {state}"
        time.sleep(0.2)


def _ready(server: LiveServer, token: str, item_id: int, *, timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=10) as client:
        while True:
            item = client.get(server.url(f"/api/v1/items/{item_id}")).json()
            if item["status"] != "pending":
                return item
            assert time.monotonic() < deadline, f"item {item_id} still pending\n{server.log()}"
            time.sleep(0.25)


def test_a_paywalled_story_is_saved_whole_from_the_browser(
    chromium: Any, server: LiveServer, paywalled: PaywalledSite
) -> None:
    name, token = _reader(server)
    worker = _service_worker(chromium)
    extension_id = worker.url.split("/")[2]
    # Through "localhost": the one host the extension may reach (see the module's docstring).
    broadsheet = server.base_url.replace("127.0.0.1", "localhost")

    # The extension's own pages log no error (a CSP violation would be one).
    errors: list[str] = []

    def watch(page: Any) -> Any:
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
        return page

    # The options page, as the reader fills it in.
    options = watch(chromium.new_page())
    options.goto(f"chrome-extension://{extension_id}/options.html")
    options.fill("#server", broadsheet + "/")
    options.fill("#token", token)
    options.fill("#tags", "paywalled, Herald")
    options.click("#save")
    status = options.locator("#status")
    connected = f"Connected to {broadsheet} as {name}: Saved (0 of 20 items)."
    expect(status).to_have_text(f"Saved. {connected}")
    options.click("#test")
    expect(status).to_have_text(connected)
    options.close()

    # The reader is logged in to the news site: with the cookie, the whole story.
    chromium.add_cookies([{"name": COOKIE[0], "value": COOKIE[1], "url": paywalled.base_url}])
    page = chromium.new_page()
    story_url = paywalled.url("/2026/12/harbour-millions")
    response = page.goto(story_url)
    assert response is not None and response.status == 200
    assert LOCKED_PART in page.inner_text("article")
    page.bring_to_front()

    # Without the click, the extension cannot read the page.
    assert "Cannot access contents of the page" in worker.evaluate(READ_WITHOUT_CLICK)

    _click_toolbar_button(chromium, extension_id, page)
    state = _outcome(worker)
    result = state["result"]
    assert result["outcome"] == "saved", result
    assert result["lines"] == SAVED
    assert result["whole"] is True
    assert result["link"] == {"href": broadsheet + "/", "text": "View Saved Items"}
    assert state["badge"] == "✓"

    item = _ready(server, token, result["itemId"])
    assert item["status"] == "ready", (item["error_code"], item["error"])
    assert item["url"] == story_url
    assert item["title"] == TITLE
    assert OPEN_PART in item["text"] and LOCKED_PART in item["text"]
    assert "What the minutes show" in item["text"]
    assert "Subscribe to read" not in item["text"]
    assert sorted(item["tags"]) == ["Herald", "paywalled"]
    # No fetch was made: the only request for the story is the reader's, with the cookie.
    story_requests = [r for r in paywalled.requests if r[0] == "/2026/12/harbour-millions"]
    assert story_requests == [("/2026/12/harbour-millions", True)], paywalled.requests
    assert all(reader for _, reader in paywalled.requests), paywalled.requests

    # A second click: the contract's "saved before", with a link to the saved item.
    _click_toolbar_button(chromium, extension_id, page)
    deadline = time.monotonic() + 20
    while True:
        state = _outcome(worker)
        if state["result"]["outcome"] != "saved":
            break
        assert time.monotonic() < deadline, state
        time.sleep(0.2)
    again = state["result"]
    assert again["outcome"] == "already", again
    assert again["lines"] == ["Failed to save", "You have already saved this item."]
    assert again["link"]["href"] == f"{broadsheet}/items/{item['id']}/"
    assert len([r for r in paywalled.requests if r[0] == "/2026/12/harbour-millions"]) == 1

    # The popup's page draws what the background answers: opened as a tab of its own, it is the
    # active tab, which is no web page.
    popup = watch(chromium.new_page())
    popup.goto(f"chrome-extension://{extension_id}/popup.html")
    popup.locator("#result.problem").wait_for()
    assert popup.locator("#result .line").all_inner_texts() == [
        "Failed to save",
        "Only web pages (http and https addresses) can be saved.",
    ]
    assert errors == []
