"""The XSS cases in real Chromium, through the reader view of the real `broadsheet run`.

One live server, one story server and one browser for the whole module. Every case is saved
through the API and processed by the server's own worker; then its reader page is opened and
every element of the story is hovered and focused. A case fails if any script runs (a global
set, a dialog opened, the title changed), if the page tries anything the CSP has to block, or
if the page makes a request anywhere but the app and the story server.

The reader view runs one script of ours (`script-src 'self'`, for highlights and the reading
position), so each story also carries a highlight with a hostile note (drawn by the server as
`<mark>` inside the hostile HTML), the whole story is selected (the script reads its text), and
the page must show that our script ran and that it is the only script in the document. Payloads
may name the app's own origin as `{app}` (a script from there is what 'self' would allow).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.request import Request, urlopen

import pytest

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.hostile.corpus import Case, load, params
from tests.hostile.pages import AFTER, BEFORE, MIDDLE, xss_page
from tests.hostile.servers import ScriptServer, reply
from tests.support.live import LiveServer, live_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "a-long-hostile-password-42"
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
EVENTS = ["mouseover", "mouseenter", "pointerenter", "focus", "animationstart", "toggle"]
# A highlight's note that would run if it were ever pasted into the page as HTML.
HOSTILE_NOTE = '"><img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'


@dataclass
class Reader:
    server: LiveServer
    site: ScriptServer
    context: Any
    items: dict[str, int]


@pytest.fixture(scope="module")
def site() -> Iterator[ScriptServer]:
    server = ScriptServer()
    server.routes["/pixel.png"] = reply(200, [("Content-Type", "image/png")], PIXEL)
    for case in load("xss"):
        page = xss_page(f"XSS case {case.name}", case.get("payload"))
        server.routes[f"/xss/{case.name}"] = reply(200, [("Content-Type", "text/html")], page)
    try:
        yield server
    finally:
        server.close()


def _api(server: LiveServer, token: str, method: str, path: str, body: Any = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = Request(server.url(path), data=data, method=method)
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Content-Type", "application/json")
    with urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


@pytest.fixture(scope="module")
def reader(site: ScriptServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Reader]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium", pytrace=False)
    from playwright.sync_api import sync_playwright

    with live_server(tmp_path_factory.mktemp("hostile-live")) as server:
        # Payloads that aim at the app's own origin name it as {app}.
        for case in load("xss"):
            payload = str(case.get("payload")).replace("{app}", server.base_url)
            page = xss_page(f"XSS case {case.name}", payload)
            site.routes[f"/xss/{case.name}"] = reply(200, [("Content-Type", "text/html")], page)
        server.cli("user", "create", "reader", "--password", PASSWORD, "--quota", "unlimited")
        token = server.cli("token", "create", "reader").stdout.strip().splitlines()[-1]
        items = {}
        for case in load("xss"):
            saved = _api(
                server, token, "POST", "/api/v1/items", {"url": site.url(f"/xss/{case.name}")}
            )
            items[case.name] = int(saved["id"])
        deadline = time.monotonic() + 120
        while True:
            listing = _api(server, token, "GET", "/api/v1/items?state=all&limit=500")
            pending = [i["id"] for i in listing["items"] if i["status"] == "pending"]
            if not pending:
                break
            assert time.monotonic() < deadline, f"still pending: {pending}\n{server.log()[-2000:]}"
            time.sleep(0.25)
        for item_id in items.values():
            body = {"quote": MIDDLE, "note": HOSTILE_NOTE}
            _api(server, token, "POST", f"/api/v1/items/{item_id}/highlights", body)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            context = browser.new_context()
            page = context.new_page()
            page.goto(server.url("/accounts/login/"))
            page.fill("#id_username", "reader")
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(server.url("/"))
            page.close()
            try:
                yield Reader(server, site, context, items)
            finally:
                context.close()
                browser.close()


@pytest.mark.parametrize("case", params("xss"))
def test_no_script_runs_in_the_reader_view(case: Case, reader: Reader, tmp_path: Path) -> None:
    page = reader.context.new_page()
    page.set_default_timeout(10_000)
    requests: list[str] = []
    dialogs: list[str] = []
    csp: list[str] = []
    page.on("request", lambda r: requests.append(r.url))

    def on_dialog(dialog: Any) -> None:
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on(
        "console",
        lambda m: csp.append(m.text) if "Content Security Policy" in m.text else None,
    )
    try:
        response = page.goto(reader.server.url(f"/items/{reader.items[case.name]}/"))
        assert response is not None and response.status == 200
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("load")
        body = page.inner_text(".story-body")
        assert BEFORE in body and AFTER in body, "the story is not shown"
        # Our script ran (the policy lets 'self' run) and is the only script in the document.
        page.wait_for_selector("#reader[data-script='ready']", state="attached")
        scripts = page.evaluate("[...document.scripts].map(e => e.src)")
        assert scripts == [reader.server.url("/static/broadsheet/reader.js")], scripts
        # The highlight is drawn by the server around the middle sentence, its note as text.
        marked = "".join(page.locator(".story-body mark").all_inner_texts())
        assert MIDDLE in marked, f"the highlight is not drawn: {marked!r}"
        assert page.locator(".story-body mark").first.get_attribute("title") == HOSTILE_NOTE
        # The script reads the story's text when the reader selects it.
        page.evaluate(
            "() => window.getSelection().selectAllChildren(document.getElementById('story-body'))"
        )
        page.wait_for_selector("#highlight-bar", state="visible")
        page.evaluate(
            """(events) => {
                for (const el of document.querySelectorAll('.story-body *')) {
                    for (const type of events) el.dispatchEvent(new Event(type));
                    if (el.focus) el.focus();
                }
            }""",
            EVENTS,
        )
        first = page.locator(".story-body p").first
        first.hover()  # one real pointer move over the story, beside the dispatched events
        page.wait_for_load_state("load")
        pwned = page.evaluate("() => [window.__pwned, document.title]")
        assert pwned[0] is None, "a payload set window.__pwned"
        assert "pwned" not in pwned[1], "a payload changed the title"
        assert dialogs == [], f"a payload opened a dialog: {dialogs}"
        assert csp == [], f"the CSP had to block something: {csp}"
        allowed = (reader.server.base_url + "/", reader.site.base_url + "/")
        leaving = [url for url in requests if not url.startswith(allowed)]
        assert leaving == [], f"requests left for elsewhere: {leaving}"
    finally:
        page.close()


def test_the_detectors_see_a_script_that_runs(reader: Reader) -> None:
    """Control: on a page without our CSP, the same payload IS seen, so a pass above means
    something (the checks are not blind)."""
    page = reader.context.new_page()
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    try:
        page.set_content("<p>control</p><script>window.__pwned=1;alert('x')</script>")
        assert page.evaluate("() => window.__pwned") == 1
        assert dialogs == ["x"]
    finally:
        page.close()
