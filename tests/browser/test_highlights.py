"""Highlights and reading position in real Chromium: select words of a story with the mouse,
highlight them with a note, find the <mark> again after a reload; scroll, reload, and be back
where you were. The reader view's one script does it under `script-src 'self'`."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from urllib.request import Request, urlopen

import pytest

from tests.browser.conftest import Session, StorySite, item_id_from

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTE = 'Ask the crews <b>"why"</b>'


def _ready(s: Session, url: str) -> str:
    s.go("/")
    s.save(url)
    s.go("/")
    href = s.page.locator("li[data-item-id] a.item-title").first.get_attribute("href")
    item_id = item_id_from(href)
    s.wait_for_item(item_id, "ready")
    return item_id


def _open(s: Session, item_id: str) -> None:
    s.go(f"/items/{item_id}/")
    s.page.wait_for_selector("#reader[data-script='ready']", state="attached")


def test_select_highlight_with_a_note_and_find_it_again(
    new_session: Callable[..., Session], story_site: StorySite
) -> None:
    s = new_session()
    s.sign_up()
    item = _ready(s, story_site.url("long-read.html"))
    _open(s, item)
    assert s.page.locator("#highlight-bar").is_hidden()
    scripts = s.page.evaluate("[...document.scripts].map(e => new URL(e.src).pathname)")
    assert scripts == ["/static/broadsheet/reader.js"]

    # Select a passage of the third paragraph with the mouse, as a reader does.
    paragraph = s.page.locator("#story-body p", has_text="Paragraph 3 of").first
    paragraph.scroll_into_view_if_needed()
    box = paragraph.bounding_box()
    assert box is not None
    y = box["y"] + 12
    s.page.mouse.move(box["x"] + 2, y)
    s.page.mouse.down()
    s.page.mouse.move(box["x"] + box["width"] * 0.6, y, steps=8)
    s.page.mouse.up()
    selected = s.page.evaluate("window.getSelection().toString()").strip()
    assert selected.startswith("Paragraph 3"), selected
    s.page.wait_for_selector("#highlight-bar", state="visible")
    assert s.page.input_value("#highlight-bar input[name=quote]") == selected
    start = int(s.page.input_value("#highlight-bar input[name=start]"))
    assert start > 0

    s.page.fill("#highlight-note", NOTE)  # focusing the note keeps the bar (and the passage)
    assert s.page.locator("#highlight-bar").is_visible()
    with s.page.expect_navigation():
        s.page.click("#highlight-bar button[type=submit]")
    assert "#hl-" in s.page.url
    hid = s.page.url.rsplit("#hl-", 1)[1]

    def marked() -> str:
        parts = s.page.locator(f"#story-body mark[data-highlight='{hid}']").all_inner_texts()
        return "".join(parts)

    assert marked() == selected
    # The script counted code points of the same text the server anchors in: the story has an
    # emoji in every paragraph before this one, and the server kept the script's offsets.
    token = s.server.cli("token", "create", s.username).stdout.strip().splitlines()[-1]
    request = Request(s.server.url(f"/api/v1/highlights/{hid}"))
    request.add_header("Authorization", f"Bearer {token}")
    with urlopen(request, timeout=30) as answer:
        stored = json.loads(answer.read())
    assert (stored["quote"], stored["start"], stored["note"]) == (selected, start, NOTE)
    assert stored["end"] == start + len(selected)
    s.page.reload()
    s.page.wait_for_selector("#reader[data-script='ready']", state="attached")
    assert marked() == selected
    assert s.page.locator(f"#hl-{hid}").get_attribute("title") == NOTE
    listed = s.page.inner_text("#highlights")
    assert selected in listed and NOTE in listed

    # The list of every highlight has it, with its note and a link back to the mark.
    s.go("/highlights/")
    assert selected in s.page.inner_text("main") and NOTE in s.page.inner_text("main")
    assert s.page.locator(f"a[href='/items/{item}/#hl-{hid}']").count() == 1
    s.shot("highlights-page")


def test_the_reader_comes_back_where_they_were(
    new_session: Callable[..., Session], story_site: StorySite
) -> None:
    s = new_session(width=800, height=500)
    s.sign_up()
    item = _ready(s, story_site.url("long-read.html"))
    _open(s, item)
    assert s.page.evaluate("window.scrollY") == 0
    with s.page.expect_response(lambda r: r.url.endswith(f"/items/{item}/progress/")) as saved:
        s.page.evaluate(
            """() => {
                const body = document.getElementById('story-body');
                const top = body.getBoundingClientRect().top + window.scrollY;
                window.scrollTo(0, top + (body.offsetHeight - window.innerHeight) * 0.4);
            }"""
        )
    assert saved.value.status == 204
    where = s.page.evaluate("window.scrollY")
    assert where > 300

    # A fresh load of the story scrolls back there by itself.
    _open(s, item)
    deadline = time.monotonic() + 10
    while abs(s.page.evaluate("window.scrollY") - where) > 3:
        assert time.monotonic() < deadline, (s.page.evaluate("window.scrollY"), where)
        time.sleep(0.1)
    progress = float(s.page.get_attribute("#reader", "data-progress") or 0)
    assert progress == pytest.approx(0.4, abs=0.01)

    # Another story starts at its top.
    other = _ready(s, story_site.url("dam-1.html"))
    _open(s, other)
    s.page.wait_for_load_state("load")
    assert s.page.evaluate("window.scrollY") == 0
