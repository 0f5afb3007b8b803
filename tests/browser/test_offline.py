"""Installed and offline, in real Chromium: the service worker keeps the unread list and its
stories; offline the reader opens and reads them, archives one, and the archive reaches the
server when the network is back. And Share → Broadsheet (the manifest's share target)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote
from urllib.request import Request, urlopen

import pytest

from tests.browser.conftest import Session, StorySite, item_id_from
from tests.support.live import LiveServer, live_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The live server, with a fetch deadline that a busy machine can meet: this test saves
    several stories before it can go offline, and a failed fetch is not what it is about."""
    with live_server(
        tmp_path_factory.mktemp("live"), extra_env={"BROADSHEET_FETCH_DEADLINE": "30"}
    ) as live:
        yield live


STORIES = {
    "story.html": "Harbour ferry returns after a winter away",
    "long-read.html": "The long read: a winter at the harbour",
    "dam-1.html": "Kestrel Valley dam opens its gates to farmers",
}


def _save_ready(s: Session, url: str) -> str:
    s.save(url)
    s.go("/")
    row = s.page.locator("li[data-item-id]").first  # the newest first
    item_id = item_id_from(row.locator("a.item-title").get_attribute("href"))
    s.wait_for_item(item_id, "ready")
    return item_id


def _archive_from_list(s: Session, item_id: str) -> None:
    """Press the row's Archive (in its actions menu, when the row has one)."""
    row = s.page.locator(f"li[data-item-id='{item_id}']")
    menu = row.locator("summary")
    if menu.count():
        menu.first.click()
    with s.page.expect_navigation():
        row.locator("form[action$='/archive/'] button").click()


def _api(s: Session, token: str, path: str) -> Any:
    request = Request(s.server.url(path))
    request.add_header("Authorization", f"Bearer {token}")
    with urlopen(request, timeout=10) as response:
        return json.load(response)


def _kept_offline(s: Session, stories: int) -> None:
    """Load the list online and wait until the worker says it kept `stories` stories."""
    s.go("/")
    s.page.wait_for_function(
        f"() => document.documentElement.dataset.offline === 'ready'"
        f" && document.documentElement.dataset.offlineStories === '{stories}'",
        timeout=30_000,
    )


def test_read_offline_archive_offline_and_sync_on_reconnect(
    new_session: Callable[..., Session], story_site: StorySite
) -> None:
    s = new_session(width=390, height=844)  # a phone
    s.sign_up()
    ids = {name: _save_ready(s, story_site.url(name)) for name in STORIES}
    _kept_offline(s, len(STORIES))

    # Installable: the manifest is linked and says what an app needs; the worker controls the
    # page, from the site's root.
    manifest = s.page.evaluate(
        """async () => {
            const link = document.querySelector('link[rel=manifest]');
            const r = await fetch(link.href);
            return {type: r.headers.get('content-type'), body: await r.json()};
        }"""
    )
    assert manifest["type"] == "application/manifest+json"
    assert manifest["body"]["display"] == "standalone"
    assert manifest["body"]["share_target"]["action"] == "/share/"
    worker = s.page.evaluate(
        """async () => {
            const reg = await navigator.serviceWorker.ready;
            return [reg.scope, navigator.serviceWorker.controller
                ? navigator.serviceWorker.controller.scriptURL : null];
        }"""
    )
    assert worker == [s.server.url("/"), s.server.url("/sw.js")]

    s.page.context.set_offline(True)
    try:
        # The list, from the device.
        listing = s.go("/")
        assert listing.from_service_worker
        titles = s.page.locator("li[data-item-id] a.item-title").all_inner_texts()
        assert sorted(t.strip() for t in titles) == sorted(STORIES.values())
        s.page.wait_for_selector("#offline-status")
        assert "You are offline" in s.page.inner_text("#offline-status")

        # A story, from the device, with its text (and its images, when stored on our origin).
        s.page.click(f"li[data-item-id='{ids['story.html']}'] a.item-title")
        s.page.wait_for_url(s.server.url(f"/items/{ids['story.html']}/"))
        body = s.page.inner_text("#story-body")
        assert "made its first crossing of the year on Monday morning" in body
        assert "The crew plans an open deck day next month" in body
        ours = s.page.evaluate(
            """(origin) => [...document.querySelectorAll('#story-body img')]
                .filter(img => img.currentSrc.startsWith(origin + '/'))
                .map(img => [img.currentSrc, img.complete && img.naturalWidth > 0])""",
            s.server.base_url,
        )
        for src, shown in ours:
            assert shown, f"{src} is not shown offline"
        s.go(f"/items/{ids['long-read.html']}/")
        assert "The long read: a winter at the harbour" in s.page.inner_text("main")
        # The reader view's report of how far the reader is waits too (a fetch, not a form).
        s.page.wait_for_selector("#reader[data-script='ready']", state="attached")
        answered = s.page.evaluate(
            """async () => {
                const form = document.getElementById('progress-form');
                const data = new FormData(form);
                data.set('progress', '0.5');
                const r = await fetch(form.action, {method: 'POST', body: data});
                return r.status;
            }"""
        )
        assert answered == 202

        # A page that was not kept: the offline page, not the browser's error.
        s.go("/settings/")
        assert "You are offline" in s.page.inner_text("main")

        # Archive one from the list, offline: it leaves the list at once, and waits.
        s.go("/")
        archived = ids["dam-1.html"]
        _archive_from_list(s, archived)
        assert s.page.url == s.server.url("/")
        s.page.wait_for_selector("#offline-status")
        status = s.page.inner_text("#offline-status")
        assert "2 changes made offline will be sent when you are back online." in status
        assert s.page.locator(f"li[data-item-id='{archived}']").count() == 0
        assert s.page.locator("li[data-item-id]").count() == len(STORIES) - 1
    finally:
        s.page.context.set_offline(False)

    # Back online: the next page sends what waited (if the page's `online` event has not
    # already); the server has it, and so has the list.
    token = s.server.cli("token", "create", s.username).stdout.strip().splitlines()[-1]
    s.go("/")
    deadline = time.monotonic() + 20
    while True:
        item = _api(s, token, f"/api/v1/items/{archived}")
        if item["archived"]:
            break
        assert time.monotonic() < deadline, "the archive made offline never reached the server"
        time.sleep(0.25)
    others = [ids["story.html"], ids["long-read.html"]]
    for other in others:
        assert _api(s, token, f"/api/v1/items/{other}")["archived"] is False
    deadline = time.monotonic() + 20
    while _api(s, token, f"/api/v1/items/{ids['long-read.html']}")["progress"] != 0.5:
        assert time.monotonic() < deadline, "the reading progress made offline was not sent"
        time.sleep(0.25)

    # Online, the worker passes the list's forms through: archive another, at once.
    _archive_from_list(s, ids["story.html"])
    assert _api(s, token, f"/api/v1/items/{ids['story.html']}")["archived"] is True
    assert s.page.locator(".messages").inner_text().strip().startswith("Moved to the archive.")
    s.go("/")
    assert s.page.locator(f"li[data-item-id='{archived}']").count() == 0
    assert (
        s.page.evaluate(
            """() => new Promise((resolve) => {
            const open = indexedDB.open('broadsheet-offline', 1);
            open.onsuccess = () => {
                const all = open.result.transaction('queue').objectStore('queue').getAll();
                all.onsuccess = () => resolve(all.result.length);
            };
        })"""
        )
        == 0
    )


def test_archive_offline_is_not_sent_before_reconnecting(
    new_session: Callable[..., Session], story_site: StorySite
) -> None:
    """Offline really is offline: the server does not see the change until the network is
    back (the worker's own requests obey the browser's offline state too)."""
    s = new_session()
    s.sign_up()
    item_id = _save_ready(s, story_site.url("dam-2.html"))
    _kept_offline(s, 1)
    token = s.server.cli("token", "create", s.username).stdout.strip().splitlines()[-1]
    s.page.context.set_offline(True)
    try:
        s.go("/")
        _archive_from_list(s, item_id)
        s.page.wait_for_selector("#offline-status")
        time.sleep(1.0)
        assert _api(s, token, f"/api/v1/items/{item_id}")["archived"] is False
    finally:
        s.page.context.set_offline(False)
    # The `online` event is enough: the list asks the worker to send it, without a reload.
    deadline = time.monotonic() + 20
    while not _api(s, token, f"/api/v1/items/{item_id}")["archived"]:
        assert time.monotonic() < deadline, "not sent after reconnecting"
        time.sleep(0.25)
    s.page.wait_for_function(
        "() => (document.getElementById('offline-status') || {}).textContent"
        " === '1 change made offline went through.'"
    )


def test_share_to_broadsheet(new_session: Callable[..., Session], story_site: StorySite) -> None:
    s = new_session(width=390, height=844)
    s.sign_up()
    story = story_site.url("story.html")
    # What Android's share sheet opens: a navigation the browser starts itself.
    text = quote(f"Read this {story} now")
    s.go(f"/share/?title=Ferry&text={text}", status=201)
    lines = s.lines()
    assert "This item has been saved to read later from any device." in lines
    assert "View Saved Items" in lines
    s.page.click("text=View Saved Items")
    assert s.page.locator("li[data-item-id] a.item-title").count() == 1
    # Shared again: saved before.
    s.go(f"/share/?url={quote(story)}", status=409)
    assert "You have already saved this item." in s.lines()

    # A link on another site to /share/ asks first; the reader's press saves.
    other = story_site.url("long-read.html")
    s.page.goto(story_site.url("dam-1.html"))
    with s.page.expect_navigation():
        s.page.evaluate(
            "(url) => { window.location.href = url; }",
            s.server.url(f"/share/?text={quote(other)}"),
        )
    assert "Save this story?" in s.page.inner_text("main")
    assert s.page.input_value("#id_url") == other
    with s.page.expect_navigation():
        s.page.click("main button[type=submit]:has-text('Save for later')")
    # Back to the list (not to the page that asked), with the contract's message.
    assert s.page.url == s.server.url("/")
    assert s.page.locator(".messages .save-result.saved").count() == 1
    assert s.page.locator("li[data-item-id]").count() == 2
